"""The widgets a message is made of: Markdown text (prose and code blocks), notices,
pictures, files, sources, a live preview and a progress bar.

Each widget shows one part (see ``assistant.core.parts``) and can describe what it shows
(:meth:`rendered`), so tests can compare an answer that streamed with the same answer
reloaded, and so copy-as-text needs no guessing.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui
from PySide6.QtCore import QCoreApplication, QObject, QTimer, QUrl, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from assistant.ui.jobs import BetweenFrames
from assistant.ui.markdown import Block, StreamedBlocks, highlighted, to_html
from assistant.ui.progress_bar import ProgressBar

if TYPE_CHECKING:
    from assistant.core.audio import AudioOutput
    from assistant.core.messages import Notice, Source
    from assistant.core.parts import Part
    from assistant.ui.drawing import DrawingQueue

PLUGIN_TITLES: dict[str, str] = {}  # plugin name -> its title, filled by the window
# plugin name -> its picture actions as (name, label, tip), filled by the window
PICTURE_ACTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {}
PLUGIN_ACTION = "plugin:"  # prefix of a plugin's picture action, before its name
# Whether a plugin's picture action applies to a picture (plugin, action, path); the window
# asks the plugin. Until then every declared action is offered.
PICTURE_ACTION_OFFERED: list[Callable[[str, str, Path], bool]] = []
THUMBNAIL_WIDTH = 320
COPIED_FEEDBACK_MS = 1500
NEW_BLOCKS_PER_FRAME = 1  # blocks a streaming text makes per frame (the rest next frame)
BLOCK_KINDS = ("prose", "code")
NOTICE_COLOURS = {  # level: (on a light page, on a dark page)
    "error": ("#c0392b", "#f28b82"),
    "warning": ("#b9770e", "#fdd663"),
    "info": ("#2471a3", "#8ab4f8"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate("MessageView", text)


class ViewSignals(QObject):
    """What the person asked for inside any message; one object for the whole view."""

    action_requested = Signal(str, int)  # "copy", "regenerate", "reroute", "edit"; message id
    link_requested = Signal(QUrl)
    source_requested = Signal(object)  # a cited Source, to show in the source viewer
    image_opened = Signal(Path, str)  # the picture, its title
    version_requested = Signal(int, int)  # message id, step (-1 older, +1 newer)
    # "use-as-input", "save-as", "copy-picture" or "plugin:<name>"; message id; the picture
    picture_action_requested = Signal(str, int, Path)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.audio: AudioOutput | None = None  # how sounds are played, when they can be


def _wrapping_label(parent: QWidget, rich: bool) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(QtCore.Qt.TextFormat.RichText if rich else QtCore.Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setOpenExternalLinks(False)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class Bubble(QFrame):
    """The rounded, tinted box of a question, drawn by Qt from a style sheet of its own (one
    on the conversation would be applied anew to every widget a streaming answer adds, and a
    Python ``paintEvent`` would be called at every repaint while an answer scrolls past)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("bubble")
        self._tint()

    def _tint(self) -> None:
        palette = QApplication.palette()  # the theme's (this widget's follows the sheet)
        dark = palette.color(QtGui.QPalette.ColorRole.Base).lightness() < 128
        fill = QtGui.QColor(palette.color(QtGui.QPalette.ColorRole.Highlight))
        rgba = f"rgba({fill.red()}, {fill.green()}, {fill.blue()}, {60 if dark else 34})"
        sheet = f"QFrame#bubble {{ background: {rgba}; border-radius: 14px; }}"
        if sheet != self.styleSheet():  # setting it changes the palette: once is enough
            self.setStyleSheet(sheet)

    def changeEvent(self, event: QtCore.QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QtCore.QEvent.Type.ApplicationPaletteChange:  # a new theme
            self._tint()


def boxed(widget: QWidget) -> QWidget:
    """*widget* on the palette's alternate base, filled by Qt itself (no Python in its
    painting), in light and dark alike."""
    widget.setBackgroundRole(QtGui.QPalette.ColorRole.AlternateBase)
    widget.setAutoFillBackground(True)
    return widget


def static(widget: QWidget) -> QWidget:
    """*widget* grows at its bottom and draws itself from the top left: when it is resized
    only what is new is drawn (and a conversation that scrolls as it grows can copy what is
    on screen rather than draw it all again). Whatever changes its content draws it anew."""
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_StaticContents)
    return widget


