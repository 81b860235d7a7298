"""The settings dialog as a person meets it: short labels with help, drop-downs of what is
installed, Browse… for paths, fields greyed out while they do not apply."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget, QPushButton

from assistant.core.settings import GeneralSettings
from assistant.ui.dialogs import SettingsDialog
from assistant.ui.settings_form import SettingsForm
from plugins.chat import ChatPlugin
from plugins.chat.settings import ChatSettings
from plugins.rag import RagPlugin
from plugins.vision import VisionPlugin

REAL_PLUGINS = (ChatPlugin, RagPlugin, VisionPlugin)


@pytest.fixture
def dialog(qtbot, open_window) -> SettingsDialog:
    window = open_window(*(plugin() for plugin in REAL_PLUGINS))
    shown = SettingsDialog(window)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def form_of(dialog: SettingsDialog, section: str) -> SettingsForm:
    return next(form for form in dialog.forms if form.section == section)


def combo_choices(combo: QComboBox) -> list[tuple[object, bool]]:
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    return [(combo.itemData(i), model.item(i).isEnabled()) for i in range(combo.count())]


def test_every_field_has_a_short_label_and_its_description_as_help(dialog) -> None:
    for index, form in enumerate(dialog.forms):
        dialog.tabs.setCurrentIndex(index)
        fields = type(form.values).model_fields
        for name, field in fields.items():
            label = form.labels[name]
            assert field.title and label.text() == field.title, (form.section, name)
            assert len(field.title.split()) <= 5 and not field.title.endswith("."), field.title
            assert field.description, (form.section, name)
            assert form.help[name].text() == field.description
            assert form.editors[name].toolTip() == field.description == label.toolTip()
            assert label.width() >= label.sizeHint().width(), f"{label.text()!r} is cut"


def test_the_default_plugin_is_chosen_among_the_installed_ones(dialog) -> None:
    general = form_of(dialog, "general")
    default = general.editors["default_plugin"]
    assert isinstance(default, QComboBox)
    names = [data for data, _ in combo_choices(default)]
    assert {"chat", "rag", "vision", "echo", "help"} <= set(names)
    assert default.findText("banana") == -1 and not default.isEditable()
    assert default.itemText(default.findData("chat")) == "Chat"  # shown by title
    images = general.editors["image_plugin"]
    assert isinstance(images, QComboBox)
    # Only the plugins that take images, or the first one that does ("Automatic").
    assert [data for data, _ in combo_choices(images)] == ["", "frame", "vision"]
    audio = general.editors["audio_plugin"]
    assert isinstance(audio, QComboBox) and audio.currentData() == ""  # nothing takes audio


def test_a_stored_plugin_that_is_not_installed_falls_back_with_a_message(
    qtbot, open_window
) -> None:
    window = open_window(ChatPlugin())
    window.assistant.settings.update_general(GeneralSettings(default_plugin="banana"))
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    general = form_of(dialog, "general")
    assert general.editors["default_plugin"].currentData() == "chat"  # the field's default
    assert general.fallbacks["default_plugin"].text() == (
        "“banana” is not available here; Chat is chosen instead."
    )
    # Vision, the default for images, is not installed here: nobody chose it, nothing said.
    assert set(general.fallbacks) == {"default_plugin"}
    assert general.editors["image_plugin"].currentData() == ""  # the first that takes images
    dialog.accept()
    assert window.assistant.settings.general.default_plugin == "chat"
    assert window.assistant.router.default == "chat"


def test_engines_and_devices_that_are_not_here_are_greyed_out(
    qtbot, open_window, monkeypatch
) -> None:
    monkeypatch.setattr("plugins.chat.backend.available_engines", lambda: ["auto", "transformers"])
    monkeypatch.setattr("assistant.core.device.available_devices", lambda: ["auto", "cpu"])
    window = open_window(ChatPlugin())
    window.assistant.settings.update_section("chat", ChatSettings(engine="llama.cpp"))
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    chat = form_of(dialog, "chat")
    engine, device = chat.editors["engine"], chat.editors["device"]
    assert isinstance(engine, QComboBox) and isinstance(device, QComboBox)
    assert combo_choices(engine) == [("auto", True), ("transformers", True), ("llama.cpp", False)]
    assert engine.itemText(2) == "llama.cpp (not available here)"
    assert combo_choices(device) == [("auto", True), ("cpu", True), ("cuda", False), ("mps", False)]
    assert engine.currentData() == "auto"
    assert (
        chat.fallbacks["engine"].text()
    ) == "“llama.cpp” is not available here; auto is chosen instead."


def test_server_fields_are_greyed_out_while_the_model_runs_here(dialog) -> None:
    chat = form_of(dialog, "chat")
    backend = chat.editors["backend"]
    assert isinstance(backend, QComboBox) and backend.currentData() == "local"
    assert [backend.itemText(i) for i in range(2)] == [
        "On this computer",
        "OpenAI-compatible server",
    ]
    server = ("openai_base_url", "openai_model", "openai_api_key")
    local = ("local_model", "engine", "device")
    assert not any(chat.rows[n].isEnabled() or chat.labels[n].isEnabled() for n in server)
    assert all(chat.editors[n].isEnabled() for n in local)
    backend.setCurrentIndex(backend.findData("openai"))
    assert all(chat.editors[n].isEnabled() and chat.labels[n].isEnabled() for n in server)
    assert not any(chat.editors[n].isEnabled() for n in local)
    assert chat.forget["openai_api_key"].isEnabled()
    assert chat.editors["temperature"].isEnabled()  # depends on nothing


def test_the_documents_server_fields_apply_once_a_server_is_named(dialog) -> None:
    rag = form_of(dialog, "rag")
    url = rag.editors["embedding_base_url"]
    assert isinstance(url, QLineEdit)
    assert not rag.editors["embedding_model_name"].isEnabled()
    assert rag.editors["embedding_model"].isEnabled()
    url.setText("http://127.0.0.1:11434/v1")
    assert rag.editors["embedding_model_name"].isEnabled()
    assert rag.editors["embedding_api_key"].isEnabled()
    assert not rag.editors["embedding_model"].isEnabled()  # the server embeds instead


def test_dependencies_work_for_any_settings_model(qtbot) -> None:
    from typing import Literal

    from pydantic import Field

    from assistant.core.setting_fields import ENABLED_WHEN

    class Other(BaseModel):
        loud: bool = Field(False, title="Loud", description="Speak up.")
        volume: int = Field(
            3,
            title="Volume",
            description="How loud.",
            json_schema_extra={ENABLED_WHEN: {"loud": True}},
        )
        voice: Literal["a", "b"] = Field(
            "a",
            title="Voice",
            description="Who.",
            json_schema_extra={ENABLED_WHEN: {"loud": [True]}},
        )

    form = SettingsForm("other", Other())
    qtbot.addWidget(form)
    assert not form.editors["volume"].isEnabled() and not form.editors["voice"].isEnabled()
    form.editors["loud"].setChecked(True)
    assert form.editors["volume"].isEnabled() and form.editors["voice"].isEnabled()


def test_browse_fills_a_folder_or_a_file(dialog, monkeypatch, tmp_path: Path) -> None:
    folder, gguf = tmp_path / "detr", tmp_path / "model.gguf"
    monkeypatch.setattr(
        "assistant.ui.settings_editors.QFileDialog.getExistingDirectory", lambda *a: str(folder)
    )
    asked: list[str] = []

    def open_file(parent, caption, start, file_filter):
        asked.append(file_filter)
        return str(gguf), file_filter

    monkeypatch.setattr("assistant.ui.settings_editors.QFileDialog.getOpenFileName", open_file)
    vision = form_of(dialog, "vision")
    browse = vision.rows["detector_model"].findChild(QPushButton, "browse")
    assert browse is not None and browse.text() == "Browse…"
    browse.click()
    assert vision.editors["detector_model"].text() == str(folder)
    assert vision.rows["max_boxes"].findChild(QPushButton, "browse") is None  # not a path

    chat = form_of(dialog, "chat")
    menu = chat.rows["local_model"].findChild(QPushButton, "browse").menu()
    assert [a.text() for a in menu.actions()] == ["A file…", "A folder…"]
    menu.actions()[0].trigger()
    assert chat.editors["local_model"].text() == str(gguf)
    assert "*.gguf" in asked[0]
    menu.actions()[1].trigger()
    assert chat.editors["local_model"].text() == str(folder)


def test_plugins_turned_off_are_checked_in_a_list(dialog) -> None:
    general = form_of(dialog, "general")
    listing = general.editors["disabled_plugins"]
    assert isinstance(listing, QListWidget)
    items = {
        listing.item(i).data(Qt.ItemDataRole.UserRole): listing.item(i)
        for i in range(listing.count())
    }
    assert {"chat", "echo"} <= items.keys()
    items["echo"].setCheckState(Qt.CheckState.Checked)
    dialog.accept()
    assistant = dialog.window.assistant
    assert assistant.settings.general.disabled_plugins == ["echo"]
    assert "echo" not in [m.name for m in assistant.registry.manifests()]
