"""What the listener tells (:mod:`assistant.core.listening`): its settings, its events and
what listening costs. Each event is a frozen dataclass with a ``kind`` and the monotonic
time ``at`` which it was decided (a :class:`Turn` has its own three times)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

from assistant.core.speech import SAMPLE_RATE

if TYPE_CHECKING:
    from assistant.core.speech import Frames


@dataclass(frozen=True, slots=True)
class ListenSettings:
    """How the listener decides; times in seconds of audio."""

    end_silence_s: float = 0.5
    pre_roll_s: float = 0.3
    barge_in_s: float = 0.25
    min_speech_s: float = 0.25
    threshold: float = 0.5
    echo_cancellation: bool = True


@dataclass(frozen=True, slots=True)
class Level:
    """The microphone's loudness after echo cancellation: *rms* of the samples, 0..1."""

    at: float
    rms: float
    kind: Literal["level"] = "level"


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """The person began to speak at *at* (monotonic seconds)."""

    at: float
    kind: Literal["speech_started"] = "speech_started"


@dataclass(frozen=True, slots=True)
class BargeIn:
    """The person has spoken ``barge_in_s`` over the assistant (decided at *at*)."""

    at: float
    speech_started_at: float
    kind: Literal["barge_in"] = "barge_in"


@dataclass(frozen=True, slots=True)
class FalseAlarm:
    """What began as speech (``speech_started``, perhaps a barge-in) ended shorter than
    ``min_speech_s``: no turn follows, and the assistant may go on where it was."""

    at: float
    speech_started_at: float
    kind: Literal["false_alarm"] = "false_alarm"


@dataclass(frozen=True, slots=True, eq=False)
class Turn:
    """A finished utterance: *audio* (16 kHz float32, with the pre-roll before it) and when
    it began, when its last voiced frame was heard, and when the silence after it decided
    that it had ended (all monotonic seconds)."""

    audio: Frames
    speech_started_at: float
    speech_ended_at: float
    decided_at: float
    barged_in: bool = False  # it began while the assistant spoke
    kind: Literal["turn"] = "turn"

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE


ListenEvent: TypeAlias = Level | SpeechStarted | BargeIn | FalseAlarm | Turn


@dataclass
class ListenerCosts:
    """CPU seconds spent (on the listening thread) and audio seconds heard."""

    heard_s: float = 0.0
    vad_cpu_s: float = 0.0
    echo_cpu_s: float = 0.0
    frames: int = 0

    @property
    def vad_cpu_pct(self) -> float:
        """Voice activity's share of one core while listening, in percent."""
        return 100.0 * self.vad_cpu_s / self.heard_s if self.heard_s else 0.0