def notice_colour(level: str, dark: bool) -> str:
    """The colour of a notice of *level* on a light or a dark page."""
    return NOTICE_COLOURS.get(level, NOTICE_COLOURS["info"])[1 if dark else 0]


def quiet(label: QLabel) -> QLabel:
    """*label* in the small grey of footers and captions."""
    label.setForegroundRole(QtGui.QPalette.ColorRole.PlaceholderText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.85)
    label.setFont(font)
    return label


def quiet_button(button: QToolButton) -> QToolButton:
    """*button* in the small type of captions (the actions under a picture)."""
    font = button.font()
    font.setPointSizeF(font.pointSizeF() * 0.85)
    button.setFont(font)
    return button


def flash(button: QToolButton, text: str) -> None:
    """Show *text* on *button* for a moment ("Copied"), then its own label again."""
    label = button.text()
    button.setText(text)
    timer = QTimer(button)  # goes with the button, should the message go first
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: button.setText(label))
    timer.timeout.connect(timer.deleteLater)
    timer.start(COPIED_FEEDBACK_MS)


def plain(rich_text: str) -> str:
    """What a reader sees of *rich_text*, as plain text."""
    document = QtGui.QTextDocument()
    document.setHtml(rich_text)
    return document.toPlainText()


# ---- Markdown ------------------------------------------------------------------------------


class ProseBlock(QLabel):
    """A paragraph, heading, list, quote or table."""

    def __init__(self, block: Block, signals: ViewSignals, dark: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextBrowserInteraction)
        self.linkActivated.connect(lambda link: signals.link_requested.emit(QUrl(link)))
        static(self)
        self._dark = dark
        self.block: Block | None = None
        self._measured = (-1, 0)  # (width, the height the text takes at that width)
        self.show_block(block)

    def show_block(self, block: Block) -> None:
        if block == self.block:
            return
        # A block that settles often only gains the line end after its last word: the
        # same HTML, so neither drawn nor measured again.
        same = self.block is not None and block.source.rstrip() == self.block.source.rstrip()
        self.block = block
        if not same:
            self.setText(to_html(block.source, dark=self._dark))
            self._measured = (-1, 0)

    def height_at(self, width: int) -> int:
        """The height this text takes at *width* (measured once per text and width)."""
        if self._measured[0] != width:
            self._measured = (width, max(1, self.heightForWidth(width)))
        return self._measured[1]

    def rendered(self) -> tuple[Any, ...]:
        return ("prose", self.text())


