"""Which chat model answers, in a few words for the status bar: its name and where it runs.

Pure: it reads the settings (and whether llama.cpp is installed), loads nothing, and
never shows an API key or any part of a URL but its host.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from plugins.chat.backend import EMBEDDED_MODEL_TITLE, ChatBackendError, local_engine
from plugins.chat.settings import ChatSettings

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class ChatModelInfo:
    """The chat model in words: *name*, and *where* (an engine on this computer, or a
    server's host)."""

    name: str
    where: str
    local: bool

    def text(self) -> str:
        """ "SmolLM2-135M-Instruct (llama.cpp, on this computer)" or "gpt-4o-mini at host"."""
        return f"{self.name} ({self.where})" if self.local else f"{self.name} at {self.where}"


def describe_chat_model(settings: ChatSettings) -> ChatModelInfo:
    """The model *settings* choose for chatting, named as a person knows it."""
    if settings.backend == "openai":
        name = settings.openai_model.strip() or "the server's model"
        return ChatModelInfo(name, server_host(settings.openai_base_url), local=False)
    try:
        engine = local_engine(settings)
    except ChatBackendError:  # llama.cpp asked for but not installed, or no built-in model
        engine = ""
    where = f"{engine}, on this computer" if engine else "on this computer"
    return ChatModelInfo(model_name(settings.local_model), where, local=True)


def model_name(local_model: str) -> str:
    """The short name of a local model: the built-in one's title, a hub id's name, a
    file's or folder's name."""
    source = local_model.strip()
    if not source:
        return EMBEDDED_MODEL_TITLE
    path = Path(source).expanduser()
    return path.stem if path.suffix.lower() == ".gguf" else path.name or source


def server_host(base_url: str) -> str:
    """The host (and a port that is not the scheme's own) of *base_url*; user names,
    passwords, paths and queries, where keys sometimes hide, are left out."""
    try:
        parts = urlsplit(base_url.strip())
        port = parts.port
    except ValueError:
        return "a server"
    host = parts.hostname or ""
    if not host:
        return "a server"
    if port and port != DEFAULT_PORTS.get(parts.scheme):
        return f"{host}:{port}"
    return host
