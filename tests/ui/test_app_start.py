"""The real start-up, as a person's first launch: a new home, the window, then the core."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

READY_WITHIN_S = 60


def test_first_launch_paints_the_window_then_attaches_the_core(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ASSISTANT_REPORT_STARTUP": "1",
        "ASSISTANT_DATA_DIR": str(tmp_path / "new-home" / "data"),
        "ASSISTANT_CONFIG_DIR": str(tmp_path / "new-home" / "config"),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "assistant"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert app.stdout is not None
        seen: list[str] = []
        lines: queue.Queue[str] = queue.Queue()

        def read() -> None:  # the app stays up until killed: read it aside, with a deadline
            for line in app.stdout:  # type: ignore[union-attr]
                lines.put(line)

        threading.Thread(target=read, daemon=True).start()
        while not any("Ready; plugins:" in line for line in seen):
            try:
                seen.append(lines.get(timeout=READY_WITHIN_S))
            except queue.Empty:
                # A log line lost (sounddevice silences standard error while PortAudio
                # starts, for the whole process) or a start that never ends.
                raise AssertionError(f"no 'Ready' in {READY_WITHIN_S} s: {''.join(seen)}") from None
        output = "".join(seen)
        assert output.index("first-paint") < output.index("Ready; plugins:"), output
        assert "help (available)" in output and "Traceback" not in output, output
        assert (tmp_path / "new-home" / "data" / "assistant.sqlite3").exists()
    finally:
        app.kill()
        app.wait(timeout=30)
        if app.stdout is not None:
            app.stdout.close()


FIRST_PAINT_PROBE = """
import json, sys
from PySide6 import QtCore, QtGui, QtWidgets
import assistant.ui.app as app

def report(window):
    types = {"QtCore": QtCore, "QtGui": QtGui, "QtWidgets": QtWidgets}
    built = [f"{m}.{n}" for m, n in (name.split(".") for name in sys.argv[1:])
             if n in vars(types[m])]
    modules = [m for m in ("assistant.core.messages", "assistant.core.store", "pydantic")
               if m in sys.modules]
    print(json.dumps({"built": built, "modules": modules}), flush=True)
    QtWidgets.QApplication.quit()

app._attach_core = report  # called right after the first paint
sys.exit(app.run_app())
"""


def test_first_paint_builds_only_what_it_shows(tmp_path: Path) -> None:
    # PySide builds a class's Python type on first use; these take 1 to 13 ms each and
    # the empty window needs none of them (see assistant.ui).
    expensive = [
        "QtCore.Qt",
        "QtWidgets.QStyle",
        "QtWidgets.QMessageBox",
        "QtGui.QTextCursor",
        "QtGui.QTextFrameFormat",
        "QtGui.QKeySequence",
    ]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
        "ASSISTANT_CONFIG_DIR": str(tmp_path / "config"),
    }
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_PROBE, *expensive],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"built": [], "modules": []}, done.stderr


def test_what_draws_messages_is_made_ready_off_the_window_s_thread(open_window, qtbot) -> None:
    """Once the window has its core, the Markdown parsers are built on a worker, however it
    was opened (the app, a benchmark): the first message would otherwise wait about 80 ms
    for them on the window's thread (measured: its send took 119 ms, 18 ms with them
    ready; 68 ms of a transcription's first frame in bench.voice's window)."""
    from assistant.ui import markdown

    markdown._block_parser.cache_clear()
    markdown._renderer.cache_clear()
    made_on: list[str] = []
    warm_up = markdown.warm_up

    def noted() -> None:
        made_on.append(threading.current_thread().name)
        warm_up()

    markdown.warm_up = noted  # type: ignore[assignment]
    try:
        window = open_window()
        qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    finally:
        markdown.warm_up = warm_up  # type: ignore[assignment]
    assert made_on and made_on[0] != threading.main_thread().name
    assert markdown._block_parser.cache_info().currsize == 1
    assert markdown._renderer.cache_info().currsize == 2  # light and dark
