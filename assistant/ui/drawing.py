"""What the conversation draws that takes long, done one after another on a worker thread
of its own: pictures scaled to thumbnails, code highlighted. Opening a conversation full
of large photos, or an answer closing a long code block, never stalls the window; each
result is handed back on the GUI thread, a frame's worth at a time.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QImage

from assistant.ui.jobs import BetweenFrames, Job, JobRunner

FRAME_BUDGET_S = 0.001  # results handed over at a time, at most this long (one at least)
IDLE_S = 0.5  # how long the worker waits for more before its job ends
IDLE_POLL_S = 0.05  # how often it looks meanwhile (and whether it was stopped)
Task = tuple[Callable[[], Any], Callable[[Any], None]]  # the work, what takes its result


class DrawingQueue(QObject):
    """Tasks done in order on the thread "drawing"; pictures arrive with their key."""

    ready = Signal(str, QImage)  # key, the scaled picture (null if it could not be read)

    def __init__(self, jobs: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._lock = threading.Lock()
        self._waiting: list[Task] = []
        self._job: Job | None = None
        self._keys = itertools.count(1)
        self._results: deque[tuple[Callable[[Any], None], Any]] = deque()
        self._hand_over_soon = BetweenFrames(self, self._hand_over)

    def request(self, path: Path, size: QSize) -> str:
        """Queue *path* to be scaled to *size*; returns the key its picture will carry."""
        from assistant.ui.thumbnails import scaled

        key = f"thumbnail:{next(self._keys)}"
        self.submit(lambda: scaled(path, size), lambda image: self.ready.emit(key, image))
        return key

    def highlight(self, code: str, language: str, dark: bool, done: Callable[[str], None]) -> None:
        """Highlight *code* (see ``markdown.highlighted``); *done* takes the HTML."""
        from assistant.ui.markdown import highlighted

        self.submit(lambda: highlighted(code, language, dark), done)

    def submit(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Do *work* on the worker; *done* is called with its result on the GUI thread."""
        with self._lock:
            self._waiting.append((work, done))
        self._start_if_idle()

    def _start_if_idle(self) -> None:
        with self._lock:
            if self._job is not None or not self._waiting:
                return
        self._job = Job(self._work_all)
        self._job.signals.batch.connect(self._on_done)
        self._job.signals.finished.connect(self._on_job_finished)
        self._jobs.start(self._job, thread="drawing")  # never holds a shared worker

    def _work_all(self, job: Job) -> Iterator[tuple[Callable[[Any], None], Any]]:
        """Each task in turn; when there are none, waiting a moment for more (an answer
        streaming fast closes one code block after another: one job serves them)."""
        idle_since = time.monotonic()
        while not job.cancel.cancelled:
            with self._lock:
                task = self._waiting.pop(0) if self._waiting else None
            if task is None:
                if time.monotonic() - idle_since > IDLE_S:
                    return
                job.cancel.wait(IDLE_POLL_S)
                continue
            work, done = task
            yield done, work()
            idle_since = time.monotonic()

    def _on_done(self, results: list[tuple[Callable[[Any], None], Any]]) -> None:
        """Take results to hand over in an event-loop pass of their own: a stream's frame
        delivered in the same pass would wait for them."""
        self._results.extend(results)
        self._hand_over_soon.start()

    def _hand_over(self) -> None:
        """Hand results over, for at most FRAME_BUDGET_S at a time (a conversation just
        opened may have many code blocks to colour while an answer streams); the rest
        follow, each time between frames."""
        started = time.perf_counter()
        while self._results and time.perf_counter() - started < FRAME_BUDGET_S:
            done, result = self._results.popleft()
            done(result)
        if self._results:
            self._hand_over_soon.start()

    def cancel(self) -> None:
        """Forget the tasks still waiting (their conversation is no longer shown)."""
        with self._lock:
            self._waiting.clear()
        self._results.clear()
        self._hand_over_soon.stop()
        if self._job is not None:
            self._job.cancel.cancel()

    def _on_job_finished(self) -> None:
        cancelled = self._job is not None and self._job.cancel.cancelled
        self._job = None
        if not cancelled:
            self._start_if_idle()  # tasks given while the last job was ending
