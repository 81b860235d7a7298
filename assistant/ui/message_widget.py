"""One message of the conversation as a widget of its own: the person's question as a
bubble, an answer as a card; its parts in order, then who answered, when, and what can be
done with it.

A message is built from chunks whether it streams or is loaded from the store (see
``assistant.core.parts``), so an answer looks the same live and after a reload.
"""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from assistant.core.parts import PartsBuilder, replay
from assistant.ui.message_parts import (
    PLUGIN_TITLES,
    Bubble,
    ImageGrid,
    MarkdownPart,
    ViewSignals,
    discard,
    fits,
    flash,
    part_widget,
    picture_actions,
    quiet,
    repoint,
    show_now,
    show_part,
    static,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from assistant.core.messages import Chunk
    from assistant.core.store import Message
    from assistant.ui.drawing import DrawingQueue
    from assistant.ui.message_parts import PartWidget

ROW_HEIGHT_ESTIMATE = 22  # px a line of text takes, for the room kept before a build
CHARS_PER_LINE = 90
ICONS = {  # footer action: its icon
    "copy": "copy", "edit": "edit", "regenerate": "regenerate", "reroute": "send-to",
    "older": "chevron-left", "newer": "chevron-right", "speak": "speaker",
    "parameters": "settings",
}  # fmt: skip
PLUGINS_WITH_OPTIONS: set[str] = set()  # their answers offer Edit parameters
VERSION_ACTIONS = ("older", "newer")
USER_SHARE = 0.78  # of the conversation's width, at most, for a question's bubble


@functools.cache
def footer_button_height() -> int:
    """The height of a footer's button. A message's footer is this tall from the start, so
    that the buttons it shows once the question is stored or the answer has ended neither
    move it nor make the view draw everything on screen again."""
    from assistant.ui.icons import icon

    button = QToolButton()
    button.setIcon(icon(ICONS["copy"]))
    button.setAutoRaise(True)
    height = button.sizeHint().height()
    button.deleteLater()
    return height


def tr(text: str) -> str:
    return QCoreApplication.translate("MessageView", text)


class MessageWidget(QFrame):
    """A message: its parts in order, its footer, its actions."""

    def __init__(
        self,
        message_id: int,
        role: str,
        signals: ViewSignals,
        *,
        drawing: DrawingQueue | None,
        dark: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.message_id, self.role = message_id, role
        self._signals, self._drawing, self._dark = signals, drawing, dark
        self.plugin = self.reason = ""
        self.status = "done"
        self.created = time.time()
        self.version, self.versions = 1, 1
        self._builder = PartsBuilder()
        self._widgets: list[PartWidget] = []
        self._dirty: set[int] = set()
        self._stored: Message | None = None  # a stored message whose parts are not built yet
        self.built = True
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # A question's bubble (an answer has no box); this widget spans the column's
        # width, so Qt's height-for-width of wrapped text holds.
        self.card = Bubble(self) if role == "user" else static(QFrame(self))
        static(self)  # an answer grows at its bottom (a bubble is drawn anew: its corners)
        outer.addWidget(self.card)
        column = QVBoxLayout(self.card)
        column.setContentsMargins(14, 10, 14, 8)
        column.setSpacing(8)
        self._body = QVBoxLayout()
        self._body.setSpacing(8)
        column.addLayout(self._body)
        self._footer = QHBoxLayout()
        self._footer.setSpacing(2)
        column.addLayout(self._footer)
        self._footer_line = quiet(QLabel(self.card))
        self._footer_line.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        if role != "notice":  # the buttons to come move nothing (nothing is drawn again)
            self._footer_line.setMinimumHeight(footer_button_height())
        self._buttons: dict[str, QToolButton] = {}
        self._ready: dict[str, QToolButton] = {}  # made ahead, hidden (see prepare_buttons)
        self._fit_width = 0

    # ---- filling it ----------------------------------------------------------------------

    @classmethod
    def stored(
        cls, message: Message, signals: ViewSignals, *, drawing: DrawingQueue | None, dark: bool
    ) -> MessageWidget:
        """A stored message; its parts are built by :meth:`build`, when it comes into view."""
        widget = cls(message.id, message.role, signals, drawing=drawing, dark=dark)
        widget.plugin, widget.reason = message.plugin, message.route_reason
        widget.created = message.created
        widget.status = message.status
        widget.version = getattr(message, "version", 1)
        widget.versions = getattr(message, "versions", 1)
        widget._stored = message
        widget.built = False
        lines = max(1, len(message.content) // CHARS_PER_LINE + message.content.count("\n"))
        extra = 260 if message.attachments else 0
        widget.setMinimumHeight(min(2000, 50 + lines * ROW_HEIGHT_ESTIMATE + extra))
        return widget  # its footer and parts come with build()

    def build(self) -> None:
        """Make the widgets of a stored message (kept small until it is seen)."""
        if self.built:
            return
        self.built = True
        message, self._stored = self._stored, None
        chunks = replay(message) if message is not None else []
        for chunk in chunks:
            self.add_chunk(chunk)
        self.finish(self.status)
        self.setMinimumHeight(0)

    def add_chunk(self, chunk: Chunk) -> None:
        """Take one streamed chunk; it is drawn at the next :meth:`flush` (of what arrives
        within a frame, text or progress or previews, only the last state is drawn)."""
        index, new = self._builder.add(chunk)
        part = self._builder.parts[index]
        if new:
            widget = self._part_widget(part)
            self._widgets.insert(index, widget)
            self._body.insertWidget(index, widget)
            show_now(widget)
            if isinstance(widget, MarkdownPart):
                self._fit_text()
        elif not fits(self._widgets[index], part):  # a preview became the picture
            old = self._widgets[index]
            widget = self._part_widget(part)
            self._body.replaceWidget(old, widget)
            discard(old)
            show_now(widget)
            self._widgets[index] = widget
        self._dirty.add(index)

    def _part_widget(self, part: Any) -> PartWidget:
        widget = part_widget(part, self._signals, self._drawing, self._dark, self.card)
        if isinstance(widget, ImageGrid) and self.role == "assistant":
            widget.message_id, widget.plugin = self.message_id, self.plugin
            widget.actions = picture_actions(self.plugin)
        return widget

    def flush(self, final: bool = False) -> bool:
        """Draw what arrived since the last flush (all of it, finally, if *final*); False
        when some text is left for the next frame."""
        indexes = range(len(self._widgets)) if final else sorted(self._dirty)
        behind: set[int] = set()
        for index in indexes:
            part = self._builder.parts[index] if index < len(self._widgets) else None
            if part is not None and not show_part(self._widgets[index], part, final):
                behind.add(index)
        self._dirty = behind
        return not behind

    def store(self, message: Message, moved: Mapping[Path, Path] | None = None) -> None:
        """This question, shown before it was stored, is now *message* (the same text, and
        the same files, kept at ``moved[path]``)."""
        for widget in self._widgets:
            repoint(widget, moved or {})
        self.message_id, self.created = message.id, message.created
        self.version = getattr(message, "version", 1)
        self.versions = getattr(message, "versions", 1)
        self._write_footer()
        self.fit(self._fit_width)

    def growth(self) -> int:
        """How much taller its text is about to be (see MarkdownPart.grow)."""
        return sum(w.growth() for w in self._widgets if isinstance(w, MarkdownPart))

    def invalidate_layout(self) -> None:
        """What this message holds has changed: its text takes its new height, and its size
        is to be measured again (each layout in it, from the inside out: Qt would otherwise
        measure a nested layout again only once it lays it out)."""
        for widget in self._widgets:
            if isinstance(widget, MarkdownPart):
                widget.grow()
        for layout in (self._body, self._footer, self.card.layout()):
            layout.invalidate()
        self.card.updateGeometry()
        self.updateGeometry()

    def lay_out(self) -> None:
        """Lay out what it holds in the place it has now (see MessageView.lay_out_now)."""
        self.layout().activate()
        self.card.layout().activate()

    def finish(self, status: str, error: str = "") -> None:
        """The answer has ended: previews and progress go, the text is drawn in full."""
        from assistant.core.messages import Notice

        if error:
            self.add_chunk(Notice(error, "error"))
        for index in reversed(self._builder.drop_transient()):
            widget = self._widgets.pop(index)
            self._body.removeWidget(widget)
            widget.deleteLater()
        self.flush(final=True)
        self.status = status
        self._write_footer()
        self.fit(self._fit_width)

    def start_streaming(self, plugin: str, reason: str) -> None:
        self.plugin, self.reason, self.status = plugin, reason, "streaming"
        self._write_footer()

    def restart(self) -> None:
        """Forget what streamed, to take all of it again (its stored copy may lag behind)."""
        for widget in self._widgets:
            self._body.removeWidget(widget)
            widget.deleteLater()
        self._widgets.clear()
        self._builder = PartsBuilder()
        self._dirty.clear()
        self._stored, self.built = None, True
        self.setMinimumHeight(0)
        self.status = "streaming"
        self._write_footer()

    # ---- what it shows -------------------------------------------------------------------

    def text(self) -> str:
        """All the text of the message (its Markdown), in order."""
        from assistant.core.parts import TextPart

        return "".join(p.text for p in self._builder.parts if isinstance(p, TextPart))

    def rendered(self) -> tuple[Any, ...]:
        """What the message shows, part by part (see ``message_parts``)."""
        self.build()
        return tuple(w.rendered() for w in self._widgets)

    def plain_text(self) -> str:
        """What a reader sees, footer included, as plain text."""
        self.build()
        parts = [w.plain_text() for w in self._widgets]
        footer = self._footer_line.text()
        if self.versions > 1:
            footer += f" ‹ {self.version}/{self.versions} ›"
        return "\n".join([*parts, footer])

    # ---- the footer ----------------------------------------------------------------------

    def set_versions(self, version: int, versions: int) -> None:
        self.version, self.versions = version, versions
        self._write_footer()

    def _write_footer(self) -> None:
        while self._footer.count():
            item = self._footer.takeAt(0)
            if item.widget() is not None and item.widget() is not self._footer_line:
                discard(item.widget())
        self._buttons.clear()
        if self.role == "user":
            self._footer.addStretch(1)
        self._footer_line.setText(self._footer_text())
        self._footer.addWidget(self._footer_line)
        if self.versions > 1:
            self._add_versions()
        if self.status != "streaming" and self.message_id > 0:
            for action, label, tip in self._actions():
                self._add_button(action, label, tip)
        if self.role != "user":
            self._footer.addStretch(1)

    def _actions(self) -> list[tuple[str, str, str]]:
        """The actions of this message once it is stored (a question) or has ended (an
        answer): (action, label, tip) each."""
        actions = (
            [("copy", tr("Copy"), tr("Copy the question")), ("edit", tr("Edit"),
             tr("Change the question and ask again; the first version is kept"))]
            if self.role == "user"
            else [
                ("copy", tr("Copy"), tr("Copy the answer as Markdown")),
                ("regenerate", tr("Regenerate"), tr("Answer again; this answer is kept")),
                ("reroute", tr("Send to…"), tr("Ask another plugin; this answer is kept")),
                ("speak", tr("Read aloud"), tr("Read this answer aloud; the recording is kept")),
            ]
        )  # fmt: skip
        if self.role != "user" and self.plugin in PLUGINS_WITH_OPTIONS:
            tip = tr("Change the options of the question and ask again")
            actions.append(("parameters", tr("Edit parameters"), tip))
        return actions

    def prepare_buttons(self) -> None:
        """Make the buttons of the footer it will have once stored or answered, hidden, now:
        the frame that shows the stored question or the end of the answer has enough to do
        (the window calls this between frames, while the question is sent or the answer
        streams)."""
        for action, label, tip in self._actions():
            if action not in self._ready:
                self._ready[action] = self._make_button(action, label, tip)

    def _footer_text(self) -> str:
        if self.role == "notice":
            return ""
        if self.message_id < 0:
            return tr("sending…")
        when = time.strftime("%H:%M", time.localtime(self.created))
        if time.localtime(self.created)[:3] != time.localtime()[:3]:
            when = time.strftime("%d %b %Y, %H:%M", time.localtime(self.created))
        if self.role == "user":
            return when
        title = PLUGIN_TITLES.get(self.plugin, self.plugin)
        state = {"streaming": tr("answering…"), "stopped": tr("stopped"), "error": tr("failed")}
        words = [title, self.reason, state.get(self.status, ""), when]
        return " · ".join(w for w in words if w)

    def _add_versions(self) -> None:
        older = self._add_button("older", "‹", tr("The previous version"))
        label = quiet(QLabel(f"{self.version}/{self.versions}", self.card))
        self._footer.addWidget(label)
        show_now(label)
        newer = self._add_button("newer", "›", tr("The next version"))
        older.setEnabled(self.version > 1)
        newer.setEnabled(self.version < self.versions)

    def _add_button(self, action: str, label: str, tip: str) -> QToolButton:
        button = self._ready.pop(action, None) or self._make_button(action, label, tip)
        self._footer.addWidget(button)
        show_now(button)  # measured with the message now, not shown from the event loop
        self._buttons[action] = button
        return button

    def _make_button(self, action: str, label: str, tip: str) -> QToolButton:
        from assistant.ui.icons import icon

        button = QToolButton(self.card)
        button.setText(label)
        button.setToolTip(tip)
        button.setIcon(icon(ICONS[action]))
        # Answers show their actions as icons with tips; the arrows are icons anyway.
        style = QtCore.Qt.ToolButtonStyle
        button.setToolButtonStyle(
            style.ToolButtonTextBesideIcon
            if self.role == "user" and action not in VERSION_ACTIONS
            else style.ToolButtonIconOnly
        )
        button.setAutoRaise(True)
        button.clicked.connect(lambda _=False, a=action: self._on_button_clicked(a))
        return button

    def button(self, action: str) -> QToolButton | None:
        """The footer's button for *action* ("copy", "regenerate", "older"…), if shown."""
        self.build()
        return self._buttons.get(action)

    def _on_button_clicked(self, action: str) -> None:
        if action in ("older", "newer"):
            self._signals.version_requested.emit(self.message_id, -1 if action == "older" else 1)
            return
        if action == "copy":
            flash(self._buttons["copy"], tr("Copied"))
        self._signals.action_requested.emit(action, self.message_id)

    def fit(self, width: int) -> None:
        """The column is *width* wide: a question's bubble takes what its text needs (at most
        USER_SHARE of it), and the text parts lay their blocks out for the width left."""
        self._fit_width = width
        if self.role == "user" and width:
            self._fit_bubble(width)
        self._fit_text()

    def _fit_text(self) -> None:
        """Tell the text parts their width, so they measure and place their blocks now."""
        if not self._fit_width:
            return
        outer, inner = self.layout().contentsMargins(), self.card.layout().contentsMargins()
        width = self._fit_width - outer.left() - outer.right() - inner.left() - inner.right()
        width -= 2 * self.card.frameWidth()
        for widget in self._widgets:
            if isinstance(widget, MarkdownPart):
                widget.use_width(width)

    def _fit_bubble(self, width: int) -> None:
        metrics = self.fontMetrics()
        lines = [line for w in self._widgets for line in w.plain_text().splitlines()]
        widest = max((metrics.horizontalAdvance(line) for line in lines), default=0)
        pictures = max((w.sizeHint().width() for w in self._widgets), default=0)
        # The footer's widgets themselves: a layout item hints 0 for a widget not shown yet,
        # and a short question's bubble would then make the conversation scroll sideways.
        items = [self._footer.itemAt(i) for i in range(self._footer.count())]
        footer = sum(
            (item.widget() or item).sizeHint().width() + self._footer.spacing() for item in items
        )
        needed = max(widest + 8, pictures, footer) + 30
        left = max(int(width * (1 - USER_SHARE)), width - needed)
        self.layout().setContentsMargins(left, 0, 0, 0)
