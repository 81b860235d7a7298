"""Settings of the transcribe plugin: which engine and model, which language and script."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.core.secrets import SCOPE

EMBEDDED_MODELS = ("tiny.en", "base")


class TranscribeSettings(BaseModel):
    """Settings → Transcribe."""

    engine: Literal["faster-whisper", "openai-whisper", "server"] = Field(
        "faster-whisper",
        title="Engine",
        description=(
            "faster-whisper is the fastest on this computer; openai-whisper is the reference "
            "implementation (needs torch, about four times slower); server sends the audio to "
            "an OpenAI-compatible /v1/audio/transcriptions endpoint."
        ),
    )
    model: str = Field(
        "tiny.en",
        title="Model",
        description=(
            "'tiny.en' (English, fastest) and 'base' (many languages) come with the app and "
            "work offline; any other Whisper name (small, medium, large-v3, a hub id or a "
            "folder) is downloaded once."
        ),
    )
    language: str = Field(
        "",
        title="Language",
        description="Language of the speech as a code (en, zh, de…); empty: detect it.",
    )
    chinese_script: Literal["simplified", "traditional", "as-written"] = Field(
        "simplified",
        title="Chinese characters",
        description="Write Chinese transcripts in Simplified or Traditional characters.",
    )
    vad_filter: bool = Field(
        True,
        title="Skip silence and noise",
        description="Transcribe only stretches with speech, so silence and music give no words.",
    )
    beam_size: int = Field(
        1,
        title="Beam size",
        ge=1,
        le=10,
        description="1 is fastest; 5 can be slightly more accurate on hard recordings.",
    )
    compute_type: Literal["int8", "float32", "auto"] = Field(
        "int8",
        title="Precision",
        description="faster-whisper's arithmetic: int8 is fastest on a CPU.",
    )
    server_url: str = Field(
        "http://127.0.0.1:8000/v1",
        title="Server URL",
        description="Base URL of the OpenAI-compatible server (engine 'server').",
    )
    server_model: str = Field(
        "whisper-1",
        title="Server model",
        description="Model name the server knows (whisper-1 at OpenAI).",
    )
    server_api_key: str = Field(
        "",
        title="Server API key",
        description="API key for the server (kept in the system keyring, never on disk).",
        json_schema_extra={SCOPE: "server_url"},
    )
