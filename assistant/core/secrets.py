"""API keys and other secrets, kept in the OS keyring and nowhere else.

A settings field whose name ends in ``_key`` is a secret: the settings file never holds
its value, and nothing logs it.
"""

from __future__ import annotations

SERVICE = "assistant"


class SecretStoreError(Exception):
    """The OS keyring could not be used; the message says what to do."""


def is_secret(field_name: str) -> bool:
    """Whether a settings field holds a secret."""
    return field_name.endswith("_key")


def _account(section: str, field_name: str) -> str:
    return f"{section}.{field_name}"


def get_secret(section: str, field_name: str) -> str:
    """The stored secret, or "" when none is stored or no keyring is available."""
    import keyring  # imported here: it costs start-up time and is needed rarely
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, _account(section, field_name)) or ""
    except KeyringError:
        return ""


def set_secret(section: str, field_name: str, value: str) -> None:
    """Store a secret in the OS keyring (an empty value deletes it)."""
    import keyring
    from keyring.errors import KeyringError

    account = _account(section, field_name)
    try:
        if value:
            keyring.set_password(SERVICE, account, value)
        elif keyring.get_password(SERVICE, account) is not None:
            keyring.delete_password(SERVICE, account)
    except KeyringError as exc:
        raise SecretStoreError(
            "No system keyring is available to keep the API key safely. Install and unlock "
            "one (GNOME Keyring, KWallet, macOS Keychain or Windows Credential Manager); "
            "the key was not saved."
        ) from exc
