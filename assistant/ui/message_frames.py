"""Where a message sits in the conversation's document: an outer frame holding a body frame
and a footer frame, and cursors over the parts of them that get rewritten."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6 import QtGui

if TYPE_CHECKING:
    from PySide6.QtGui import QColor, QTextCursor, QTextDocument, QTextFrame

# Named through QtGui, as in message_view: built after the window's first paint.


@dataclass
class ShownMessage:
    """A message on screen: its frames and, while it streams, its text."""

    message_id: int
    role: str
    frame: QTextFrame
    body: QTextFrame
    footer: QTextFrame
    plugin: str = ""
    reason: str = ""
    segment: str = ""  # text of the current streamed segment
    settled_offset: int = 0  # body offset where the unsettled tail starts
    tail_offset: int = 0  # body offset where the current segment's settled part starts
    text: list[str] = field(default_factory=list)

    def body_length(self) -> int:
        """Characters in the body frame: where text added now starts."""
        return self.body.lastPosition() - self.body.firstPosition()


def insert_frames(
    cursor: QTextCursor,
    message_id: int,
    role: str,
    plugin: str,
    reason: str,
    *,
    background: QColor | None = None,
) -> ShownMessage:
    """Insert a message's frames at *cursor* (full width, on *background* if given)."""
    outer_format = QtGui.QTextFrameFormat()
    outer_format.setPadding(8)
    outer_format.setBottomMargin(10)
    outer_format.setWidth(QtGui.QTextLength(QtGui.QTextLength.Type.PercentageLength, 100))
    if background is not None:
        outer_format.setBackground(background)
    frame = cursor.insertFrame(outer_format)
    inner = QtGui.QTextCursor(frame)
    body = inner.insertFrame(QtGui.QTextFrameFormat())
    inner.setPosition(frame.lastPosition())
    footer = inner.insertFrame(QtGui.QTextFrameFormat())
    return ShownMessage(message_id, role, frame, body, footer, plugin, reason)


def new_block(cursor: QTextCursor) -> None:
    """Start a paragraph of its own unless the cursor already stands in an empty one."""
    if cursor.block().length() > 1:
        cursor.insertBlock()


def at_end(document: QTextDocument) -> QTextCursor:
    """A cursor at the end of *document*."""
    cursor = QtGui.QTextCursor(document)
    cursor.movePosition(QtGui.QTextCursor.MoveOperation.End)
    return cursor


def selecting(document: QTextDocument, start: int, end: int | None = None) -> QTextCursor:
    """A cursor selecting *start* to *end* (to the document's end when None)."""
    cursor = QtGui.QTextCursor(document)
    cursor.setPosition(start)
    if end is None:
        cursor.movePosition(
            QtGui.QTextCursor.MoveOperation.End, QtGui.QTextCursor.MoveMode.KeepAnchor
        )
    else:
        cursor.setPosition(end, QtGui.QTextCursor.MoveMode.KeepAnchor)
    return cursor
