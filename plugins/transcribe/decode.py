"""Any sound or video file to 16 kHz mono float32 samples, with PyAV (FFmpeg inside its
wheel, so no ffmpeg program is needed), and a readable message for whatever cannot be read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.speech import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

CONTAINERS = ("wav", "mp3", "m4a", "ogg", "opus", "flac", "webm", "mp4", "mkv")


class AudioError(Exception):
    """A file that gives no sound to transcribe; the message says why."""


def decode(path: Path, name: str = "") -> npt.NDArray[np.float32]:
    """The sound of *path* (its first audio stream) as 16 kHz mono float32 samples."""
    import av
    import numpy as np

    name = name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AudioError(f"{name} could not be opened: {exc.strerror or exc}.") from exc
    if size == 0:
        raise AudioError(f"{name} is empty: it holds no sound to transcribe.")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.FFmpegError as exc:
        raise AudioError(
            f"{name} could not be read as sound or video; it may be damaged or not a media file."
        ) from exc
    pieces: list[npt.NDArray[np.float32]] = []
    with container:
        if not container.streams.audio:
            raise AudioError(f"{name} has no sound track, so there is nothing to transcribe.")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                pieces.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
            pieces.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
        except av.FFmpegError as exc:
            if not pieces:
                raise AudioError(
                    f"{name} could not be decoded; it may be damaged ({exc})."
                ) from exc
            # A damaged tail: what came before it is still worth transcribing.
    audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    if audio.size < SAMPLE_RATE // 10:
        raise AudioError(f"{name} holds no sound (it lasts less than a tenth of a second).")
    return audio.astype(np.float32, copy=False)