class CodeBlock(QFrame):
    """Code in its own box: its language, a Copy button, and long lines that scroll
    inside the box rather than widening the conversation."""

    def __init__(
        self, block: Block, dark: bool, drawing: DrawingQueue | None, parent: QWidget
    ) -> None:
        super().__init__(parent)
        boxed(self)
        self._dark, self._drawing = dark, drawing
        self._highlighting: Block | None = None  # a block whose colours are being made
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        header = QHBoxLayout()
        header.setContentsMargins(10, 4, 4, 4)
        self.language = quiet(QLabel(self))
        from assistant.ui.icons import icon

        self.copy_button = QToolButton(self)
        self.copy_button.setIcon(icon("copy"))
        self.copy_button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.copy_button.setText(tr("Copy"))
        self.copy_button.setToolTip(tr("Copy the code"))
        self.copy_button.setAutoRaise(True)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        header.addWidget(self.language)
        header.addStretch(1)
        header.addWidget(self.copy_button)
        column.addLayout(header)
        self.code = QLabel(self)
        self.code.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.code.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code.setContentsMargins(10, 6, 10, 8)
        self.scroller = QScrollArea(self)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidget(self.code)
        self.scroller.setWidgetResizable(False)
        self.scroller.viewport().setAutoFillBackground(False)  # the box's colour shows
        self.scroller.setProperty("verticalScrollBarPolicy", "ScrollBarAlwaysOff")
        column.addWidget(self.scroller)
        for grows in (self, self.code, self.scroller, self.scroller.viewport()):
            static(grows)  # a code block being written grows at its bottom
        self.block: Block | None = None
        self.show_block(block)

    def show_block(self, block: Block) -> None:
        if block == self.block:
            return
        self.block = block
        self.language.setText(block.language or tr("code"))
        self._highlighting = None
        if block.open:  # still being written: highlighted once it is whole
            self._show_code(html.escape(block.code))
        elif self._drawing is None:
            self._show_code(highlighted(block.code, block.language, dark=self._dark))
        else:  # in colour a moment later (the same characters: the same size)
            self._show_code(html.escape(block.code))
            self._highlighting = block
            self._drawing.highlight(
                block.code,
                block.language,
                self._dark,
                lambda body: self._on_highlighted(block, body),
            )

    def _show_code(self, body: str) -> None:
        self.code.setText(f"<pre style='margin:0'>{body}</pre>")

    def _on_highlighted(self, block: Block, body: str) -> None:
        if block is self._highlighting and isValid(self):
            self._highlighting = None
            size = self.code.sizeHint()
            self._show_code(body)
            parent = self.parentWidget()
            if self.code.sizeHint() != size and isinstance(parent, MarkdownPart):
                parent.block_changed(self)  # a font of the colours is wider: placed again

    def finish_highlighting(self) -> None:
        """Show its colours now if they are still being made (what it shows, compared)."""
        if (block := self._highlighting) is not None:
            self._on_highlighted(block, highlighted(block.code, block.language, self._dark))

    def height_at(self, width: int) -> int:
        """The height of the box at *width*, measured without changing anything on screen
        (see MarkdownPart.grow): room for a scroll bar under the code only when its lines
        are too long."""
        code = self.code.sizeHint()
        header = self.layout().itemAt(0).sizeHint().height()
        return header + code.height() + self._bar_height(code.width(), width)

    def place(self, rect: QtCore.QRect) -> None:
        """Take *rect*, the code sized to its text (see :meth:`height_at`)."""
        code = self.code.sizeHint()
        self.code.resize(code)
        self.scroller.setFixedHeight(code.height() + self._bar_height(code.width(), rect.width()))
        self.setGeometry(rect)
        self.layout().activate()  # its own parts in place now, not from the event loop

    def _bar_height(self, code_width: int, width: int) -> int:
        bar = self.scroller.horizontalScrollBar()
        return bar.sizeHint().height() if code_width > width else 0

    def _on_copy_clicked(self) -> None:
        if self.block is not None:
            QtGui.QGuiApplication.clipboard().setText(self.block.code)
        flash(self.copy_button, tr("Copied"))

    def rendered(self) -> tuple[Any, ...]:
        assert self.block is not None
        self.finish_highlighting()
        return ("code", self.block.language, self.block.code, self.code.text())


