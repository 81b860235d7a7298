"""Settings generated from the schemas, and the plugin manager, driven through their widgets."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from assistant.ui.dialogs import PluginManager, SettingsDialog
from assistant.ui.settings_form import SettingsForm
from plugins.chat import ChatPlugin


def test_settings_are_saved_and_take_effect_at_once(qtbot, open_window) -> None:
    window = open_window()
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    general = dialog.forms[0].editors
    default = general["default_plugin"]
    assert isinstance(default, QComboBox)
    default.setCurrentIndex(default.findData("help"))
    budget = general["model_idle_minutes"]
    assert isinstance(budget, QSpinBox)
    budget.setValue(3)
    theme = general["theme"]
    assert isinstance(theme, QComboBox)
    theme.setCurrentIndex(theme.findData("dark"))
    dialog.accept()
    assistant = window.assistant
    assert assistant.router.default == "help"
    assert assistant.models.idle_timeout_s == 180
    saved = assistant.paths.settings_file.read_text()
    assert '"theme": "dark"' in saved and '"default_plugin": "help"' in saved


def test_invalid_values_are_refused_with_a_message_and_nothing_is_saved(
    qtbot, open_window, monkeypatch
) -> None:
    window = open_window()
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    warnings: list[str] = []
    monkeypatch.setattr(
        "assistant.ui.dialogs.QMessageBox.warning", lambda *args: warnings.append(args[2])
    )
    size = dialog.forms[0].editors["max_attachment_mb"]
    assert isinstance(size, QSpinBox)
    assert size.minimum() == 1  # the schema's bound
    size.setMinimum(0)  # were a wrong value to get past the editor anyway
    size.setValue(0)
    dialog.accept()
    assert warnings and "max_attachment_mb" in warnings[0]
    assert window.assistant.settings.general.max_attachment_mb == 512


def test_plugin_manager_turns_a_plugin_off_and_on(qtbot, open_window) -> None:
    window = open_window()
    manager = PluginManager(window)
    qtbot.addWidget(manager)
    names = [record.name for record in window.assistant.registry.records()]
    assert manager.table.rowCount() == len(names)
    manager.table.setCurrentCell(names.index("echo"), 0)
    manager._on_toggle_clicked()
    assert "echo" not in [m.name for m in window.assistant.registry.manifests()]
    assert window.assistant.settings.general.disabled_plugins == ["echo"]
    assert manager.table.item(names.index("echo"), 1).text() == "disabled"
    manager._on_toggle_clicked()
    assert "echo" in [m.name for m in window.assistant.registry.manifests()]
    assert window.assistant.settings.general.disabled_plugins == []


def _chat_form(dialog: SettingsDialog) -> SettingsForm:
    return next(form for form in dialog.forms if form.section == "chat")


def test_an_api_key_is_kept_for_its_server_and_can_be_forgotten(
    qtbot, open_window, memory_keyring
) -> None:
    window = open_window(ChatPlugin())
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    chat = _chat_form(dialog)
    url, key = chat.editors["openai_base_url"], chat.editors["openai_api_key"]
    assert isinstance(url, QLineEdit) and isinstance(key, QLineEdit)
    url.setText("https://llm.example/v1/")
    key.setText("sk-typed")
    dialog.accept()
    server = ("assistant", "chat.openai_api_key@https://llm.example/v1")
    assert memory_keyring.passwords == {server: "sk-typed"}
    assert "sk-typed" not in window.assistant.paths.settings_file.read_text()

    again = SettingsDialog(window)
    qtbot.addWidget(again)
    chat = _chat_form(again)
    assert chat.editors["openai_api_key"].text() == ""  # never read back into the window
    again.accept()  # an untouched field keeps the key
    assert memory_keyring.passwords == {server: "sk-typed"}

    forget = SettingsDialog(window)
    qtbot.addWidget(forget)
    chat = _chat_form(forget)
    chat.editors["openai_base_url"].setText("https://elsewhere.example/v1")  # at the same time
    chat.forget["openai_api_key"].setChecked(True)
    assert not chat.editors["openai_api_key"].isEnabled()
    forget.accept()
    assert memory_keyring.passwords == {}
