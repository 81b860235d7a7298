"""Standard error survives the sound library's start: sounddevice points file descriptor 2
at /dev/null while PortAudio starts, for the whole process, so the app starts it before its
worker threads can write (a lost "Ready" line once hung the start-up test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINES = 3000
PROBE = f"""
import sys, threading
if sys.argv[1] == "app":
    from assistant.core.audio import start_sound_library
    start_sound_library()
worker = threading.Thread(target=lambda: __import__("sounddevice"))
worker.start()
for i in range({LINES}):
    sys.stderr.write(f"line {{i}}\\n")
worker.join()
"""


def _lines_kept(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=True,
    )  # fmt: skip
    return sum(line.startswith("line ") for line in done.stderr.splitlines())


def test_what_other_threads_write_while_portaudio_starts_is_kept() -> None:
    assert _lines_kept("app") == LINES
    # The hazard itself, for the record: a worker's first import loses lines meanwhile.
    assert min(_lines_kept("raw") for _ in range(3)) < LINES
