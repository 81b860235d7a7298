"""The baseline for ``bench.startup``: an empty QMainWindow, first paint reported alike.

Prints ``first-paint <unix time>`` exactly as ``assistant.ui.app`` does with
``ASSISTANT_REPORT_STARTUP=1``, then runs until it is terminated.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow


class _FirstPaint(QObject):
    """Prints the time of the window's first paint."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            print(f"first-paint {time.time():.4f}", flush=True)
            watched.removeEventFilter(self)
        return False


def main() -> int:
    """Show the empty window and run until terminated."""
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1100, 760)  # the size the assistant's window opens at
    probe = _FirstPaint(window)
    window.installEventFilter(probe)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
