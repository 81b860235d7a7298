"""The parts the listener is made of: Silero on onnxruntime, livekit's echo canceller, the
resampler for the speaker's sound, and the phrases Whisper invents on noise."""

from __future__ import annotations

import importlib.metadata

import numpy as np
import pytest

from assistant.core.cancel import CancelToken
from assistant.core.echo import FRAME as ECHO_FRAME
from assistant.core.echo import EchoCanceller, Resampler
from assistant.core.no_speech import is_no_speech, normalise
from assistant.core.room import impulse_response
from assistant.core.speech import SAMPLE_RATE, Segment
from assistant.core.vad import (
    FRAME,
    NO_SILERO,
    SileroVad,
    VoiceActivityUnavailable,
    model_path,
)
from tests.voice_room import REPLY, clip


def probabilities(vad: SileroVad, samples: np.ndarray) -> np.ndarray:
    whole = len(samples) - len(samples) % FRAME
    return np.array([vad.probability(samples[i : i + FRAME]) for i in range(0, whole, FRAME)])


def test_silero_hears_speech_and_not_silence_or_music() -> None:
    vad = SileroVad()
    speech = probabilities(vad, clip("weather_on_mars", 0).samples)
    assert (speech > 0.5).mean() > 0.6
    vad.reset()
    assert probabilities(vad, np.zeros(SAMPLE_RATE, np.float32)).max() < 0.1
    vad.reset()
    assert probabilities(vad, clip("music", 0).samples).max() < 0.5


def test_silero_keeps_its_state_between_frames_until_reset() -> None:
    vad = SileroVad()
    speech = clip("capital_of_france", 0).samples
    first = probabilities(vad, speech)
    assert not np.allclose(probabilities(vad, speech), first)  # it remembers what it heard
    vad.reset()
    assert np.allclose(probabilities(vad, speech), first, atol=1e-5)


def test_silero_takes_only_its_frame_length() -> None:
    with pytest.raises(ValueError, match="512 samples"):
        SileroVad().probability(np.zeros(480, np.float32))


def test_without_the_silero_package_the_message_says_what_to_install(monkeypatch) -> None:
    def missing(name: str):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(VoiceActivityUnavailable, match="pip install --no-deps silero-vad") as e:
        model_path()
    assert e.value.template == NO_SILERO  # the window shows it in the person's language


def test_a_damaged_model_file_is_a_clear_message(tmp_path) -> None:
    broken = tmp_path / "silero_vad.onnx"
    broken.write_bytes(b"not a model")
    with pytest.raises(VoiceActivityUnavailable, match="could not be loaded"):
        SileroVad(broken)


def test_the_model_is_found_without_importing_the_torch_package() -> None:
    import sys

    assert model_path().name == "silero_vad.onnx"
    SileroVad()
    assert "silero_vad" not in sys.modules


def rms_db(samples: np.ndarray) -> float:
    return 10 * np.log10(np.mean(np.square(samples, dtype=np.float64)) + 1e-12)


def test_the_echo_canceller_takes_the_speakers_sound_out_of_the_microphone() -> None:
    reply = Resampler(22050)(np.asarray(clip_samples_22k(), np.float32))
    delay = int(0.04 * SAMPLE_RATE)
    echo = np.convolve(reply, impulse_response())[: len(reply)] * 0.6
    mic = np.concatenate([np.zeros(delay, np.float32), echo[:-delay]]).astype(np.float32)
    canceller = EchoCanceller()
    cleaned = []
    for start in range(0, len(mic) - 512, 512):
        canceller.playback(reply[start : start + 512])
        cleaned.append(canceller.clean(mic[start : start + 512]))
    out = np.concatenate(cleaned)
    after = slice(2 * SAMPLE_RATE, len(out))  # once it has converged (about a second)
    reduction = rms_db(mic[after]) - rms_db(out[after])
    assert reduction >= 15, f"echo only {reduction:.1f} dB lower"
    assert len(out) == len(mic[: len(out)]) and len(out) % ECHO_FRAME == 0


def clip_samples_22k() -> np.ndarray:
    from assistant.core.spoken import read_wav

    speech = read_wav(REPLY)
    assert speech.sample_rate == 22050
    return speech.samples


def test_the_resampler_has_no_seam_between_pieces() -> None:
    rate = 22050
    tone = np.sin(2 * np.pi * 440 * np.arange(rate) / rate).astype(np.float32)
    whole = Resampler(rate)(tone)
    pieces = Resampler(rate)
    joined = np.concatenate([pieces(tone[i : i + 1024]) for i in range(0, rate, 1024)])
    assert len(joined) == len(whole) == pytest.approx(SAMPLE_RATE, abs=1)
    assert np.allclose(joined, whole, atol=1e-5)
    expected = np.sin(2 * np.pi * 440 * np.arange(len(whole)) / SAMPLE_RATE)
    assert np.abs(whole - expected).max() < 0.01


@pytest.mark.parametrize(
    "text",
    ["you", "You", " Thank you.", "Thanks for watching!", "...", "[BLANK_AUDIO]", "you you you",
     "", "♪", "Subtitles by the Amara.org community"],
)  # fmt: skip
def test_phrases_whisper_invents_on_noise_are_no_speech(text: str) -> None:
    assert is_no_speech(text)


@pytest.mark.parametrize(
    "text", ["What is the capital of France?", "Stop.", "Yes", "Thank you, and tell me more."]
)
def test_words_a_person_says_are_speech(text: str) -> None:
    assert not is_no_speech(text)


def test_whispers_own_no_speech_probability_counts() -> None:
    sure = [Segment(0, 1, "Hello there.", no_speech_prob=0.9)]
    unsure = [Segment(0, 1, "Hello there.", no_speech_prob=0.9), Segment(1, 2, "Hi.", 0.1)]
    assert is_no_speech("Hello there.", sure)
    assert not is_no_speech("Hello there. Hi.", unsure)
    assert not is_no_speech("Hello there.", [Segment(0, 1, "Hello there.")])  # not told
    assert normalise("  Hello,   WORLD! ") == "hello world"


@pytest.mark.slow
def test_tiny_en_on_silence_invents_a_word_that_is_dropped(tmp_path) -> None:
    from assistant.core.models import ModelRegistry
    from assistant.core.plugin import PluginContext
    from plugins.transcribe import TranscribePlugin, TranscribeSettings

    plugin = TranscribePlugin()
    context = PluginContext(
        CancelToken(), TranscribeSettings(vad_filter=False), ModelRegistry(), tmp_path
    )
    stt = plugin.service("stt", context)
    try:
        silent = list(stt.transcribe(np.zeros(2 * SAMPLE_RATE, np.float32), CancelToken()))
        said = list(stt.transcribe(clip("capital_of_france", 0).samples, CancelToken()))
    finally:
        plugin.unload()
    assert all(s.no_speech_prob is not None for s in silent + said)
    assert is_no_speech(" ".join(s.text for s in silent), silent)
    assert not is_no_speech(" ".join(s.text for s in said), said)
