"""A signal between Python objects on the GUI thread that calls its slots directly.

A Qt signal emitted from Python to a Python slot lets go of the interpreter lock on the
way into Qt and must take it back on the way out to the slot: while a plugin's thread is
busy in Python, each such hop waits for it (up to the switch interval, each time). What
streams into the window at every frame goes from one Python object to the next through
:class:`Relay` instead, which is a plain call. It connects, disconnects and emits like a
signal (so ``qtbot.waitSignal`` takes it), on the thread that emits it: only the GUI
thread, here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


class Relay:
    """Calls each connected slot, in the order connected, when emitted."""

    def __init__(self, name: str = "relay") -> None:
        self.name = name
        self._slots: list[Callable[..., Any]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any] | None = None) -> None:
        """Disconnect *slot* (every slot, without one); as Qt, an error if it was not."""
        if slot is None:
            self._slots.clear()
            return
        try:
            self._slots.remove(slot)
        except ValueError:
            raise RuntimeError(f"{self.name}: {slot!r} is not connected") from None

    def emit(self, *args: Any) -> None:
        """Call every slot with *args*. A slot that raises is reported as Qt reports it (to
        ``sys.excepthook``), and the others are still called."""
        for slot in list(self._slots):
            try:
                slot(*args)
            except Exception as error:
                sys.excepthook(type(error), error, error.__traceback__)

    def __repr__(self) -> str:
        return f"<Relay {self.name} ({len(self._slots)} connected)>"
