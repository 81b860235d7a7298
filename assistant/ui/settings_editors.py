"""The editor of one settings field, chosen by its type and what it declares about itself
(see :mod:`assistant.core.setting_fields`): drop-downs of what is installed, Browse… for
paths, check lists for several plugins, spin boxes bounded as the schema says."""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import annotated_types
from pydantic.fields import FieldInfo
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSpinBox,
    QWidget,
)

from assistant.core.plugin import PluginInfo
from assistant.core.setting_fields import (
    CHOICES,
    PATH_FILTER,
    available_values,
    choice_title,
    chooses_plugin,
    field_extra,
    path_kind,
    plugin_kind,
)

Editor = QCheckBox | QComboBox | QDoubleSpinBox | QSpinBox | QLineEdit | QListWidget

# Choices known only while the app runs (e.g. the microphones), by the name a field gives in
# ``json_schema_extra={"choices": name}``: functions returning (label, value) pairs.
RUNTIME_CHOICES: dict[str, Callable[[], list[tuple[str, Any]]]] = {}


def tr(text: str) -> str:
    return QCoreApplication.translate("SettingsForm", text)  # the same form


@dataclass
class Built:
    """A field's editor, the widget that holds its row, and what the form should say when
    the stored value could not be shown (it fell back to another)."""

    editor: Editor
    row: QWidget
    fallback: str = ""


def build_editor(
    field: FieldInfo, value: Any, parent: QWidget, plugins: Sequence[PluginInfo]
) -> Built:
    """The editor for *field* holding *value*, in a row widget of its own."""
    annotation = field.annotation
    runtime = RUNTIME_CHOICES.get(str(field_extra(field).get(CHOICES, "")))
    if runtime is not None:
        return _plain(_runtime_combo(runtime(), value, parent), parent)
    if chooses_plugin(field) and typing.get_origin(annotation) is list:
        return _plain(_plugin_list(value, parent, plugins), parent)
    if chooses_plugin(field):
        combo, fallback = _plugin_combo(field, value, parent, plugins)
        return _plain(combo, parent, fallback)
    if typing.get_origin(annotation) is typing.Literal:
        combo, fallback = _literal_combo(field, value, parent)
        return _plain(combo, parent, fallback)
    if annotation is bool:
        box = QCheckBox(parent)
        box.setChecked(bool(value))
        return _plain(box, parent)
    if annotation is int:
        spin = QSpinBox(parent)
        low, high = _bounds(field, -(2**31) + 1, 2**31 - 1)
        spin.setRange(int(low), int(high))
        spin.setValue(int(value))
        return _plain(spin, parent)
    if annotation is float:
        double = QDoubleSpinBox(parent)
        double.setRange(*_bounds(field, -1e9, 1e9))
        double.setDecimals(3)
        double.setSingleStep(0.05 if double.maximum() - double.minimum() <= 10 else 1.0)
        double.setValue(float(value))
        return _plain(double, parent)
    line = QLineEdit(parent)
    line.setText(", ".join(map(str, value)) if isinstance(value, list) else str(value or ""))
    kind = path_kind(field)
    return _with_browse(line, kind, field, parent) if kind else _plain(line, parent)


