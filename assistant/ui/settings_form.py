"""Forms generated from pydantic settings models: one editor per field, by its type and
what it declares (see :mod:`assistant.core.setting_fields`); a field that does not apply
to the other fields' values is greyed out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QWidget,
)

from assistant.core.plugin import PluginInfo
from assistant.core.secrets import SCOPE, is_secret
from assistant.core.setting_fields import applies, conditions
from assistant.ui.settings_editors import Editor, build_editor, editor_value

LABEL_WIDTH = 300


def tr(text: str) -> str:
    return QCoreApplication.translate("SettingsForm", text)


def field_label(name: str, field: FieldInfo) -> str:
    """The label of a field: its title, else its name in words (never its description,
    which is a sentence: it is the help under the field)."""
    return field.title or name.replace("_", " ").capitalize()


def _help_line(text: str, parent: QWidget) -> QLabel:
    """The description of a field, wrapped under its editor, in the palette's quieter text."""
    help_line = QLabel(text, parent)
    help_line.setWordWrap(True)
    # The form may give the line the height it needs at its narrowest: the text stays
    # under its field, the spare height below it.
    help_line.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    help_line.setMinimumWidth(LABEL_WIDTH)
    help_line.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    font = help_line.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    help_line.setFont(font)
    return help_line


class SettingsForm(QWidget):
    """Edits one settings model; secrets are read from and returned for the keyring.

    *plugins* are the installed plugins, offered by the fields that choose one.
    """

    def __init__(
        self,
        section: str,
        values: BaseModel,
        parent: QWidget | None = None,
        *,
        plugins: Sequence[PluginInfo] = (),
    ) -> None:
        super().__init__(parent)
        self.section = section
        self.values = values
        self.editors: dict[str, Editor] = {}
        self.rows: dict[str, QWidget] = {}  # each editor with its buttons
        self.labels: dict[str, QLabel] = {}
        self.help: dict[str, QLabel] = {}  # the description, under the field's editor
        self.fallbacks: dict[str, QLabel] = {}  # a stored value that is not offered, said so
        self.forget: dict[str, QCheckBox] = {}  # per secret: forget the stored one
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, field in type(values).model_fields.items():
            self._add_row(layout, name, field, plugins)
        self._watch_dependencies()
        self.update_applicable()

    def _add_row(
        self, layout: QFormLayout, name: str, field: FieldInfo, plugins: Sequence[PluginInfo]
    ) -> None:
        secret = is_secret(name)
        built = build_editor(field, "" if secret else getattr(self.values, name), self, plugins)
        editor = built.editor
        editor.setToolTip(field.description or "")
        label = QLabel(field_label(name, field), self)
        label.setToolTip(field.description or "")
        label.setBuddy(editor)
        self.editors[name], self.rows[name], self.labels[name] = editor, built.row, label
        if secret:
            assert isinstance(editor, QLineEdit)
            editor.setEchoMode(QLineEdit.EchoMode.Password)
            # The key itself is never read back into the window: an empty field keeps the
            # key in the keyring, typing replaces it.
            editor.setPlaceholderText(tr("kept in the keyring; type to replace"))
            forget = QCheckBox(tr("Forget the stored key"), built.row)
            forget.toggled.connect(lambda on, line=editor: line.setEnabled(not on))
            self.forget[name] = forget
            row_layout = built.row.layout()
            assert row_layout is not None
            row_layout.addWidget(forget)
        layout.addRow(label, built.row)
        if field.description:
            self.help[name] = _help_line(field.description, self)
            layout.addRow("", self.help[name])
        if built.fallback:
            self.fallbacks[name] = _help_line(built.fallback, self)
            self.fallbacks[name].setForegroundRole(QPalette.ColorRole.WindowText)
            layout.addRow("", self.fallbacks[name])

    def _watch_dependencies(self) -> None:
        """Check which fields apply whenever a field another depends on changes."""
        watched = {
            other for f in type(self.values).model_fields.values() for other in conditions(f)
        }
        for name in watched & self.editors.keys():
            editor = self.editors[name]
            if isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(self.update_applicable)
            elif isinstance(editor, QCheckBox):
                editor.toggled.connect(self.update_applicable)
            elif isinstance(editor, QLineEdit):
                editor.textChanged.connect(self.update_applicable)
            elif isinstance(editor, QSpinBox | QDoubleSpinBox):
                editor.valueChanged.connect(self.update_applicable)
            elif isinstance(editor, QListWidget):
                editor.itemChanged.connect(self.update_applicable)

    def update_applicable(self) -> None:
        """Grey out the fields that do not apply to what the others hold now."""
        current = self._current()
        for name, field in type(self.values).model_fields.items():
            on = applies(field, current)
            for widget in (self.rows[name], self.labels[name], self.help.get(name)):
                if widget is not None:
                    widget.setEnabled(on)

    def _current(self) -> dict[str, Any]:
        return {
            name: editor_value(editor, getattr(self.values, name))
            for name, editor in self.editors.items()
            if not is_secret(name)
        }

    def focus_field(self, name: str) -> bool:
        """Give *name*'s editor the keyboard focus (for an "open Settings at this field"
        link); False when the form has no such field."""
        editor = self.editors.get(name)
        if editor is None:
            return False
        editor.setFocus()
        return True

    def secret_scope(self, name: str, values: BaseModel) -> str:
        """What the secret *name* belongs to in *values* (e.g. its server's URL), or ""."""
        extra = type(values).model_fields[name].json_schema_extra
        scope_field = extra.get(SCOPE) if isinstance(extra, dict) else None
        return str(getattr(values, str(scope_field), "")) if scope_field else ""

    def result(self) -> tuple[BaseModel, dict[str, str]]:
        """The edited values (validated) and the secrets to put in the keyring ("" for
        one to forget; an untouched secret field keeps what the keyring holds)."""
        data: dict[str, Any] = {}
        secrets: dict[str, str] = {}
        for name, editor in self.editors.items():
            value = editor_value(editor, getattr(self.values, name))
            if is_secret(name):
                if self.forget[name].isChecked():
                    secrets[name] = ""
                elif value:
                    secrets[name] = str(value)
            else:
                data[name] = value
        return type(self.values).model_validate({**self.values.model_dump(), **data}), secrets
