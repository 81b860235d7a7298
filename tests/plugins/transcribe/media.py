"""Sound files the tests make: the reference recording re-encoded in every container,
silence, noise, a video with no sound track, damaged files."""

from __future__ import annotations

import re
import wave
from fractions import Fraction
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
REFERENCE = DATA / "harvard.wav"  # 15 Harvard sentences read by piper "joe", 33 s
REFERENCE_TEXT = (DATA / "harvard.txt").read_text(encoding="utf-8")
RATE = 16_000

# container suffix -> (format, codec, sample format)
ENCODINGS = {
    "mp3": ("mp3", "libmp3lame", "s16p"),
    "m4a": ("ipod", "aac", "fltp"),
    "ogg": ("ogg", "libopus", "s16"),
    "opus": ("opus", "libopus", "s16"),
    "flac": ("flac", "flac", "s16"),
    "webm": ("webm", "libopus", "s16"),
    "mp4": ("mp4", "aac", "fltp"),
    "mkv": ("matroska", "flac", "s16"),
}


def samples(path: Path = REFERENCE, seconds: float | None = None) -> np.ndarray:
    with wave.open(str(path), "rb") as sound:
        data = sound.readframes(sound.getnframes())
    audio = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
    return audio[: int(seconds * RATE)] if seconds else audio


def write_wav(path: Path, audio: np.ndarray, rate: int = RATE) -> Path:
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def encode(audio: np.ndarray, path: Path) -> Path:
    """*audio* (16 kHz mono) in the container *path*'s suffix names, at 48 kHz for opus."""
    import av

    form, codec, sample_format = ENCODINGS[path.suffix[1:]]
    rate = 48_000 if codec == "libopus" else RATE
    if rate != RATE:
        positions = np.linspace(0, len(audio) - 1, int(len(audio) * rate / RATE))
        audio = np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)
    with av.open(str(path), "w", format=form) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        stream.format = sample_format
        pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16)
        resampler = av.AudioResampler(format=sample_format, layout="mono", rate=rate)
        step = 4096
        for start in range(0, len(pcm), step):
            frame = av.AudioFrame.from_ndarray(pcm[None, start : start + step], format="s16",
                                               layout="mono")  # fmt: skip
            frame.sample_rate = rate
            frame.pts = start
            frame.time_base = Fraction(1, rate)
            for piece in resampler.resample(frame):
                container.mux(stream.encode(piece))
        container.mux(stream.encode(None))
    return path


def silent_video(path: Path, seconds: float = 1.0) -> Path:
    """An .mp4 with a picture and no sound track."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(int(seconds * 10)):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: word-level edit distance over the reference's length."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[-1] / max(1, len(ref))
