"""Keeping Python's cycle collector from pausing the window.

A full collection walks every object the process holds: with a conversation open that took
about 30 ms here, each time, and it came at random moments of a streaming answer, holding
the interpreter lock the whole time. Once a conversation has been opened, most of what the
window holds lives as long as it is shown, so it is collected once then and frozen:
later collections walk only what was made since (what a streaming answer adds).
"""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Collect what is garbage now and exempt everything left from later collections.

    What was frozen before is thawed first, so that what an earlier conversation left in
    cycles is still collected.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
