"""One path for every error nobody caught: into the log and onto the screen."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("assistant")


class ErrorBridge(QObject):
    """Carries uncaught exceptions, from any thread, to the GUI thread as a message."""

    error_raised = Signal(str)

    def install(self) -> None:
        """Route ``sys.excepthook`` and ``threading.excepthook`` here."""
        sys.excepthook = self._on_exception
        threading.excepthook = self._on_thread_exception

    def _on_exception(
        self,
        kind: type[BaseException],
        value: BaseException,
        trace: TracebackType | None,
    ) -> None:
        log.error("Uncaught error:\n%s", "".join(traceback.format_exception(kind, value, trace)))
        text = str(value).strip() or kind.__name__
        self.error_raised.emit(f"Something went wrong: {text}. The app carries on.")

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self._on_exception(args.exc_type, args.exc_value, args.exc_traceback)
