"""Sound files in the conversation: how long they are, and the small interface through which
the window plays them (a sound library behind it, or nothing on a machine without sound).
"""

from __future__ import annotations

import contextlib
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from assistant.core.speech import Frames


class AudioOutput(Protocol):
    """Plays one sound file at a time."""

    def play(self, path: Path, start_s: float = 0.0) -> None:
        """Play *path* from *start_s* seconds (stopping whatever played before)."""

    def pause(self) -> None:
        """Stop playing, keeping the position."""

    def stop(self) -> None:
        """Stop playing and go back to the start."""

    def set_speed(self, rate: float) -> None:
        """Play at *rate* times the normal speed (1.0 normal) from now on."""

    def position_s(self) -> float:
        """Where playback is, in seconds of the file playing."""

    def playing(self) -> bool:
        """Whether something plays now."""


class AudioInput(Protocol):
    """A microphone: 16 kHz mono float32 frames, handed to *on_frames* (from the audio
    library's own thread) between ``start`` and ``stop``. See :mod:`assistant.core.microphone`."""

    name: str

    def start(self, on_frames: Callable[[Frames], None]) -> None:
        """Open the device and start delivering frames; raises MicrophoneUnavailable."""

    def stop(self) -> None:
        """Stop delivering frames and close the device (no frame arrives after it returns)."""


def duration_s(path: Path) -> float | None:
    """How long the sound in *path* lasts, from its header (WAV, or any container PyAV
    opens: mp3, m4a, ogg…); None when it cannot be told without decoding."""
    with contextlib.suppress(OSError, wave.Error, EOFError), wave.open(str(path), "rb") as sound:
        rate = sound.getframerate()
        return sound.getnframes() / rate if rate else None
    return _container_duration_s(path)


def _container_duration_s(path: Path) -> float | None:
    """The duration a media container states (PyAV reads the header, decodes nothing)."""
    try:
        import av
    except ImportError:  # the voice extra is not installed
        return None
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            streams = container.streams.audio
            if not streams:
                return None
            stream = streams[0]
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return float(container.duration) / av.time_base
    except (OSError, av.FFmpegError):
        return None
    return None


def clock(seconds: float) -> str:
    """*seconds* as m:ss (or h:mm:ss)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def start_sound_library() -> None:
    """Start PortAudio (through sounddevice) now, on the calling thread.

    While PortAudio starts, sounddevice points file descriptor 2 at /dev/null, for the whole
    process, to hide the sound system's chatter: whatever another thread writes to standard
    error meanwhile (a log line, a traceback) is lost. The app calls this once, before its
    worker threads start, so that the later imports in workers cost nothing and hide nothing.
    """
    with contextlib.suppress(ImportError, OSError):  # not installed, or no PortAudio
        import sounddevice  # noqa: F401
