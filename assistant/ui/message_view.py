"""The conversation: one widget per message, in a scrolling column, newest last.

Messages are widgets of their own (``message_widget``), so one can never run into another.
A stored message keeps only its room until it comes near the viewport, so a long
conversation opens at once; a streaming answer redraws only its last Markdown block, at
most once a frame. Long conversations are shown a page at a time; scrolling to the top
(or *Show earlier messages*) brings the page before.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtGui
from PySide6.QtCore import QCoreApplication, QRect, QTimer, QUrl, Signal
from PySide6.QtWidgets import QFrame, QPushButton, QScrollArea, QVBoxLayout, QWidget
from shiboken6 import isValid

from assistant.ui.jobs import WINDOW_FIRST, BetweenFrames, one_shot
from assistant.ui.message_parts import PLUGIN_TITLES, ViewSignals, static
from assistant.ui.scroll_bar import ScrollBar

if TYPE_CHECKING:
    from assistant.core.messages import Chunk
    from assistant.core.store import Message
    from assistant.ui.drawing import DrawingQueue
    from assistant.ui.message_widget import MessageWidget

# The messages' widgets (and the core's message types) are imported with the first message
# shown, after the window's first paint (see assistant.ui).

__all__ = ["PLUGIN_TITLES", "MessageView"]

FLUSH_INTERVAL_MS = 16
DRAW_DUE_S = 0.75 * FLUSH_INTERVAL_MS / 1000  # a frame drawn this long ago is due again
WELCOME_STRETCH = 1000  # against the column's closing stretch of 1
PLACED_AT_ONCE = 24  # messages given widgets at once when a page opens or is scrolled to
BUILD_MARGIN_PX = 900  # messages this near the viewport are built before they are seen
FOLLOW_SLACK_PX = 48


def tr(text: str) -> str:
    return QCoreApplication.translate("MessageView", text)


class MessageView(QScrollArea):
    """Shows one conversation and streams answers into it."""

    action_requested = Signal(str, int)  # action ("copy", "regenerate", ...), message id
    earlier_requested = Signal()
    link_requested = Signal(QUrl)
    image_opened = Signal(Path, str)
    version_requested = Signal(int, int)  # message id, -1 for the older version, +1 newer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversation")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setProperty("horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        self._bar = ScrollBar(self)  # painted only when its handle moves
        self.setVerticalScrollBar(self._bar)
        self.signals = ViewSignals(self)
        self.signals.action_requested.connect(self.action_requested)
        self.signals.link_requested.connect(self.link_requested)
        self.signals.image_opened.connect(self.image_opened)
        self.signals.version_requested.connect(self.version_requested)
        self._column_widget = QWidget(self)
        self._column_widget.setObjectName("conversationColumn")
        self._column = QVBoxLayout(self._column_widget)
        self._column.setContentsMargins(18, 12, 18, 12)
        self._column.setSpacing(12)
        self._earlier = QPushButton(tr("Show earlier messages"), self._column_widget)
        self._earlier.setFlat(True)
        self._earlier.clicked.connect(self._on_earlier_clicked)
        self._earlier.hide()
        self._column.addWidget(self._earlier)
        self._column.addStretch(1)
        self.setWidget(self._column_widget)
        self._welcome: QWidget | None = None
        self._held: list[Message] = []  # the page's older messages, not given widgets yet
        self._has_more = False  # the store has messages older than the page
        self._shown: dict[int, MessageWidget] = {}
        self._order: list[int] = []
        self._dirty: set[int] = set()
        self._to_lay_out: list[MessageWidget] = []  # changed, laid out with the next pass
        self._to_show: list[MessageWidget] = []  # placed, shown by the next pass
        self._pending_keys = 0  # questions shown before they are stored have keys below 0
        self._asked: dict[int, list[Chunk]] = {}  # what each of them was shown from
        self._following = True
        self._keeping_up = False  # scrolling to the end because the content grew
        self.drawing: DrawingQueue | None = None
        self._flush_timer = one_shot(self, FLUSH_INTERVAL_MS, self._flush)
        self._flushed_at = 0.0  # time.monotonic() of the last frame drawn
        self._build_timer = one_shot(self, 0, self._build_near_viewport)
        self._to_prepare: list[MessageWidget] = []  # see MessageWidget.prepare_buttons
        self._prepare_soon = BetweenFrames(self, self._prepare_next)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)
        self._style_applied = False

    def _apply_style(self) -> None:
        """The conversation on the palette's base colour; the boxes in it paint themselves
        (no style sheet: Qt would apply one anew to every widget a streaming answer adds)."""
        for widget in (self.viewport(), self._column_widget):
            widget.setBackgroundRole(QtGui.QPalette.ColorRole.Base)
            widget.setAutoFillBackground(True)
        static(self._column_widget)  # it grows at its bottom

    def use_drawing_queue(self, drawing: DrawingQueue) -> None:
        """Scale pictures and highlight code with *drawing*, off the GUI thread."""
        self.drawing = drawing

    def set_welcome(self, welcome: QWidget) -> None:
        """What an empty conversation shows instead of nothing."""
        self._welcome = welcome
        self._column.insertWidget(1, welcome, WELCOME_STRETCH)  # the whole page, not a strip
        welcome.setVisible(not self._order)

    # ---- whole conversations ---------------------------------------------------------

    def show_conversation(self, messages: list[Message], has_more: bool) -> None:
        """Replace what is shown with *messages* (oldest first)."""
        self._flush_timer.stop()
        if self.drawing is not None:
            self.drawing.cancel()
        for widget in self._shown.values():
            self._column.removeWidget(widget)
            widget.deleteLater()
        self._shown.clear()
        self._order.clear()
        self._dirty.clear()
        self._to_lay_out.clear()
        self._to_show.clear()
        self._has_more = has_more
        # Only the newest messages get widgets now; the rest of the page waits, as data,
        # until the person scrolls up to it.
        self._held = list(messages[:-PLACED_AT_ONCE]) if len(messages) > PLACED_AT_ONCE else []
        for message in messages[len(self._held) :]:
            self._place(self._stored(message), len(self._order))
        self._earlier.setVisible(has_more or bool(self._held))
        self._update_welcome()
        self._following = True
        self.scroll_to_end()
        self._build_timer.start()

    def prepend(self, messages: list[Message], has_more: bool) -> None:
        """Show earlier *messages* above what is shown, keeping the view where it was."""
        self._has_more = has_more
        self._held = [*messages, *self._held]
        self._place_held(len(self._held))

    def _place_held(self, count: int) -> None:
        """Give widgets to the last *count* held messages, above those shown."""
        bar = self.verticalScrollBar()
        from_bottom = bar.maximum() - bar.value()
        split = len(self._held) - min(count, len(self._held))
        placing, self._held = self._held[split:], self._held[:split]
        for index, message in enumerate(placing):
            self._place(self._stored(message), index)
        self._earlier.setVisible(self._has_more or bool(self._held))
        self._column_widget.adjustSize()
        bar.setValue(bar.maximum() - from_bottom)
        self._build_timer.start()

    def message_ids(self) -> list[int]:
        """Ids of the messages of the page shown (some may wait for a widget), in order."""
        return [m.id for m in self._held] + list(self._order)

    def _on_earlier_clicked(self) -> None:
        if self._held:
            self._place_held(min(PLACED_AT_ONCE, len(self._held)))
        elif self._has_more:
            self.earlier_requested.emit()

    def is_shown(self, message_id: int) -> bool:
        return message_id in self._shown

    def widget_of(self, message_id: int) -> MessageWidget | None:
        return self._shown.get(message_id)

    # ---- single messages -------------------------------------------------------------

    def add_message(self, message: Message) -> None:
        """Append a stored message at the end."""
        self.lay_out_now(self._add_stored(message))

    def _add_stored(self, message: Message) -> MessageWidget:
        widget = self._stored(message)
        self._place(widget, len(self._order), now=False)
        widget.build()
        self._update_welcome()
        return widget

    def start_reply(
        self, message_id: int, plugin: str, reason: str, question: Message | None = None
    ) -> None:
        """Open an empty answer at the end, ready to stream into (after *question*, if it
        is not shown yet: both are laid out and drawn together)."""
        asked = [self._add_stored(question)] if question is not None else []
        widget = self._new(message_id, "assistant")
        widget.start_streaming(plugin, reason)
        self._place(widget, len(self._order), now=False)
        self._update_welcome()
        self._following = True
        self.scroll_to_end()
        self.lay_out_now(*asked, widget)
        self._prepare(widget)

    def add_chunk(self, message_id: int, chunk: Chunk) -> None:
        """Add a streamed chunk to an answer; it is drawn at the next frame (see
        :meth:`draw_due`), with whatever else arrives in that frame, in one pass."""
        widget = self._shown.get(message_id)
        if widget is None:
            return
        widget.build()
        widget.add_chunk(chunk)
        self._dirty.add(message_id)  # the frame draws it and lays it out
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def draw_due(self) -> None:
        """Draw the text that has arrived, now, unless a frame was drawn less than a frame
        ago (then the flush timer draws it). A stream delivered a frame at a time is drawn
        in the same call as it arrives, without a second call into Python for the timer."""
        if self._dirty and time.monotonic() - self._flushed_at >= DRAW_DUE_S:
            self._flush_timer.stop()
            self._flush()

    def append_text(self, message_id: int, text: str) -> None:
        from assistant.core.messages import TextDelta

        self.add_chunk(message_id, TextDelta(text))

    def finish_reply(self, message_id: int, status: str, error: str = "") -> None:
        """Draw the rest of the answer in full and show its actions."""
        widget = self._shown.get(message_id)
        if widget is None:
            return
        self._dirty.discard(message_id)
        widget.finish(status, error)
        self.lay_out_now(widget)

    def remove_one(self, message_id: int) -> None:
        """Remove one message from the view, leaving the others."""
        self._asked.pop(message_id, None)
        if self._take_out(message_id) is not None:
            self._update_welcome()
            self.lay_out_now()

    def _take_out(self, message_id: int) -> int | None:
        """Take one message's widget out of the column (laid out by the next pass); its
        place in the order, if it was shown."""
        widget = self._shown.pop(message_id, None)
        if widget is None:
            return None
        index = self._order.index(message_id)
        del self._order[index]
        self._dirty.discard(message_id)
        self._column.removeWidget(widget)
        widget.hide()
        widget.deleteLater()  # its own button may be what asked: not deleted under its feet
        return index

    def add_pending(self, text: str, files: list[Path]) -> int:
        """Show a question at once, before it is stored, with the files as they were given
        (shown as the stored question will show them); returns a key for :meth:`remove_one`."""
        from assistant.core.messages import TextDelta, guess_mime, kind_of
        from assistant.core.parts import file_chunk

        self._pending_keys -= 1
        chunks: list[Chunk] = [TextDelta(text)] if text else []
        for path in files:
            mime = guess_mime(path)
            kind = kind_of(mime, path.suffix) or "document"
            chunks.append(file_chunk(path, kind, mime, path.name))
        widget = self._new(self._pending_keys, "user")
        for chunk in chunks:
            widget.add_chunk(chunk)
        widget.finish("done")
        self._asked[self._pending_keys] = chunks
        self._place(widget, len(self._order), now=False)
        self._update_welcome()
        self._following = True
        self.scroll_to_end()
        self.lay_out_now(widget)
        self._prepare(widget)
        return self._pending_keys

    def _prepare(self, widget: MessageWidget) -> None:
        """Have *widget*'s buttons made between frames, before it needs them."""
        self._to_prepare.append(widget)
        self._prepare_soon.start()

    def _prepare_next(self) -> None:
        """Make the buttons of one message waiting for them (one a pass)."""
        while self._to_prepare:
            widget = self._to_prepare.pop(0)
            if isValid(widget) and widget.message_id in self._shown:
                widget.prepare_buttons()
                break
        if self._to_prepare:
            self._prepare_soon.start()

    def store_pending(self, key: int, message: Message) -> bool:
        """The question shown under *key* before it was stored is *message*: it keeps its
        widget (nothing is built again; its files are opened from the copies kept now), or,
        if the store made it anything else, the stored question takes its place; either is
        laid out with the answer that opens after it. False if it is not shown."""
        from assistant.core.parts import moved_files, replay

        widget = self._shown.get(key)
        moved = moved_files(self._asked.pop(key, []), replay(message))
        if widget is None:
            return False
        if moved is None:
            index = self._take_out(key)
            assert index is not None
            stored = self._stored(message)
            self._place(stored, index, now=False)
            stored.build()
            self._lay_out_soon(stored)
            return True
        del self._shown[key]
        self._order[self._order.index(key)] = message.id
        self._shown[message.id] = widget
        widget.store(message, moved)
        self._lay_out_soon(widget)  # with the answer that opens after it, or the next frame
        return True

    def _lay_out_soon(self, widget: MessageWidget) -> None:
        """Lay *widget* out with the next call of :meth:`lay_out_now`, at the latest in the
        next frame (one pass and one paint for all that changed at once)."""
        if widget not in self._to_lay_out:
            self._to_lay_out.append(widget)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def restart_reply(self, message_id: int) -> None:
        """Empty an answer still being written, to stream everything it said into it again
        (its stored copy may be a checkpoint behind)."""
        widget = self._shown.get(message_id)
        if widget is not None:
            widget.restart()

    def streamed_text(self, message_id: int) -> str:
        widget = self._shown.get(message_id)
        return widget.text() if widget else ""

    def rendered(self, message_id: int) -> tuple[Any, ...]:
        """What one message shows, part by part (for comparing live and reloaded)."""
        self._flush()
        widget = self._shown.get(message_id)
        return widget.rendered() if widget else ()

    def plain_text(self) -> str:
        """Everything shown, as a reader would copy it."""
        self._flush()
        earlier = [self._earlier.text()] if not self._earlier.isHidden() else []
        return "\n".join([*earlier, *(self._shown[i].plain_text() for i in self._order)])

    def add_notice_line(self, text: str) -> None:
        """A notice that belongs to no message, e.g. a failure before a reply existed."""
        from assistant.core.messages import Notice

        self._pending_keys -= 1
        widget = self._new(self._pending_keys, "notice")
        widget.add_chunk(Notice(text, "error"))
        widget.finish("done")
        self._place(widget, len(self._order))
        self.scroll_to_end()

    # ---- building and placing ----------------------------------------------------------

    def _new(self, message_id: int, role: str) -> MessageWidget:
        from assistant.ui.message_widget import MessageWidget

        return MessageWidget(
            message_id, role, self.signals, drawing=self.drawing, dark=self._dark()
        )

    def _stored(self, message: Message) -> MessageWidget:
        from assistant.ui.message_widget import MessageWidget

        return MessageWidget.stored(message, self.signals, drawing=self.drawing, dark=self._dark())

    def _place(self, widget: MessageWidget, index: int, now: bool = True) -> None:
        """Put *widget* in the column at *index* and show it; unless *now*, it is shown by
        the next :meth:`lay_out_now`, once the column has its room (shown into a column
        of the old height, Qt would lay out everything in it at once, moving all that is
        on screen)."""
        if not self._style_applied:  # with the first message, after the first paint
            self._style_applied = True
            self._apply_style()
        widget.setParent(self._column_widget)
        self._shown[widget.message_id] = widget
        self._order.insert(index, widget.message_id)
        offset = 2 if self._welcome is not None else 1  # after "earlier" (and the welcome)
        self._column.insertWidget(offset + index, widget)
        widget.fit(self._column_width())
        if now:
            widget.show()
            return
        policy = widget.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # counted in the column's height while hidden
        widget.setSizePolicy(policy)
        self._to_show.append(widget)

    def _update_welcome(self) -> None:
        if self._welcome is not None:
            self._welcome.setVisible(not self._order)

    def _build_near_viewport(self) -> None:
        """Build a stored message that is near the viewport (one a frame, the nearest to
        the end first: each takes a few ms); keep the view still when one above it grows."""
        bar = self.verticalScrollBar()
        top = bar.value() - BUILD_MARGIN_PX
        bottom = bar.value() + self.viewport().height() + BUILD_MARGIN_PX
        for message_id in reversed(self._order):
            widget = self._shown[message_id]
            if widget.built:
                continue
            geometry = widget.geometry()
            if geometry.bottom() < top or geometry.top() > bottom:
                continue
            above = geometry.bottom() < bar.value()
            before = widget.sizeHint().height()
            widget.build()
            self.lay_out_now(widget)
            if above and not self._following:
                bar.setValue(bar.value() + widget.sizeHint().height() - before)
            self._build_timer.start()  # the next one, if any, in the next frame
            return

    def _flush(self) -> None:
        with WINDOW_FIRST.drawing():
            self._draw_dirty()

    def _draw_dirty(self) -> None:
        self._flushed_at = time.monotonic()
        behind: set[int] = set()
        drawn = [self._shown[i] for i in self._dirty if i in self._shown]
        for widget in drawn:
            if not widget.flush():
                behind.add(widget.message_id)
        self._dirty = behind
        if behind:  # more to draw than a frame holds: the next frame goes on
            self._flush_timer.start()
        self.lay_out_now(*drawn)

    def lay_out_now(self, *changed: MessageWidget) -> None:
        """Lay out the messages that *changed* and the column, and paint, now.

        All of it is done inside this call, holding the interpreter lock, rather than left to
        Qt's event loop: that would come back into Python, and wait for the lock a plugin's
        busy thread holds, at each level it lays out (the text, its message, the column, the
        view) and again for the paint. It is done from the top down, each level once: every
        level is told first that what it holds changed, then the column takes its new height
        and each changed message is laid out in the place it is given. (Qt's own order, from
        the bottom up, lays each level out first in the old height of the one around it,
        moving everything in it, and the whole view is painted again.)
        """
        if self._to_lay_out:
            waiting, self._to_lay_out = self._to_lay_out, []
            changed = (*(w for w in waiting if w not in changed and isValid(w)), *changed)
        viewport = self.viewport()
        with self._bar.changes_together():  # the range grows and the view follows: one paint
            self._lay_out(viewport.width(), changed)
        # Paints everything waiting, now (one pixel of the strip a growing answer uncovers).
        viewport.repaint(QRect(0, viewport.height() - 1, 1, 1))

    def _lay_out(self, width: int, changed: tuple[MessageWidget, ...]) -> None:
        column, viewport, bar = self._column_widget, self.viewport(), self._bar
        if self._following:
            # Scroll first, then grow: what is on screen is moved up (copied, as Qt does when
            # nothing under it waits to be drawn) and only the strip it uncovers is drawn;
            # the column and what grows in it draw only what is new (static contents). The
            # column's height counts the messages just added; their text grows by growth().
            growth = sum(widget.growth() for widget in changed)
            end = max(0, self._content_height(width) + growth - viewport.height())
            if end > bar.maximum():
                bar.setRange(0, end)
        for widget in changed:
            widget.invalidate_layout()
        column.resize(width, max(self._content_height(width), viewport.height()))  # the range
        for widget in self._shown_now():
            widget.show()  # in the room the column has made for it
        self._column.activate()
        for widget in changed:
            widget.lay_out()

    def _shown_now(self) -> list[MessageWidget]:
        """The messages placed to be shown with this pass, counted as shown from now on."""
        waiting, self._to_show = self._to_show, []
        for widget in waiting:
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(False)
            widget.setSizePolicy(policy)
        return waiting

    def _content_height(self, width: int) -> int:
        """The height of what the column holds, laid out *width* wide."""
        column = self._column_widget
        height = column.heightForWidth(width)
        return height if height >= 0 else column.sizeHint().height()

    # ---- scrolling ---------------------------------------------------------------------

    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._following = value >= bar.maximum() - FOLLOW_SLACK_PX
        if not self._keeping_up:  # following a growing answer brings nothing new into view
            self._build_timer.start()
        if value == bar.minimum() and self._earlier.isVisible() and bar.maximum() > 0:
            self._on_earlier_clicked()

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._following:
            self._keeping_up = True
            try:
                self.verticalScrollBar().setValue(maximum)
            finally:
                self._keeping_up = False

    def scroll_to_message(self, message_id: int) -> None:
        ids = [m.id for m in self._held]
        if message_id in ids:
            self._place_held(len(ids) - ids.index(message_id))
        widget = self._shown.get(message_id)
        if widget is not None:
            widget.build()
            self._following = False
            self._column_widget.adjustSize()
            self.ensureWidgetVisible(widget, 0, 40)

    def highlight_message(self, message_id: int) -> None:
        """Scroll to a message and highlight it briefly: where a search hit leads."""
        self.scroll_to_message(message_id)
        widget = self._shown.get(message_id)
        if widget is not None:
            from assistant.ui.flash import flash

            flash(widget)
            # Once the messages built near it have their height, it may have moved.
            QTimer.singleShot(0, lambda: self.scroll_to_message(message_id))

    def scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._order:
            width = self._column_width()
            for widget in self._shown.values():
                widget.fit(width)
            self._build_timer.start()

    def _column_width(self) -> int:
        margins = self._column.contentsMargins()
        return self.viewport().width() - margins.left() - margins.right()

    def _dark(self) -> bool:
        return self.palette().color(QtGui.QPalette.ColorRole.Base).lightness() < 128
