"""The chat plugin's settings, from which the app builds its settings page."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.core.secrets import SCOPE
from assistant.core.setting_fields import CHOICE_TITLES, CHOICES, ENABLED_WHEN, PATH, PATH_FILTER

LOCAL = {ENABLED_WHEN: {"backend": ["local"]}}  # fields that apply to a model run here
SERVER = {ENABLED_WHEN: {"backend": ["openai"]}}  # fields that apply to a server

DEFAULT_SYSTEM_PROMPT = (
    "You are a helpful assistant running on the user's own computer. "
    "Answer clearly and concisely, in the language the user writes in."
)


class ChatSettings(BaseModel):
    """How the chat plugin talks to a language model."""

    backend: Literal["local", "openai"] = Field(
        "local",
        title="Backend",
        description="Run a model on this computer, or talk to an OpenAI-compatible server.",
        json_schema_extra={
            CHOICE_TITLES: {"local": "On this computer", "openai": "OpenAI-compatible server"}
        },
    )
    local_model: str = Field(
        "",
        title="Local model",
        description=(
            "Empty for the built-in SmolLM2-135M-Instruct; otherwise a Hugging Face model id, "
            "a model folder or a .gguf file."
        ),
        json_schema_extra={
            **LOCAL,
            PATH: "file_or_folder",
            PATH_FILTER: "GGUF models (*.gguf);;All files (*)",
        },
    )
    engine: Literal["auto", "transformers", "llama.cpp"] = Field(
        "auto",
        title="Engine",
        description=(
            "Which engine runs a local GGUF model; auto uses llama.cpp when it is installed "
            "(about 5× faster on a CPU). Other models always run on transformers."
        ),
        json_schema_extra={**LOCAL, CHOICES: "plugins.chat.backend:available_engines"},
    )
    device: Literal["auto", "cpu", "cuda", "mps"] = Field(
        "auto",
        title="Device",
        description="Where the local model runs; auto picks a GPU when there is one.",
        json_schema_extra={**LOCAL, CHOICES: "assistant.core.device:available_devices"},
    )
    openai_base_url: str = Field(
        "http://127.0.0.1:8000/v1",
        title="Server URL",
        description="Base URL of the OpenAI-compatible server.",
        json_schema_extra=SERVER,
    )
    openai_model: str = Field(
        "",
        title="Server model",
        description="Model name the server knows the model by.",
        json_schema_extra=SERVER,
    )
    openai_api_key: str = Field(
        "",
        title="API key",
        description="API key for the server (kept in the system keyring, never on disk).",
        json_schema_extra={**SERVER, SCOPE: "openai_base_url"},  # a key belongs to its server
    )
    system_prompt: str = Field(
        DEFAULT_SYSTEM_PROMPT,
        title="System prompt",
        description="Instructions the model sees before every chat.",
    )
    temperature: float = Field(
        0.7,
        title="Temperature",
        ge=0.0,
        le=2.0,
        description="Higher is more varied, 0 always picks the likeliest word.",
    )
    max_new_tokens: int = Field(
        512, title="Longest answer (tokens)", ge=1, description="Longest answer, in tokens."
    )
    context_window: int = Field(
        0,
        title="Context window (tokens)",
        ge=0,
        description="Tokens the model can see at once; 0 reads it from the model.",
    )
    summarise: bool = Field(
        True,
        title="Summarise older turns",
        description="Fold turns that no longer fit the context window into a running summary.",
    )
