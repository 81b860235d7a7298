"""The OpenAI-compatible server's API key, kept in the system keyring for one server.

A key belongs to one server: sent to another one it leaks. The settings field declares
this (``secret_scope``), so the settings dialog stores what the person types under an
account named after the base URL in the same dialog (``chat.openai_api_key@<base url>``;
see :mod:`assistant.core.secrets`), and keys are only ever read from the account of the
server being talked to. After the base URL changes, the old server's key stays with the
old server, and the new one gets none until the person enters it.
"""

from __future__ import annotations

from assistant.core.secrets import get_secret
from plugins.chat.settings import ChatSettings


def openai_api_key(settings: ChatSettings) -> str:
    """The key from *settings* when set there for this session, else the server's own key.

    A machine without a keyring backend (a headless server) simply has no key: many local
    servers need none, and one that does answers 401, which explains itself.
    """
    return settings.openai_api_key or get_secret(
        "chat", "openai_api_key", scope=settings.openai_base_url
    )
