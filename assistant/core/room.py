"""A simulated room: a microphone that hears a person, noises, and the assistant's own voice
coming back from its loudspeaker, with no sound card.

:class:`SimulatedRoom` is an :class:`~assistant.core.audio.AudioInput`: between ``start``
and ``stop`` it hands 16 kHz frames of 512 samples to its listener at real-time pace (or
*speed* times faster) from its own thread. What it delivers is the sum of a timeline of
clips (the person's utterances and noises, each placed at a second of the room's time), a
faint noise floor, and whatever its :class:`RoomSpeaker` plays, as a loudspeaker returns it
to the microphone: 40 ms later, at 0.6 of its level, with a short reverberation.

:class:`RoomSpeaker` is an :class:`~assistant.core.audio.AudioOutput` (the methods of
:class:`~assistant.core.speaker.SpeakerOutput`) that plays into the room on the room's clock.
Like the real speaker it hands what it plays to ``on_played(frames, rate)`` (the reference
for echo cancellation), and it records when playback started and stopped.

A room can be described in a JSON file (see :func:`load_script`), which is how the app is
tried in a simulated room (``ASSISTANT_VOICE_ROOM``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.room_speaker import RoomSpeaker
from assistant.core.speech import SAMPLE_RATE
from assistant.core.spoken import read_wav

if TYPE_CHECKING:
    from assistant.core.speech import Frames

BLOCK = 512  # samples per delivery, as the real microphone: 32 ms
ECHO_DELAY_S = 0.04
ECHO_GAIN = 0.6
REVERB_S = 0.12
NOISE_FLOOR = 3e-4  # rms of the room's own hiss, about -70 dBFS
ROOM_ENV = "ASSISTANT_VOICE_ROOM"
__all__ = [
    "BLOCK",
    "ROOM_ENV",
    "Clip",
    "RoomScriptError",
    "RoomSpeaker",
    "SimulatedRoom",
    "impulse_response",
    "load_script",
    "read_clip",
    "room_from_env",
]


class RoomScriptError(Exception):
    """A room description that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Clip:
    """A sound placed in the room: *at_s* seconds after the room starts, *kind* "person"
    (someone speaking to the assistant) or "noise"."""

    at_s: float
    samples: Frames
    kind: str = "person"
    name: str = ""

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def read_clip(path: Path, at_s: float, kind: str = "person", gain: float = 1.0) -> Clip:
    """The WAV at *path* (any rate, mono or stereo, 16-bit) as a clip at 16 kHz."""
    import numpy as np

    from assistant.core.echo import Resampler

    try:
        speech = read_wav(path)
    except (OSError, EOFError, ValueError) as exc:
        raise RoomScriptError(f"The room's sound {path.name} cannot be read ({exc}).") from exc
    samples = Resampler(speech.sample_rate)(speech.samples) * np.float32(gain)
    return Clip(at_s, samples.astype(np.float32), kind, path.name)


def impulse_response(seconds: float = REVERB_S, seed: int = 7) -> Frames:
    """A small room's echo path: the direct sound, then a decaying tail of reflections."""
    import numpy as np

    length = max(1, int(seconds * SAMPLE_RATE))
    rng = np.random.default_rng(seed)
    decay = np.exp(-np.arange(length) / (0.025 * SAMPLE_RATE))
    response = rng.standard_normal(length) * decay * 0.06
    response[0] = 1.0
    return response.astype(np.float32)


class _Reverb:
    """Streaming convolution by overlap-add, so a block's tail rings into the next ones."""

    def __init__(self, response: Frames) -> None:
        import numpy as np

        self._response = response
        self._size = 1 << int(np.ceil(np.log2(BLOCK + len(response))))
        self._spectrum = np.fft.rfft(response, self._size)
        self._tail = np.zeros(len(response) - 1, dtype=np.float32)

    def __call__(self, block: Frames) -> Frames:
        import numpy as np

        spectrum = np.fft.rfft(block, self._size) * self._spectrum
        length = len(block) + len(self._response) - 1
        full: Frames = np.fft.irfft(spectrum, self._size)[:length].astype(np.float32)
        full[: len(self._tail)] += self._tail
        self._tail = full[len(block) :].copy()
        return full[: len(block)]