def editor_value(editor: Editor, current: Any) -> Any:
    """What *editor* holds, in the type of the field's *current* value."""
    if isinstance(editor, QComboBox):
        chosen = editor.currentData()
        return current if chosen is None and current is not None else chosen  # none offered
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.value()
    if isinstance(editor, QListWidget):
        items = (editor.item(row) for row in range(editor.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() is CHECKED]
    if isinstance(current, list):
        return [part.strip() for part in editor.text().split(",") if part.strip()]
    return editor.text()


CHECKED = Qt.CheckState.Checked


def _plain(editor: Editor, parent: QWidget, fallback: str = "") -> Built:
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(editor, 1)
    return Built(editor, row, fallback)


def _bounds(field: FieldInfo, low: float, high: float) -> tuple[float, float]:
    """The range the schema allows (``ge``/``gt``/``le``/``lt``), else *low*..*high*."""
    for rule in field.metadata:
        if isinstance(rule, annotated_types.Ge | annotated_types.Gt):
            low = float(rule.ge if isinstance(rule, annotated_types.Ge) else rule.gt)  # type: ignore[arg-type]
        if isinstance(rule, annotated_types.Le | annotated_types.Lt):
            high = float(rule.le if isinstance(rule, annotated_types.Le) else rule.lt)  # type: ignore[arg-type]
    return low, high


def _choose(combo: QComboBox, value: Any, default: Any) -> str:
    """Select *value*; when the drop-down does not offer it, select *default* (or the first
    choice that can be chosen) and return what happened, in words."""
    index = combo.findData(value)
    if index >= 0 and _enabled(combo, index):
        combo.setCurrentIndex(index)
        return ""
    fallback = combo.findData(default)
    if fallback < 0 or not _enabled(combo, fallback):
        fallback = next((i for i in range(combo.count()) if _enabled(combo, i)), 0)
    combo.setCurrentIndex(fallback)
    if value in ("", None) or value == default:
        return ""  # nobody chose it: the default of a plugin that is not installed
    return tr("“{value}” is not available here; {choice} is chosen instead.").format(
        value=value, choice=combo.itemText(fallback)
    )


def _enabled(combo: QComboBox, index: int) -> bool:
    model = combo.model()
    if isinstance(model, QStandardItemModel):
        item = model.item(index)
        return item is not None and item.isEnabled()
    return True


def _runtime_combo(choices: list[tuple[str, Any]], value: Any, parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    for label, choice in choices:
        combo.addItem(label, choice)
    if combo.findData(value) < 0:  # e.g. a microphone not plugged in now: kept
        combo.addItem(str(value), value)
    combo.setCurrentIndex(combo.findData(value))
    return combo


def _literal_combo(field: FieldInfo, value: Any, parent: QWidget) -> tuple[QComboBox, str]:
    """One of the type's values; those the field's choice function does not name are
    greyed out, "not available here"."""
    combo = QComboBox(parent)
    offered = available_values(field)
    for choice in typing.get_args(field.annotation):
        usable = offered is None or choice in offered
        title = choice_title(field, choice)
        combo.addItem(title if usable else tr("{0} (not available here)").format(title))
        combo.setItemData(combo.count() - 1, choice)
        if not usable:
            model = combo.model()
            assert isinstance(model, QStandardItemModel)
            model.item(combo.count() - 1).setEnabled(False)
    return combo, _choose(combo, value, field.default)


def _plugin_combo(
    field: FieldInfo, value: Any, parent: QWidget, plugins: Sequence[PluginInfo]
) -> tuple[QComboBox, str]:
    """One of the plugins that are on (of those that take the field's kind of input); a
    kind field may leave the choice to the app ("Automatic")."""
    combo = QComboBox(parent)
    kind = plugin_kind(field)
    if kind:
        combo.addItem(tr("Automatic"), "")
    for info in plugins:
        manifest = info.manifest
        if info.state == "disabled" or (kind and kind not in manifest.accepts):
            continue
        combo.addItem(manifest.title, manifest.name)
    return combo, _choose(combo, value, field.default)


def _plugin_list(value: Any, parent: QWidget, plugins: Sequence[PluginInfo]) -> QListWidget:
    """A check box per installed plugin; the checked ones are the value."""
    chosen = set(value or ())
    listing = QListWidget(parent)
    for info in plugins:
        item = QListWidgetItem(info.manifest.title, listing)
        item.setData(Qt.ItemDataRole.UserRole, info.manifest.name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(CHECKED if info.manifest.name in chosen else Qt.CheckState.Unchecked)
    rows = max(listing.count(), 1)
    listing.setFixedHeight(listing.sizeHintForRow(0) * rows + 2 * listing.frameWidth() + 2)
    return listing


def _with_browse(line: QLineEdit, kind: str, field: FieldInfo, parent: QWidget) -> Built:
    """*line* with a Browse… button that fills it with a chosen file or folder."""
    built = _plain(line, parent)
    browse = QPushButton(tr("Browse…"), built.row)
    browse.setObjectName("browse")
    file_filter = str(field_extra(field).get(PATH_FILTER, ""))

    def pick_file() -> None:
        path, _ = QFileDialog.getOpenFileName(parent, tr("Choose a file"), line.text(), file_filter)
        if path:
            line.setText(path)

    def pick_folder() -> None:
        path = QFileDialog.getExistingDirectory(parent, tr("Choose a folder"), line.text())
        if path:
            line.setText(path)

    if kind == "file":
        browse.clicked.connect(pick_file)
    elif kind == "folder":
        browse.clicked.connect(pick_folder)
    else:
        menu = QMenu(browse)
        menu.addAction(tr("A file…")).triggered.connect(pick_file)
        menu.addAction(tr("A folder…")).triggered.connect(pick_folder)
        browse.setMenu(menu)
    layout = built.row.layout()
    assert layout is not None
    layout.addWidget(browse)
    return built
