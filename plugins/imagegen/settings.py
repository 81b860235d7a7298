"""Settings of image generation, and the options of one request (``--steps 25 --seed 7``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.core.secrets import SCOPE
from assistant.core.setting_fields import CHOICE_TITLES, ENABLED_WHEN

SAMPLERS = (
    "Euler a", "Euler", "DDIM", "DPM++ 2M", "DPM++ 2M Karras", "DPM++ 2M SDE",
    "DPM++ 2M SDE Karras", "DPM++ SDE", "DPM2", "DPM2 Karras", "Heun", "LMS", "LMS Karras",
    "UniPC", "LCM", "PNDM",
)  # fmt: skip
Sampler = Literal[
    "Euler a", "Euler", "DDIM", "DPM++ 2M", "DPM++ 2M Karras", "DPM++ 2M SDE",
    "DPM++ 2M SDE Karras", "DPM++ SDE", "DPM2", "DPM2 Karras", "Heun", "LMS", "LMS Karras",
    "UniPC", "LCM", "PNDM",
]  # fmt: skip
ControlKind = Literal["canny", "scribble", "lineart", "shuffle", "mlsd", "tile"]
SIZE = r"^\d{2,4}x\d{2,4}$"
# A few-step model that makes a 512 px picture in 1-4 steps: the only kind a CPU makes in
# minutes rather than half an hour (see README).
DEFAULT_MODEL = "stabilityai/sd-turbo"
Backend = Literal["local", "a1111", "openai"]
BACKEND_TITLES = {
    "local": "On this computer (diffusers)",
    "a1111": "A1111-compatible server (A1111, Forge, SD.Next, sd.cpp)",
    "openai": "OpenAI-compatible images API (OpenAI, LocalAI, sd.cpp)",
}
LOCAL = {ENABLED_WHEN: {"backend": ["local"]}}
SERVER = {ENABLED_WHEN: {"backend": ["a1111", "openai"]}}


class ImageGenSettings(BaseModel):
    """Settings → Image generation."""

    backend: Backend = Field(
        "local",
        title="Backend",
        description="Make pictures on this computer, or on a server with a GPU elsewhere.",
        json_schema_extra={CHOICE_TITLES: BACKEND_TITLES},
    )
    server_url: str = Field(
        "http://127.0.0.1:7860",
        title="Server URL",
        description=(
            "A1111/Forge/SD.Next: e.g. http://127.0.0.1:7860; OpenAI-compatible: its base "
            "URL, e.g. https://api.openai.com/v1."
        ),
        json_schema_extra=SERVER,
    )
    server_model: str = Field(
        "",
        title="Server model",
        description="OpenAI-compatible: the model, e.g. gpt-image-1; A1111: empty for its own.",
        json_schema_extra=SERVER,
    )
    server_api_key: str = Field(
        "",
        title="Server API key",
        description="Kept in the system keyring for this server, never on disk.",
        json_schema_extra={**SERVER, SCOPE: "server_url"},
    )
    model: str = Field(
        DEFAULT_MODEL,
        title="Model",
        description=(
            "Stable Diffusion 1.x/2.x or SDXL: a hub id, a diffusers folder, or one "
            ".safetensors/.ckpt file."
        ),
        json_schema_extra=LOCAL,
    )
    single_file_config: str = Field(
        "",
        title="Config folder for one file",
        description=(
            "For a model in one .safetensors/.ckpt file: a diffusers folder of the same kind "
            "of model (its configs and tokenizer), so that it loads without the hub."
        ),
        json_schema_extra=LOCAL,
    )
    device: Literal["auto", "cpu", "cuda", "mps"] = Field(
        "auto",
        title="Device",
        description="Where the model runs; auto picks a GPU if any.",
        json_schema_extra=LOCAL,
    )
    steps: int = Field(4, title="Steps", ge=1, le=150)
    guidance: float = Field(
        0.0, title="Guidance (CFG)", ge=0.0, le=30.0,
        description="How closely to follow the prompt; 0 for turbo models, 5-8 for others.",
    )  # fmt: skip
    size: str = Field("512x512", title="Size", pattern=SIZE, description="WIDTHxHEIGHT")
    sampler: Sampler = Field("Euler a", title="Sampler")
    negative: str = Field("", title="Negative prompt")
    strength: float = Field(
        0.6, title="Strength", ge=0.0, le=1.0,
        description="How much of a given picture is made anew (img2img and inpainting).",
    )  # fmt: skip
    control_scale: float = Field(1.0, title="ControlNet strength", ge=0.0, le=2.0)
    controlnets: str = Field(
        "",
        title="ControlNet models",
        description=(
            "kind=model pairs, e.g. canny=lllyasviel/control_v11p_sd15_canny, "
            "scribble=/models/scribble; kinds without one use lllyasviel's v1.1 models."
        ),
    )
    lora_folder: str = Field(
        "", title="LoRA folder", description="Where <lora:name:0.8> looks for name.safetensors."
    )
    translate_prompts: bool = Field(
        True,
        title="Translate prompts",
        description="Prompts in other languages go to the chat model for an English version.",
    )
    previews: bool = Field(True, title="Live preview", description="Show the picture forming.")


class ImageOptions(BaseModel):
    """What one picture request may set (``/imagine a fox --steps 25 --seed 7``); what is
    not given, the settings decide."""

    negative: str | None = Field(
        None, title="Negative prompt", description="what the picture should not show",
        json_schema_extra={"aliases": ["negative-prompt", "neg"]},
    )  # fmt: skip
    steps: int | None = Field(None, title="Steps", ge=1, le=150, description="denoising steps")
    guidance: float | None = Field(
        None, title="Guidance", ge=0.0, le=30.0, description="CFG scale",
        json_schema_extra={"aliases": ["cfg"]},
    )  # fmt: skip
    seed: int | None = Field(
        None, title="Seed", ge=0, le=2**32 - 1, description="the same seed makes the same picture"
    )
    size: str | None = Field(None, title="Size", pattern=SIZE, description="WIDTHxHEIGHT")
    sampler: Sampler | None = Field(None, title="Sampler", description="e.g. 'DPM++ 2M Karras'")
    strength: float | None = Field(
        None, title="Strength", ge=0.0, le=1.0, description="how much of a given picture changes"
    )
    control: ControlKind | None = Field(
        None, title="ControlNet", description="follow the given picture's edges, lines, etc."
    )
    control_scale: float | None = Field(
        None, title="ControlNet strength", ge=0.0, le=2.0, description="how closely to follow it"
    )
    batch: int | None = Field(
        None, title="Pictures", ge=1, le=16, description="how many, with seeds seed, seed+1, …",
        json_schema_extra={"aliases": ["n"]},
    )  # fmt: skip
