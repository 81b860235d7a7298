"""The OpenAI-compatible server's API key, kept in the system keyring for one server.

The settings dialog stores what the person types under ``chat.openai_api_key``, with no
word of the server it is for. A key belongs to one server, though: sent to another one it
leaks. So :func:`bind_entered_key` moves a freshly entered key to an account named after
the base URL in settings at that moment (``chat.openai_api_key@<base url>``), and keys
are only ever read from the account of the server being talked to. After the base URL
changes, the old server's key stays with the old server, and the new one gets none until
the person enters it.
"""

from __future__ import annotations

import logging

from plugins.chat.settings import ChatSettings

KEYRING_SERVICE = "assistant"
KEYRING_NAME = "chat.openai_api_key"  # where the settings dialog writes what was typed

log = logging.getLogger(__name__)


def server_account(base_url: str) -> str:
    """The keyring account that holds the key of the server at *base_url*."""
    return f"{KEYRING_NAME}@{base_url.strip().rstrip('/')}"


def openai_api_key(settings: ChatSettings) -> str:
    """The key from *settings* when set there for this session, else the server's own key.

    A machine without a keyring backend (a headless server) simply has no key: many local
    servers need none, and one that does answers 401, which explains itself.
    """
    if settings.openai_api_key:
        return settings.openai_api_key
    import keyring  # imported on first use: it costs start-up time
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, server_account(settings.openai_base_url)) or ""
    except keyring.errors.KeyringError as exc:  # NoKeyringError is one of these
        log.info("No keyring to read the API key from: %s", exc)
        return ""


def bind_entered_key(base_url: str) -> bool:
    """Move a key the settings dialog stored to the account of the server at *base_url*.

    The dialog saves the key together with the settings, and the plugin loads again right
    after, so the base URL in settings now is the one the key was entered for. A key found
    there is the latest the person typed (the dialog shows the field empty otherwise), so
    it replaces an older key of the same server. Returns whether a key was moved.
    """
    import keyring
    import keyring.errors

    try:
        entered = keyring.get_password(KEYRING_SERVICE, KEYRING_NAME)
    except keyring.errors.KeyringError as exc:  # no keyring here: then no key was entered
        log.info("No keyring to look for an entered API key in: %s", exc)
        return False
    if not entered:
        return False
    try:
        keyring.set_password(KEYRING_SERVICE, server_account(base_url), entered)
        keyring.delete_password(KEYRING_SERVICE, KEYRING_NAME)
    except keyring.errors.KeyringError as exc:
        log.warning("The API key could not be moved to its server's keyring entry: %s", exc)
        return False
    return True
