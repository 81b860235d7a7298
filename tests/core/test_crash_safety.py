"""A writer killed with SIGKILL mid-stream loses nothing it had committed.

Each trial runs ``crash_writer.py`` in a subprocess, lets it stream replies for a random
moment, kills it, and checks the database the trials share.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

import pytest

from assistant.core.store import FINAL_STATUSES, Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

WRITER = Path(__file__).with_name("crash_writer.py")
TRIALS = 20


def run_and_kill(database: Path, seed: int, delay: float) -> list[dict[str, Any]]:
    """Run the writer, kill it *delay* seconds after its first commit; what it reported."""
    lines: list[str] = []
    first_commit = threading.Event()

    def read(stream: IO[str]) -> None:
        for line in stream:
            lines.append(line)
            first_commit.set()

    command = [sys.executable, str(WRITER), str(database), str(seed)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
    ) as child:
        reader = threading.Thread(target=read, args=(child.stdout,))
        reader.start()
        # Armed only once something is committed, so that every kill lands mid-stream.
        started = first_commit.wait(timeout=20)
        if started:
            time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join()
        errors = child.stderr.read() if child.stderr else ""
    assert started, f"the writer never committed anything:\n{errors}"
    assert child.returncode == -signal.SIGKILL, f"the writer died by itself:\n{errors}"
    # A line cut short by the kill was never fully reported.
    return [json.loads(line) for line in lines if line.endswith("\n")]


def check_and_recover(database: Path, expected: dict[int, tuple[str, str]]) -> None:
    """Check every reported commit survived and mark the interrupted messages stopped.

    Afterwards *expected* holds exactly what is stored, which no later trial may change.
    """
    store = Store(database)
    try:
        assert store.integrity_check() == "ok"
        for message_id, (content, status) in expected.items():
            message = store.message(message_id)
            assert message is not None, f"committed message {message_id} is gone"
            if status == "streaming":
                # It may have gone on streaming, or finished, after its last report.
                assert message.content.startswith(content)
                assert message.status in FINAL_STATUSES | {"streaming"}
            else:
                assert (message.content, message.status) == (content, status)
        streaming = [m.id for m in store.interrupted_messages()]
        assert store.mark_interrupted() == len(streaming)
        assert store.interrupted_messages() == []
        for message_id in streaming:
            message = store.message(message_id)
            assert message is not None
            assert message.status == "stopped"
            assert message.meta["interrupted"] is True
        for message_id in expected:
            message = store.message(message_id)
            assert message is not None
            expected[message_id] = (message.content, message.status)
    finally:
        store.close()


def test_killed_writer_keeps_every_commit(tmp_path: Path) -> None:
    database = tmp_path / "crash.sqlite3"
    rng = random.Random(20240611)
    expected: dict[int, tuple[str, str]] = {}
    killed_mid_stream = 0
    for trial in range(TRIALS):
        reported = run_and_kill(database, seed=trial, delay=rng.uniform(0.05, 0.6))
        assert reported, f"trial {trial} reported nothing"
        expected.update({r["id"]: (r["content"], r["status"]) for r in reported})
        killed_mid_stream += reported[-1]["status"] == "streaming"
        check_and_recover(database, expected)
    # If the kills stopped landing mid-stream, this test would no longer test what it claims.
    assert killed_mid_stream >= TRIALS // 2
