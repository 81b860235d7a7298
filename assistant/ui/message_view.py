"""The conversation: messages as Markdown, streamed answers, inline images, actions.

Each message is a frame in one QTextDocument, with a body frame and a footer frame inside.
A streaming answer only ever touches its own body: settled Markdown is rendered once and
the unsettled tail is redrawn at most once a frame, so long answers and long
conversations stay smooth. Long conversations are shown a page at a time, newest last.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtGui
from PySide6.QtCore import QCoreApplication, QTimer, QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from assistant.ui.markdown import plain_html, settled_length, to_html
from assistant.ui.message_frames import ShownMessage, at_end, insert_frames, new_block, selecting
from assistant.ui.message_html import (
    file_html,
    footer_html,
    image_html,
    notice_html,
    sources_html,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QColor, QImage, QTextCursor

    from assistant.core.messages import Source
    from assistant.core.store import Message
    from assistant.ui.thumbnails import Thumbnailer

# The text classes are named through QtGui, so that their types are built when the first
# message is shown, after the window's first paint (see assistant.ui).

FLUSH_INTERVAL_MS = 16
MAX_IMAGE_WIDTH = 480
PLUGIN_TITLES: dict[str, str] = {}


def tr(text: str) -> str:
    return QCoreApplication.translate("MessageView", text)


class MessageView(QTextBrowser):
    """Shows one conversation and streams answers into it."""

    action_requested = Signal(str, int)  # action ("copy", "regenerate", ...), message id
    earlier_requested = Signal()
    link_requested = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.document().setDocumentMargin(12)
        self._shown: dict[int, ShownMessage] = {}
        self._dirty: set[int] = set()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_INTERVAL_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._has_more = False
        self.thumbnails: Thumbnailer | None = None
        self._pending_keys = 0  # questions shown before they are stored have keys below 0

    def use_thumbnailer(self, thumbnails: Thumbnailer) -> None:
        """Scale pictures with *thumbnails* instead of on the GUI thread."""
        self.thumbnails = thumbnails
        thumbnails.ready.connect(self._on_thumbnail_ready)

    def _on_thumbnail_ready(self, key: str, image: QImage) -> None:
        if not image.isNull():
            self.document().addResource(
                QtGui.QTextDocument.ResourceType.ImageResource, QUrl(key), image
            )
            self.viewport().update()

    # ---- whole conversations ---------------------------------------------------------

    def show_conversation(self, messages: list[Message], has_more: bool) -> None:
        """Replace what is shown with *messages* (oldest first)."""
        self._flush_timer.stop()
        if self.thumbnails is not None:
            self.thumbnails.cancel()
        self._dirty.clear()
        self._shown.clear()
        self.document().clear()
        self._has_more = has_more
        if has_more:
            self._insert_more_link()
        for message in messages:
            self.add_message(message)
        self.scroll_to_end()

    def prepend(self, messages: list[Message], has_more: bool) -> None:
        """Show earlier *messages* above what is shown, keeping the view where it was."""
        bar = self.verticalScrollBar()
        from_bottom = bar.maximum() - bar.value()
        cursor = QtGui.QTextCursor(self.document())
        cursor.movePosition(QtGui.QTextCursor.MoveOperation.Start)
        if self._has_more:  # drop the old "load earlier" line
            cursor.movePosition(
                QtGui.QTextCursor.MoveOperation.NextBlock, QtGui.QTextCursor.MoveMode.KeepAnchor
            )
            cursor.removeSelectedText()
        for message in reversed(messages):
            cursor.movePosition(QtGui.QTextCursor.MoveOperation.Start)
            self._insert(cursor, message)
        self._has_more = has_more
        if has_more:
            self._insert_more_link()
        bar.setValue(bar.maximum() - from_bottom)

    def _insert_more_link(self) -> None:
        cursor = QtGui.QTextCursor(self.document())
        cursor.movePosition(QtGui.QTextCursor.MoveOperation.Start)
        cursor.insertHtml(
            f'<p align="center"><a href="action:earlier/0">{tr("Show earlier messages")}</a></p>'
        )
        cursor.insertBlock()

    def message_ids(self) -> list[int]:
        """Ids of the messages on screen, in order."""
        return sorted(self._shown, key=lambda i: self._shown[i].frame.firstPosition())

    def is_shown(self, message_id: int) -> bool:
        return message_id in self._shown

    # ---- single messages -------------------------------------------------------------

    def add_message(self, message: Message) -> None:
        """Append a stored message at the end."""
        self._insert(at_end(self.document()), message)

    def _insert(self, cursor: QTextCursor, message: Message) -> None:
        shown = self._frames(cursor, message.id, message.role, message.plugin, message.route_reason)
        body = QtGui.QTextCursor(shown.body)
        # Notices (e.g. a file that could not be attached) and pictures come first, as they
        # do while an answer streams; then the text.
        for notice in message.meta.get("notices", []):
            self._insert_notice(body, notice.get("text", ""), notice.get("level", "info"))
        for attachment in message.attachments:
            self._insert_attachment(body, attachment.kind, Path(attachment.path), attachment.name)
        if message.content:
            new_block(body)
            body.insertHtml(self._html(message.content))
        sources = message.meta.get("sources", [])
        if sources:
            from assistant.core.messages import Source

            self._insert_sources(body, [Source(**s) for s in sources])
        self._write_footer(shown, message.status, message.error)

    def _frames(
        self, cursor: QTextCursor, message_id: int, role: str, plugin: str, reason: str
    ) -> ShownMessage:
        background = self._user_background() if role == "user" else None
        shown = insert_frames(cursor, message_id, role, plugin, reason, background=background)
        self._shown[message_id] = shown
        return shown

    def start_reply(self, message_id: int, plugin: str, reason: str) -> None:
        """Open an empty answer at the end, ready to stream into."""
        shown = self._frames(at_end(self.document()), message_id, "assistant", plugin, reason)
        self._write_footer(shown, "streaming", "")
        self.scroll_to_end()

    def append_text(self, message_id: int, text: str) -> None:
        """Add streamed text to an answer; it is drawn at the next frame."""
        shown = self._shown.get(message_id)
        if shown is None:
            return
        shown.segment += text
        shown.text.append(text)
        self._dirty.add(message_id)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def add_image(self, message_id: int, path: Path, caption: str = "") -> None:
        self._add_block(message_id, lambda c: self._insert_attachment(c, "image", path, caption))

    def add_audio(self, message_id: int, path: Path, caption: str = "") -> None:
        self._add_block(message_id, lambda c: self._insert_attachment(c, "audio", path, caption))

    def add_notice(self, message_id: int, text: str, level: str = "info") -> None:
        self._add_block(message_id, lambda c: self._insert_notice(c, text, level))

    def add_sources(self, message_id: int, sources: list[Source]) -> None:
        self._add_block(message_id, lambda c: self._insert_sources(c, sources))

    def finish_reply(self, message_id: int, status: str, error: str = "") -> None:
        """Draw the rest of the answer in full and show its actions."""
        shown = self._shown.get(message_id)
        if shown is None:
            return
        self._flush_one(shown, final=True)
        self._dirty.discard(message_id)
        if error:
            self._add_block(message_id, lambda c: self._insert_notice(c, error, "error"))
        self._write_footer(shown, status, error)

    def remove_from(self, message_id: int) -> None:
        """Remove a message and every one after it from the view."""
        ids = self.message_ids()
        if message_id not in ids:
            return
        first = self._shown[message_id].frame.firstPosition() - 1
        selecting(self.document(), max(first, 0)).removeSelectedText()
        for removed in ids[ids.index(message_id) :]:
            self._shown.pop(removed, None)
            self._dirty.discard(removed)

    def remove_one(self, message_id: int) -> None:
        """Remove one message from the view, leaving the others."""
        shown = self._shown.pop(message_id, None)
        if shown is None:
            return
        self._dirty.discard(message_id)
        frame = shown.frame
        selecting(
            self.document(), frame.firstPosition() - 1, frame.lastPosition() + 1
        ).removeSelectedText()

    def add_pending(self, text: str, names: list[str]) -> int:
        """Show a question at once, before it is stored; returns a key for :meth:`remove_one`."""
        self._pending_keys -= 1
        shown = self._frames(at_end(self.document()), self._pending_keys, "user", "", "")
        body = QtGui.QTextCursor(shown.body)
        body.insertHtml(self._html(text) if text else "")
        for name in names:
            new_block(body)
            body.insertHtml(f"<p>📎 {html.escape(name)}</p>")
        grey = self.palette().color(QtGui.QPalette.ColorRole.PlaceholderText).name()
        footer = QtGui.QTextCursor(shown.footer)
        footer.insertHtml(f'<p style="color:{grey}; font-size:small;">{tr("sending…")}</p>')
        self.scroll_to_end()
        return self._pending_keys

    def restart_reply(self, message_id: int) -> None:
        """Empty an answer still being written, to stream everything it said into it again
        (its stored copy may be a checkpoint behind)."""
        shown = self._shown.get(message_id)
        if shown is None:
            return
        body = shown.body
        selecting(self.document(), body.firstPosition(), body.lastPosition()).removeSelectedText()
        shown.segment, shown.text, shown.tail_offset = "", [], 0
        shown.settled_offset = shown.body_length()
        self._write_footer(shown, "streaming", "")

    def streamed_text(self, message_id: int) -> str:
        shown = self._shown.get(message_id)
        return "".join(shown.text) if shown else ""

    # ---- drawing -----------------------------------------------------------------------

    def _add_block(self, message_id: int, insert: object) -> None:
        shown = self._shown.get(message_id)
        if shown is None:
            return
        self._flush_one(shown, final=True)  # finish the text before what follows it
        cursor = QtGui.QTextCursor(self.document())
        cursor.setPosition(shown.body.lastPosition())
        insert(cursor)  # type: ignore[operator]
        shown.segment = ""
        shown.tail_offset = 0
        shown.settled_offset = shown.body_length()
        self._follow()

    def _flush(self) -> None:
        for message_id in list(self._dirty):
            shown = self._shown.get(message_id)
            if shown is not None:
                self._flush_one(shown, final=False)
        self._dirty.clear()
        self._follow()

    def _flush_one(self, shown: ShownMessage, final: bool) -> None:
        settled = len(shown.segment) if final else settled_length(shown.segment)
        body = shown.body
        start = body.firstPosition() + shown.settled_offset
        cursor = selecting(self.document(), start, body.lastPosition())
        cursor.removeSelectedText()
        new_settled = shown.segment[shown.tail_offset : settled]
        if new_settled.strip():
            cursor.insertHtml(self._html(new_settled))
        shown.tail_offset = max(shown.tail_offset, settled)
        shown.settled_offset = cursor.position() - shown.body.firstPosition()
        tail = shown.segment[shown.tail_offset :]
        if tail:
            cursor.insertHtml(plain_html(tail))

    def _write_footer(self, shown: ShownMessage, status: str, error: str) -> None:
        footer = shown.footer
        cursor = selecting(self.document(), footer.firstPosition(), footer.lastPosition())
        cursor.insertHtml(self._footer_html(shown, status))

    def _footer_html(self, shown: ShownMessage, status: str) -> str:
        grey = self.palette().color(QtGui.QPalette.ColorRole.PlaceholderText).name()
        title = PLUGIN_TITLES.get(shown.plugin, shown.plugin)
        return footer_html(
            shown.message_id, shown.role, title, shown.reason, status=status, grey=grey
        )

    def _html(self, markdown: str) -> str:
        return to_html(markdown, dark=self._dark())

    def _insert_notice(self, cursor: QTextCursor, text: str, level: str) -> None:
        new_block(cursor)
        cursor.insertHtml(notice_html(text, level))

    def _insert_attachment(self, cursor: QTextCursor, kind: str, path: Path, name: str) -> None:
        new_block(cursor)
        if kind != "image":
            cursor.insertHtml(file_html(kind, path, name))
            return
        from assistant.ui.thumbnails import display_size

        size = display_size(path, MAX_IMAGE_WIDTH)
        # Scaled on a worker; the space is kept meanwhile, so nothing jumps.
        if self.thumbnails is not None:
            source = self.thumbnails.request(path, size)
        else:
            source = QUrl.fromLocalFile(str(path)).toString()
        cursor.insertHtml(image_html(path, source, size, name))

    def _insert_sources(self, cursor: QTextCursor, sources: list[Source]) -> None:
        new_block(cursor)
        cursor.insertHtml(sources_html(sources))

    # ---- behaviour ---------------------------------------------------------------------

    def _user_background(self) -> QColor:
        base = self.palette().color(QtGui.QPalette.ColorRole.Base)
        return base.darker(112) if base.lightness() > 128 else base.lighter(140)

    def _dark(self) -> bool:
        return self.palette().color(QtGui.QPalette.ColorRole.Base).lightness() < 128

    def _follow(self) -> None:
        bar = self.verticalScrollBar()
        if bar.maximum() - bar.value() < 80:
            bar.setValue(bar.maximum())

    def scroll_to_message(self, message_id: int) -> None:
        shown = self._shown.get(message_id)
        if shown is not None:
            cursor = QtGui.QTextCursor(self.document())
            cursor.setPosition(shown.frame.firstPosition())
            self.setTextCursor(cursor)
            self.ensureCursorVisible()

    def add_notice_line(self, text: str) -> None:
        """A notice that belongs to no message, e.g. a failure before a reply existed."""
        self._insert_notice(at_end(self.document()), text, "error")
        self.scroll_to_end()

    def scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "action":
            action, _, ident = url.path().partition("/")
            if action == "earlier":
                self.earlier_requested.emit()
            else:
                self.action_requested.emit(action, int(ident or 0))
        else:
            self.link_requested.emit(url)
