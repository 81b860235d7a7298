"""Runs the real app through ``run_app()`` and sends it one message as a person would, for
``bench.first_answer``.

Nothing in the product is patched. An application-wide event filter notices the main
window's first paint; once the core is attached (the window has its ``turns``, the
:class:`~assistant.ui.turns.TurnRunner`), the probe waits ``BENCH_IDLE_S`` seconds (the
person reading the window), prints ``idle-rss-mb``, types the question into the composer's
text box and presses Enter there (``QTest.keyClick``: a key event through Qt's shortcut map, as a
person's key press goes). It connects to the TurnRunner's
``turn_opened`` and ``chunks_arrived`` signals after the window did, so its slot runs right
after the window's own slot has put the text into the message view. It prints

- ``enter <unix time>``, ``routed <unix time>``, ``first-token <unix time>``,
- ``done <unix time> <reply text as JSON>``,

then closes the window. With ``BENCH_ESC_AFTER_S`` set it presses Esc that many seconds
after Enter (``escape <unix time>``; ``done`` then says when the stopped turn finished).
"""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from assistant.ui.app import create_application, run_app
from assistant.ui.main_window import MainWindow

IDLE_S = float(os.environ.get("BENCH_IDLE_S", "3"))
QUESTION = os.environ.get("BENCH_QUESTION", "What is the capital of France?")


def resident_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _say(line: str) -> None:
    print(line, flush=True)


class _Probe(QObject):
    """Waits for the window, then asks the question and watches the answer arrive."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app = app
        self._window: MainWindow | None = None
        self._text: list[str] = []
        self._first = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, MainWindow):
            self._app.removeEventFilter(self)
            self._window = watched
            _say(f"first-paint {time.time():.4f}")
            QTimer.singleShot(10, self._wait_for_core)
        return False

    def _wait_for_core(self) -> None:
        window = self._window
        assert window is not None
        if not hasattr(window, "turns") or not window.composer.isEnabled():
            QTimer.singleShot(10, self._wait_for_core)
            return
        _say(f"attached {time.time():.4f}")
        window.turns.turn_opened.connect(self._on_turn_opened)
        window.turns.chunks_arrived.connect(self._on_chunks_arrived)
        window.turns.turn_finished.connect(self._on_turn_finished)
        window.turns.turn_failed.connect(lambda reply, message: _say(f"failed {message!r}"))
        QTimer.singleShot(int(IDLE_S * 1000), self._press_enter)

    def _press_enter(self) -> None:
        window = self._window
        assert window is not None
        _say(f"idle-rss-mb {resident_mb():.1f}")
        editor = window.composer.editor
        editor.setFocus()
        editor.setPlainText(QUESTION)
        _say(f"enter {time.time():.4f}")
        QTest.keyClick(editor, Qt.Key.Key_Return)
        escape_after = os.environ.get("BENCH_ESC_AFTER_S")
        if escape_after:
            QTimer.singleShot(int(float(escape_after) * 1000), self._press_escape)

    def _press_escape(self) -> None:
        window = self._window
        assert window is not None
        _say(f"escape {time.time():.4f}")
        # Through Qt's shortcut map, as a key press goes: Esc is "Stop answering".
        QTest.keyClick(window.composer.editor, Qt.Key.Key_Escape)

    def _on_turn_opened(self, turn: object) -> None:
        _say(f"routed {time.time():.4f} {getattr(turn, 'route', None)!r}")

    def _on_chunks_arrived(self, reply: int, chunks: list) -> None:
        for chunk in chunks:
            text = getattr(chunk, "text", None)
            if type(chunk).__name__ != "TextDelta" or not text:
                continue
            self._text.append(text)
            if self._first:
                self._first = False
                _say(f"first-token {time.time():.4f}")

    def _on_turn_finished(self, reply: int) -> None:
        _say(f"done {time.time():.4f} {json.dumps(''.join(self._text))}")
        _say(f"rss-after-mb {resident_mb():.1f}")
        window = self._window
        assert window is not None
        window.close()


def main() -> int:
    """Run the app with the probe installed; returns the app's exit status."""
    app = create_application(sys.argv)
    probe = _Probe(app)
    app.installEventFilter(probe)
    return run_app()


if __name__ == "__main__":
    raise SystemExit(main())
