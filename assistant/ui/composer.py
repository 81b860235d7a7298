"""Where the person writes: Enter sends, Shift+Enter breaks the line, files wait as chips."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QKeyEvent


def tr(text: str) -> str:
    return QCoreApplication.translate("Composer", text)


IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"})


class FileChips(QWidget):
    """The files waiting to go with the next message: a chip each, with its icon, its name
    and a button that takes it off (icons from the app's own set: no emoji, which a system
    may have no font for)."""

    removed = Signal(int)  # the index of the file taken off

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(4)
        self._row.addStretch(1)
        self.names: list[QToolButton] = []
        self.hide()

    def show_files(self, files: list[Path]) -> None:
        from assistant.ui.icons import icon

        while self._row.count() > 1:  # all but the closing stretch
            item = self._row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
        self.names = []
        for index, path in enumerate(files):
            name = QToolButton(self)
            name.setIcon(icon("image" if path.suffix.lower() in IMAGE_SUFFIXES else "file"))
            name.setText(path.name)
            name.setToolTip(str(path))
            name.setAutoRaise(True)
            name.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            remove = QToolButton(self)
            remove.setIcon(icon("close"))
            remove.setToolTip(tr("Remove {name}").format(name=path.name))
            remove.setAutoRaise(True)
            remove.clicked.connect(lambda _=False, at=index: self.removed.emit(at))
            for widget in (name, remove):
                self._row.insertWidget(self._row.count() - 1, widget)
                widget.show()  # now, not from the event loop: see message_parts.show_now
            self.names.append(name)
        self.setVisible(bool(files))


class _Editor(QPlainTextEdit):
    """A text box where Enter sends and pasted images become attachments."""

    submitted = Signal()
    image_pasted = Signal(QImage)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        Qt = QtCore.Qt  # looked up late: see assistant.ui
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
            return
        super().keyPressEvent(event)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasImage() and not source.hasUrls():
            self.image_pasted.emit(QImage(source.imageData()))
            return
        super().insertFromMimeData(source)


class Composer(QWidget):
    """The text box, its attachments, and the send / stop buttons."""

    send_requested = Signal(str, list)  # text, [Path]
    stop_requested = Signal()
    image_pasted = Signal(QImage)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.files: list[Path] = []
        self.editing_id = 0  # a message being edited and resent, or 0
        self.editing_options = False  # ... with its options in the form
        self.editor = _Editor(self)
        self.editor.setPlaceholderText(
            tr("Ask anything, or drop files and images here  (Enter sends, Shift+Enter: new line)")
        )
        self.editor.setMaximumHeight(96)
        self.editor.submitted.connect(self._on_editor_submitted)
        self.editor.image_pasted.connect(self.image_pasted)
        self.chips = FileChips(self)
        self.chips.removed.connect(self._on_chip_removed)
        self.attach_button = QPushButton(tr("Attach…"), self)
        self.attach_button.clicked.connect(self._on_attach_clicked)
        self.send_button = QPushButton(tr("Send"), self)
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self._on_editor_submitted)
        self.stop_button = QPushButton(tr("Stop"), self)
        self.stop_button.setToolTip(tr("Stop the answer (Esc)"))
        self.stop_button.clicked.connect(self.stop_requested)
        room = self.stop_button.sizePolicy()
        room.setRetainSizeWhenHidden(True)  # the conversation keeps its height as answers
        self.stop_button.setSizePolicy(room)  # start and end (it is not squeezed and redrawn)
        self.stop_button.hide()
        from assistant.ui.options_panel import OptionsPanel

        self.options = OptionsPanel(self)
        self.options_button = QPushButton(tr("Options"), self)
        self.options_button.setCheckable(True)
        self.options_button.setToolTip(tr("The options of the plugin this message goes to"))
        self.options_button.toggled.connect(self.options.setVisible)
        self.options_button.setEnabled(False)
        self.options.available_changed.connect(self._on_options_available_changed)
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self._layout()

    def _layout(self) -> None:
        """The text box across the window and, under it, a row of buttons: what goes with
        the message on the left (the microphone, drawing, voice mode add theirs there), Stop
        and Send on the right, where the eye ends."""
        self._buttons = buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for button in (self.options_button, self.attach_button):
            buttons.addWidget(button)
        self._tools = buttons.count()  # where the next added button goes
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.send_button)
        self._column = column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 8)
        column.setSpacing(6)
        column.addWidget(self.chips)
        column.addWidget(self.options)
        column.addWidget(self.editor)
        column.addLayout(buttons)

    def add_button(self, button: QWidget) -> None:
        """Put one more button after Attach (e.g. the microphone)."""
        self._buttons.insertWidget(self._tools, button)
        self._tools += 1

    def add_row(self, widget: QWidget) -> None:
        """Put a line above the text box (e.g. the microphone's level)."""
        self._column.insertWidget(self._column.indexOf(self.editor), widget)

    def insert_text(self, text: str) -> None:
        """Add *text* where the cursor is (dictated words), with a space before it if needed."""
        cursor = self.editor.textCursor()
        before = self.editor.toPlainText()[: cursor.position()]
        cursor.insertText((" " if before and not before[-1].isspace() else "") + text)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    def add_files(self, paths: list[Path]) -> None:
        """Attach files to the next message."""
        self.files.extend(p for p in paths if p not in self.files)
        self._show_chips()
        self._on_editor_text_changed()

    def begin_edit_options(self, message_id: int, text: str, plugin: object, values: dict) -> None:
        """Put an earlier question back with its options in the form, to change and resend."""
        self.begin_edit(message_id, text)
        self.editing_options = True
        self.options.show_plugin(plugin, values)  # type: ignore[arg-type]
        self.options_button.setChecked(True)
        self.options.show()

    def _on_editor_text_changed(self) -> None:
        if not self.editing_id:  # an edit keeps the form of the question it edits
            self.options.follow(self.editor.toPlainText(), self.files)

    def _on_options_available_changed(self, plugin: str) -> None:
        self.options_button.setEnabled(bool(plugin))
        if not plugin:
            self.options_button.setChecked(False)

    def set_busy(self, busy: bool) -> None:
        """Swap Send for Stop while an answer is being written."""
        self.stop_button.setVisible(busy)

    def begin_edit(self, message_id: int, text: str) -> None:
        """Put an earlier question back in the box to change and resend it."""
        self.editing_id = message_id
        self.editor.setPlainText(text)
        self.editor.setFocus()
        self.send_button.setText(tr("Resend"))

    def cancel_edit(self) -> None:
        self.editing_id = 0
        self.editing_options = False
        self.send_button.setText(tr("Send"))

    def _show_chips(self) -> None:
        self.chips.show_files(self.files)

    def _on_chip_removed(self, index: int) -> None:
        if 0 <= index < len(self.files):
            del self.files[index]
        self._show_chips()

    def _on_attach_clicked(self) -> None:
        names, _ = QtWidgets.QFileDialog.getOpenFileNames(self, tr("Attach files"))
        self.add_files([Path(n) for n in names])

    def take_options(self) -> dict | None:
        """The options given for the message being sent; None if they are wrong."""
        return self.options.take() if self.options.plugin else {}

    def _on_editor_submitted(self) -> None:
        text = self.editor.toPlainText().strip()
        if not text and not self.files:
            return
        if self.options.plugin and self.options.form is not None:
            try:
                self.options.form.values()
            except ValueError as exc:  # a wrong option: said in the form, nothing is sent
                self.options.form.show_error(str(exc))
                self.options_button.setChecked(True)
                return
        files = list(self.files)
        self.editor.clear()
        self.files.clear()
        self._show_chips()
        self.send_requested.emit(text, files)