class MarkdownPart(QWidget):
    """Markdown text as a column of blocks; while it streams only the last block changes.

    The blocks are placed by hand, each under the one before, not by a ``QLayout``: a layout
    would measure and place every block again whenever the last one grew, first in the old
    height (moving all of them, so the whole view was painted again at every frame). Here a
    finished block keeps its place and size, and the text grows at its bottom only; Qt is
    told so (``WA_StaticContents``), so that following a growing answer scrolls what is
    drawn instead of drawing it again.
    """

    SPACING = 8

    def __init__(
        self, signals: ViewSignals, dark: bool, drawing: DrawingQueue | None, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._signals, self._dark, self._drawing = signals, dark, drawing
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        static(self)
        self.setFixedHeight(0)
        self._parsed = StreamedBlocks()
        self._shown: list[ProseBlock | CodeBlock] = []
        self._spares: dict[str, ProseBlock | CodeBlock] = {}  # ready for the next blocks
        self._placed_width = 0
        self._rects: list[QtCore.QRect] = []  # where each block is to be, as measured
        self._unplaced = 0  # the first block that is not where it is to be yet
        self._height = 0  # what its blocks take (applied by grow(), while it streams)
        self._spare_soon = BetweenFrames(self, self._make_spare)
        self.text = ""

    def show_text(self, text: str, final: bool) -> bool:
        """Show *text*; while it streams, at most :data:`NEW_BLOCKS_PER_FRAME` new blocks
        are made per call (making and showing a block costs a few ms). Returns whether all
        of it is shown; if not, the next frame does the rest."""
        self.text = text
        found = self._parsed.final(text) if final else self._parsed.update(text)
        made = 0
        complete = True
        changed = len(self._shown)  # the first block whose place or size may change
        for index, block in enumerate(found):
            if index < len(self._shown) and _fits(self._shown[index], block):
                if block != self._shown[index].block:
                    self._shown[index].show_block(block)
                    changed = min(changed, index)
                continue
            if not final and made >= NEW_BLOCKS_PER_FRAME:
                complete = False
                break
            made += 1
            widget = self._block_widget(block)
            if index < len(self._shown):
                discard(self._shown[index])
                self._shown[index] = widget
            else:
                self._shown.append(widget)
            changed = min(changed, index)
        if complete and len(found) < len(self._shown):
            for extra in self._shown[len(found) :]:
                discard(extra)
            del self._shown[len(found) :]
            changed = min(changed, len(found))
        self._place(changed)
        if final:
            self.grow()
            self._spare_soon.stop()
            for spare in self._spares.values():
                discard(spare)
            self._spares.clear()
        elif len(self._spares) < len(BLOCK_KINDS):
            self._spare_soon.start()  # after this frame, in an event-loop pass of its own
        return complete

    def _block_widget(self, block: Block) -> ProseBlock | CodeBlock:
        """A widget showing *block*: the spare one of its kind, if there is one."""
        widget = self._spares.pop(block.kind, None)
        if widget is None:
            widget = self._new_block(block)
        widget.show_block(block)
        return widget

    def _new_block(self, block: Block) -> ProseBlock | CodeBlock:
        if block.kind == "code":
            return CodeBlock(block, self._dark, self._drawing, self)
        return ProseBlock(block, self._signals, self._dark, self)

    def _make_spare(self) -> None:
        """While the text streams, keep one hidden widget of each kind ready: making one
        costs a few ms, which would add up with drawing the frame that needs it. One is
        made per pass of the event loop, between frames."""
        missing = [kind for kind in BLOCK_KINDS if kind not in self._spares]
        if missing:
            self._spares[missing[0]] = self._new_block(Block(missing[0], "", 0, open=True))
        if len(missing) > 1:
            self._spare_soon.start()

    def growth(self) -> int:
        """How much taller it is about to be (see :meth:`grow`)."""
        return self._height - self.minimumHeight()

    def grow(self) -> None:
        """Give the blocks measured since the last call their places, and take the height
        they need. While it streams the view calls this after it has scrolled by
        :meth:`growth`: nothing on screen is moved, resized or shown before, so what is on
        screen is moved rather than drawn again (Qt will not copy what it holds for a
        widget changed since the last paint)."""
        if len(self._rects) != len(self._shown):
            return  # not measured yet: its width is not known
        start = self._unplaced
        for widget, rect in zip(self._shown[start:], self._rects[start:], strict=True):
            if isinstance(widget, CodeBlock):
                widget.place(rect)  # its code may have changed without its height
            elif widget.geometry() != rect:
                rewrapped = widget.width() != rect.width()
                widget.setGeometry(rect)
                if rewrapped:
                    widget.update()  # static contents: its lines are wrapped anew
            show_now(widget)
        self._unplaced = len(self._shown)
        if self._height != self.minimumHeight():
            self.setFixedHeight(self._height)

    def block_changed(self, widget: QWidget) -> None:
        """One of its blocks changed by itself (a code block took its colours)."""
        if widget in self._shown:
            self._place(self._shown.index(widget))
            self.grow()

    def use_width(self, width: int) -> None:
        """Lay the blocks out for *width* (the message knows it before Qt gives it)."""
        if width > 0 and width != self._placed_width:
            self._placed_width = width
            self._place(0)
            self.grow()

    def _place(self, start: int) -> None:
        """Measure the blocks from *start* on and plan their places (taken by :meth:`grow`);
        the part is to be as tall as they are."""
        width = self._placed_width
        if width <= 0:
            return  # placed once its width is known
        del self._rects[start:]
        top = self._rects[-1].bottom() + 1 + self.SPACING if self._rects else 0
        for widget in self._shown[start:]:
            height = widget.height_at(width)
            self._rects.append(QtCore.QRect(0, top, width, height))
            top += height + self.SPACING
        self._unplaced = min(self._unplaced, start)
        self._height = max(0, top - self.SPACING)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self.use_width(event.size().width())  # nothing to do when only its height changed

    def rendered(self) -> tuple[Any, ...]:
        return ("text", tuple(w.rendered() for w in self._shown))

    def plain_text(self) -> str:
        return "\n".join(
            plain(w.text()) if isinstance(w, ProseBlock) else (w.block.code if w.block else "")
            for w in self._shown
        )


def discard(widget: QWidget) -> None:
    """Delete a part of a message that is showing, at once.

    ``deleteLater()``, and the queued show Qt gives a widget added to a visible layout, would
    each come back from the event loop into Python, waiting for the interpreter lock that a
    streaming plugin's thread holds: that wait is a stall of the whole window.
    """
    widget.hide()
    widget.setParent(None)  # Python owns it now: deleted when the last reference goes


def show_now(widget: QWidget) -> None:
    """Show a part just added to a message, as Qt would from the event loop (unless it was
    hidden on purpose), but now: see :func:`discard`."""
    if not widget.testAttribute(QtCore.Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
        widget.show()


def repoint(widget: QWidget, moved: Mapping[Path, Path]) -> None:
    """The files *widget* shows are kept elsewhere now, each at ``moved[path]`` (a question
    shown from the files dropped, once its copies are stored): opened, played or dragged
    from there. The files are the same, so nothing is drawn again."""
    if isinstance(widget, ImageGrid):
        widget.images = [(moved.get(path, path), caption) for path, caption in widget.images]
        for picture in widget.pictures:
            picture.path = moved.get(picture.path, picture.path)
    elif isinstance(path := getattr(widget, "path", None), Path):
        widget.path = moved.get(path, path)  # type: ignore[attr-defined]


def _fits(widget: QWidget, block: Block) -> bool:
    return isinstance(widget, CodeBlock if block.kind == "code" else ProseBlock)


# ---- everything else a message can hold ---------------------------------------------------


class NoticeBox(QFrame):
    """Something the person should know, in a box of its own, with what they can do."""

    def __init__(self, notice: Notice, signals: ViewSignals, dark: bool, parent: QWidget) -> None:
        from assistant.ui.icons import icon

        super().__init__(parent)
        self.notice = notice
        colour = notice_colour(notice.level, dark)
        boxed(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 8, 6)
        level = notice.level if notice.level in NOTICE_COLOURS else "info"
        badge = QLabel(self)
        badge.setPixmap(icon(level, QtGui.QColor(colour)).pixmap(18, 18))
        row.addWidget(badge, 0, QtCore.Qt.AlignmentFlag.AlignTop)
        self.label = _wrapping_label(self, rich=False)
        self.label.setText(notice.text)
        row.addWidget(self.label, 1)
        self.buttons: list[QToolButton] = []
        for action in notice.actions:
            button = QToolButton(self)
            button.setText(action.label)
            button.setToolTip(action.label)
            self.buttons.append(button)
            button.clicked.connect(
                lambda _=False, link=action.link: signals.link_requested.emit(QUrl(link))
            )
            row.addWidget(button)

    def rendered(self) -> tuple[Any, ...]:
        return ("notice", self.notice.level, self.notice.text)

    def plain_text(self) -> str:
        return self.notice.text


class _Thumbnail(QLabel):
    """One picture of a grid, scaled off the GUI thread, opening full size when clicked
    and dragged out of the window as its file."""

    def __init__(self, path: Path, title: str, signals: ViewSignals, parent: QWidget) -> None:
        super().__init__(parent)
        self.path, self.title, self._signals = path, title, signals
        self.setCursor(QtGui.QCursor(QtCore.Qt.CursorShape.PointingHandCursor))
        self.setToolTip(tr("Open full size, or drag it out"))
        self._pressed: QtCore.QPoint | None = None

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        self._pressed = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        moved = event.position().toPoint() - (self._pressed or event.position().toPoint())
        if self._pressed is not None and moved.manhattanLength() >= (
            QApplication.startDragDistance()
        ):
            self._pressed = None
            self.drag().exec(QtCore.Qt.DropAction.CopyAction)
        super().mouseMoveEvent(event)

    def drag(self) -> QtGui.QDrag:
        """The picture's file (with what it says of itself) for another program."""
        drag = QtGui.QDrag(self)
        mime = QtCore.QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(self.path))])
        drag.setMimeData(mime)
        if self.pixmap() is not None and not self.pixmap().isNull():
            drag.setPixmap(self.pixmap().scaledToWidth(96))
        return drag

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        if self._pressed is not None:  # a click, not the end of a drag
            self._signals.image_opened.emit(self.path, self.title or self.path.name)
        self._pressed = None
        super().mouseReleaseEvent(event)


