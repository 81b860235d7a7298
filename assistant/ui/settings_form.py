"""Forms generated from pydantic settings models: one editor per field, by its type."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from assistant.core.secrets import SCOPE, is_secret

LABEL_WIDTH = 300


def tr(text: str) -> str:
    return QCoreApplication.translate("SettingsForm", text)


Editor = QCheckBox | QComboBox | QDoubleSpinBox | QSpinBox | QLineEdit

# Lists of choices known only while the app runs (e.g. the microphones), by the name a
# field gives in ``json_schema_extra={"choices": name}``: (label, value) pairs.
CHOICES: dict[str, Callable[[], list[tuple[str, Any]]]] = {}


def _choices(field: FieldInfo) -> list[tuple[str, Any]] | None:
    extra = field.json_schema_extra
    name = extra.get("choices") if isinstance(extra, dict) else None
    provider = CHOICES.get(str(name)) if name else None
    return provider() if provider is not None else None


def _editor(field: FieldInfo, value: Any, parent: QWidget, secret: str) -> Editor:
    annotation = field.annotation
    choices = _choices(field)
    if choices is not None:
        combo = QComboBox(parent)
        for label, choice in choices:
            combo.addItem(label, choice)
        if combo.findData(value) < 0:  # e.g. a microphone not plugged in now: kept
            combo.addItem(str(value), value)
        combo.setCurrentIndex(combo.findData(value))
        return combo
    if typing.get_origin(annotation) is typing.Literal:
        combo = QComboBox(parent)
        for choice in typing.get_args(annotation):
            combo.addItem(str(choice), choice)
        combo.setCurrentIndex(max(combo.findData(value), 0))
        return combo
    if annotation is bool:
        box = QCheckBox(parent)
        box.setChecked(bool(value))
        return box
    if annotation is int:
        spin = QSpinBox(parent)
        spin.setRange(-(2**31) + 1, 2**31 - 1)
        spin.setValue(int(value))
        return spin
    if annotation is float:
        double = QDoubleSpinBox(parent)
        double.setRange(-1e9, 1e9)
        double.setDecimals(3)
        double.setValue(float(value))
        return double
    line = QLineEdit(parent)
    if secret:
        line.setEchoMode(QLineEdit.EchoMode.Password)
        # The key itself is never read back into the window: an empty field keeps the key
        # in the keyring, typing replaces it.
        line.setPlaceholderText(tr("kept in the system keyring; type to replace"))
    elif isinstance(value, list):
        line.setText(", ".join(map(str, value)))
    else:
        line.setText("" if value is None else str(value))
    return line


def _value(editor: Editor, current: Any) -> Any:
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.value()
    if isinstance(current, list):
        return [part.strip() for part in editor.text().split(",") if part.strip()]
    return editor.text()


def field_label(name: str, field: FieldInfo) -> str:
    """The label of a field: its title; a schema without titles shows its description,
    else the field's name in words."""
    return field.title or field.description or name.replace("_", " ").capitalize()


def _help_line(text: str, parent: QWidget) -> QLabel:
    """The description of a field, wrapped under its editor, in the palette's quieter text."""
    help_line = QLabel(text, parent)
    help_line.setWordWrap(True)
    help_line.setMinimumWidth(LABEL_WIDTH)
    help_line.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    font = help_line.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    help_line.setFont(font)
    return help_line


class SettingsForm(QWidget):
    """Edits one settings model; secrets are read from and returned for the keyring."""

    def __init__(self, section: str, values: BaseModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.values = values
        self.editors: dict[str, Editor] = {}
        self.labels: dict[str, QLabel] = {}
        self.help: dict[str, QLabel] = {}  # the description under a titled field's editor
        self.forget: dict[str, QCheckBox] = {}  # per secret: forget the stored one
        layout = QFormLayout(self)
        for name, field in type(values).model_fields.items():
            secret = f"{section}.{name}" if is_secret(name) else ""
            editor = _editor(field, getattr(values, name), self, secret)
            editor.setToolTip(field.description or "")
            label = QLabel(field_label(name, field), self)
            label.setToolTip(field.description or "")
            label.setBuddy(editor)
            self.editors[name] = editor
            self.labels[name] = label
            if not secret:
                layout.addRow(label, editor)
            else:
                forget = QCheckBox(tr("Forget the stored key"), self)
                forget.toggled.connect(lambda on, line=editor: line.setEnabled(not on))
                self.forget[name] = forget
                row = QHBoxLayout()
                row.addWidget(editor, 1)
                row.addWidget(forget)
                layout.addRow(label, row)
            if field.title and field.description:
                self.help[name] = _help_line(field.description, self)
                layout.addRow("", self.help[name])

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
            value = _value(editor, getattr(self.values, name))
            if is_secret(name):
                if self.forget[name].isChecked():
                    secrets[name] = ""
                elif value:
                    secrets[name] = str(value)
            else:
                data[name] = value
        return type(self.values).model_validate({**self.values.model_dump(), **data}), secrets
