"""Speech services: what a plugin offers as ``services["stt"]`` and ``services["tts"]``.

Speech-to-text turns audio (a file, or 16 kHz mono float32 frames from the microphone)
into timed segments; text-to-speech turns text into audio. The window uses both (dictation,
reading answers aloud) and so may any plugin, without knowing which engine is behind them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias, runtime_checkable

from assistant.core.cancel import CancelToken

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Frames: TypeAlias = npt.NDArray[np.float32]
else:
    Frames: TypeAlias = object

SAMPLE_RATE = 16_000  # what speech-to-text takes: 16 kHz, mono, float32 in [-1, 1]


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of speech and its text; *start* and *end* in seconds from the audio's start.

    *no_speech_prob* is the engine's belief that nobody spoke in it, where it tells one
    (Whisper does): voice mode drops turns that were only noise.
    """

    start: float
    end: float
    text: str
    no_speech_prob: float | None = None


@dataclass(frozen=True, slots=True)
class TranscriptionInfo:
    """What an engine learnt about the audio before its first segment."""

    language: str  # ISO code, e.g. "en", "zh"; "" when not known
    language_probability: float | None
    duration: float  # seconds of audio


@dataclass(frozen=True, slots=True)
class Speech:
    """Synthesised audio: *samples* is mono float32 in [-1, 1] at *sample_rate*."""

    sample_rate: int
    samples: Frames


@runtime_checkable
class SpeechToText(Protocol):
    """Turns speech into text, segment by segment, as ``services["stt"]``.

    *audio* is a file (any container the engine decodes) or 16 kHz mono float32 frames.
    *language* is an ISO code, or None to detect it. *progress* hears (message, fraction)
    while the model loads. *info*, when given, is called once with what the engine learnt
    (the language, the duration) before the first segment. Segments come out in order;
    the iterator checks *cancel* between them.
    """

    def transcribe(
        self,
        audio: Path | Frames,
        cancel: CancelToken,
        language: str | None = None,
        progress: Callable[[str, float | None], None] | None = None,
        info: Callable[[TranscriptionInfo], None] | None = None,
    ) -> Iterator[Segment]: ...


@runtime_checkable
class TextToSpeech(Protocol):
    """Turns text into speech, as ``services["tts"]``.

    *voice* names one of the engine's voices, or None for the one the person chose.
    The result is :class:`Speech` (samples in memory) or a path to a WAV file.
    """

    def synthesize(
        self, text: str, cancel: CancelToken, voice: str | None = None
    ) -> Speech | Path: ...