def picture_actions(plugin: str, path: Path | None = None) -> list[tuple[str, str, str]]:
    """The buttons under a picture of *plugin*'s answer: its own that apply to the
    picture at *path*, then every picture's."""
    own = [
        (PLUGIN_ACTION + name, label, tip)
        for name, label, tip in PICTURE_ACTIONS.get(plugin, ())
        if path is None or all(offered(plugin, name, path) for offered in PICTURE_ACTION_OFFERED)
    ]
    return [
        *own,
        ("use-as-input", tr("Use as input"), tr("Attach this picture to the next message")),
        ("save-as", tr("Save as…"), tr("Save this picture, with how it was made, to a file")),
        ("copy-picture", tr("Copy"), tr("Copy this picture")),
    ]


class ImageGrid(QWidget):
    """Pictures as a grid of thumbnails; each opens full size."""

    COLUMNS = 2

    def __init__(self, signals: ViewSignals, drawing: DrawingQueue | None, parent: QWidget) -> None:
        super().__init__(parent)
        self._signals, self._drawing = signals, drawing
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setAlignment(QtCore.Qt.AlignmentFlag.AlignLeft)
        self.images: list[tuple[Path, str]] = []
        self.pictures: list[_Thumbnail] = []
        self._waiting: dict[str, _Thumbnail] = {}
        self.message_id = 0
        self.plugin = ""
        self.actions: list[tuple[str, str, str]] = []  # under each picture (answers only)
        self.buttons: list[dict[str, QToolButton]] = []  # each picture's, by action
        if drawing is not None:
            drawing.ready.connect(self._on_thumbnail_ready)

    def _on_thumbnail_ready(self, key: str, image: QtGui.QImage) -> None:
        picture = self._waiting.pop(key, None)
        if picture is not None and not image.isNull():
            picture.setPixmap(QtGui.QPixmap.fromImage(image))

    def show_images(self, images: list[tuple[Path, str]]) -> None:
        for path, caption in images[len(self.images) :]:
            self._add(path, caption)

    def _add(self, path: Path, caption: str) -> None:
        from assistant.ui.thumbnails import display_size

        index = len(self.images)
        self.images.append((path, caption))
        cell = QWidget(self)
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        width = THUMBNAIL_WIDTH if len(self.images) > 1 else THUMBNAIL_WIDTH * 3 // 2
        size = display_size(path, width)
        picture = _Thumbnail(path, caption, self._signals, cell)
        picture.setFixedSize(size)  # the space is kept while it is scaled: nothing jumps
        self.pictures.append(picture)
        column.addWidget(picture)
        if caption:
            label = _wrapping_label(cell, rich=False)
            label.setText(caption)
            label.setMaximumWidth(size.width())
            column.addWidget(label)
        if self.actions:
            column.addLayout(self._action_row(cell, path, picture_actions(self.plugin, path)))
        self._grid.addWidget(cell, index // self.COLUMNS, index % self.COLUMNS)
        show_now(cell)  # counted in its size now (a question's bubble is fitted to it)
        if self._drawing is not None:
            self._waiting[self._drawing.request(path, size)] = picture
        else:
            picture.setPixmap(QtGui.QPixmap(str(path)).scaled(size))

    def _action_row(
        self, cell: QWidget, path: Path, actions: list[tuple[str, str, str]]
    ) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(0)
        buttons: dict[str, QToolButton] = {}
        for action, label, tip in actions:
            button = QToolButton(cell)
            button.setText(label)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            quiet_button(button)
            button.clicked.connect(
                lambda _=False, a=action: self._signals.picture_action_requested.emit(
                    a, self.message_id, path
                )
            )
            row.addWidget(button)
            buttons[action] = button
        row.addStretch(1)
        self.buttons.append(buttons)
        return row

    def rendered(self) -> tuple[Any, ...]:
        return ("images", tuple((str(p), c) for p, c in self.images))

    def plain_text(self) -> str:
        return "\n".join(c or p.name for p, c in self.images)


class FileChip(QToolButton):
    """A file (a sound, a document) that opens when clicked."""

    def __init__(self, kind: str, path: Path, name: str, signals: ViewSignals, parent: QWidget):
        super().__init__(parent)
        self.kind, self.path, self.name = kind, path, name or path.name
        label = {"audio": tr("Sound"), "document": tr("File")}.get(kind, tr("File"))
        self.setText(f"{label}: {self.name}")
        self.setToolTip(tr("Open {name}").format(name=self.name))
        self.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.clicked.connect(
            lambda: signals.link_requested.emit(QUrl.fromLocalFile(str(self.path)))
        )

    def rendered(self) -> tuple[Any, ...]:
        return ("file", self.kind, str(self.path), self.name)

    def plain_text(self) -> str:
        return self.name


class SourcesBox(QWidget):
    """The sources an answer cites, grouped by file: each passage's [n], where it is (page
    or section) and a snippet; a click opens the passage in the source viewer."""

    def __init__(self, sources: tuple[Source, ...], signals: ViewSignals, parent: QWidget):
        super().__init__(parent)
        self.sources = sources
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.label = _wrapping_label(self, rich=True)
        self.label.linkActivated.connect(lambda link: self._on_label_link_activated(link, signals))
        files: dict[str, list[tuple[int, Source]]] = {}
        for index, source in enumerate(sources):
            files.setdefault(source.path or source.title, []).append((index, source))
        rows = []
        for cited in files.values():
            rows.append(f"<b>{html.escape(cited[0][1].title)}</b>")
            for index, source in cited:
                number = source.number or index + 1
                where = f"{tr('page')} {source.page}" if source.page else source.section
                label = f"[{number}]" + (f" {html.escape(where)}" if where else "")
                anchor = f'<a href="source:{index}">{label}</a>' if source.path else label
                rows.append(f"&nbsp;&nbsp;{anchor} — <i>{html.escape(source.snippet)}</i>")
        self.label.setText(f"<b>{tr('Sources')}</b><br>{'<br>'.join(rows)}")
        column.addWidget(self.label)

    def _on_label_link_activated(self, link: str, signals: ViewSignals) -> None:
        if link.startswith("source:"):
            signals.source_requested.emit(self.sources[int(link.removeprefix("source:"))])
        else:
            signals.link_requested.emit(QUrl(link))

    def rendered(self) -> tuple[Any, ...]:
        return ("sources", self.label.text())

    def plain_text(self) -> str:
        return plain(self.label.text())


class PreviewBox(QLabel):
    """The latest preview of work in progress, replaced in place."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.path: Path | None = None

    def show_preview(self, path: Path) -> None:
        self.path = path
        pixmap = QtGui.QPixmap(str(path))
        if pixmap.width() > THUMBNAIL_WIDTH * 3 // 2:
            pixmap = pixmap.scaledToWidth(THUMBNAIL_WIDTH * 3 // 2)
        self.setPixmap(pixmap)

    def rendered(self) -> tuple[Any, ...]:
        return ("preview", str(self.path))

    def plain_text(self) -> str:
        return ""


class ProgressRow(QWidget):
    """How far the work this answer waits on has come."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.bar = ProgressBar(self)
        self.bar.setMaximumWidth(240)
        self.bar.setTextVisible(False)
        row.addWidget(self.label)
        row.addWidget(self.bar)
        row.addStretch(1)

    def show_progress(self, message: str, fraction: float | None) -> None:
        self.setVisible(fraction is None or fraction < 1)  # done: nothing left to wait for
        self.label.setText(message)
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))

    def rendered(self) -> tuple[Any, ...]:
        return ("progress", self.label.text())

    def plain_text(self) -> str:
        return self.label.text()


PartWidget = MarkdownPart | NoticeBox | ImageGrid | FileChip | SourcesBox | PreviewBox | ProgressRow


def part_widget(
    part: Part, signals: ViewSignals, drawing: DrawingQueue | None, dark: bool, parent: QWidget
) -> PartWidget:
    """A new widget for *part* (empty where :func:`show_part` fills it)."""
    from assistant.core import parts

    if isinstance(part, parts.TextPart):
        return MarkdownPart(signals, dark, drawing, parent)
    if isinstance(part, parts.NoticePart):
        return NoticeBox(part.notice, signals, dark, parent)
    if isinstance(part, parts.ImagesPart):
        return ImageGrid(signals, drawing, parent)
    if isinstance(part, parts.AudioPart):
        from assistant.ui.audio_player import AudioPlayer

        return AudioPlayer(part.audio.path, part.audio.caption, signals, parent)
    if isinstance(part, parts.FilePart):
        return FileChip("document", part.file.path, part.file.caption, signals, parent)
    if isinstance(part, parts.SourcesPart):
        return SourcesBox(part.sources, signals, parent)
    if isinstance(part, parts.PreviewPart):
        return PreviewBox(parent)
    return ProgressRow(parent)


def show_part(widget: PartWidget, part: Part, final: bool) -> bool:
    """Bring *widget* up to date with *part*; False when a streaming text has more to
    show at the next frame (see :meth:`MarkdownPart.show_text`)."""
    from assistant.core import parts

    if isinstance(widget, MarkdownPart) and isinstance(part, parts.TextPart):
        return widget.show_text(part.text, final)
    if isinstance(widget, ImageGrid) and isinstance(part, parts.ImagesPart):
        widget.show_images([(i.path, i.caption) for i in part.images])
    elif isinstance(widget, PreviewBox) and isinstance(part, parts.PreviewPart):
        widget.show_preview(part.preview.path)
    elif isinstance(widget, ProgressRow) and isinstance(part, parts.ProgressPart):
        widget.show_progress(part.progress.message, part.progress.fraction)
    return True


def fits(widget: PartWidget, part: Part) -> bool:
    """Whether *widget* can show *part* (else it is replaced by a new one)."""
    from assistant.core import parts

    kinds: dict[type, type] = {
        parts.TextPart: MarkdownPart,
        parts.ImagesPart: ImageGrid,
        parts.PreviewPart: PreviewBox,
        parts.ProgressPart: ProgressRow,
    }
    return isinstance(widget, kinds.get(type(part), type(None)))
