"""Settings named as notices name them, the plugin manager's missing models, app links."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QLineEdit

from assistant.ui.app_link_actions import follow_app_link
from assistant.ui.dialogs import PluginManager, SettingsDialog
from assistant.ui.settings_form import SettingsForm
from plugins.vision import VisionPlugin
from plugins.vision.settings import VisionSettings


def test_the_settings_form_labels_fields_by_title_with_the_description_as_help(qtbot) -> None:
    form = SettingsForm("vision", VisionSettings())
    qtbot.addWidget(form)
    label = form.labels["detector_model"]
    assert label.text() == "Detector model"  # what a missing-model notice points at
    description = VisionSettings.model_fields["detector_model"].description
    assert form.help["detector_model"].text() == description
    assert form.editors["detector_model"].toolTip() == description
    assert label.buddy() is form.editors["detector_model"]


def test_the_plugin_manager_marks_models_that_are_not_on_this_computer(
    qtbot, open_window, tmp_path: Path
) -> None:
    window = open_window(VisionPlugin())
    here = tmp_path / "blip"
    here.mkdir()
    gone = tmp_path / "no-detr-here"
    settings = VisionSettings(detector_model=str(gone), caption_model=str(here), vqa_model="")
    window.assistant.settings.update_section("vision", settings)
    manager = PluginManager(window)
    qtbot.addWidget(manager)
    row = [r.name for r in window.assistant.registry.records()].index("vision")
    cell = manager.table.item(row, PluginManager.MODELS).text()
    assert f"missing: object detector ({gone}, about 160 MB)" in cell
    assert str(here) not in cell
    echo = [r.name for r in window.assistant.registry.records()].index("echo")
    assert "missing" not in manager.table.item(echo, PluginManager.MODELS).text()


def test_choose_a_folder_saves_it_to_the_field_and_reloads_the_plugin(
    qtbot, open_window, monkeypatch, tmp_path: Path
) -> None:
    window = open_window(VisionPlugin())
    folder = tmp_path / "detr"
    folder.mkdir()
    monkeypatch.setattr(
        "assistant.ui.app_link_actions.QFileDialog.getExistingDirectory",
        lambda *args: str(folder),
    )
    reloaded: list[str] = []
    monkeypatch.setattr(window, "reload_plugin", reloaded.append)
    assert follow_app_link(window, "app:choose-folder/vision/detector_model")
    saved = window.assistant.settings.section("vision", VisionSettings)
    assert saved.detector_model == str(folder)
    assert reloaded == ["vision"]
    assert not follow_app_link(window, "vision:download/detector")  # the plugin's own


def test_settings_open_at_the_field_a_link_names(qtbot, open_window) -> None:
    window = open_window(VisionPlugin())
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.show_field("vision", "vqa_model")
    form = dialog.forms[dialog.tabs.currentIndex()]
    assert form.section == "vision"
    editor = form.editors["vqa_model"]
    assert isinstance(editor, QLineEdit)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    assert not dialog.show_field("no-such-plugin")
