"""Work off the GUI thread: generator jobs whose chunks come back as signals.

A :class:`Job` drives a generator in a pool thread and emits each item it yields
(``yielded``), out-of-band progress (``progressed``), one ``failed`` with a readable
message if it raises, and always ``finished`` last. Cancelling is cooperative: the job's
:class:`CancelToken` is checked between items. Each plugin gets its own pool of one
long-lived thread, so a model is always used from the thread that loaded it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from assistant.core.cancel import Cancelled, CancelToken

JobBody = Callable[["Job"], Iterator[Any]]


class JobSignals(QObject):
    """What a running job tells the GUI thread."""

    started = Signal()
    yielded = Signal(object)
    progressed = Signal(object)
    failed = Signal(str)
    finished = Signal()


class Job(QRunnable):
    """Runs *body* (a generator function taking the job) in a pool thread."""

    def __init__(self, body: JobBody, cancel: CancelToken | None = None) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it until finished has been delivered
        self.body = body
        self.cancel = cancel or CancelToken()
        self.signals = JobSignals()

    def report(self, chunk: object) -> None:
        """Send progress from inside a blocking call (thread-safe)."""
        self.signals.progressed.emit(chunk)

    def run(self) -> None:
        signals = self.signals
        signals.started.emit()
        try:
            for item in self.body(self):
                signals.yielded.emit(item)
                self.cancel.raise_if_cancelled()
        except Cancelled:
            pass
        except Exception as exc:
            signals.failed.emit(_readable(exc))
        finally:
            signals.finished.emit()


def _readable(exc: BaseException) -> str:
    text = str(exc).strip()
    if text:
        return text
    return f"Something went wrong ({type(exc).__name__}).\n{traceback.format_exc(limit=3)}"


class JobRunner(QObject):
    """Starts jobs on the right thread and keeps them alive until they finish."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shared = QThreadPool(self)
        self._shared.setMaxThreadCount(2)
        self._dedicated: dict[str, QThreadPool] = {}
        self._running: set[Job] = set()

    def start(self, job: Job, thread: str | None = None) -> Job:
        """Run *job* on the shared pool, or on the one long-lived thread named *thread*."""
        self._running.add(job)
        job.signals.finished.connect(lambda: self._running.discard(job))
        self._pool(thread).start(job)
        return job

    def _pool(self, thread: str | None) -> QThreadPool:
        if thread is None:
            return self._shared
        pool = self._dedicated.get(thread)
        if pool is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            pool.setExpiryTimeout(-1)  # the thread lives on, and the models with it
            self._dedicated[thread] = pool
        return pool

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def cancel_all(self) -> None:
        for job in list(self._running):
            job.cancel.cancel()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything and wait for every thread to finish; True if all did."""
        self.cancel_all()
        pools = [self._shared, *self._dedicated.values()]
        done = all(pool.waitForDone(timeout_ms) for pool in pools)
        for pool in self._dedicated.values():
            pool.setExpiryTimeout(0)
            pool.clear()
        return done
