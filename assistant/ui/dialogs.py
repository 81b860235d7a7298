"""The settings dialog and the plugin manager."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from assistant.core.plugin import ModelSpec, missing_models
from assistant.core.registry import PluginState
from assistant.core.secrets import SecretStoreError, set_secret
from assistant.core.settings import GeneralSettings
from assistant.ui.settings_form import SettingsForm

if TYPE_CHECKING:
    from assistant.ui.main_window import MainWindow

GENERAL = "general"


def tr(text: str) -> str:
    return QCoreApplication.translate("Dialogs", text)


def _scrolling(form: SettingsForm) -> QScrollArea:
    """*form* at its natural height, scrolling when the dialog is shorter."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(form)
    return area


class SettingsDialog(QDialog):
    """One tab for the app and one for each plugin, generated from their settings models."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle(tr("Settings"))
        self.resize(640, 480)
        self.window = window
        self.assistant = window.assistant
        self.tabs = QTabWidget(self)
        plugins = self.assistant.registry.infos()
        general = self.assistant.settings.general
        self.forms = [SettingsForm(GENERAL, general, self, plugins=plugins)]
        self.tabs.addTab(_scrolling(self.forms[0]), tr("General"))
        for manifest in self.assistant.registry.manifests():
            if manifest.settings.model_fields:
                values = self.assistant.settings.section(manifest.name, manifest.settings)
                form = SettingsForm(manifest.name, values, self, plugins=plugins)
                self.forms.append(form)
                self.tabs.addTab(_scrolling(form), manifest.title)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def show_field(self, section: str, field: str = "") -> bool:
        """Show *section*'s tab (a plugin's name, or "general") with *field*'s editor
        focused; False when there is no such tab (a plugin without settings, or off)."""
        for index, form in enumerate(self.forms):
            if form.section == section:
                self.tabs.setCurrentIndex(index)
                if field:
                    form.focus_field(field)
                    area = self.tabs.widget(index)
                    if isinstance(area, QScrollArea) and field in form.editors:
                        area.ensureWidgetVisible(form.editors[field])
                return True
        return False

    def accept(self) -> None:
        settings = self.assistant.settings
        changed: list[str] = []
        try:
            for form in self.forms:
                values, secrets = form.result()
                for name, secret in secrets.items():
                    scopes = {form.secret_scope(name, values)}
                    if not secret:  # forget: also the key of the URL the dialog opened with
                        scopes.add(form.secret_scope(name, form.values))
                    for scope in scopes:
                        set_secret(form.section, name, secret, scope)
                if form.section == GENERAL:
                    assert isinstance(values, GeneralSettings)
                    settings.update_general(values)
                    self.assistant.apply_general()
                    self._turn_plugins_off(values.disabled_plugins)
                elif values != form.values or secrets:
                    settings.update_section(form.section, values)
                    changed.append(form.section)
        except (ValidationError, SecretStoreError, OSError) as exc:
            QMessageBox.warning(self, tr("Settings not saved"), str(exc))
            return
        for name in changed:
            self.window.reload_plugin(name)  # with the new settings, on its own thread
        super().accept()

    def _turn_plugins_off(self, names: list[str]) -> None:
        """Turn the plugins in *names* off (freeing their models) and the others on."""
        registry = self.assistant.registry
        for record in registry.records():
            was_on = record.state is not PluginState.DISABLED
            registry.set_enabled(record.name, record.name not in names)
            if was_on and record.name in names:
                self.window.reload_plugin(record.name)


class PluginManager(QDialog):
    """Every plugin: on or off, loaded or not, memory in use, last error."""

    COLUMNS = ("Plugin", "State", "Memory", "Models", "Last error")
    MODELS = 3

    missing: dict[str, list[ModelSpec]]  # per plugin, the models not on this computer

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle(tr("Plugins"))
        self.resize(820, 360)
        self.window = window
        self.assistant = window.assistant
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels([tr(c) for c in self.COLUMNS])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.toggle = QPushButton(tr("Turn on / off"), self)
        self.toggle.clicked.connect(self._on_toggle_clicked)
        self.unload = QPushButton(tr("Unload models"), self)
        self.unload.clicked.connect(self._on_unload_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.toggle, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.unload, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.close)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        records = self.assistant.registry.records()
        self.table.setRowCount(len(records))
        self.missing = {}
        for row, record in enumerate(records):
            used = self.assistant.models.used_bytes(record.name)
            manifest = record.manifest
            models = ", ".join(m.name for m in manifest.models) if manifest else ""
            if manifest is not None:
                settings = self.assistant.settings.section(record.name, manifest.settings)
                self.missing[record.name] = missing_models(record.plugin, settings)
            missing = self.missing.get(record.name, [])
            if missing:
                models = (
                    (models + "; " if models else "")
                    + tr("missing: ")
                    + ", ".join(_missing_text(spec) for spec in missing)
                )
            cells = (
                manifest.title if manifest else record.name,
                record.state.value,
                f"{used / 1024**2:.0f} MB" if used else "—",
                models,
                record.error,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(record.details or text)
                self.table.setItem(row, column, item)
            if missing:
                self.table.item(row, self.MODELS).setToolTip(
                    tr(
                        "Models marked missing are not on this computer: they download on "
                        "first use when the internet is reachable, or choose their folder in "
                        "Settings."
                    )
                )
        self.table.resizeColumnsToContents()

    def _selected(self) -> str | None:
        row = self.table.currentRow()
        records = self.assistant.registry.records()
        return records[row].name if 0 <= row < len(records) else None

    def _on_toggle_clicked(self) -> None:
        name = self._selected()
        if name is None:
            return
        record = self.assistant.registry.record(name)
        assert record is not None
        enabled = record.state is PluginState.DISABLED
        self.assistant.registry.set_enabled(name, enabled)
        if not enabled:
            self.window.reload_plugin(name)  # frees its models, on its own thread
        general = self.assistant.settings.general
        disabled = (
            set(general.disabled_plugins) - {name} if enabled else {*general.disabled_plugins, name}
        )
        self.assistant.settings.update_general(
            general.model_copy(update={"disabled_plugins": sorted(disabled)})
        )
        self.refresh()

    def _on_unload_clicked(self) -> None:
        name = self._selected()
        if name is not None:
            self.window.reload_plugin(name).signals.finished.connect(self.refresh)


def _missing_text(spec: ModelSpec) -> str:
    size = f", about {spec.approx_mb} MB" if spec.approx_mb else ""
    return f"{spec.name} ({spec.source}{size})"


def open_settings(window: MainWindow, section: str = "", field: str = "") -> None:
    """The settings dialog, on *section*'s tab at *field* when given (an app link)."""
    dialog = SettingsDialog(window)
    if section:
        dialog.show_field(section, field)
    dialog.exec()


def open_plugin_manager(window: MainWindow) -> None:
    PluginManager(window).exec()
