"""UI stall: the longest wait between GUI event-loop ticks while an answer streams in.

``python -m bench.ui_stall`` opens the real window (offscreen) on a conversation that
already holds 5,000 messages and sends a request to a bench plugin that follows the real
plugin contract: it burns CPU in pure Python (~1 ms per chunk) in its worker thread while
it streams 2,000 Markdown chunks (paragraphs, lists and fenced code). A 1 ms timer on the
GUI thread records the wall-clock gaps between its ticks from the send until
``TurnRunner.turn_finished``. ``excess_ms`` is what the app adds over a control run in
the same process (the same CPU burnt in a plain thread, nothing drawn): machines differ,
the margin over the control is what must hold (goal: at most 4 ms). This is done
``--repeat`` times (default 3) in one window, each from the conversation's last page; the
result is the run with the median
``max_stall_ms``, with every run's maximum beside it. The last line is the JSON result.

What tells a stall's cause apart:

- ``gui_cpu_in_max_stall_ms``: the GUI thread's own CPU time in the worst gap; the rest of
  the gap it was waiting (for the GIL, or for a core the machine gave elsewhere);
- ``chunks_in_max_stall``: chunks delivered to the window during the worst gap;
- ``max_chunk_latency_ms``: from the plugin yielding a chunk to the window receiving it;
- ``control_*``: the same ticks while a plain thread burns the same CPU and nothing is sent
  or drawn: what the GIL and the machine's other load cost without any help from the app.

What-ifs: ``--pieces-per-chunk K`` (the same text and CPU, K pieces per chunk, as if the
worker batched), ``--burn-ms``, ``--switch-interval-ms``. ``--diagnose`` runs once more with
instruments on the GUI thread (time per delivered event, per drawing slot, and a cProfile)
and reports on standard error; the instruments take the GIL themselves, so they add waits.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from assistant.core.bootstrap import open_assistant
from assistant.core.messages import Chunk, Request, TextDelta
from assistant.core.paths import Paths
from assistant.core.plugin import Manifest, PluginContext
from assistant.core.registry import PluginRegistry
from assistant.ui.app import keep_window_responsive
from assistant.ui.main_window import MainWindow
from plugins.help import HelpPlugin

HISTORY_MESSAGES = 5_000
CHUNKS = 2_000
BURN_S = 0.001
TICK_MS = 1
GOAL_EXCESS_MS = 4.0  # over the control run, the same CPU burn with nothing drawn
TIMEOUT_MS = 180_000

# PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to ``True`` on every
# ``Signal.emit()``; once True's count reaches zero the interpreter aborts ("bool_dealloc").
# A streamed chunk costs two emits, so the app dies after a few thousand chunks. The bench
# measures that loss (``true_refs_lost_per_chunk``) and holds these references so that it
# can finish its measurement; the app has no such pad.
_TRUE_PAD = [True] * 1_000_000

# One round of an answer, cut into the pieces a model would stream; repeated to CHUNKS.
_ANSWER = """Here is how the **streaming renderer** works, step by step.

1. Each token is appended to the reply's `segment`.
2. Settled blocks are rendered *once*.
3. The tail is redrawn at most once a frame.

```python
def fibonacci(n: int) -> list[int]:
    numbers = [0, 1]
    while len(numbers) < n:
        numbers.append(numbers[-1] + numbers[-2])
    return numbers[:n]
```

