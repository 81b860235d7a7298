"""Listening: when the person starts and stops speaking, and when they talk over the
assistant, from the microphone's frames.

:class:`Listener` is fed from the microphone's thread (:meth:`Listener.hear`) and from the
speaker's (:meth:`Listener.played`, what plays now, the echo to expect). Each frame first
loses the assistant's own voice (:class:`~assistant.core.echo.EchoCanceller`), then Silero
(:class:`~assistant.core.vad.SileroVad`) says how likely it is speech, 32 ms at a time.
From those decisions come events: the level for a meter, the person starting to speak, a
barge-in (the person spoke for ``barge_in_s`` over the assistant), a false alarm (what
started as speech stayed shorter than ``min_speech_s``) and finished turns (the
utterance's audio with a pre-roll, once ``end_silence_s`` of silence followed it).

Without echo cancellation (turned off, or livekit missing or failing) the listener takes
turns: while the assistant speaks, and for the echo's tail after it, the microphone is not
listened to, so the assistant never interrupts itself; :attr:`Listener.echo_problem` then
says why, when it was not the person's choice.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.core.echo import EchoCancellationUnavailable, EchoCanceller, Resampler
from assistant.core.listen_events import (
    BargeIn,
    FalseAlarm,
    Level,
    ListenerCosts,
    ListenEvent,
    ListenSettings,
    SpeechStarted,
    Turn,
)
from assistant.core.speech import SAMPLE_RATE
from assistant.core.vad import FRAME, SileroVad

if TYPE_CHECKING:
    from assistant.core.speech import Frames

FRAME_S = FRAME / SAMPLE_RATE
LEVEL_SAMPLES = SAMPLE_RATE // 20  # a level event every 50 ms at most
ONSET_FRAMES = 2  # voiced frames in a row before "speech_started": a lone blip is no onset
BLIP_SILENCE_FRAMES = 3  # silence that ends a candidate which never reached its onset
HYSTERESIS = 0.15  # once voiced, a frame stays voiced down to threshold - this (as Silero's)
TRAIL_S = 0.2  # silence kept after the last voiced frame of a turn (Whisper likes an end)
MAX_TURN_S = 28.0  # a turn is cut here: Whisper hears 30 s at a time
TAIL_S = 0.35  # taking turns: the echo still rings this long after the assistant stops
__all__ = [
    "BargeIn",
    "FalseAlarm",
    "Level",
    "ListenEvent",
    "ListenSettings",
    "Listener",
    "ListenerCosts",
    "SpeechStarted",
    "Turn",
]
MAX_REFERENCES = 256  # pieces of played sound kept while nobody hears the microphone
# When the person starts to speak over the assistant, the echo canceller's suppressor takes
# the first of their speech for echo: measured in the simulated room, about 0.1 s of it
# comes out silent (a "Stop." said alone is 13 voiced frames, over the assistant 7). Speech
# that begins over the assistant is held to barge_in_s and min_speech_s less that much.
DOUBLE_TALK_LOSS_S = 0.1


@dataclass
class _Candidate:
    """Speech being heard: its frames (pre-roll first) and what was decided about it."""

    frames: list[Frames]
    started_at: float
    last_voiced_at: float
    voiced: int = 1
    silent: int = 0
    last_voiced_index: int = 0
    onset: bool = False
    barged: bool = False
    began_while_speaking: bool = False


class Listener:
    """Turns the microphone's frames into :data:`ListenEvent` s (see the module's doc).

    :meth:`hear` is called from the microphone's thread, :meth:`played` from the speaker's,
    :meth:`assistant_speaking` and :meth:`reset` from anywhere. *vad* and *echo* may be
    given (already loaded); otherwise they are made here, which raises
    :class:`~assistant.core.vad.VoiceActivityUnavailable` when Silero cannot run. A missing
    or failing echo canceller is no error: the listener then takes turns.
    """

    def __init__(
        self,
        settings: ListenSettings | None = None,
        *,
        vad: SileroVad | None = None,
        echo: EchoCanceller | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import numpy as np

        self.settings = settings = settings or ListenSettings()
        self._vad = vad or SileroVad()
        self._clock = clock
        self.echo_problem: str | None = None  # why echo cancellation is off, if not chosen
        self.echo_error: EchoCancellationUnavailable | None = None  # the same, to translate
        self._echo: EchoCanceller | None = None
        if settings.echo_cancellation:
            try:
                self._echo = echo or EchoCanceller()
            except EchoCancellationUnavailable as exc:
                self.echo_problem, self.echo_error = str(exc), exc
        self.costs = ListenerCosts()
        self._lock = threading.RLock()
        self._references: collections.deque[tuple[Frames, int]] = collections.deque(
            maxlen=MAX_REFERENCES
        )
        self._resampler: Resampler | None = None
        self._pending: Frames = np.zeros(0, dtype=np.float32)
        self._pre_roll: collections.deque[Frames] = collections.deque(
            maxlen=max(0, math.ceil(settings.pre_roll_s / FRAME_S))
        )
        self._candidate: _Candidate | None = None
        self._was_voiced = False
        self._speaking = False
        self._deaf_samples = 0  # taking turns: samples still to ignore (the echo's tail)
        self._level_sum, self._level_count = 0.0, 0

    @property
    def echo_cancelling(self) -> bool:
        """Whether the assistant's voice is taken out of the microphone (else: taking turns)."""
        return self._echo is not None

    def played(self, frames: Frames, sample_rate: int) -> None:
        """What the speaker plays now, at its *sample_rate*: the echo to expect."""
        if self._echo is not None:
            self._references.append((frames, sample_rate))

    def assistant_speaking(self, on: bool) -> None:
        """The assistant starts (True) or stops (False) speaking."""
        with self._lock:
            was, self._speaking = self._speaking, on
            if self.echo_cancelling:
                return
            if on:
                self._forget_speech()
                self._vad.reset()  # what it remembers would be many seconds old
            elif was:
                self._deaf_samples = int(TAIL_S * SAMPLE_RATE)

    def reset(self) -> None:
        """Forget everything heard (a new conversation, or the microphone restarted)."""
        import numpy as np

        with self._lock:
            self._forget_speech()
            self._references.clear()
            self._resampler = None
            self._vad.reset()
            self._deaf_samples = 0
            self._level_sum, self._level_count = 0.0, 0
            self._pending = np.zeros(0, dtype=np.float32)

    def _forget_speech(self) -> None:
        self._candidate = None
        self._was_voiced = False
        self._pre_roll.clear()

    def hear(self, frames: Frames) -> list[ListenEvent]:
        """The microphone's next *frames* (16 kHz mono float32, any length): what they tell."""
        import numpy as np

        now = self._clock()
        samples = np.asarray(frames, dtype=np.float32).reshape(-1)
        with self._lock:
            self.costs.heard_s += len(samples) / SAMPLE_RATE
            cleaned = self._cancel_echo(samples)
            if not self.echo_cancelling and (self._speaking or self._deaf_samples > 0):
                self._deaf_samples = max(0, self._deaf_samples - len(samples))
                self._pending = np.zeros(0, dtype=np.float32)
                return []
            events: list[ListenEvent] = self._levels(cleaned, now)
            self._pending = np.concatenate([self._pending, cleaned])
            whole = len(self._pending) - len(self._pending) % FRAME
            for start in range(0, whole, FRAME):
                ends_at = now - (len(self._pending) - start - FRAME) / SAMPLE_RATE
                events.extend(self._decide(self._pending[start : start + FRAME], ends_at, now))
            self._pending = self._pending[whole:].copy()
        return events

    def _cancel_echo(self, samples: Frames) -> Frames:
        """*samples* without the echo of what was played (unchanged when not cancelling)."""
        echo = self._echo
        if echo is None:
            return samples
        began = time.thread_time()
        try:
            while self._references:
                piece, rate = self._references.popleft()
                if self._resampler is None or self._resampler.rate_in != rate:
                    self._resampler = Resampler(rate)
                echo.playback(self._resampler(piece))
            return echo.clean(samples)
        except EchoCancellationUnavailable as exc:
            self._echo, self.echo_problem, self.echo_error = None, str(exc), exc
            self._references.clear()
            if self._speaking:  # taking turns from now on: what began over it is not heard
                self._forget_speech()
            return samples
        finally:
            self.costs.echo_cpu_s += time.thread_time() - began

    def _levels(self, samples: Frames, now: float) -> list[ListenEvent]:
        import numpy as np

        self._level_sum += float(np.dot(samples, samples))
        self._level_count += len(samples)
        if self._level_count < LEVEL_SAMPLES:
            return []
        rms = math.sqrt(self._level_sum / self._level_count)
        self._level_sum, self._level_count = 0.0, 0
        return [Level(now, min(1.0, rms))]

    def _voiced(self, frame: Frames) -> bool:
        began = time.thread_time()
        probability = self._vad.probability(frame)
        self.costs.vad_cpu_s += time.thread_time() - began
        self.costs.frames += 1
        threshold = self.settings.threshold
        voiced = probability >= threshold or (
            self._was_voiced and probability >= threshold - HYSTERESIS
        )
        self._was_voiced = voiced
        return voiced

    def _decide(self, frame: Frames, ends_at: float, now: float) -> list[ListenEvent]:
        """One 32 ms frame's decision, ending at *ends_at*: the events it brings."""
        voiced = self._voiced(frame)
        candidate = self._candidate
        if candidate is None:
            if not voiced:
                self._pre_roll.append(frame)
                return []
            started = ends_at - FRAME_S
            candidate = _Candidate([*self._pre_roll, frame], started, ends_at)
            candidate.last_voiced_index = len(candidate.frames)
            candidate.began_while_speaking = self._speaking
            self._pre_roll.clear()
            self._candidate = candidate
        else:
            candidate.frames.append(frame)
            if voiced:
                candidate.voiced += 1
                candidate.silent = 0
                candidate.last_voiced_at = ends_at
                candidate.last_voiced_index = len(candidate.frames)
            else:
                candidate.silent += 1
        return self._progress(candidate, now)

    def _progress(self, candidate: _Candidate, now: float) -> list[ListenEvent]:
        events: list[ListenEvent] = []
        settings = self.settings
        if not candidate.onset:
            if candidate.voiced >= ONSET_FRAMES:
                candidate.onset = True
                events.append(SpeechStarted(candidate.started_at))
            elif candidate.silent >= BLIP_SILENCE_FRAMES:
                self._end(candidate)
                return events
        voiced_s = candidate.voiced * FRAME_S + self._allowance(candidate)
        speaking = candidate.onset and self._speaking and not candidate.barged
        if speaking and voiced_s >= settings.barge_in_s - 1e-9:
            candidate.barged = True
            events.append(BargeIn(now, candidate.started_at))
        silence_s = candidate.silent * FRAME_S
        if silence_s >= settings.end_silence_s - 1e-9 or (
            len(candidate.frames) * FRAME_S >= MAX_TURN_S
        ):
            events.extend(self._finish(candidate, now))
        return events

    def _finish(self, candidate: _Candidate, now: float) -> list[ListenEvent]:
        import numpy as np

        self._end(candidate)
        voiced_s = candidate.voiced * FRAME_S + self._allowance(candidate)
        if voiced_s < self.settings.min_speech_s - 1e-9:
            return [FalseAlarm(now, candidate.started_at)] if candidate.onset else []
        keep = candidate.last_voiced_index + math.ceil(TRAIL_S / FRAME_S)
        audio = np.concatenate(candidate.frames[:keep]).astype(np.float32)
        return [
            Turn(
                audio,
                candidate.started_at,
                candidate.last_voiced_at,
                now,
                barged_in=candidate.barged or candidate.began_while_speaking,
            )
        ]

    def _allowance(self, candidate: _Candidate) -> float:
        """The speech the echo canceller took from *candidate*, if it began over the assistant."""
        over = candidate.began_while_speaking or self._speaking
        return DOUBLE_TALK_LOSS_S if over and self.echo_cancelling else 0.0

    def _end(self, candidate: _Candidate) -> None:
        """Back to waiting for speech; the candidate's silent end becomes the pre-roll."""
        self._candidate = None
        self._pre_roll.clear()
        if candidate.silent and self._pre_roll.maxlen:
            self._pre_roll.extend(candidate.frames[-min(candidate.silent, self._pre_roll.maxlen) :])
