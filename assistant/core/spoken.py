"""An answer spoken while it is written: its sentences queued, synthesised in order.

The window feeds :class:`SpokenAnswer` the answer's text as it streams (``feed``, then
``finish``) from the GUI thread; a worker on the voice's own thread iterates
:meth:`SpokenAnswer.sentences_spoken`, which synthesises each sentence as soon as it is
complete, so speech can start when the first sentence is written, not when the answer
ends. All of the answer's speech is then kept as one WAV file (:meth:`SpokenAnswer.save`).

numpy is needed only once there is sound to handle, so it is imported where it is used.
"""

from __future__ import annotations

import queue
import time
import wave
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.cancel import CancelToken
from assistant.core.sentences import SentenceSplitter
from assistant.core.speech import Speech, TextToSpeech

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

GAP_S = 0.25  # silence between two sentences in the kept recording
POLL_S = 0.1  # how often a worker waiting for the next sentence looks at its cancel token
_END = None


@dataclass(frozen=True, slots=True)
class SpokenSentence:
    """One sentence and its speech; *ready* is when its synthesis ended (monotonic s)."""

    index: int
    text: str
    speech: Speech
    ready: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return len(self.speech.samples) / self.speech.sample_rate


class SpokenAnswer:
    """The sentences of one answer, from the text as it streams to their speech.

    ``feed`` and ``finish`` are called from one thread (the window's), the iteration of
    :meth:`sentences_spoken` from another (the voice's); a queue lies between them.
    """

    def __init__(self, cancel: CancelToken | None = None, first_clause: bool = True) -> None:
        self.cancel = cancel or CancelToken()
        # Speech starts on the first clause of a long first sentence (see sentences).
        self._splitter = SentenceSplitter(first_clause)
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._finished = False
        self.queued: list[tuple[str, float]] = []  # each sentence and when it was complete
        self.spoken: list[SpokenSentence] = []

    def feed(self, text: str) -> None:
        """More of the answer's text; each sentence it completes is queued at once."""
        if not self._finished:
            self._put(self._splitter.feed(text))

    def finish(self) -> None:
        """The answer has ended: queue what is left of it."""
        if not self._finished:
            self._finished = True
            self._put(self._splitter.flush())
            self._queue.put(_END)

    def _put(self, sentences: Iterable[str]) -> None:
        for sentence in sentences:
            self.queued.append((sentence, time.monotonic()))
            self._queue.put(sentence)

    def sentences_spoken(
        self, engine: TextToSpeech, voice: str | None = None
    ) -> Iterator[SpokenSentence]:
        """Synthesise each queued sentence in order with *engine* (run this on the voice's
        thread); ends when the answer has ended and every sentence is spoken, or at a stop."""
        index = 0
        while True:
            self.cancel.raise_if_cancelled()
            try:
                sentence = self._queue.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if sentence is _END:
                return
            if not speakable_words(sentence):
                continue
            speech = as_speech(engine.synthesize(sentence, self.cancel, voice))
            spoken = SpokenSentence(index, sentence, speech)
            self.spoken.append(spoken)
            index += 1
            yield spoken

    def save(self, path: Path) -> Path | None:
        """All the speech made so far as one WAV file at *path*; None if there is none."""
        if not self.spoken:
            return None
        write_wav(path, join([s.speech for s in self.spoken]))
        return path


def speak_text(
    engine: TextToSpeech, markdown: str, cancel: CancelToken, voice: str | None = None
) -> Speech | None:
    """The whole of *markdown* spoken (its sentences, code left out), or None if it has no
    words to say."""
    spoken = SpokenAnswer(cancel)
    spoken.feed(markdown)
    spoken.finish()
    speeches = [s.speech for s in spoken.sentences_spoken(engine, voice)]
    return join(speeches) if speeches else None


def speakable_words(sentence: str) -> bool:
    """Whether *sentence* has anything a voice can say (letters or digits)."""
    return any(c.isalnum() for c in sentence)


# ---- sound as numbers ---------------------------------------------------------------


def as_speech(result: Speech | Path) -> Speech:
    """An engine's result as samples in memory (an engine may answer with a WAV file)."""
    return read_wav(result) if isinstance(result, Path) else result


def read_wav(source: Path | Any) -> Speech:
    """A WAV file (a path or a binary file object) as mono float32 samples."""
    import numpy as np

    with wave.open(source if not isinstance(source, Path) else str(source), "rb") as sound:
        rate, width, channels = sound.getframerate(), sound.getsampwidth(), sound.getnchannels()
        frames = sound.readframes(sound.getnframes())
    if width != 2:
        raise ValueError(f"Only 16-bit WAV audio can be read here (this one has {width * 8}).")
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return Speech(rate, samples)


def write_wav(path: Path, speech: Speech) -> None:
    """Write *speech* as a 16-bit mono WAV file (atomically: a crash leaves no half file)."""
    import numpy as np

    samples = np.clip(np.asarray(speech.samples, dtype=np.float32), -1.0, 1.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(speech.sample_rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    partial.replace(path)


def join(speeches: list[Speech], gap_s: float = GAP_S) -> Speech:
    """Sentences one after the other with a short pause between, at the first one's rate."""
    import numpy as np

    rate = speeches[0].sample_rate
    gap = np.zeros(int(rate * gap_s), dtype=np.float32)
    parts: list[npt.NDArray[np.float32]] = []
    for number, speech in enumerate(speeches):
        if number:
            parts.append(gap)
        parts.append(resample(speech, rate))
    return Speech(rate, np.concatenate(parts))


def resample(speech: Speech, rate: int) -> npt.NDArray[np.float32]:
    """The samples of *speech* at *rate* (linear interpolation: voices differ in rate)."""
    import numpy as np

    samples = np.asarray(speech.samples, dtype=np.float32)
    if speech.sample_rate == rate or not len(samples):
        return samples
    count = round(len(samples) * rate / speech.sample_rate)
    positions = np.linspace(0, len(samples) - 1, count)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
