"""The loudspeaker of the simulated room (:mod:`assistant.core.room`): an
:class:`~assistant.core.audio.AudioOutput` with the methods of
:class:`~assistant.core.speaker.SpeakerOutput` that plays into the room on the room's clock,
hands what it plays to ``on_played(frames, rate)`` as the real one does (the echo
canceller's reference), and records when playback started, stopped and finished.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.speaker import PlaybackPosition
from assistant.core.speech import SAMPLE_RATE
from assistant.core.spoken import read_wav

if TYPE_CHECKING:
    from assistant.core.speech import Frames


class RoomSpeaker(PlaybackPosition):
    """A loudspeaker in a :class:`SimulatedRoom`: plays one WAV at a time on the room's clock.

    It advances only while its room runs (the room asks it for each block). ``on_played``
    is called from the room's thread with what is played, at the file's own rate.
    """

    def __init__(
        self,
        on_played: Callable[[Frames, int], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(SAMPLE_RATE)
        self.on_played = on_played
        self.clock = clock
        self._device = 0.0  # how many of the file's frames the "device" has rendered
        self._playing = False
        self.started_at: list[float] = []  # monotonic times of each play()
        self.stopped_at: list[float] = []  # of each pause() or stop() that cut playback short
        self.finished_at: list[float] = []  # of each file played to its end

    def play(self, path: Path, start_s: float = 0.0) -> None:
        """Play *path* from *start_s* seconds (stopping whatever played before)."""
        speech = read_wav(path)
        with self._lock:
            self._samples, self._rate = speech.samples, speech.sample_rate
            self._frame = start_s * speech.sample_rate
            self._playing = True
            self.started_at.append(self.clock())

    def pause(self) -> None:
        """Stop playing, keeping the position."""
        with self._lock:
            if self._playing:
                self._playing = False
                self.stopped_at.append(self.clock())

    def playing(self) -> bool:
        """Whether something plays now."""
        with self._lock:
            return self._playing

    def render(self, count: int) -> Frames:
        """The next *count* samples (16 kHz) the speaker sends into the room."""
        import numpy as np

        with self._lock:
            samples, playing = self._samples, self._playing
            if samples is None or not playing:
                return np.zeros(count, dtype=np.float32)
            start, step = self._frame, self._rate / SAMPLE_RATE * self._speed
            positions = start + np.arange(count) * step
            end = start + count * step
            device_count = int(self._device + count * self._rate / SAMPLE_RATE) - int(self._device)
            self._device += count * self._rate / SAMPLE_RATE
            self._frame = end
            if end >= len(samples):
                self._playing = False
                self.finished_at.append(self.clock())
        out = _interpolate(samples, positions)
        tap = self.on_played
        if tap is not None:  # what the device renders at the file's rate, as the real one
            tap(_interpolate(samples, start + np.arange(device_count) * self._speed), self._rate)
        return out


def _interpolate(samples: Frames, positions: Frames) -> Frames:
    """*samples* read at fractional *positions* (increasing), silence past the end."""
    import numpy as np

    if len(positions) == 0:
        return np.zeros(0, dtype=np.float32)
    low = max(0, int(positions[0]))
    high = min(len(samples), int(positions[-1]) + 2)
    if high <= low:
        return np.zeros(len(positions), dtype=np.float32)
    part = samples[low:high]
    return np.interp(positions - low, np.arange(len(part)), part, right=0.0).astype(np.float32)
