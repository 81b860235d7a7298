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
from collections import Counter
from collections.abc import Iterator
from types import FrameType
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer

from assistant.core.messages import Chunk, Request, TextDelta
from assistant.core.plugin import Manifest, PluginContext

# What the event loop may call once per frame: a batch of chunks handed over, a frame drawn.
PER_FRAME = {"jobs.py:_deliver", "message_view.py:_flush"}

ANSWER = (
    "A first paragraph that is long enough to wrap onto a second line in the window.\n\n"
    "## A heading\n\n- one item\n- another item, with `code`\n\n"
    "```python\ndef twice(x):\n    return 2 * x\n```\n\n"
    "The end of this round, with **bold** words.\n\n"
)


class MarkdownStreamer:
    """Streams as many rounds of Markdown as the question says, word by word, at about a
    word a millisecond, as a model would."""

    manifest = Manifest(name="markdown", title="Markdown", description="Streams Markdown.")

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        for word in (ANSWER * int(request.text)).split(" "):
            context.cancel.raise_if_cancelled()
            threading.Event().wait(0.001)
            yield TextDelta(word + " ")


def _entries_while(window: Any, send: Any) -> Counter[str]:
    """The Python functions Qt's event loop called directly until the reply finished."""
    loop = QEventLoop()
    here = sys._getframe()
    entries: Counter[str] = Counter()

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_back is here:
            name = f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_code.co_name}"
            entries[name] += 1

    window.turns.turn_finished.connect(lambda _reply: loop.quit())
    QTimer.singleShot(20_000, loop.quit)
    sys.setprofile(profile)
    try:
        send()
        loop.exec()
    finally:
        sys.setprofile(None)
    return entries


def test_the_event_loop_enters_python_only_to_deliver_and_draw(open_window, qtbot) -> None:
    window = open_window(MarkdownStreamer())
    for rounds in ("1", "1"):  # answers above, with their buttons (icons) on screen
        window.send(rounds, [], plugin="markdown")
        qtbot.waitUntil(lambda: not window.turns.busy, timeout=20_000)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=5000)

    short = _entries_while(window, lambda: window.send("1", [], plugin="markdown"))
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=5000)
    long = _entries_while(window, lambda: window.send("8", [], plugin="markdown"))

    assert long["message_view.py:_flush"] > short["message_view.py:_flush"] + 3, (
        "the long answer was drawn in frames"
    )
    grew = {
        name: (short[name], count)
        for name, count in long.items()
        if name not in PER_FRAME and count > short[name]
    }
    assert not grew, f"calls from the event loop into Python that grow with the answer: {grew}"
