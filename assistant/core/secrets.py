"""API keys and other secrets, kept in the OS keyring and nowhere else.

A settings field whose name ends in ``_key`` is a secret: the settings file never holds
its value, and nothing logs it. A secret may belong to what another field of its section
names, e.g. an API key to one server's URL: the field says so with
``Field(json_schema_extra={SCOPE: "openai_base_url"})``, and the secret is kept per value
of that field (``chat.openai_api_key@https://host/v1``), so it is never sent elsewhere.
"""

from __future__ import annotations

SERVICE = "assistant"
SCOPE = "secret_scope"  # json_schema_extra key: the field whose value a secret belongs to


class SecretStoreError(Exception):
    """The OS keyring could not be used; the message says what to do."""


def is_secret(field_name: str) -> bool:
    """Whether a settings field holds a secret."""
    return field_name.endswith("_key")


def account(section: str, field_name: str, scope: str = "") -> str:
    """The keyring account of a secret, for the *scope* (e.g. a server's URL) it belongs to."""
    name = f"{section}.{field_name}"
    scope = scope.strip().rstrip("/")
    return f"{name}@{scope}" if scope else name


def get_secret(section: str, field_name: str, scope: str = "") -> str:
    """The stored secret, or "" when none is stored or no keyring is available."""
    import keyring  # imported here: it costs start-up time and is needed rarely
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, account(section, field_name, scope)) or ""
    except KeyringError:
        return ""


def set_secret(section: str, field_name: str, value: str, scope: str = "") -> None:
    """Store a secret in the OS keyring (an empty value deletes it)."""
    import keyring
    from keyring.errors import KeyringError

    account_name = account(section, field_name, scope)
    try:
        if value:
            keyring.set_password(SERVICE, account_name, value)
        elif keyring.get_password(SERVICE, account_name) is not None:
            keyring.delete_password(SERVICE, account_name)
    except KeyringError as exc:
        raise SecretStoreError(
            "No system keyring is available to keep the API key safely. Install and unlock "
            "one (GNOME Keyring, KWallet, macOS Keychain or Windows Credential Manager); "
            "the key was not saved."
        ) from exc
