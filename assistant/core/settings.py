"""Typed, versioned settings: one general section and one section per plugin.

The file is JSON in the config folder. Each plugin's section is validated by the pydantic
model its manifest declares; a section that no longer validates falls back to defaults
instead of stopping the app. Secrets never reach the file (see :mod:`assistant.core.secrets`).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from assistant.core.secrets import is_secret
from assistant.core.setting_fields import ACCEPTS, CHOICE_TITLES, CHOICES, PLUGINS

SCHEMA_VERSION = 1

M = TypeVar("M", bound=BaseModel)


class GeneralSettings(BaseModel):
    """Settings of the app itself."""

    default_plugin: str = Field(
        "chat",
        title="Default plugin",
        description="Plugin that answers when nothing else fits",
        json_schema_extra={CHOICES: PLUGINS},
    )
    theme: Literal["system", "light", "dark"] = Field(
        "system",
        title="Theme",
        description="Colour scheme of the window (after a restart)",
        json_schema_extra={
            CHOICE_TITLES: {"system": "As the system", "light": "Light", "dark": "Dark"}
        },
    )
    language: Literal["system", "en", "zh_CN"] = Field(
        "system",
        title="Language",
        description="Language of the window (after a restart)",
        json_schema_extra={
            CHOICE_TITLES: {"system": "As the system", "en": "English", "zh_CN": "简体中文"}
        },
    )
    max_attachment_mb: int = Field(
        512,
        title="Largest attachment (MB)",
        ge=1,
        description="Largest file that can be attached (MB)",
    )
    memory_budget_gb: float = Field(
        8.0, title="Memory for models (GB)", gt=0, description="Memory models may use together (GB)"
    )
    gpu_budget_gb: float = Field(
        0.0,
        title="GPU memory for models (GB)",
        ge=0,
        description="GPU memory models may use together (GB; 0: nine tenths of it)",
    )
    model_idle_minutes: int = Field(
        15,
        title="Unload idle models after (min)",
        ge=1,
        description="Unload a model unused this long (min)",
    )
    # Empty: the first installed plugin that takes that kind of file.
    image_plugin: str = Field(
        "vision",
        title="Plugin for images",
        description="Plugin for attached images",
        json_schema_extra={CHOICES: PLUGINS, ACCEPTS: "image"},
    )
    audio_plugin: str = Field(
        "",
        title="Plugin for audio",
        description="Plugin for attached audio",
        json_schema_extra={CHOICES: PLUGINS, ACCEPTS: "audio"},
    )
    document_plugin: str = Field(
        "rag",
        title="Plugin for documents",
        description="Plugin for attached documents",
        json_schema_extra={CHOICES: PLUGINS, ACCEPTS: "document"},
    )
    microphone: str = Field(
        "",
        title="Microphone",
        description="Microphone for dictation; empty: the system's default",
        json_schema_extra={CHOICES: "microphones"},  # filled in by the window
    )
    dictation_sends: bool = Field(
        False,
        title="Send dictation at once",
        description="Send what you dictate at once instead of putting it in the message box",
    )
    voice_end_silence_s: float = Field(
        0.5,
        title="Voice: end silence (s)",
        ge=0.2,
        le=3.0,
        description="How long a pause in voice mode means you have finished speaking",
    )
    voice_echo_cancellation: bool = Field(
        True,
        title="Voice: echo cancellation",
        description="Take the assistant's own voice out of the microphone, so you can talk "
        "over it; off: take turns (the microphone is closed while it speaks)",
    )
    voice_wake_word: str = Field(
        "",
        title="Voice: wake word",
        description="When set, only what begins with this word is sent (e.g. 'assistant')",
    )
    voice_stop_words: str = Field(
        "stop, cancel",
        title="Voice: stop words",
        description="Saying only one of these (comma-separated) ends the answer",
    )
    disabled_plugins: list[str] = Field(
        default_factory=list,
        title="Plugins turned off",
        description="Plugins that take no requests and load no models",
        json_schema_extra={CHOICES: PLUGINS},
    )


class SettingsStore:
    """Loads, validates and saves settings; thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._raw: dict[str, Any] = self._read()
        self.general = self._validated(GeneralSettings, self._raw.get("general", {}))
        self.problems: list[str] = []

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"schema_version": SCHEMA_VERSION}
        except (OSError, ValueError):
            # An unreadable file must not stop the app; keep it aside for the person.
            self.path.replace(self.path.with_suffix(".broken.json"))
            return {"schema_version": SCHEMA_VERSION}
        return migrate(data) if isinstance(data, dict) else {"schema_version": SCHEMA_VERSION}

    @staticmethod
    def _validated(model: type[M], values: Any) -> M:
        try:
            return model.model_validate(values if isinstance(values, dict) else {})
        except ValidationError:
            return model()

    def section(self, name: str, model: type[M]) -> M:
        """The settings of one plugin, validated; defaults where the file has none."""
        with self._lock:
            values = self._raw.get("plugins", {}).get(name, {})
        return self._validated(model, values)

    def update_section(self, name: str, values: BaseModel) -> None:
        """Replace one plugin's settings and save."""
        with self._lock:
            self._raw.setdefault("plugins", {})[name] = _without_secrets(values)
        self.save()

    def update_general(self, values: GeneralSettings) -> None:
        """Replace the general settings and save."""
        with self._lock:
            self.general = values
            self._raw["general"] = _without_secrets(values)
        self.save()

    def save(self) -> None:
        """Write the file atomically, so a crash never leaves half of it."""
        with self._lock:
            self._raw["schema_version"] = SCHEMA_VERSION
            self._raw["general"] = _without_secrets(self.general)
            text = json.dumps(self._raw, indent=2, sort_keys=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.path)


def _without_secrets(values: BaseModel) -> dict[str, Any]:
    return {k: v for k, v in values.model_dump(mode="json").items() if not is_secret(k)}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring settings written by an older version up to :data:`SCHEMA_VERSION`."""
    version = int(data.get("schema_version", 1))
    # Version 1 is the first; later versions add their step here, in order.
    if version > SCHEMA_VERSION:
        return data  # written by a newer app: read what we understand, keep the rest
    data["schema_version"] = SCHEMA_VERSION
    return data
