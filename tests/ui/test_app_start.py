"""The real start-up, as a person's first launch: a new home, the window, then the core."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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
        for line in app.stdout:  # ends when the app exits; the app stays up until killed
            seen.append(line)
            if "Ready; plugins:" in line:
                break
        output = "".join(seen)
        assert output.index("first-paint") < output.index("Ready; plugins:"), output
        assert "help (available)" in output and "Traceback" not in output, output
        assert (tmp_path / "new-home" / "data" / "assistant.sqlite3").exists()
    finally:
        app.kill()
        app.wait(timeout=30)
        if app.stdout is not None:
            app.stdout.close()
