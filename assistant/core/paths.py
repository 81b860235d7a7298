"""Where the assistant keeps its config, data, models and caches.

One place decides, from platformdirs, and each can be moved by an environment variable
(``ASSISTANT_CONFIG_DIR``, ``ASSISTANT_DATA_DIR``, ``ASSISTANT_MODELS_DIR``,
``ASSISTANT_CACHE_DIR``) — which is also how the tests keep to a temporary folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "assistant"


@dataclass(frozen=True, slots=True)
class Paths:
    """The folders the app writes to."""

    config: Path
    data: Path
    models: Path
    cache: Path

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def database(self) -> Path:
        return self.data / "assistant.sqlite3"

    @property
    def attachments(self) -> Path:
        return self.data / "attachments"

    @property
    def outputs(self) -> Path:
        """Where plugins write the images and audio they make."""
        return self.data / "outputs"

    def plugin_data(self, plugin: str) -> Path:
        return self.data / "plugins" / plugin


def _dir(variable: str, default: str) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser() if value else Path(default)


def default_paths() -> Paths:
    """The folders for this user, honouring the ``ASSISTANT_*_DIR`` overrides."""
    data = _dir("ASSISTANT_DATA_DIR", platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return Paths(
        config=_dir(
            "ASSISTANT_CONFIG_DIR", platformdirs.user_config_dir(APP_NAME, appauthor=False)
        ),
        data=data,
        models=_dir("ASSISTANT_MODELS_DIR", str(data / "models")),
        cache=_dir("ASSISTANT_CACHE_DIR", platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )
