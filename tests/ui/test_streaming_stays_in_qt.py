"""While an answer streams, Qt's event loop calls into Python only to hand over chunks and to
draw a frame: what else it calls (opening and closing the turn) does not grow with the answer.

Every call from the event loop into Python waits for the interpreter lock, which a plugin
thread doing Python work holds for up to 5 ms at a time; a layout pass that calls a Python
``resizeEvent`` per widget, a Python icon engine asked for a pixmap at every repaint of every
button, a ``deleteLater`` or a queued show per new paragraph would each add such a wait, and
together they stalled the window by tens of milliseconds (``python -m bench.ui_stall``).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from types import FrameType
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, QRect, QTimer
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QScrollBar, QVBoxLayout, QWidget

from assistant.core.messages import Chunk, Progress, Request, TextDelta
from assistant.core.plugin import Manifest, PluginContext
from assistant.ui.markdown import blocks as blocks_of
from assistant.ui.progress_bar import ProgressBar
from assistant.ui.scroll_bar import ScrollBar

# What the event loop may call once per frame: a frame's chunks handed over (and drawn with
# them), or a frame drawn by the view's own timer.
PER_FRAME = {"jobs.py:_deliver", "jobs.py:_on_batch_ready", "message_view.py:_flush"}
# What it may call about once per block of the answer, in a pass of its own so as not to
# lengthen the frame it would share (jobs.BetweenFrames): the widget for a next block made
# ready, a code block's colours; each may look once more when a frame was just drawn.
PER_BLOCK = {"jobs.py:_run"}
FRAME_S = 0.016

ANSWER = (
    "A first paragraph that is long enough to wrap onto a second line in the window.\n\n"
    "## A heading\n\n- one item\n- another item, with `code`\n\n"
    "```python\ndef fibonacci(n):\n    numbers = [0, 1]\n    while len(numbers) < n:\n"
    "        numbers.append(numbers[-1] + numbers[-2])\n    return numbers[:n]\n```\n\n"
    "The end of this round, with **bold** words.\n\n"
)


class MarkdownStreamer:
    """Streams as many rounds of Markdown as the question says, word by word, at about a
    word a millisecond (or as told), as a model would."""

    manifest = Manifest(name="markdown", title="Markdown", description="Streams Markdown.")

    def __init__(self, seconds_per_word: float = 0.001) -> None:
        self.seconds_per_word = seconds_per_word

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        for word in (ANSWER * int(request.text)).split(" "):
            context.cancel.raise_if_cancelled()
            threading.Event().wait(self.seconds_per_word)
            yield TextDelta(word + " ")


class Transcriber:
    """Streams a transcript as a speech model does: each line, then how far it has come,
    a few hundred of them about a millisecond apart."""

    manifest = Manifest(name="lines", title="Lines", description="Streams timed lines.")
    lines = 300

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        for line in range(self.lines):
            threading.Event().wait(0.001)
            yield TextDelta(f"[{line} s] words heard in second {line}.\n")
            yield Progress(f"Transcribing: {line + 1} s of {self.lines} s", (line + 1) / self.lines)


def _entries_while(window: Any, send: Any) -> tuple[Counter[str], float]:
    """The Python functions Qt's event loop called directly until the reply finished, and
    how long that took (seconds)."""
    loop = QEventLoop()
    here = sys._getframe()
    entries: Counter[str] = Counter()

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_back is here:
            name = f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_code.co_name}"
            entries[name] += 1

    def on_finished(_reply: int) -> None:
        sys.setprofile(None)  # what the window does after the turn is not counted
        loop.quit()

    window.turns.turn_finished.connect(on_finished)
    QTimer.singleShot(20_000, loop.quit)
    started = time.perf_counter()
    sys.setprofile(profile)
    try:
        send()
        loop.exec()
    finally:
        sys.setprofile(None)
    return entries, time.perf_counter() - started


def test_the_event_loop_enters_python_only_to_deliver_and_draw(open_window, qtbot) -> None:
    window = open_window(MarkdownStreamer())
    for rounds in ("1", "1"):  # answers above, with their buttons (icons) on screen
        window.send(rounds, [], plugin="markdown")
        qtbot.waitUntil(lambda: not window.turns.busy, timeout=20_000)
    settled = lambda: not window.jobs.busy and not window.sidebar_refresh.isActive()  # noqa: E731
    qtbot.waitUntil(settled, timeout=5000)

    short, _ = _entries_while(window, lambda: window.send("1", [], plugin="markdown"))
    qtbot.waitUntil(settled, timeout=5000)
    long, took = _entries_while(window, lambda: window.send("8", [], plugin="markdown"))

    frames = sum(long[name] for name in PER_FRAME)
    assert frames > sum(short[name] for name in PER_FRAME) + 3, "it was drawn in frames"
    # About once a frame, however fast the chunks come (here about one a millisecond).
    assert frames <= 1.25 * took / FRAME_S + 10, f"{frames} calls in {took:.2f} s"
    blocks = blocks_of(ANSWER * 8)
    code = [block for block in blocks if block.kind == "code"]
    work = len(blocks) + 2 + len(code)  # a spare per block and one of each kind; colours
    # Each may look again while a frame was just drawn and again while one is due (on a
    # busy machine, up to 2.3 times a piece of work was seen): still far fewer than words.
    words = len((ANSWER * 8).split(" "))
    assert long["jobs.py:_run"] <= 3 * work + 10 < words / 2, f"{long['jobs.py:_run']} for {work}"
    grew = {
        name: (short[name], count)
        for name, count in long.items()
        if name not in PER_FRAME | PER_BLOCK and count > 2 * short[name] + 2  # 8 times the text
    }
    assert not grew, f"calls from the event loop into Python that grow with the answer: {grew}"


class _PaintedArea(QObject):
    """The area of each paint of one widget, in pixels."""

    def __init__(self) -> None:
        super().__init__()
        self.areas: list[int] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.areas.append(sum(r.width() * r.height() for r in event.region()))  # type: ignore[attr-defined]
        return False


def test_following_a_streaming_answer_draws_only_what_is_new(open_window, qtbot) -> None:
    """What is on screen is moved up as the question and its answer come in, not drawn
    again: Qt copies it only if nothing in it changed since the last paint (no block or
    message moved, resized or shown before the view scrolled), and a new question, its
    answer's paragraphs and its code blocks alike must keep to that."""
    window = open_window(MarkdownStreamer(seconds_per_word=0.004))  # a code block over frames
    window.resize(900, 700)
    for _ in range(3):  # a page of answers above, so the view scrolls as the next one grows
        window.send("1", [], plugin="markdown")
        qtbot.waitUntil(lambda: not window.turns.busy, timeout=20_000)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=5000)
    column = window.view.widget()
    viewport = window.view.viewport()
    painted = _PaintedArea()
    column.installEventFilter(painted)
    with qtbot.waitSignal(window.turns.turn_finished, timeout=20_000):
        window.send("6", [], plugin="markdown")
    column.removeEventFilter(painted)
    page = viewport.width() * viewport.height()
    assert len(painted.areas) > 20, "the answer was drawn in frames"
    whole = [area for area in painted.areas if area > page // 2]
    # The frame that opens the answer (the question's own buttons appear over the page) and
    # the one that gives it its text, before the view scrolls, are drawn whole for now.
    assert len(whole) <= 2, f"{len(whole)} of {len(painted.areas)} frames drew most of the page"


def test_work_streamed_with_its_progress_is_drawn_once_a_frame(open_window, qtbot) -> None:
    """Text and progress that arrive within a frame are drawn together, once: the answer's
    progress bar and the status bar show where the work is now, not every step of the way."""
    window = open_window(Transcriber())
    passes: list[float] = []
    lay_out_now = window.view.lay_out_now

    def counted(*changed: Any) -> None:
        passes.append(time.perf_counter())
        lay_out_now(*changed)

    window.view.lay_out_now = counted  # type: ignore[method-assign]
    told: list[str] = []
    window.statusBar().messageChanged.connect(told.append)
    started = time.perf_counter()
    with qtbot.waitSignal(window.turns.turn_finished, timeout=20_000):
        window.send("/lines", [], plugin="lines")
    took = time.perf_counter() - started
    frames = took / FRAME_S + 10
    assert len(passes) <= frames, f"{len(passes)} layout passes in {took:.2f} s"
    steps = [m for m in told if m.startswith("Transcribing")]
    assert 0 < len(steps) <= frames, f"{len(steps)} status messages in {took:.2f} s"
    reply = window.store.messages(window.conversation_id)[-1]
    assert reply.content.count("words heard") == Transcriber.lines  # nothing was skipped
    bars = window.findChildren(QProgressBar)  # the status bar's, the answer's, the meters
    assert len(bars) >= 2 and all(isinstance(bar, ProgressBar) for bar in bars)


def _painted_once(qtbot: Any, holder: QWidget, *widgets: QWidget) -> dict[QWidget, _PaintedArea]:
    """The paints of each of *widgets*, counted from when *holder* is shown and each has been
    painted once."""
    painted = {widget: _PaintedArea() for widget in widgets}
    for widget, paints in painted.items():
        widget.installEventFilter(paints)
    holder.show()
    qtbot.waitUntil(lambda: all(p.areas for p in painted.values()), timeout=2000)
    return painted


def test_a_progress_bar_is_painted_with_the_next_frame_not_when_it_is_set(qtbot) -> None:
    """Qt's progress bar paints itself, and its parent under it, inside ``setValue``: from a
    stream's slot, a paint of its own in the middle of a frame. The app's waits for the
    frame, and then shows the value."""
    holder = QWidget()
    qtbot.addWidget(holder)
    row = QVBoxLayout(holder)
    ours, qts = ProgressBar(holder), QProgressBar(holder)
    for bar in (ours, qts):
        bar.setRange(0, 1000)
        row.addWidget(bar)
    painted = _painted_once(qtbot, holder, ours, qts)
    for paints in painted.values():
        paints.areas.clear()
    qts.setValue(500)
    assert len(painted[qts].areas) == 1, "Qt's paints at once (what the app's avoids)"
    ours.setValue(500)
    assert not painted[ours].areas
    qtbot.waitUntil(lambda: bool(painted[ours].areas), timeout=2000)
    assert ours.value() == 500


def test_the_scroll_bar_is_painted_only_when_its_handle_moves(qtbot) -> None:
    """Following an answer, the conversation's range grows and its value follows it to the
    end at every frame, while the handle stays at the bottom, as long as it was: Qt paints the
    bar at each change all the same (a millisecond a frame); the app's only when it shows."""
    holder = QWidget()
    qtbot.addWidget(holder)
    row = QHBoxLayout(holder)
    ours, qts = ScrollBar(holder), QScrollBar(holder)
    for bar in (ours, qts):
        bar.setRange(0, 100_000)
        bar.setPageStep(500)
        bar.setValue(100_000)
        row.addWidget(bar)
    holder.resize(60, 400)
    painted = _painted_once(qtbot, holder, ours, qts)

    def follow(bar: QScrollBar, grown: int) -> None:
        bar.setRange(0, grown)
        bar.setValue(grown)

    def frame(bar: QScrollBar, grown: int) -> list[int]:
        painted[bar].areas.clear()
        if isinstance(bar, ScrollBar):
            with bar.changes_together():
                follow(bar, grown)
        else:
            follow(bar, grown)
        holder.repaint(QRect(0, 0, 1, 1))  # and whatever waits to be painted, as a frame does
        return painted[bar].areas

    assert frame(qts, 100_040), "Qt's paints a change that does not show (what the app's avoids)"
    frame(ours, 100_040)  # the first change is drawn: what it shows was not known
    for grown in range(100_080, 100_400, 40):
        assert not frame(ours, grown), "the handle stayed at the bottom, as long as it was"
    painted[ours].areas.clear()
    ours.setValue(0)  # the person scrolls to the top: the handle moves
    holder.repaint(QRect(0, 0, 1, 1))
    assert painted[ours].areas
    assert frame(ours, 200_000), "back at the end of a longer range: drawn where it now is"


def test_the_conversation_scrolls_with_the_app_s_scroll_bar(open_window) -> None:
    window = open_window(MarkdownStreamer())
    assert isinstance(window.view.verticalScrollBar(), ScrollBar)
