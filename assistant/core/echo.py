"""Echo cancellation: the assistant's own voice taken out of the microphone's signal.

WebRTC's audio processing module, as the ``livekit`` wheel ships it (no browser, no
server): what the speaker plays goes in as the reference (``process_reverse_stream``), the
microphone's frames come out without the echo of it (``process_stream``), 10 ms at a time
as 16-bit integers. Measured here in a simulated room (40 ms delay, gain 0.6, a reverb
tail): the echo falls by 22-24 dB once the module has converged, after about a second;
each 10 ms frame costs 0.26-0.41 ms. Noise suppression is on, too.

Where livekit is missing or its module fails, :class:`EchoCancellationUnavailable` says so
and voice mode takes turns instead.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from assistant.core.speech import SAMPLE_RATE

if TYPE_CHECKING:
    from assistant.core.speech import Frames

FRAME = SAMPLE_RATE // 100  # 10 ms: the only frame length the module takes
QUIET_FRAMES = 10  # no far end for this long (100 ms): the speaker has stopped


# Why echo cancellation is off: the window translates these.
NO_LIVEKIT = "Echo cancellation needs the livekit package (pip install livekit): {error}."
NOT_STARTED = "The echo canceller could not start ({error})."
FAILED = "Echo cancellation failed ({error})."
REASONS = (NO_LIVEKIT, NOT_STARTED, FAILED)


class EchoCancellationUnavailable(Exception):
    """Echo cancellation cannot run here; the message says why.

    *template* (one of :data:`REASONS`) and *values* are kept, so that the window can show
    the sentence in the person's language; ``str()`` is the English sentence.
    """

    def __init__(self, template: str, **values: str) -> None:
        super().__init__(template.format(**values))
        self.template, self.values = template, values


def _to_int16(samples: Frames) -> bytes:
    import numpy as np

    scaled = np.clip(np.asarray(samples, dtype=np.float32) * 32768.0, -32768, 32767)
    data: bytes = scaled.astype("<i2").tobytes()
    return data


class EchoCanceller:
    """Removes what the speaker plays (:meth:`playback`) from the microphone (:meth:`clean`).

    Both take 16 kHz mono float32 frames of any length; each keeps the remainder shorter
    than 10 ms for the next call, so :meth:`clean` returns up to 10 ms less (or more) than
    it was given. A lock lets the two be called from different threads.
    """

    def __init__(self, noise_suppression: bool = True) -> None:
        import numpy as np

        try:
            from livekit import rtc
        except (ImportError, OSError) as exc:  # not installed, or its native library fails
            raise EchoCancellationUnavailable(NO_LIVEKIT, error=str(exc)) from exc
        self._rtc = rtc
        try:
            self._module: Any = rtc.AudioProcessingModule(
                echo_cancellation=True,
                noise_suppression=noise_suppression,
                high_pass_filter=True,
                auto_gain_control=False,
            )
        except Exception as exc:  # the native library's own errors
            raise EchoCancellationUnavailable(NOT_STARTED, error=str(exc)) from exc
        self._lock = threading.Lock()
        self._played = np.zeros(0, dtype=np.float32)
        self._heard = np.zeros(0, dtype=np.float32)
        self._lead = 0  # far-end frames given to the module beyond the near-end ones
        self._playing_lead = 0  # what that lead was while the speaker played
        self._quiet = 0  # near-end frames since the speaker last played
        self._fresh = False  # the speaker played since the last near-end frames

    def _frames(self, pending: Frames, more: Frames) -> tuple[list[bytearray], Frames]:
        """10 ms frames of int16 (each its own buffer, which the module changes in place)
        from *pending* and *more*, and what is left over."""
        import numpy as np

        samples = np.concatenate([pending, np.asarray(more, dtype=np.float32).reshape(-1)])
        whole = len(samples) - len(samples) % FRAME
        data = _to_int16(samples[:whole])
        size = 2 * FRAME
        pieces = [bytearray(data[i : i + size]) for i in range(0, len(data), size)]
        return pieces, samples[whole:]

    def _run(self, method: Any, data: bytearray) -> None:
        try:
            method(self._rtc.AudioFrame(data, SAMPLE_RATE, 1, FRAME))
        except RuntimeError as exc:
            raise EchoCancellationUnavailable(FAILED, error=str(exc)) from exc

    def _play_silence(self) -> None:
        """The speaker is silent (nothing plays, or it paused): tell the module so.

        It needs a far-end frame for each near-end one; short of them it reuses the last
        ones it had, takes the person for their echo and mutes them (measured: a question
        said over the assistant lost all but "What is" once playback paused). The silence
        makes up the frames missed since the speaker stopped, so that the far end stays as
        far ahead as it was while playing (its echo delay) when the speaker starts again.
        """
        while self._lead <= self._playing_lead:
            self._run(self._module.process_reverse_stream, bytearray(2 * FRAME))
            self._lead += 1

    def playback(self, frames: Frames) -> None:
        """What the speaker plays now (16 kHz): the echo to expect in the microphone."""
        with self._lock:
            pieces, self._played = self._frames(self._played, frames)
            for piece in pieces:
                self._run(self._module.process_reverse_stream, piece)
            self._lead += len(pieces)
            self._fresh = self._fresh or bool(pieces)

    def clean(self, frames: Frames) -> Frames:
        """The microphone's *frames* (16 kHz) without the speaker's echo (and noise)."""
        import numpy as np

        with self._lock:
            pieces, self._heard = self._frames(self._heard, frames)
            for piece in pieces:
                if self._quiet >= QUIET_FRAMES:
                    self._play_silence()
                self._run(self._module.process_stream, piece)
                self._lead -= 1
                self._quiet += 1
            if self._fresh:
                self._playing_lead, self._quiet, self._fresh = self._lead, 0, False
        if not pieces:
            return np.zeros(0, dtype=np.float32)
        cleaned: Frames = np.frombuffer(b"".join(pieces), "<i2").astype(np.float32) / 32768.0
        return cleaned.astype(np.float32, copy=False)


class Resampler:
    """Linear resampling of a stream that arrives in pieces, with no seam between them."""

    def __init__(self, rate_in: int, rate_out: int = SAMPLE_RATE) -> None:
        self.rate_in, self.rate_out = rate_in, rate_out
        self._step = rate_in / rate_out
        self._last: Frames | None = None  # the previous piece's last sample
        self._position = 0.0  # of the next output sample, in the joined piece's samples

    def __call__(self, samples: Frames) -> Frames:
        """The next piece of the stream at ``rate_out``."""
        import numpy as np

        piece = np.asarray(samples, dtype=np.float32).reshape(-1)
        if self.rate_in == self.rate_out:
            return piece
        joined = piece if self._last is None else np.concatenate([self._last, piece])
        if len(joined) == 0:
            return piece
        count = max(0, int(np.floor((len(joined) - 1 - self._position) / self._step)) + 1)
        positions = self._position + np.arange(count) * self._step
        out: Frames = np.interp(positions, np.arange(len(joined)), joined).astype(np.float32)
        self._position += count * self._step - (len(joined) - 1)
        self._last = joined[-1:]
        return out
