"""Makes the voice-mode test sounds in this folder (run once; the WAVs are committed).

``python tests/data/voice/make_clips.py`` synthesises the person's utterances and the
assistant's reply with piper's joe voice (piper is not deterministic, so the files are kept
rather than made anew by each test run), and the noises with numpy from fixed seeds:
music-like chords, keyboard clicks and a cough. Everything is 16 kHz mono 16-bit, except
the reply, which stays at piper's own 22.05 kHz as the speaker plays it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RATE = 16_000
PERSON = {
    "capital_of_france": "What is the capital of France?",
    "draw_a_cat": "Draw me a cat.",
    "weather_on_mars": "Tell me about the weather on Mars.",
    "stop": "Stop.",
    "wait_a_moment": "Wait, I have another question.",
}
REPLY = (
    "Paris is the capital of France. It lies on the river Seine, in the north of the "
    "country. About two million people live in the city itself, and many more around it."
)


def write(name: str, samples: np.ndarray, rate: int = RATE) -> None:
    import wave

    data = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    with wave.open(str(HERE / f"{name}.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(data)
    print(f"{name}.wav: {len(samples) / rate:.2f} s", file=sys.stderr)


def trimmed(samples: np.ndarray, rate: int, lead_s: float = 0.0) -> np.ndarray:
    """Without the silence piper leaves before and after the words (*lead_s* kept before)."""
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    start = max(0, loud[0] - int(lead_s * rate))
    return samples[start : loud[-1] + int(0.05 * rate)]


def speech() -> None:
    from scipy.signal import resample_poly

    from assistant.core.cancel import CancelToken
    from plugins.tts.engines import PiperEngine, builtin_piper_voice

    voice = PiperEngine(builtin_piper_voice())
    for name, text in PERSON.items():
        said = voice.synthesize(text, CancelToken())
        samples = resample_poly(said.samples, RATE, said.sample_rate).astype(np.float32)
        write(name, trimmed(samples, RATE))
    reply = voice.synthesize(REPLY, CancelToken())
    write("reply", trimmed(reply.samples, reply.sample_rate, 0.05), reply.sample_rate)


def music(seconds: float = 3.0) -> np.ndarray:
    """Chords of a few harmonics each, changing every half second, with a soft beat."""
    t = np.arange(int(seconds * RATE)) / RATE
    chords = [(220.0, 277.2, 329.6), (196.0, 246.9, 293.7), (174.6, 220.0, 261.6)]
    out = np.zeros_like(t)
    for index, start in enumerate(np.arange(0.0, seconds, 0.5)):
        span = (t >= start) & (t < start + 0.5)
        local = t[span] - start
        envelope = np.minimum(1.0, local / 0.02) * np.exp(-local * 2.0)
        for root in chords[index % len(chords)]:
            for harmonic, weight in ((1, 1.0), (2, 0.5), (3, 0.25)):
                out[span] += weight * envelope * np.sin(2 * np.pi * root * harmonic * local)
    beat = np.exp(-(t % 0.25) * 60.0) * np.sin(2 * np.pi * 60.0 * t)
    out += 0.6 * beat
    return (0.2 * out / np.abs(out).max()).astype(np.float32)


def clicks(seconds: float = 3.0, seed: int = 3) -> np.ndarray:
    """Key presses: short bright transients at a typist's irregular pace."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * RATE))
    at = 0.1
    while at < seconds - 0.05:
        length = int(0.006 * RATE)
        burst = rng.standard_normal(length) * np.exp(-np.arange(length) / (0.0015 * RATE))
        start = int(at * RATE)
        out[start : start + length] += burst * rng.uniform(0.3, 0.6)
        at += rng.uniform(0.08, 0.25)
    return out.astype(np.float32)


def cough(seed: int = 5) -> np.ndarray:
    """Two coughs: bursts of noise shaped like a throat's, loud at once, fading."""
    from scipy.signal import butter, lfilter

    rng = np.random.default_rng(seed)
    pieces = []
    for length_s, gain in ((0.22, 0.5), (0.18, 0.35)):
        length = int(length_s * RATE)
        noise = rng.standard_normal(length)
        b, a = butter(2, [300 / (RATE / 2), 3000 / (RATE / 2)], btype="band")
        shaped = lfilter(b, a, noise)
        envelope = np.minimum(1.0, np.arange(length) / (0.01 * RATE))
        envelope *= np.exp(-np.arange(length) / (0.07 * RATE))
        pieces += [gain * shaped * envelope / np.abs(shaped).max(), np.zeros(int(0.15 * RATE))]
    return np.concatenate(pieces).astype(np.float32)


if __name__ == "__main__":
    if "--noise-only" not in sys.argv:
        speech()
    write("music", music())
    write("clicks", clicks())
    write("cough", cough())
