"""Settings: typed sections, atomic saves, broken files survived, secrets kept out."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest
from pydantic import BaseModel

from assistant.core.secrets import get_secret, set_secret
from assistant.core.settings import SettingsStore
from tests.keyrings import MemoryKeyring


class ServerSettings(BaseModel):
    base_url: str = "http://127.0.0.1:8000/v1"
    temperature: float = 0.7
    api_key: str = ""


def test_sections_round_trip_and_secrets_never_reach_the_file(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "settings.json"
    settings = SettingsStore(path)
    settings.update_section("chat", ServerSettings(temperature=0.2, api_key="sk-secret"))
    set_secret("chat", "api_key", "sk-secret")
    assert "sk-secret" not in path.read_text()
    again = SettingsStore(path)
    assert again.section("chat", ServerSettings).temperature == 0.2
    assert get_secret("chat", "api_key") == "sk-secret"
    assert json.loads(path.read_text())["schema_version"] == 1


def test_invalid_section_falls_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"plugins": {"chat": {"temperature": "hot"}}}))
    assert SettingsStore(path).section("chat", ServerSettings) == ServerSettings()


def test_unreadable_file_is_kept_aside_and_defaults_are_used(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    settings = SettingsStore(path)
    assert settings.general.default_plugin == "chat"
    assert (tmp_path / "settings.broken.json").read_text() == "{not json"


def test_no_keyring_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends.fail import Keyring as FailKeyring

    from assistant.core.secrets import SecretStoreError

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        assert get_secret("chat", "api_key") == ""
        with pytest.raises(SecretStoreError, match="keyring"):
            set_secret("chat", "api_key", "sk-1")
    finally:
        keyring.set_keyring(previous)
