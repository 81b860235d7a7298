"""The job runner: items arrive in order on the GUI thread, errors and stops are reported."""

from __future__ import annotations

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
