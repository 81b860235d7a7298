"""What settings fields declare about themselves, the defaults that name plugins, and a
default plugin that is not installed."""

from __future__ import annotations

import tomllib
from importlib.util import find_spec
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from assistant.core.bootstrap import open_assistant
from assistant.core.cancel import CancelToken
from assistant.core.device import available_devices
from assistant.core.messages import Notice, TextDelta
from assistant.core.paths import default_paths
from assistant.core.registry import PluginRegistry
from assistant.core.setting_fields import (
    CHOICES,
    ENABLED_WHEN,
    applies,
    available_values,
    chooses_plugin,
    plugin_kind,
    settings_path,
)
from assistant.core.settings import GeneralSettings
from plugins.chat.backend import available_engines
from plugins.help import HelpPlugin
from plugins.vision.hub import missing_message
from plugins.vision.missing import ROLES
from plugins.vision.settings import VisionSettings
from tests.fakes import EchoPlugin

ROOT = Path(__file__).resolve().parents[2]


class Sample(BaseModel):
    mode: Literal["here", "there"] = "here"
    url: str = Field("", title="Server URL", json_schema_extra={ENABLED_WHEN: {"mode": ["there"]}})
    key: str = Field("", json_schema_extra={ENABLED_WHEN: {"url": True, "mode": ["there"]}})
    local: str = Field("", json_schema_extra={ENABLED_WHEN: {"url": False}})
    device: Literal["auto", "cpu", "cuda", "mps"] = Field(
        "auto", json_schema_extra={CHOICES: "assistant.core.device:available_devices"}
    )


def test_a_field_applies_only_while_what_it_depends_on_holds() -> None:
    fields = Sample.model_fields
    assert not applies(fields["url"], {"mode": "here"})
    assert applies(fields["url"], {"mode": "there"})
    assert not applies(fields["key"], {"mode": "there", "url": "   "})  # blank is not set
    assert applies(fields["key"], {"mode": "there", "url": "http://h"})
    assert not applies(fields["key"], {"mode": "here", "url": "http://h"})  # every condition
    assert applies(fields["local"], {"url": ""}) and not applies(fields["local"], {"url": "x"})
    assert applies(fields["mode"], {})  # depends on nothing


def test_choice_functions_name_what_this_computer_has() -> None:
    assert available_values(Sample.model_fields["device"]) == available_devices()
    assert available_values(Sample.model_fields["mode"]) is None  # every value is offered
    assert available_devices()[:2] == ["auto", "cpu"]
    engines = available_engines()
    assert engines[0] == "auto"
    for engine, package in (("transformers", "transformers"), ("llama.cpp", "llama_cpp")):
        assert (engine in engines) is (find_spec(package) is not None)


def test_defaults_name_only_plugins_that_are_installed() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    installed = set(pyproject["project"]["entry-points"]["assistant.plugins"])  # built in
    assert {"chat", "vision", "rag"} <= installed
    for name, field in GeneralSettings.model_fields.items():
        if chooses_plugin(field) and isinstance(field.default, str):
            # "" leaves the choice to the router: the first plugin that takes the file.
            assert field.default in installed or (field.default == "" and plugin_kind(field)), name
    assert GeneralSettings().audio_plugin == ""


def test_a_settings_path_names_the_field_by_its_label() -> None:
    assert settings_path("Here", Sample, "url") == "Settings → Here → Server URL"
    assert settings_path("Here", Sample, "local") == "Settings → Here → Local"
    with pytest.raises(KeyError):
        settings_path("Here", Sample, "nope")
    for role in ROLES.values():
        message = missing_message("Detection", "owner/model", role.field)
        label = VisionSettings.model_fields[role.field].title
        assert f"Settings → Vision → {label}." in message


def test_a_default_plugin_that_is_not_installed_is_replaced_and_said_once() -> None:
    core = open_assistant(default_paths(), PluginRegistry([HelpPlugin(), EchoPlugin()]))
    try:
        core.settings.update_general(GeneralSettings(default_plugin="banana"))
        core.apply_general()
        conversation = core.store.create_conversation()
        said = []
        for text in ("hello", "again"):
            turn = core.prepare(conversation, text)
            chunks = list(core.execute(turn, CancelToken()))
            notices = [c for c in chunks if isinstance(c, Notice)]
            said.append([n.text for n in notices])
            links = [a.link for n in notices for a in n.actions]
            assert links == (["app:settings/general/default_plugin"] if text == "hello" else [])
            assert turn.route.plugin == "echo"  # not help, and not a failure
            assert "".join(c.text for c in chunks if isinstance(c, TextDelta)).strip() == text
        assert said[0] == [
            "The default plugin “banana” is not installed, so Echo answered. "
            "Choose another in Settings → General → Default plugin."
        ]
        assert said[1] == []  # once per conversation
        reply = core.store.message(turn.reply_message_id)
        assert reply is not None and "banana" in reply.route_reason
    finally:
        core.store.close()