class SimulatedRoom:
    """A microphone in a room with a person, noises and the assistant's loudspeaker.

    *clips* are placed on the room's timeline (seconds from ``start``); more can be added
    while it runs (:meth:`add`). ``onsets`` records when each clip began to be delivered,
    by the clip's index; ``finished`` is set once every clip has been delivered (the room
    then goes on with its hiss and the speaker's echo). Times are monotonic seconds, or,
    with *own_clock*, the room's own time (:meth:`elapsed_s`: for driving it block by block
    with :meth:`step`, faster than real time). The speaker the room makes reads the same
    clock.
    """

    def __init__(
        self,
        clips: Iterable[Clip] = (),
        speaker: RoomSpeaker | None = None,
        *,
        speed: float = 1.0,
        echo_delay_s: float = ECHO_DELAY_S,
        echo_gain: float = ECHO_GAIN,
        reverb_s: float = REVERB_S,
        noise_floor: float = NOISE_FLOOR,
        seed: int = 1,
        own_clock: bool = False,
    ) -> None:
        self.name = "simulated room"
        self.clock: Callable[[], float] = self.elapsed_s if own_clock else time.monotonic
        self.speaker = speaker or RoomSpeaker(clock=self.clock)
        self.speed = speed
        self.echo_delay_s, self.echo_gain = echo_delay_s, echo_gain
        self.reverb_s, self.noise_floor, self.seed = reverb_s, noise_floor, seed
        self._lock = threading.Lock()
        self._clips: list[Clip] = list(clips)
        self.onsets: dict[int, float] = {}  # clip index -> monotonic time it started
        self.finished = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._position = 0  # samples delivered since start
        self.rewind()

    @property
    def clips(self) -> list[Clip]:
        with self._lock:
            return list(self._clips)

    def add(self, clip: Clip) -> int:
        """Place *clip* on the timeline (its ``at_s`` in room seconds); returns its index."""
        with self._lock:
            self._clips.append(clip)
            self.finished.clear()
            return len(self._clips) - 1

    def add_now(self, path: Path, kind: str = "person", after_s: float = 0.0) -> int:
        """Place the WAV at *path* *after_s* seconds from the room's present moment."""
        return self.add(read_clip(path, self.elapsed_s() + after_s, kind))

    def elapsed_s(self) -> float:
        """Room seconds delivered so far."""
        return self._position / SAMPLE_RATE

    def onset(self, index: int, timeout: float = 60.0) -> float:
        """The monotonic time clip *index* began (waiting for it up to *timeout* seconds)."""
        deadline = time.monotonic() + timeout
        while index not in self.onsets:
            if time.monotonic() > deadline:
                raise TimeoutError(f"Clip {index} did not start within {timeout} s.")
            self._stop.wait(0.01)
        return self.onsets[index]

    def start(self, on_frames: Callable[[Frames], None]) -> None:
        """Start delivering frames to *on_frames* from the room's thread, from time 0."""
        self.stop()
        self._stop.clear()
        self.rewind()
        self._thread = threading.Thread(
            target=self._run, args=(on_frames,), name="simulated room", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop delivering frames (none arrives after this returns)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def rewind(self) -> None:
        """Back to time 0: no clip heard yet, no echo ringing."""
        import numpy as np

        self._position = 0
        self.onsets.clear()
        self.finished.clear()
        self._delay = np.zeros(round(self.echo_delay_s * SAMPLE_RATE), dtype=np.float32)
        self._reverb = _Reverb(impulse_response(self.reverb_s, self.seed))
        self._rng = np.random.default_rng(self.seed)

    def step(self) -> Frames:
        """The next block the microphone hears (the room's time advances by one block).

        The room's thread calls it at real-time pace; a test may call it in a loop instead,
        as fast as it likes, with a *clock* that reads :meth:`elapsed_s`.
        """
        import numpy as np

        now = self.clock()
        sound = self._reverb(self.speaker.render(BLOCK)) * np.float32(self.echo_gain)
        joined = np.concatenate([self._delay, sound])
        echo, self._delay = joined[:BLOCK], joined[BLOCK:]
        block = echo + self._timeline(self._position, now)
        if self.noise_floor:
            block += self._rng.standard_normal(BLOCK).astype(np.float32) * self.noise_floor
        self._position += BLOCK
        return np.clip(block, -1.0, 1.0).astype(np.float32)

    def _run(self, on_frames: Callable[[Frames], None]) -> None:
        began = time.monotonic()
        while not self._stop.is_set():
            on_frames(self.step())
            due = began + self._position / SAMPLE_RATE / self.speed
            self._stop.wait(max(0.0, due - time.monotonic()))

    def _timeline(self, position: int, now: float) -> Frames:
        import numpy as np

        out = np.zeros(BLOCK, dtype=np.float32)
        end = position + BLOCK
        with self._lock:
            clips = list(enumerate(self._clips))
        pending = False
        for index, clip in clips:
            first = round(clip.at_s * SAMPLE_RATE)
            last = first + len(clip.samples)
            if last > end:
                pending = True
            if last <= position or first >= end:
                continue
            if index not in self.onsets:
                self.onsets[index] = now + max(0, first - position) / SAMPLE_RATE / self.speed
            lo, hi = max(first, position), min(last, end)
            out[lo - position : hi - position] += clip.samples[lo - first : hi - first]
        if not pending:
            self.finished.set()
        return out


def load_script(path: Path) -> SimulatedRoom:
    """A room described in JSON: ``{"speed": 1.0, "clips": [{"at": 1.5, "wav": "a.wav",
    "kind": "person"}, ...]}``; relative paths are read from the script's folder."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RoomScriptError(f"The room script {path.name} cannot be read ({exc}).") from exc
    if not isinstance(data, dict) or not isinstance(data.get("clips", []), list):
        raise RoomScriptError(f"The room script {path.name} needs a list of clips.")
    clips = []
    for item in data.get("clips", []):
        try:
            wav = Path(str(item["wav"]))
            at_s = float(item.get("at", 0.0))
            kind = str(item.get("kind", "person"))
            gain = float(item.get("gain", 1.0))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RoomScriptError(
                f"A clip in {path.name} needs a wav and a time in seconds ({item!r})."
            ) from exc
        clips.append(read_clip(wav if wav.is_absolute() else path.parent / wav, at_s, kind, gain))
    return SimulatedRoom(clips, speed=float(data.get("speed", 1.0)))


def room_from_env() -> SimulatedRoom | None:
    """The room ``ASSISTANT_VOICE_ROOM`` describes (a script for :func:`load_script`), or
    None when it is not set. Raises :class:`RoomScriptError` for a script that cannot be used.
    """
    script = os.environ.get(ROOM_ENV)
    return load_script(Path(script)) if script else None
