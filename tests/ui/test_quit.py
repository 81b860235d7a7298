"""Ctrl+Q ends the real app within a second, whatever it is doing, and keeps what was said."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUIT_BOUND_S = 1.0


def fake_plugins(folder: Path) -> Path:
    """A folder whose ``.dist-info`` registers the blocking fakes as installed plugins."""
    info = folder / "assistant_test_fakes-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: assistant-test-fakes\nVersion: 0\n"
    )
    (info / "entry_points.txt").write_text(
        "[assistant.plugins]\n"
        "slowload = tests.fakes:SlowLoader\n"
        "stuck = tests.fakes:StuckStreamer\n"
    )
    return folder


def quit_app(tmp_path: Path, scenario: str, argument: str = "") -> tuple[float, str, Path]:
    """Run the app, do *scenario* in it, press Ctrl+Q: seconds from Ctrl+Q to the process's
    end, its standard error, and its database."""
    home = tmp_path / "home"
    path = [str(fake_plugins(tmp_path / "site")), str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join(filter(None, path)),
        **{f"ASSISTANT_{n}_DIR": str(home / n.lower()) for n in ("CONFIG", "DATA", "CACHE")},
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.quit_probe", scenario, argument],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert app.stdout is not None
        pressed = 0.0
        for line in app.stdout:
            if line.startswith("quit "):
                pressed = float(line.split()[1])
                break
        assert pressed, "the probe never pressed Ctrl+Q"
        app.wait(timeout=30)
        ended = time.time()
        assert app.stderr is not None
        errors = app.stderr.read()
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        for stream in (app.stdout, app.stderr):
            if stream is not None:
                stream.close()
    assert app.returncode == 0, errors
    assert "Traceback" not in errors, errors
    return ended - pressed, errors, home / "data" / "assistant.sqlite3"


def replies(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "SELECT status, content FROM messages WHERE role = 'assistant' ORDER BY id"
        ).fetchall()
    return [(str(status), str(content)) for status, content in rows]


def test_quit_while_a_model_loads(tmp_path: Path) -> None:
    seconds, _, database = quit_app(tmp_path, "loading")
    assert seconds < QUIT_BOUND_S
    assert replies(database) == [("stopped", "")]


def test_quit_while_an_answer_streams_keeps_it_as_stopped(tmp_path: Path) -> None:
    seconds, _, database = quit_app(tmp_path, "streaming")
    assert seconds < QUIT_BOUND_S
    assert replies(database) == [("stopped", "first part")]


def test_quit_while_documents_are_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for number in range(300):  # many more than are indexed before the quit
        text = f"Note {number}: the budget for project {number} is {number * 1000} euros.\n"
        (folder / f"note{number}.txt").write_text(text * 50)
    seconds, _, _ = quit_app(tmp_path, "indexing", str(folder))
    assert seconds < QUIT_BOUND_S
    index = tmp_path / "home" / "data" / "plugins" / "rag" / "index.sqlite"
    assert index.exists()


@pytest.mark.parametrize("scenario", ["idle"])
def test_quit_at_once_after_start(tmp_path: Path, scenario: str) -> None:
    seconds, _, _ = quit_app(tmp_path, scenario)
    assert seconds < QUIT_BOUND_S


def test_quit_while_the_embedded_chat_model_answers(tmp_path: Path) -> None:
    if importlib.util.find_spec("llama_cpp") is None:  # not imported here: the app does
        pytest.skip("llama-cpp-python is not installed")
    seconds, _, database = quit_app(tmp_path, "chat", "Tell me a long story about a dragon.")
    assert seconds < QUIT_BOUND_S
    [(status, content)] = replies(database)
    assert status in ("stopped", "done") and content
