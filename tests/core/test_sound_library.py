"""Standard error survives the sound library's start: sounddevice points file descriptor 2
at /dev/null while PortAudio starts, for the whole process, so the app starts it before its
worker threads can write (a lost "Ready" line once hung the start-up test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys, threading
if sys.argv[1] == "app":
    from assistant.core.audio import start_sound_library
    start_sound_library()
worker = threading.Thread(target=lambda: __import__("sounddevice"))
written = 0
worker.start()
while worker.is_alive() or written < 1000:  # all the while the library starts, and more
    sys.stderr.write(f"line {written}\\n")
    written += 1
worker.join()
print(written)
"""


def _lines_kept(mode: str) -> tuple[int, int]:
    """Lines written to standard error while another thread imports sounddevice, and kept."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=True,
    )  # fmt: skip
    kept = sum(line.startswith("line ") for line in done.stderr.splitlines())
    return int(done.stdout.strip()), kept


def test_what_other_threads_write_while_portaudio_starts_is_kept() -> None:
    written, kept = _lines_kept("app")
    assert kept == written
    # The hazard itself, for the record: a worker's first import loses lines meanwhile.
    assert any(kept < written for written, kept in (_lines_kept("raw") for _ in range(3)))
