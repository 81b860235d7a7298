"""Settings of the spoken replies: which engine speaks English, which speaks Chinese."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.core.secrets import SCOPE


class TtsSettings(BaseModel):
    """Settings → Spoken replies."""

    english_engine: Literal["piper", "espeak", "server"] = Field(
        "piper",
        title="English voice",
        description=(
            "piper: a natural offline voice (the piper extra, GPL-3.0); espeak: espeak-ng, "
            "robotic but tiny; server: an OpenAI-compatible /v1/audio/speech server."
        ),
    )
    chinese_engine: Literal["espeak", "server"] = Field(
        "espeak",
        title="Chinese voice",
        description=(
            "Sentences in Chinese: espeak-ng (robotic; no natural Chinese voice works offline "
            "here) or the speech server."
        ),
    )
    piper_model: str = Field(
        "",
        title="Piper voice file",
        description="A piper voice (.onnx, its .onnx.json beside it); empty: the built-in one.",
    )
    espeak_english: str = Field(
        "en-us", title="espeak-ng English voice", description="e.g. en-us, en-gb."
    )
    espeak_chinese: str = Field(
        "cmn", title="espeak-ng Chinese voice", description="cmn (Mandarin) or yue (Cantonese)."
    )
    speed: float = Field(
        1.0, title="Speaking speed", ge=0.5, le=2.0, description="1 is normal, 1.5 is faster."
    )
    server_url: str = Field(
        "http://127.0.0.1:8000/v1",
        title="Speech server URL",
        description="Base URL of an OpenAI-compatible server (OpenAI, speaches, Kokoro-FastAPI).",
    )
    server_model: str = Field("tts-1", title="Server model", description="e.g. tts-1, kokoro.")
    server_voice: str = Field("alloy", title="Server voice", description="e.g. alloy, af_bella.")
    server_api_key: str = Field(
        "",
        title="Speech server API key",
        description="API key for the speech server (kept in the system keyring, never on disk).",
        json_schema_extra={SCOPE: "server_url"},
    )
    threads: int = Field(
        1,
        title="Threads",
        ge=1,
        le=16,
        description="CPU threads piper uses (one leaves the others to the chat model).",
    )
