"""Work off the GUI thread: generator jobs whose chunks come back as signals.

A :class:`Job` drives a generator in a pool thread and emits each item it yields
(``yielded``), out-of-band progress (``progressed``), one ``failed`` with a readable
message if it raises, and always ``finished`` last. Cancelling is cooperative: the job's
:class:`CancelToken` is checked between items. Each plugin gets its own pool of one
long-lived thread, so a model is always used from the thread that loaded it.
"""

from __future__ import annotations

import math
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from assistant.core.cancel import Cancelled, CancelToken
from assistant.ui.relay import Relay

JobBody = Callable[["Job"], Iterator[Any]]
FRAME_MS = 16  # items are delivered to the GUI thread at most this often
STEP_ASIDE_MAX_S = 0.05  # the longest a job waits at an item for the window to draw
JUST_DREW_S = 0.001  # a frame that ended this long ago was most likely in this pass
ROOM_S = 0.004  # the time work that can wait leaves before a frame that is due
# While a frame is drawn, other threads ask the interpreter back this late: about a frame (at
# 50 ms, sound threads waited so long that voice mode heard its own voice twice as often).
FRAME_HOLD_S = 0.005


def one_shot(parent: QObject, interval_ms: int, slot: Callable[[], Any]) -> QTimer:
    """A single-shot timer owned by *parent* that calls *slot* *interval_ms* after each
    start (a start while it runs starts it again)."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer


class WindowFirst:
    """While the GUI thread draws, jobs wait at their next item.

    Python runs one thread at a time: a plugin doing Python work between its items (a
    tokenizer, a sampler, a parser) takes the interpreter lock from the GUI thread at every
    switch interval, so a frame takes about twice its own time. Here the GUI thread marks
    its frames (:meth:`drawing`), and a job that reaches its next item meanwhile waits for
    the frame to end (:meth:`step_aside`), at most :data:`STEP_ASIDE_MAX_S`. A job whose
    work runs outside Python (llama.cpp, torch) rarely meets a frame, and then only for its
    rest: a frame takes a few milliseconds.
    """

    def __init__(self) -> None:
        self._ended = threading.Condition()
        self._frames = 0  # frames being drawn (one, or one inside another)
        self._interval = sys.getswitchinterval()  # the switch interval outside frames
        self.ended_at = 0.0  # time.perf_counter() when the last frame ended
        self.due_at = 0.0  # when the next frame of a stream is due (0: none is)

    @contextmanager
    def drawing(self) -> Iterator[None]:
        """Mark a frame the GUI thread draws (call on the GUI thread). Meanwhile no thread
        takes the interpreter lock from it at the switch interval: one that had it back
        inside code holding it (a tokenizer, an array operation) would keep the frame
        waiting for all of that (10-15 ms of a transcription's frames in bench.voice)."""
        with self._ended:
            self._frames += 1
            if self._frames == 1:
                self._interval = sys.getswitchinterval()
                sys.setswitchinterval(FRAME_HOLD_S)
        try:
            yield
        finally:
            with self._ended:
                self._frames -= 1
                if not self._frames:
                    sys.setswitchinterval(self._interval)
                    self.ended_at = time.perf_counter()
                    self._ended.notify_all()

    def just_drew(self) -> bool:
        """Whether a frame is being drawn or ended a moment ago (in this pass of the event
        loop, most likely)."""
        return bool(self._frames) or time.perf_counter() - self.ended_at < JUST_DREW_S

    def room(self) -> float:
        """How long work that can wait should wait (0: not at all), so as to share no pass
        of the event loop with a frame: one is being drawn or ended a moment ago, or one is
        due within :data:`ROOM_S`."""
        if self.just_drew():
            return JUST_DREW_S
        until = self.due_at - time.perf_counter()
        if -FRAME_MS / 1000 < until < ROOM_S:  # due, or overdue and about to be drawn
            return max(until, 0.0) + JUST_DREW_S
        return 0.0

    def step_aside(self) -> None:
        """Wait while a frame is drawn (call on a worker, between items)."""
        if self._frames:  # read without the lock: a frame just begun is met at the next item
            with self._ended:
                self._ended.wait_for(lambda: not self._frames, STEP_ASIDE_MAX_S)


WINDOW_FIRST = WindowFirst()


class BetweenFrames:
    """Work for the GUI thread that can wait a moment (a widget made ready, colours handed
    over, what follows the end of a job): done in a pass of the event loop of its own, never
    in the one that drew a frame, which it would make longer. Qt runs every timer due at
    once in one pass, and a 0 ms single shot even with the events being handled; this
    checks, and waits while a frame was just drawn or is about to be (see
    :meth:`WindowFirst.room`)."""

    def __init__(self, parent: QObject, slot: Callable[[], Any]) -> None:
        self._slot = slot
        self._timer = one_shot(parent, 1, self._run)

    def start(self) -> None:
        """Run the slot soon (once, however often this is called meanwhile)."""
        if not self._timer.isActive():
            self._timer.start(1)

    def stop(self) -> None:
        self._timer.stop()

    def isActive(self) -> bool:
        return self._timer.isActive()

    def _run(self) -> None:
        wait = WINDOW_FIRST.room()
        if wait:
            self._timer.start(max(1, math.ceil(wait * 1000)))
        else:
            self._slot()


class JobSignals(QObject):
    """What a running job tells the GUI thread.

    Items are handed over at most once a frame: the worker signals only when no delivery is
    on its way, and the GUI thread takes everything waiting at once, then comes back for
    more itself a frame later (and signals again only once nothing came in a frame). A fast
    stream thus costs the GUI thread one call into Python per frame, not one per chunk, and
    a chunk after a pause is still delivered at once.
    """

    started = Signal()
    yielded = Signal(object)  # each item, in order
    progressed = Signal(object)
    failed = Signal(str)
    finished = Signal()
    _batch_ready = Signal()
    _failed = Signal(str)
    _finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._waiting: list[object] = []
        self._coming = False  # a delivery is on its way: signalled, or the frame timer runs
        # The items of a frame together, in one call (see assistant.ui.relay): a stream's
        # way to the window.
        self.batch = Relay("JobSignals.batch")
        self._next_frame = one_shot(self, FRAME_MS, self._deliver)
        self._after_frame = one_shot(self, 1, self._deliver)
        self._finish_soon = BetweenFrames(self, self.finished.emit)
        self._batch_ready.connect(self._on_batch_ready)
        self._failed.connect(self._on_failed)
        self._finished.connect(self._on_finished)
        self._per_item = _is_connected(self, "yielded")

    def hand_over(self, item: object) -> None:
        """Queue *item* for the GUI thread (called from the worker)."""
        with self._lock:
            self._waiting.append(item)
            signal, self._coming = not self._coming, True
        if signal:
            self._batch_ready.emit()

    def deliver_waiting(self) -> None:
        """Deliver what the worker has handed over and the GUI thread not yet taken (call
        on the GUI thread)."""
        self._deliver()

    def _on_batch_ready(self) -> None:
        """Items after a pause: delivered now, unless another job's frame was drawn in this
        same pass of the event loop (then in the next one, a millisecond later)."""
        if WINDOW_FIRST.just_drew():
            self._after_frame.start()
        else:
            self._deliver()

    def _deliver(self) -> None:
        with self._lock:
            items, self._waiting = self._waiting, []
            self._coming = bool(items)  # if some came, more may: fetched a frame from now
        if not items:
            WINDOW_FIRST.due_at = 0.0  # the stream paused: no frame is due
            return
        self._next_frame.start()
        WINDOW_FIRST.due_at = time.perf_counter() + FRAME_MS / 1000
        with WINDOW_FIRST.drawing():  # what the items change is drawn in this call
            self.batch.emit(items)
            if self._per_item():  # an emit into Qt costs a wait for the lock, even unheard
                for item in items:
                    self.yielded.emit(item)

    def _on_failed(self, message: str) -> None:
        self._deliver()
        self.failed.emit(message)

    def _on_finished(self) -> None:
        self._deliver()
        self._next_frame.stop()
        self._after_frame.stop()
        WINDOW_FIRST.due_at = 0.0  # no frame of this stream is coming
        # The last items are drawn in this frame, what their end brings in a pass of its own.
        self._finish_soon.start()


def _is_connected(owner: QObject, signal: str) -> Callable[[], bool]:
    """A test of whether *owner*'s *signal* has a receiver now."""
    meta = owner.metaObject()
    method = meta.method(meta.indexOfSignal(f"{signal}(PyObject)"))
    return lambda: owner.isSignalConnected(method)


class Job(QRunnable):
    """Runs *body* (a generator function taking the job) in a pool thread."""

    def __init__(self, body: JobBody, cancel: CancelToken | None = None) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it until finished has been delivered
        self.body = body
        self.cancel = cancel or CancelToken()
        self.signals = JobSignals()
        self.ended = False  # set on the worker when the body is done (before finished is sent)

    def report(self, chunk: object) -> None:
        """Send progress from inside a blocking call (thread-safe)."""
        self.signals.progressed.emit(chunk)

    def run(self) -> None:
        signals = self.signals
        signals.started.emit()
        items = self.body(self)
        try:
            for item in items:
                signals.hand_over(item)
                self.cancel.raise_if_cancelled()
                WINDOW_FIRST.step_aside()
                # Let a waiting GUI thread take the GIL now rather than at the next forced
                # switch, so a busy plugin never makes the window stutter.
                time.sleep(0)
        except Cancelled:
            pass
        except Exception as exc:
            signals._failed.emit(_readable(exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a generator stopped between items runs its own clean-up now
            self.ended = True
            signals._finished.emit()


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
        """Cancel everything and wait, *timeout_ms* in all, for every thread to finish;
        True if all did."""
        self.cancel_all()
        deadline = time.monotonic() + timeout_ms / 1000
        done = True
        for pool in [self._shared, *self._dedicated.values()]:
            left_ms = max(0, int((deadline - time.monotonic()) * 1000))
            done = pool.waitForDone(left_ms) and done
        for pool in self._dedicated.values():
            pool.setExpiryTimeout(0)
            pool.clear()
        return done

    def pools(self) -> list[QThreadPool]:
        """Every thread pool of this runner (tests check none is left with work)."""
        return [self._shared, *self._dedicated.values()]
