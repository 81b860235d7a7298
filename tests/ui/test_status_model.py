"""The status bar's chat model label: the model, where it runs, offline or not, no key."""

from __future__ import annotations

from assistant.ui.status_model import ChatModelStatus
from plugins.chat.settings import ChatSettings


def test_it_names_the_local_model_and_says_when_the_app_is_offline(qtbot) -> None:
    label = ChatModelStatus()
    qtbot.addWidget(label)
    label.update_from(ChatSettings(), hub_reachable=False)
    assert label.text().startswith("SmolLM2-135M-Instruct (")
    assert label.text().endswith("on this computer) · offline")
    label.update_from(ChatSettings(), hub_reachable=True)
    assert "offline" not in label.text()


def test_a_server_is_named_by_host_and_its_key_never_shows(qtbot) -> None:
    label = ChatModelStatus()
    qtbot.addWidget(label)
    settings = ChatSettings(
        backend="openai",
        openai_base_url="https://api.openai.com/v1",
        openai_model="gpt-4o-mini",
        openai_api_key="sk-secret",
    )
    label.update_from(settings, hub_reachable=None)
    assert label.text() == "gpt-4o-mini at api.openai.com"
    assert "sk-secret" not in label.text() + label.toolTip()
