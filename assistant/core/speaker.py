"""The sound output: sounddevice (PortAudio) behind :class:`~assistant.core.audio.AudioOutput`.

The same library as the microphone. A WAV file is read into memory and handed to an output
stream block by block from PortAudio's thread; the position is counted in the file's own
seconds. A speed other than 1 resamples the sound (faster speech sounds a little higher).
:func:`open_speaker` is None where there is no library, no PortAudio or no output device,
and the window's players then say so.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.core.spoken import read_wav

BLOCK = 1024


def open_speaker() -> SpeakerOutput | None:
    """The default sound output, or None when this computer has none to use."""
    try:
        import sounddevice
    except (ImportError, OSError):  # not installed, or no PortAudio library
        return None
    try:
        device = sounddevice.query_devices(kind="output")
    except Exception:  # PortAudioError and ValueError: no default output device
        return None
    if not device or int(device.get("max_output_channels", 0)) < 1:
        return None
    return SpeakerOutput(sounddevice)


class PlaybackPosition:
    """Where a player is in the file it plays, and at what speed: shared by the real
    speaker and the simulated room's. A subclass provides ``pause``."""

    def __init__(self, rate: int = 0) -> None:
        self._lock = threading.Lock()
        self._samples: Any = None
        self._rate = rate
        self._frame = 0.0  # where playback is, in frames of the file
        self._speed = 1.0

    def pause(self) -> None:
        """Stop playing, keeping the position."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop playing and go back to the start."""
        self.pause()
        with self._lock:
            self._frame = 0.0

    def set_speed(self, rate: float) -> None:
        """Play at *rate* times the normal speed from now on."""
        with self._lock:
            self._speed = max(0.25, min(4.0, rate))

    def position_s(self) -> float:
        """Where playback is, in seconds of the file."""
        with self._lock:
            return self._frame / self._rate if self._rate else 0.0


class SpeakerOutput(PlaybackPosition):
    """Plays one WAV file at a time on the default output device."""

    def __init__(self, sounddevice: Any) -> None:
        super().__init__()
        self._sd = sounddevice
        self._stream: Any = None
        # Hears each block as it is handed to the device (PortAudio's thread): voice mode's
        # echo canceller takes it as the reference of what comes back to the microphone.
        self.on_played: Callable[[Any, int], None] | None = None

    def play(self, path: Path, start_s: float = 0.0) -> None:
        """Play *path* from *start_s* seconds (stopping whatever played before)."""
        speech = read_wav(path)
        self.stop()
        with self._lock:
            self._samples, self._rate = speech.samples, speech.sample_rate
            self._frame = start_s * speech.sample_rate
        self._stream = self._sd.OutputStream(
            samplerate=speech.sample_rate,
            channels=1,
            dtype="float32",
            blocksize=BLOCK,
            callback=self.fill,
        )
        self._stream.start()

    def fill(self, out: Any, frames: int, when: Any = None, status: Any = None) -> None:
        """PortAudio's callback: the next *frames* of sound at the current speed."""
        import numpy as np

        with self._lock:
            samples, start, speed = self._samples, self._frame, self._speed
            end = min(len(samples), start + frames * speed) if samples is not None else start
            self._frame = end
        if samples is None or start >= len(samples):
            out.fill(0)
            raise self._sd.CallbackStop
        wanted = np.arange(frames) * speed + start
        block = np.interp(wanted, np.arange(len(samples)), samples, right=0.0)
        out[:, 0] = block.astype(np.float32)
        tap = self.on_played
        if tap is not None:
            tap(out[:, 0].copy(), self._rate)
        if end >= len(samples):
            raise self._sd.CallbackStop

    def pause(self) -> None:
        """Stop playing, keeping the position."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()

    def playing(self) -> bool:
        """Whether something plays now."""
        stream = self._stream
        return bool(stream is not None and stream.active)
