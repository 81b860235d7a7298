"""Requests about the last picture: "another one", "make it bluer", "same but at night"."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ANOTHER = re.compile(r"^\s*(another( one)?|one more|again|再来一张|再画一张)\W*(please)?\W*$",
                      re.IGNORECASE)  # fmt: skip
_CHANGE = re.compile(r"^\s*(now\s+)?(make it|same,?\s+but|but|and)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """The prompt to draw, and whether the last seed is kept (a change keeps the layout)."""

    prompt: str
    same_seed: bool


def follow_up(text: str, last_prompt: str) -> FollowUp | None:
    """What *text* asks of the last picture (made from *last_prompt*), or None when it
    asks for something new."""
    if not last_prompt:
        return None
    if _ANOTHER.match(text):
        return FollowUp(last_prompt, same_seed=False)
    change = _CHANGE.match(text)
    if change is not None:
        modifier = text[change.end() :].strip(" .!")
        return FollowUp(f"{last_prompt}, {modifier}" if modifier else last_prompt, True)
    return None
