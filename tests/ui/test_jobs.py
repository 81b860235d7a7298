"""The job runner: items arrive in order on the GUI thread, errors and stops are reported."""

from __future__ import annotations

import statistics
import sys
import threading
from collections.abc import Iterator

from assistant.core.cancel import Cancelled
from assistant.ui.jobs import Job, JobRunner


def test_a_long_stream_arrives_whole_and_in_order(qtbot) -> None:
    runner = JobRunner()
    received: list[int] = []
    threads: set[int] = set()

    def body(job: Job) -> Iterator[int]:
        for number in range(20_000):
            threads.add(threading.get_ident())
            yield number

    job = Job(body)
    job.signals.yielded.connect(received.append)
    true_refs = sys.getrefcount(True)
    with qtbot.waitSignal(job.signals.finished, timeout=20_000):
        runner.start(job, thread="numbers")
    assert received == list(range(20_000))
    assert threading.get_ident() not in threads  # the work ran off the GUI thread
    # Some Qt bindings lose a reference to True on every signal; that ends in an abort.
    assert sys.getrefcount(True) >= true_refs - 100
    assert runner.shutdown(5000)


def test_failure_comes_after_the_items_and_before_finished(qtbot) -> None:
    runner = JobRunner()
    events: list[str] = []

    def body(job: Job) -> Iterator[str]:
        yield "partial"
        raise ValueError("The model file is damaged; download it again.")

    job = Job(body)
    job.signals.yielded.connect(lambda item: events.append(f"item {item}"))
    job.signals.failed.connect(lambda message: events.append(f"failed {message}"))
    job.signals.finished.connect(lambda: events.append("finished"))
    with qtbot.waitSignal(job.signals.finished, timeout=5_000):
        runner.start(job)
    assert events == [
        "item partial",
        "failed The model file is damaged; download it again.",
        "finished",
    ]
    assert runner.shutdown(5000)


def test_cancel_stops_the_job_between_items(qtbot) -> None:
    runner = JobRunner()
    started = threading.Event()

    def body(job: Job) -> Iterator[int]:
        number = 0
        while True:
            started.set()
            if job.cancel.wait(0.005):
                raise Cancelled
            number += 1
            yield number

    job = Job(body)
    failures: list[str] = []
    job.signals.failed.connect(failures.append)
    runner.start(job)
    started.wait(5)
    with qtbot.waitSignal(job.signals.finished, timeout=5_000):
        runner.cancel_all()
    assert failures == []
    assert not runner.busy
    assert runner.shutdown(5000)


def test_a_frame_keeps_the_interpreter_from_a_thread_that_holds_it_in_c() -> None:
    """A worker back from C code at the switch interval took the interpreter lock from the
    window mid-frame and kept it through a call that holds it (a tokenizer, an array
    operation): the frame waited for all of it. While a frame is drawn, it does not."""
    import time

    from assistant.ui.jobs import FRAME_HOLD_S, WINDOW_FIRST

    def python_work() -> float:  # a frame's Python: ~2 ms of bytecode, shorter than the hold
        started = time.perf_counter()
        total = 0
        for i in range(25_000):
            total += i % 7
        return time.perf_counter() - started

    alone = min(python_work() for _ in range(3))
    done = threading.Event()

    def holder() -> None:
        while not done.is_set():
            sum(range(400_000))  # C code holding the lock, ~5 ms at a time

    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)  # as the app sets it
    worker = threading.Thread(target=holder)
    worker.start()
    try:
        shared = statistics.median(python_work() for _ in range(9))
        framed_each = []  # (a worker already waiting as a frame begins may take one turn)
        for _ in range(9):
            with WINDOW_FIRST.drawing():
                assert sys.getswitchinterval() == FRAME_HOLD_S
                framed_each.append(python_work())
            assert sys.getswitchinterval() == 0.0005
        framed = statistics.median(framed_each)
    finally:
        done.set()
        worker.join()
        sys.setswitchinterval(interval)
    assert shared > 2 * alone, "the worker takes the lock between frames"
    assert framed < min(shared / 2, 2 * alone + 0.002), (
        f"{framed * 1000:.1f} ms framed, {shared * 1000:.1f} beside it, {alone * 1000:.1f} alone"
    )
