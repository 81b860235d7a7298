"""What the window does for an app link (a notice's "Settings" or "Choose a folder…").

:func:`follow_app_link` is the one entry point: give it any link a notice button carries;
it returns False for links that are not the app's (plugin links go to
``PluginJobs.follow_link``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from assistant.core.app_links import CHOOSE_FOLDER, GENERAL, AppLink, parse_app_link, save_field
from assistant.core.settings import GeneralSettings

if TYPE_CHECKING:
    from pydantic import BaseModel

    from assistant.ui.main_window import MainWindow


def tr(text: str) -> str:
    return QCoreApplication.translate("AppLinks", text)


def follow_app_link(window: MainWindow, link: str) -> bool:
    """Do what the app link *link* asks (open Settings at a field, or ask for a folder and
    save it to the field, reloading the plugin); False when *link* is not an app link."""
    parsed = parse_app_link(link)
    if parsed is None:
        return False
    if parsed.action == CHOOSE_FOLDER:
        choose_folder(window, parsed)
    else:
        from assistant.ui.dialogs import open_settings

        open_settings(window, parsed.section, parsed.field)
    return True


def follow_notice_action(window: MainWindow, link: str) -> bool:
    """Do what a notice's button *link* says: an app link here, a plugin link
    (``"<plugin>:<target>"``) by that plugin's ``handle_link`` on its thread (its progress
    comes out of ``window.plugin_jobs.progress_reported``); False for a link nobody takes."""
    if follow_app_link(window, link):
        return True
    plugin, colon, target = link.partition(":")
    if not colon or plugin not in window.assistant.registry:
        return False
    window.plugin_jobs.follow_link(plugin, target)
    return True


def choose_folder(window: MainWindow, link: AppLink) -> str:
    """Ask for a folder for *link*'s field and save it; the folder, or "" when cancelled
    or refused (the person is told why)."""
    model = _settings_model(window, link.section)
    if model is None:
        QMessageBox.warning(window, tr("Folder not saved"), tr("That plugin is not installed."))
        return ""
    folder = QFileDialog.getExistingDirectory(window, tr("Choose the model's folder"))
    if not folder:
        return ""
    try:
        save_field(window.assistant.settings, link.section, model, link.field, folder)
    except (KeyError, ValidationError, OSError) as exc:
        QMessageBox.warning(window, tr("Folder not saved"), str(exc))
        return ""
    if link.section == GENERAL:
        window.assistant.apply_general()
    else:
        window.reload_plugin(link.section)  # the next answer loads the model from there
    return folder


def _settings_model(window: MainWindow, section: str) -> type[BaseModel] | None:
    if section == GENERAL:
        return GeneralSettings
    record = window.assistant.registry.record(section)
    manifest = record.manifest if record is not None else None
    return manifest.settings if manifest is not None else None
