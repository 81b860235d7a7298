"""The OpenAI-compatible server's API key, which lives in the system keyring."""

from __future__ import annotations

import logging

from plugins.chat.settings import ChatSettings

KEYRING_SERVICE = "assistant"
KEYRING_NAME = "chat.openai_api_key"

log = logging.getLogger(__name__)


def openai_api_key(settings: ChatSettings) -> str:
    """The key from *settings* when set there for this session, else from the keyring.

    A machine without a keyring backend (a headless server) simply has no key: many local
    servers need none, and one that does answers 401, which explains itself.
    """
    if settings.openai_api_key:
        return settings.openai_api_key
    import keyring  # imported on first use: it costs start-up time
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, KEYRING_NAME) or ""
    except keyring.errors.KeyringError as exc:  # NoKeyringError is one of these
        log.info("No keyring to read the API key from: %s", exc)
        return ""
