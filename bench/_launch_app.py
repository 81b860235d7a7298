"""Runs the real app through ``run_app()`` and reports from inside it, for ``bench.startup``.

Nothing in the product is patched: an application-wide event filter waits for the main
window's first paint. It then prints

- ``first-paint <unix time>``,
- ``ml-modules <JSON list>``: the heavy ML packages already in ``sys.modules``,

stays idle for ``IDLE_S`` seconds, prints ``ml-modules`` again (anything imported while
idle counts too) and ``idle-rss-mb <float>``, and closes the window as a person would.
"""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from assistant.ui.app import create_application, run_app
from assistant.ui.main_window import MainWindow

IDLE_S = float(os.environ.get("BENCH_IDLE_S", "10"))
ML_PACKAGES = frozenset(
    {"torch", "transformers", "diffusers", "whisper", "sentence_transformers", "cv2",
     "lancedb", "openai"}
)  # fmt: skip


def ml_modules() -> list[str]:
    """The heavy ML packages (top-level names) imported so far."""
    tops = {name.partition(".")[0] for name in list(sys.modules)}
    return sorted(t for t in tops if t in ML_PACKAGES or t.startswith("langchain"))


def resident_mb() -> float:
    """This process's resident memory in MiB."""
    import psutil  # a product dependency; imported late so it cannot skew the import list

    return psutil.Process().memory_info().rss / 2**20


class _Probe(QObject):
    """Watches every event until the main window paints for the first time."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app = app
        self._window: MainWindow | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, MainWindow):
            print(f"first-paint {time.time():.4f}", flush=True)
            self._app.removeEventFilter(self)
            self._window = watched
            print(f"ml-modules {json.dumps(ml_modules())}", flush=True)
            QTimer.singleShot(int(IDLE_S * 1000), self._on_idle_elapsed)
        return False

    def _on_idle_elapsed(self) -> None:
        print(f"ml-modules {json.dumps(ml_modules())}", flush=True)
        print(f"idle-rss-mb {resident_mb():.1f}", flush=True)
        assert self._window is not None
        self._window.close()  # the last window closing ends run_app's event loop


def main() -> int:
    """Run the app with the probe installed; returns the app's exit status."""
    # run_app() reuses an existing QApplication, so creating it here as run_app() would
    # changes nothing but lets the probe be installed before the window exists.
    app = create_application(sys.argv)
    probe = _Probe(app)
    app.installEventFilter(probe)
    return run_app()


if __name__ == "__main__":
    raise SystemExit(main())
