"""The sound output: what PortAudio is handed, block by block, from a WAV file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.core.speaker import BLOCK, SpeakerOutput, open_speaker
from assistant.core.speech import Speech
from assistant.core.spoken import write_wav


class _Stop(Exception):
    pass


class _Stream:
    """sounddevice.OutputStream's contract, without a device: the test pulls the blocks."""

    def __init__(self, samplerate: int, channels: int, dtype: str, blocksize: int, callback):
        self.samplerate, self.callback, self.active = samplerate, callback, False

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        pass


class _Library:
    OutputStream = _Stream
    CallbackStop = _Stop


def _drain(speaker: SpeakerOutput) -> np.ndarray:
    blocks = []
    while True:
        out = np.zeros((BLOCK, 1), dtype=np.float32)
        try:
            speaker.fill(out, BLOCK)
        except _Stop:
            blocks.append(out[:, 0].copy())
            return np.concatenate(blocks)
        blocks.append(out[:, 0].copy())


@pytest.fixture
def tone(tmp_path: Path) -> tuple[Path, np.ndarray]:
    samples = (0.5 * np.sin(np.arange(8000) / 5)).astype(np.float32)
    write_wav(tmp_path / "tone.wav", Speech(8000, samples))
    return tmp_path / "tone.wav", samples


def test_the_whole_file_is_played_from_where_it_was_asked(tone) -> None:
    path, samples = tone
    speaker = SpeakerOutput(_Library)
    speaker.play(path)
    assert speaker.playing()
    played = _drain(speaker)
    assert np.abs(played[: len(samples)] - samples).max() < 1e-3
    assert not played[len(samples) :].any()  # silence after the end
    assert speaker.position_s() == pytest.approx(1.0)
    speaker.play(path, start_s=0.5)
    assert len(_drain(speaker)) == pytest.approx(4000, abs=BLOCK)


def test_double_speed_takes_half_the_time_and_stop_goes_back(tone) -> None:
    path, _ = tone
    speaker = SpeakerOutput(_Library)
    speaker.set_speed(2.0)
    speaker.play(path)
    assert len(_drain(speaker)) == pytest.approx(4000, abs=BLOCK)
    speaker.stop()
    assert not speaker.playing() and speaker.position_s() == 0.0


def test_without_an_output_device_there_is_no_speaker(monkeypatch) -> None:
    import sounddevice

    def no_device(kind: str = "") -> dict:
        raise sounddevice.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sounddevice, "query_devices", no_device)
    assert open_speaker() is None  # and the window's players say why they cannot play


def test_what_is_played_is_handed_to_the_echo_reference(tone) -> None:
    path, _ = tone
    speaker = SpeakerOutput(_Library)
    heard: list[tuple[np.ndarray, int]] = []
    speaker.on_played = lambda frames, rate: heard.append((frames, rate))
    speaker.play(path)
    played = _drain(speaker)
    assert {rate for _, rate in heard} == {8000}
    assert np.array_equal(np.concatenate([f for f, _ in heard]), played)
