"""The microphone: sounddevice (PortAudio) behind :class:`~assistant.core.audio.AudioInput`,
and a file-backed microphone that plays a WAV as frames at real-time pace.

sounddevice rather than QtMultimedia: measured here, PortAudio delivered all of the audio
through a PulseAudio source where ``QAudioSource`` delivered a third; it keeps the core free
of Qt and needs only the small PortAudio library. Every way the microphone can be missing
(no PortAudio, no sound server, no input device, a refused permission) ends as
:class:`MicrophoneUnavailable` with a sentence saying why, never as a crash.

``ASSISTANT_MICROPHONE_FILE=/path/to/speech.wav`` makes the app's microphone that file
(for trying dictation on a machine with no sound card, and for the tests).
"""

from __future__ import annotations

import os
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.speech import SAMPLE_RATE

if TYPE_CHECKING:
    from assistant.core.audio import AudioInput
    from assistant.core.speech import Frames

FILE_ENV = "ASSISTANT_MICROPHONE_FILE"
BLOCK = 512  # frames per delivery: 32 ms at 16 kHz

# Why there is no microphone: the window translates these (assistant.ui.dictation).
NO_PORTAUDIO = (
    "The microphone needs the PortAudio library, which is not installed "
    "(Debian and Ubuntu: sudo apt install libportaudio2; Fedora and Arch: portaudio)."
)
NO_SOUNDDEVICE = "The microphone needs the sounddevice package: pip install 'assistant[voice]'."
NO_DEVICE = (
    "No microphone was found: this computer has no sound input device, or no sound "
    "server is running."
)
NOT_CONNECTED = "The microphone “{device}” is not connected; choose another in Settings → General."
NOT_OPENED = (
    "The microphone could not be opened ({error}). It may be in use by another app, or this "
    "app may not be allowed to use it (check the system's privacy settings)."
)
FILE_FORMAT = "The microphone file {name} must be a 16 kHz mono 16-bit WAV."
FILE_UNREADABLE = "The microphone file {name} cannot be read ({error})."
REASONS = (NO_PORTAUDIO, NO_SOUNDDEVICE, NO_DEVICE, NOT_CONNECTED, NOT_OPENED, FILE_FORMAT,
           FILE_UNREADABLE)  # fmt: skip


class MicrophoneUnavailable(Exception):
    """There is no microphone to record from; the message says why.

    *template* (one of :data:`REASONS`) and *values* are kept, so that the window can show
    the sentence in the person's language; ``str()`` is the English sentence.
    """

    def __init__(self, template: str, **values: str) -> None:
        super().__init__(template.format(**values))
        self.template, self.values = template, values


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # the wheel has no PortAudio on Linux: the library is missing
        raise MicrophoneUnavailable(NO_PORTAUDIO) from exc
    except ImportError as exc:
        raise MicrophoneUnavailable(NO_SOUNDDEVICE) from exc
    return sounddevice


def input_devices() -> list[str]:
    """Names of the input devices there are (empty when there is none, or no PortAudio)."""
    if os.environ.get(FILE_ENV):
        return [_file_name(Path(os.environ[FILE_ENV]))]
    try:
        sd = _sounddevice()
        devices = sd.query_devices()
    except (MicrophoneUnavailable, OSError, RuntimeError):
        return []
    return [str(d["name"]) for d in devices if int(d.get("max_input_channels", 0)) > 0]


def open_microphone(device: str = "") -> AudioInput:
    """The microphone named *device* ("" for the system's default), ready to ``start``.

    Raises :class:`MicrophoneUnavailable` when there is none to record from.
    """
    chosen = os.environ.get(FILE_ENV)
    if chosen:
        return FileMicrophone(Path(chosen))
    sd = _sounddevice()
    names = input_devices()
    if not names:
        raise MicrophoneUnavailable(NO_DEVICE)
    if device and device not in names:
        raise MicrophoneUnavailable(NOT_CONNECTED, device=device)
    return DeviceMicrophone(sd, device or None, device or "default microphone")


def _file_name(path: Path) -> str:
    return f"file {path.name}"


class DeviceMicrophone:
    """A sound card's input through PortAudio, resampled to 16 kHz mono if it must be."""

    def __init__(self, sd: Any, device: str | None, name: str) -> None:
        self._sd, self._device, self.name = sd, device, name
        self._stream: Any = None

    def start(self, on_frames: Callable[[Frames], None]) -> None:
        sd = self._sd

        def callback(data: Any, frames: int, when: Any, status: Any) -> None:
            on_frames(_to_16k(data[:, 0].copy(), rate))

        rate = SAMPLE_RATE
        try:
            try:
                stream = sd.InputStream(
                    samplerate=SAMPLE_RATE, channels=1, dtype="float32",
                    device=self._device, blocksize=BLOCK, callback=callback,
                )  # fmt: skip
            except sd.PortAudioError:  # the device cannot do 16 kHz: take its own rate
                rate = int(sd.query_devices(self._device, "input")["default_samplerate"])
                stream = sd.InputStream(
                    samplerate=rate, channels=1, dtype="float32",
                    device=self._device, callback=callback,
                )  # fmt: skip
            stream.start()
        except (sd.PortAudioError, OSError, ValueError) as exc:
            raise MicrophoneUnavailable(NOT_OPENED, error=str(exc)) from exc
        self._stream = stream

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()


def _to_16k(samples: Frames, rate: int) -> Frames:
    if rate == SAMPLE_RATE:
        return samples
    import numpy as np

    count = round(len(samples) * SAMPLE_RATE / rate)
    positions = np.linspace(0, len(samples) - 1, count)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


class FileMicrophone:
    """A microphone that "hears" a 16 kHz mono WAV file, block by block at real-time pace
    (*speed* > 1 plays faster), then silence until it is stopped."""

    def __init__(self, path: Path, speed: float = 1.0) -> None:
        self.path, self.speed = path, speed
        self.name = _file_name(path)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.finished = threading.Event()  # set once the whole file has been delivered

    def samples(self) -> Frames:
        import numpy as np

        try:
            with wave.open(str(self.path), "rb") as sound:
                if (sound.getnchannels(), sound.getsampwidth()) != (1, 2) or (
                    sound.getframerate() != SAMPLE_RATE
                ):
                    raise MicrophoneUnavailable(FILE_FORMAT, name=self.path.name)
                data = sound.readframes(sound.getnframes())
        except (OSError, wave.Error, EOFError) as exc:
            raise MicrophoneUnavailable(
                FILE_UNREADABLE, name=self.path.name, error=str(exc)
            ) from exc
        return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0

    def start(self, on_frames: Callable[[Frames], None]) -> None:
        import numpy as np

        samples = self.samples()
        self._stop.clear()
        self.finished.clear()

        def play() -> None:
            began = time.monotonic()
            position = 0
            while not self._stop.is_set():
                block = samples[position : position + BLOCK]
                if len(block) < BLOCK:
                    if not self.finished.is_set():
                        self.finished.set()
                    block = np.concatenate([block, np.zeros(BLOCK - len(block), np.float32)])
                on_frames(block)
                position += BLOCK
                due = began + position / SAMPLE_RATE / self.speed
                self._stop.wait(max(0.0, due - time.monotonic()))

        self._thread = threading.Thread(target=play, name="file microphone", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
