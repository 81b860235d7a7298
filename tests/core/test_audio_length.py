"""How long a sound lasts, read from its file's header: WAV and the compressed containers."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.audio import duration_s
from tests.plugins.transcribe.media import encode, samples, write_wav


@pytest.mark.parametrize("suffix", ["mp3", "m4a", "ogg", "flac", "webm"])
def test_a_compressed_sound_says_how_long_it_is(suffix: str, tmp_path: Path) -> None:
    path = encode(samples(seconds=3), tmp_path / f"clip.{suffix}")
    length = duration_s(path)
    assert length is not None and length == pytest.approx(3.0, abs=0.1)


def test_a_wav_is_read_without_pyav(tmp_path: Path) -> None:
    assert duration_s(write_wav(tmp_path / "clip.wav", samples(seconds=2))) == 2.0


def test_what_is_not_a_sound_has_no_length(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"not a sound at all" * 50)
    empty = tmp_path / "empty.m4a"
    empty.write_bytes(b"")
    assert duration_s(junk) is None
    assert duration_s(empty) is None
    assert duration_s(tmp_path / "missing.ogg") is None
