"""Runs the real app (``run_app()``), does one thing in it, then presses Ctrl+Q.

``python -m tests.ui.quit_probe SCENARIO [ARG]``: an application-wide event filter waits
for the main window's first paint and the core; then, by *SCENARIO*:

- ``idle``: nothing;
- ``loading``: sends ``/slowload`` (``tests.fakes.SlowLoader``) and waits for its load;
- ``streaming``: sends ``/stuck`` (``tests.fakes.StuckStreamer``) and waits for its text;
- ``indexing``: adds the folder *ARG* to the documents and waits until files are being
  indexed (the embedding model loaded, the first file done);
- ``chat``: asks the chat plugin *ARG* and waits for the first words;
- ``ask``: asks *ARG* (routed as typed) and waits for the first words.

It prints ``quit <unix time>`` and presses Ctrl+Q on the window (through Qt's shortcut
map, as a person's key press goes). The fake plugins are found through their entry points
(the test writes a ``.dist-info`` for them), as any installed plugin is.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from assistant.ui.app import create_application, run_app
from assistant.ui.main_window import MainWindow


def _say(line: str) -> None:
    print(line, flush=True)


class _Probe(QObject):
    def __init__(self, app: QApplication, scenario: str, argument: str) -> None:
        super().__init__()
        self._app = app
        self._scenario = scenario
        self._argument = argument
        self._window: Any = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, MainWindow):
            self._app.removeEventFilter(self)
            self._window = watched
            QTimer.singleShot(10, self._wait_for_core)
        return False

    def _wait_for_core(self) -> None:
        window = self._window
        if not hasattr(window, "turns") or not window.composer.isEnabled():
            QTimer.singleShot(10, self._wait_for_core)
            return
        _say(f"attached {time.time():.4f}")
        window.turns.chunks_arrived.connect(self._on_chunks_arrived)
        if self._scenario == "loading":
            self._send("/slowload hello")
            self._when(self._plugin("slowload").loading.is_set)
        elif self._scenario == "streaming":
            self._send("/stuck")
        elif self._scenario == "chat":
            self._send(f"/chat {self._argument}")
        elif self._scenario == "ask":
            self._send(self._argument)
            self._scenario = "chat"
        elif self._scenario == "indexing":
            job = window.knowledge.add([Path(self._argument)])
            job.signals.progressed.connect(self._on_indexing_progressed)
        else:
            self._quit()

    def _on_indexing_progressed(self, progress: object) -> None:
        # Files being embedded (not the model loading): quit in the middle of indexing.
        if getattr(progress, "files_done", 0) >= 1 and self._scenario == "indexing":
            self._scenario = "quitting"
            _say(f"indexed {getattr(progress, 'files_done', 0)}")
            QTimer.singleShot(0, self._quit)

    def _plugin(self, name: str) -> Any:
        return self._window.assistant.registry.record(name).plugin

    def _send(self, text: str) -> None:
        editor = self._window.composer.editor
        editor.setFocus()
        editor.setPlainText(text)
        QTest.keyClick(editor, Qt.Key.Key_Return)

    def _when(self, condition: Any, delay_ms: int = 0) -> None:
        if condition():
            QTimer.singleShot(delay_ms, self._quit)
        else:
            QTimer.singleShot(10, lambda: self._when(condition, delay_ms))

    def _on_chunks_arrived(self, reply: int, chunks: list) -> None:
        streamed = any(type(chunk).__name__ == "TextDelta" for chunk in chunks)
        if streamed and self._scenario in ("streaming", "chat"):
            self._scenario = "quitting"
            _say(f"reply {reply}")
            QTimer.singleShot(0, self._quit)

    def _quit(self) -> None:
        _say(f"quit {time.time():.4f}")
        QTest.keyClick(self._window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def main() -> int:
    app = create_application(sys.argv[:1])
    scenario, argument = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
    probe = _Probe(app, scenario, argument)
    app.installEventFilter(probe)
    return run_app()


if __name__ == "__main__":
    raise SystemExit(main())
