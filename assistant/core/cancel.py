"""Cooperative cancellation: the UI sets a token, the plugin checks it between steps."""

from __future__ import annotations

import threading


class Cancelled(Exception):
    """Raised inside a plugin when the person stopped the answer."""


class CancelToken:
    """A flag shared by the one who asks to stop and the work that must stop."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether stopping was asked for."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` when stopping was asked for."""
        if self._event.is_set():
            raise Cancelled

    def wait(self, timeout: float) -> bool:
        """Sleep up to *timeout* seconds, waking early when cancelled; True if cancelled."""
        return self._event.wait(timeout)