That keeps long answers smooth; see [the docs](https://example.org/docs) for more.

"""


def answer_pieces(count: int = CHUNKS) -> list[str]:
    """*count* word-sized pieces of Markdown (whitespace kept with the word before it)."""
    words: list[str] = []
    for line in _ANSWER.splitlines(keepends=True):
        parts = line.split(" ")
        words.extend(part + " " for part in parts[:-1])
        words.append(parts[-1])
    words = [w for w in words if w]
    return [words[i % len(words)] for i in range(count)]


def burn(seconds: float) -> int:
    """Pure-Python arithmetic for *seconds* (holds the GIL, like a tokenizer or sampler)."""
    deadline = time.perf_counter() + seconds
    total = 0
    while time.perf_counter() < deadline:
        for i in range(200):
            total = (total * 31 + i) % 1_000_003
    return total


class BurnerPlugin:
    """A plugin that works hard between chunks; implements the real plugin contract."""

    manifest = Manifest(
        name="burner",
        title="Burner",
        description="Burns CPU in its worker thread and streams a long Markdown answer.",
    )

    def __init__(self, burn_s: float = BURN_S, pieces_per_chunk: int = 1) -> None:
        self.burn_s = burn_s
        self.pieces_per_chunk = pieces_per_chunk
        self.yielded_at: list[float] = []  # perf_counter() of each chunk, for latencies

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        """Yield CHUNKS pieces of text, burning ``burn_s`` of CPU before each piece."""
        self.yielded_at = []
        pieces = answer_pieces()
        step = self.pieces_per_chunk
        for start in range(0, len(pieces), step):
            burn(self.burn_s * len(pieces[start : start + step]))
            context.cancel.raise_if_cancelled()
            self.yielded_at.append(time.perf_counter())
            yield TextDelta("".join(pieces[start : start + step]))


def _history_text(index: int) -> tuple[str, str]:
    if index % 2 == 0:
        return "user", f"Question {index}: how do I sort a list of tuples by the second item?"
    return "assistant", (
        f"Answer {index}: use `sorted` with a **key**.\n\n"
        "```python\npairs = sorted(pairs, key=lambda pair: pair[1])\n```\n\n"
        "- stable\n- returns a new list\n"
    )


def open_window(folder: Path, burner: BurnerPlugin) -> MainWindow:
    """The real window on *folder*, showing a conversation of HISTORY_MESSAGES messages."""
    paths = Paths(
        config=folder / "config", data=folder / "data", models=folder / "models",
        cache=folder / "cache",
    )  # fmt: skip
    registry = PluginRegistry([burner, HelpPlugin()])
    assistant = open_assistant(paths, registry)
    store = assistant.store
    conversation = store.create_conversation("A long conversation")
    for index in range(HISTORY_MESSAGES):
        role, text = _history_text(index)
        store.add_message(conversation, role, text, plugin="" if role == "user" else "help")
    window = MainWindow(assistant)  # opens the newest conversation: the long one
    window.show()
    return window


def settle(milliseconds: int) -> None:
    """Let the event loop run (paint, lay out) for a while."""
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


class TickRecorder(QObject):
    """Records the gaps between ticks of a 1 ms timer on the GUI thread.

    Beside each wall-clock gap it keeps the GUI thread's own CPU time in that gap: a long gap
    with little CPU was spent waiting (for the GIL, or for a core the OS gave elsewhere).
    """

    def __init__(self) -> None:
        super().__init__()
        self.gaps: list[float] = []
        self.cpu: list[float] = []
        self.times: list[float] = []  # when each gap ended
        self._last = self._last_cpu = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self._timer.start()

    def tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(now - self._last)
        self.cpu.append(cpu - self._last_cpu)
        self.times.append(now)
        self._last, self._last_cpu = now, cpu

    def stop(self) -> None:
        self.tick()  # the time since the last tick counts as well
        self._timer.stop()


def run_once(window: MainWindow, before_send: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """Send one request to the burner; the tick gaps until its reply has finished."""
    recorder = TickRecorder()
    loop = QEventLoop()
    finished: list[int] = []
    received: list[float] = []
    burner = window.assistant.registry.record("burner").plugin  # type: ignore[union-attr]
    assert isinstance(burner, BurnerPlugin)

    def on_chunks(_reply: int, chunks: list) -> None:
        received.extend([time.perf_counter()] * len(chunks))

    def on_finished(reply: int) -> None:
        recorder.stop()  # connected after the window's slot, so its work is counted
        finished.append(reply)
        loop.quit()

    def send() -> None:
        before_send()
        recorder.start()
        window.send("Burn some CPU and write me a long answer.", [], plugin="burner")

    window.turns.turn_finished.connect(on_finished)
    window.turns.chunks_arrived.connect(on_chunks)
    QTimer.singleShot(0, send)
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    started = time.perf_counter()
    true_refs = sys.getrefcount(True)
    loop.exec()
    true_refs_lost = true_refs - sys.getrefcount(True)
    elapsed = time.perf_counter() - started
    window.turns.turn_finished.disconnect(on_finished)
    window.turns.chunks_arrived.disconnect(on_chunks)
    if not finished:
        raise SystemExit("the reply did not finish in time")
    reply = finished[0]
    stored = window.store.message(reply)
    expected = "".join(answer_pieces())
    if stored is None or stored.status != "done" or stored.content != expected:
        raise SystemExit(f"the reply was not stored whole: {stored and stored.status}")
    if window.view.streamed_text(reply) != expected:
        raise SystemExit("the view did not receive every chunk")
    worst = max(range(len(recorder.gaps)), key=recorder.gaps.__getitem__)
    end = recorder.times[worst]
    in_worst = sum(end - recorder.gaps[worst] < t <= end for t in received)
    latencies = [got - sent for got, sent in zip(received, burner.yielded_at, strict=True)]
    return {
        "gaps": recorder.gaps,
        "cpu": recorder.cpu,
        "elapsed_s": elapsed,
        "true_refs_lost": true_refs_lost,
        "chunks_in_max_stall": in_worst,
        "latencies": latencies,
    }


def run_control(burn_s: float) -> dict[str, Any]:
    """The same ticks while a plain thread burns the same CPU and nothing is drawn.

    What is left here is the cost of the GIL and of the machine's other load alone.
    """

    def work() -> None:
        for _ in range(CHUNKS):
            burn(burn_s)

    return ticks_while(work, "bench-control-burner")


def ticks_while(work: Callable[[], None], name: str) -> dict[str, Any]:
    """The GUI thread's 1 ms ticks while *work* runs in a plain thread called *name*."""
    recorder = TickRecorder()
    loop = QEventLoop()
    done = threading.Event()

    def body() -> None:
        work()
        done.set()

    poll = QTimer()
    poll.setInterval(5)
    poll.timeout.connect(lambda: done.is_set() and loop.quit())
    worker = threading.Thread(target=body, name=name)
    started = time.perf_counter()
    recorder.start()
    poll.start()
    worker.start()
    loop.exec()
    recorder.stop()
    poll.stop()
    worker.join()
    return {"gaps": recorder.gaps, "cpu": recorder.cpu, "elapsed_s": time.perf_counter() - started}


def summary(result: dict[str, Any]) -> dict[str, float]:
    """Max, 99th percentile and mean of one run's gaps, in milliseconds."""
    gaps, cpu = result["gaps"], result["cpu"]
    ms = sorted(g * 1000 for g in gaps)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    return {
        "max_stall_ms": round(ms[-1], 2),
        "p99_stall_ms": round(p99, 2),
        "mean_stall_ms": round(statistics.fmean(ms), 3),
        "gui_cpu_in_max_stall_ms": round(cpu[worst] * 1000, 2),
        "chunks_in_max_stall": result.get("chunks_in_max_stall", 0),
        "max_gui_cpu_in_a_gap_ms": round(max(cpu) * 1000, 2),
        "ticks": len(ms),
    }


# ---- diagnosis ------------------------------------------------------------------------------


class TimedApplication(QApplication):
    """Times every event the GUI thread delivers (used only with ``--diagnose``)."""

    timing = False

    def __init__(self, argv: list[str]) -> None:
        super().__init__(argv)
        self.events: dict[tuple[str, str], list[float]] = defaultdict(list)

    def notify(self, receiver: QObject, event: QEvent) -> bool:
        if not self.timing:
            return super().notify(receiver, event)
        started = time.perf_counter()
        try:
            return super().notify(receiver, event)
        finally:
            key = (type(receiver).__name__, event.type().name)
            self.events[key].append(time.perf_counter() - started)


def _timed(name: str, slot: Callable[..., Any], times: dict[str, list[float]]) -> Callable:
    def wrapper(*args: Any) -> None:
        started, started_cpu = time.perf_counter(), time.thread_time()
        slot(*args)
        times[name].append(time.perf_counter() - started)
        times[f"{name} (GUI thread CPU)"].append(time.thread_time() - started_cpu)

    return wrapper


def instrument_slots(window: MainWindow) -> dict[str, list[float]]:
    """Reconnect the slots that draw the answer through timing wrappers."""
    times: dict[str, list[float]] = defaultdict(list)
    view, turns = window.view, window.turns
    rewires = [
        (view._flush_timer.timeout, view._flush, "MessageView._flush"),
        (
            turns.chunks_arrived,
            window._on_turn_chunks_arrived,
            "MainWindow._on_turn_chunks_arrived",
        ),
        (turns.turn_opened, window._on_turn_opened, "MainWindow._on_turn_opened"),
        (turns.turn_finished, window._on_turn_finished, "MainWindow._on_turn_finished"),
    ]
    for signal, slot, name in rewires:
        signal.disconnect(slot)
        signal.connect(_timed(name, slot, times))
    return times


def _table(rows: dict[Any, list[float]], limit: int) -> str:
    ordered = sorted(rows.items(), key=lambda kv: max(kv[1]), reverse=True)[:limit]
    lines = [f"{'max ms':>8} {'mean ms':>8} {'total ms':>9} {'count':>6}  what"]
    for key, values in ordered:
        name = " / ".join(key) if isinstance(key, tuple) else key
        lines.append(
            f"{max(values) * 1000:8.2f} {statistics.fmean(values) * 1000:8.3f} "
            f"{sum(values) * 1000:9.1f} {len(values):6d}  {name}"
        )
    return "\n".join(lines)


def diagnose(window: MainWindow, app: QApplication) -> None:
    """Run again with instruments and print where the GUI thread spent its time."""
    assert isinstance(app, TimedApplication)
    times = instrument_slots(window)
    window.open_conversation(window.conversation_id)
    settle(300)
    profile = cProfile.Profile()  # profiles the GUI thread only

    def begin() -> None:
        app.events.clear()
        app.timing = True
        profile.enable()

    result = run_once(window, before_send=begin)
    profile.disable()
    app.timing = False
    err = sys.stderr
    print("\n== diagnose: tick gaps with instruments on ==", file=err)
    print(json.dumps(summary(result)), file=err)
    big = sorted((g * 1000 for g in result["gaps"]), reverse=True)[:10]
    print("largest gaps (ms):", ", ".join(f"{g:.1f}" for g in big), file=err)
    print("\n== events delivered on the GUI thread, by longest ==", file=err)
    print(_table(app.events, 15), file=err)
    print("\n== slots that draw the answer ==", file=err)
    print(_table(times, 12), file=err)
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text).strip_dirs().sort_stats("tottime")
    stats.print_stats(25)
    print("\n== cProfile of the GUI thread (by own time) ==", file=err)
    print(text.getvalue(), file=err)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the JSON result is the last line on standard output."""
    parser = argparse.ArgumentParser(prog="python -m bench.ui_stall")
    parser.add_argument("--diagnose", action="store_true", help="also profile the GUI thread")
    parser.add_argument("--repeat", type=int, default=3, help="answers to stream (median)")
    parser.add_argument(
        "--burn-ms", type=float, default=BURN_S * 1000, help="CPU burnt per chunk (what-if)"
    )
    parser.add_argument(
        "--pieces-per-chunk", type=int, default=1, help="pieces sent together (what-if)"
    )
    parser.add_argument(
        "--switch-interval-ms",
        type=float,
        help="sys.setswitchinterval for the run instead of the app's (what-if)",
    )
    args = parser.parse_args(argv)
    keep_window_responsive()  # as the app does
    if args.switch_interval_ms is not None:
        sys.setswitchinterval(args.switch_interval_ms / 1000)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or (
        TimedApplication(sys.argv[:1]) if args.diagnose else QApplication(sys.argv[:1])
    )
    load_before = os.getloadavg()[0]
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-ui-stall-") as folder:
        started = time.perf_counter()
        burner = BurnerPlugin(args.burn_ms / 1000, args.pieces_per_chunk)
        window = open_window(Path(folder), burner)
        setup_s = time.perf_counter() - started
        try:
            controls: list[dict[str, Any]] = []
            for _ in range(max(args.repeat, 1)):
                window.open_conversation(window.conversation_id)  # the last page, as on opening
                settle(300)
                runs.append(run_once(window))
                settle(100)
                controls.append(run_control(args.burn_ms / 1000))
            if args.diagnose:
                diagnose(window, app)
        finally:
            window.close()
            window.jobs.shutdown()
            window.assistant.store.close()
            QCoreApplication.processEvents()
    each = [summary(run) for run in runs]
    median_run = sorted(each, key=lambda r: r["max_stall_ms"])[len(each) // 2]
    control = sorted((summary(c) for c in controls), key=lambda r: r["max_stall_ms"])
    control_median = control[len(control) // 2]
    excess = round(median_run["max_stall_ms"] - control_median["max_stall_ms"], 2)
    output = {
        **median_run,
        "excess_ms": excess,
        "goal_met": excess <= GOAL_EXCESS_MS,
        "max_stall_ms_each_run": [r["max_stall_ms"] for r in each],
        "max_chunk_latency_ms": round(max(max(r["latencies"]) for r in runs) * 1000, 1),
        "median_chunk_latency_ms": round(
            statistics.median(x for r in runs for x in r["latencies"]) * 1000, 1
        ),
        "p99_stall_ms_each_run": [r["p99_stall_ms"] for r in each],
        "control_max_stall_ms": control_median["max_stall_ms"],
        "control_p99_stall_ms": control_median["p99_stall_ms"],
        "control_max_stall_ms_each_run": [c["max_stall_ms"] for c in control],
        "stream_s": round(statistics.median(r["elapsed_s"] for r in runs), 2),
        "chunks": -(-CHUNKS // args.pieces_per_chunk),
        "pieces": CHUNKS,
        "history_messages": HISTORY_MESSAGES,
        "setup_s": round(setup_s, 2),
        "burn_ms_per_chunk": args.burn_ms,
        "switch_interval_ms": sys.getswitchinterval() * 1000,
        "true_refs_lost_per_chunk": round(runs[0]["true_refs_lost"] / CHUNKS, 2),
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    print(json.dumps(output))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
