"""Spoken replies: answers read aloud, sentence by sentence, by an offline voice.

Importing this package is instant: the voices load when first used.
"""

from __future__ import annotations

from plugins.tts.plugin import TtsPlugin

__all__ = ["TtsPlugin"]
