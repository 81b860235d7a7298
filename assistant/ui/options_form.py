"""The Options form next to Send: the per-request options of the plugin a message goes to.

It is generated from the plugin's options model (see :mod:`assistant.core.options`) with
the settings form's editors. Each row has a tick that says the option is given: only
ticked options go with the message; touching an editor ticks its row.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from assistant.core.options import bare_type, flag_of, validate_options
from assistant.ui.settings_editors import Editor, build_editor, editor_value
from assistant.ui.settings_form import field_label

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic.fields import FieldInfo

COLUMNS = 2  # option rows side by side


def tr(text: str) -> str:
    return QCoreApplication.translate("OptionsForm", text)


def _start_value(field: FieldInfo, kind: Any) -> Any:
    """What an editor shows before the option is given: the default, else a sensible value."""
    if field.default is not None and not callable(field.default):
        return field.default
    low = next((getattr(r, "ge", None) for r in field.metadata if hasattr(r, "ge")), None)
    return {int: low or 0, float: low or 0.0, bool: False}.get(kind, "")


def _too_big(field: FieldInfo) -> bool:
    return any((getattr(r, "le", None) or 0) > 2**31 - 1 for r in field.metadata)


def _limit(editor: Editor, field: FieldInfo) -> None:
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        for rule in field.metadata:
            if getattr(rule, "ge", None) is not None:
                editor.setMinimum(rule.ge)
            if getattr(rule, "le", None) is not None:
                editor.setMaximum(rule.le)


class OptionsForm(QWidget):
    """Edits one request's options; :meth:`values` are the ticked ones, checked."""

    changed = Signal()

    def __init__(self, model: type[BaseModel], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.editors: dict[str, Editor] = {}
        self.given: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, (name, field) in enumerate(model.model_fields.items()):
            kind = bare_type(field.annotation)
            bare = copy.copy(field)
            # A number larger than a spin box holds (a 32-bit seed) is typed as text.
            bare.annotation = str if kind is int and _too_big(field) else kind
            built = build_editor(bare, _start_value(field, bare.annotation), self, ())
            editor = built.editor
            _limit(editor, field)
            tip = f"{flag_of(name)}: {field.description or ''}"
            editor.setToolTip(tip)
            tick = QCheckBox(field_label(name, field), self)
            tick.setToolTip(tip)
            tick.toggled.connect(self.changed)
            self._when_edited(editor, tick)
            self.editors[name], self.given[name] = editor, tick
            row, column = divmod(index, COLUMNS)
            grid.addWidget(tick, row, column * 2)
            grid.addWidget(built.row, row, column * 2 + 1)
        self.clear_button = QPushButton(tr("Clear"), self)
        self.clear_button.setToolTip(tr("Give none of these options: the settings decide"))
        self.clear_button.clicked.connect(self.clear)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.hide()
        last = grid.rowCount()
        grid.addWidget(self.error, last, 0, 1, COLUMNS * 2 - 1)
        grid.addWidget(self.clear_button, last, COLUMNS * 2 - 1)

    def _when_edited(self, editor: Editor, tick: QCheckBox) -> None:
        def given() -> None:
            tick.setChecked(True)

        if isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(given)
        elif isinstance(editor, QCheckBox):
            editor.toggled.connect(given)
        elif isinstance(editor, QSpinBox | QDoubleSpinBox):
            editor.valueChanged.connect(given)
        elif isinstance(editor, QLineEdit):
            editor.textEdited.connect(given)

    def set_values(self, values: dict[str, Any]) -> None:
        """Show *values* as given (and every other option as not given)."""
        for name, editor in self.editors.items():
            tick = self.given[name]
            if name in values and values[name] is not None:
                _set(editor, values[name])
            tick.setChecked(name in values and values[name] is not None)

    def clear(self) -> None:
        for tick in self.given.values():
            tick.setChecked(False)
        self.error.hide()

    def values(self) -> dict[str, Any]:
        """The ticked options, checked by the model; raises ``OptionsError``."""
        raw = {
            name: editor_value(editor, None)
            for name, editor in self.editors.items()
            if self.given[name].isChecked()
        }
        return validate_options(raw, self.model)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


def _set(editor: Editor, value: Any) -> None:
    blocked = editor.blockSignals(True)  # the tick is set by set_values
    if isinstance(editor, QComboBox):
        editor.setCurrentIndex(max(editor.findData(value), 0))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value))
    elif isinstance(editor, QDoubleSpinBox):
        editor.setValue(float(value))
    else:
        editor.setText(str(value))
    editor.blockSignals(blocked)
