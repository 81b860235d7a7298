"""The in-app viewer of a cited source: the document's text, scrolled to the passage the
answer cites, the passage highlighted; "Open file" hands the file to the system's viewer.

The document's text comes from a reader the documents plugin offers (the text it indexed,
so that the passage's position is an offset in it); without one, a text file is read as
it is. When the file is gone, unreadable, or no program on the system opens it, the
viewer says so in its status line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from assistant.core.engine import Assistant
    from assistant.core.messages import Source

Reader = Callable[[Path], str]

HIGHLIGHT = QColor(255, 214, 10, 150)  # a marker-pen yellow, legible on light and dark text


def tr(text: str) -> str:
    return QCoreApplication.translate("SourceViewer", text)


def read_plain(path: Path) -> str:
    """The text of a plain-text file: the reader when the documents plugin offers none."""
    return path.read_text(encoding="utf-8-sig", errors="replace")


def passage_span(text: str, source: Source) -> tuple[int, int] | None:
    """Where the source's passage is in *text*: at its recorded position when the text
    there is the passage, else wherever the passage (or its snippet) is found."""
    passage = source.passage.strip()
    if passage:
        at = source.position if source.position is not None else -1
        if at >= 0 and text[at : at + len(passage)] == passage:
            return at, at + len(passage)
        found = text.find(passage)
        if found != -1:
            return found, found + len(passage)
    words = source.snippet.strip("…").split()
    probe = " ".join(words[: min(len(words), 6)])
    found = text.find(probe) if probe else -1
    return (found, found + len(probe)) if found != -1 else None


class SourceViewer(QDialog):
    """A cited passage in its document, highlighted, with "Open file" for the system."""

    def __init__(
        self,
        source: Source,
        reader: Reader | None = None,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self.source = source
        self._open_url = open_url
        where = f", {tr('page')} {source.page}" if source.page else ""
        self.setWindowTitle(
            f"[{source.number}] {source.title}{where}" if source.number else source.title
        )
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(tr("Open file"), self)
        self.open_button.setToolTip(source.path)
        self.open_button.clicked.connect(self._on_open_clicked)
        close = QPushButton(tr("Close"), self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.resize(760, 560)
        self.span: tuple[int, int] | None = None
        self._show(reader or read_plain)

    def _show(self, reader: Reader) -> None:
        path = Path(self.source.path)
        if not self.source.path or not path.exists():
            self.open_button.setEnabled(False)
            self._show_passage_only(tr("The file is no longer at {path}.").format(path=path))
            return
        try:
            text = reader(path)
        except (OSError, ValueError) as exc:
            self._show_passage_only(
                tr("This file cannot be shown here: {reason}").format(reason=exc)
            )
            return
        self.text.setPlainText(text)
        self.span = passage_span(text, self.source)
        if self.span is None:
            self.status.setText(
                tr("The file has changed since it was indexed; the passage is not in it now.")
            )
            return
        self._highlight(*self.span)
        self.status.setText(self.source.section or str(path))

    def _show_passage_only(self, reason: str) -> None:
        """The passage as the index keeps it, when the file itself cannot be shown."""
        self.text.setPlainText(self.source.passage or self.source.snippet)
        self.span = None
        self.status.setText(reason)

    def _highlight(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        mark = QTextEdit.ExtraSelection()
        mark.cursor = cursor  # type: ignore[attr-defined]
        style = QTextCharFormat()
        style.setBackground(HIGHLIGHT)
        mark.format = style  # type: ignore[attr-defined]
        self.text.setExtraSelections([mark])
        # The passage's end first, then its start: the start lands in view, the passage below it.
        place = QTextCursor(self.text.document())
        place.setPosition(end)
        self.text.setTextCursor(place)
        self.text.ensureCursorVisible()
        place.setPosition(start)
        self.text.setTextCursor(place)
        self.text.centerCursor()

    def _on_open_clicked(self) -> None:
        path = Path(self.source.path)
        if not path.exists():
            self.status.setText(tr("The file is no longer at {path}.").format(path=path))
            return
        if not self._open_url(QUrl.fromLocalFile(str(path))):
            self.status.setText(
                tr("No program on this system opens {name}; the file is at {path}.").format(
                    name=path.name, path=path
                )
            )


def document_reader(assistant: Assistant) -> Reader | None:
    """The reader of the plugin that offers one (``document_text(path)``), if any."""
    for record in assistant.registry.records():
        reader = getattr(record.plugin, "document_text", None)
        if callable(reader):
            return reader  # type: ignore[no-any-return]
    return None


def show_source(parent: QWidget, assistant: Assistant, source: Source) -> SourceViewer:
    """Open *source* in a viewer beside the window (it closes itself when done)."""
    viewer = SourceViewer(source, document_reader(assistant), parent)
    viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    viewer.show()
    return viewer
