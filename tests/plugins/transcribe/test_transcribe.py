"""The transcribe plugin on real speech, through the real loaders and the embedded tiny.en."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.core.messages import FileOut, Notice, Progress, TextDelta
from plugins.transcribe import transcript
from plugins.transcribe.decode import AudioError, decode
from plugins.transcribe.settings import TranscribeSettings
from tests.plugins.transcribe.media import (
    ENCODINGS,
    REFERENCE,
    REFERENCE_TEXT,
    encode,
    samples,
    silent_video,
    wer,
    write_wav,
)

pytestmark = pytest.mark.slow


def text_of(chunks: list) -> str:
    return "".join(c.text for c in chunks if isinstance(c, TextDelta))


def test_the_reference_recording_is_written_down_with_timestamps(run_plugin) -> None:
    chunks = run_plugin(REFERENCE)
    text = text_of(chunks)
    assert text.startswith("**harvard.wav** · 0:33 · English")
    body = "\n".join(line.split("` ", 1)[1] for line in text.splitlines() if line.startswith("`"))
    assert wer(REFERENCE_TEXT, body) <= 0.06  # VOICE.md: 4.9 % with tiny.en int8
    stamps = [line.split("`")[1] for line in text.splitlines() if line.startswith("`")]
    assert len(stamps) >= 5 and stamps[0] == "0:00" and stamps == sorted(stamps)
    progress = [c.fraction for c in chunks if isinstance(c, Progress) and c.fraction]
    assert progress == sorted(progress) and progress[-1] == pytest.approx(1.0, abs=0.05)
    assert any("left" in c.message for c in chunks if isinstance(c, Progress))


def test_no_word_is_lost_where_whispers_30_second_window_ends(run_plugin) -> None:
    # "Kick the ball straight" begins at 29.7 s: the speech is cut at the pause before it.
    lines = [line for line in text_of(run_plugin(REFERENCE)).splitlines() if "` " in line]
    assert any("kick the ball straight" in line.lower() for line in lines)
    ends = [line.split("` ", 1)[1] for line in lines]
    assert ends[-1].lower().endswith("back to her feet.")


def test_exports_hold_the_same_words_as_the_answer(run_plugin) -> None:
    chunks = run_plugin(REFERENCE)
    files = {c.path.suffix: c.path for c in chunks if isinstance(c, FileOut)}
    assert set(files) == {".txt", ".srt", ".vtt"}
    spoken = [line.split("` ", 1)[1] for line in text_of(chunks).splitlines() if "` " in line]
    assert files[".txt"].read_text(encoding="utf-8").splitlines() == spoken
    srt = files[".srt"].read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,000 --> 00:00:0") and spoken[-1] in srt
    vtt = files[".vtt"].read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> ") and " --> 00:00:3" in vtt


@pytest.mark.parametrize("suffix", sorted(ENCODINGS))
def test_every_container_decodes_without_an_ffmpeg_program(suffix: str, tmp_path: Path) -> None:
    original = samples(seconds=3)
    decoded = decode(encode(original, tmp_path / f"speech.{suffix}"))
    assert abs(len(decoded) - len(original)) < 0.05 * 16_000
    assert float(np.sqrt(np.mean(decoded**2))) == pytest.approx(
        float(np.sqrt(np.mean(original**2))), rel=0.2
    )


def test_an_mp3_is_transcribed_like_the_wav(run_plugin, tmp_path: Path) -> None:
    mp3 = encode(samples(seconds=9), tmp_path / "clip.mp3")
    text = text_of(run_plugin(mp3))
    assert "birch canoe" in text.lower() or "smooth planks" in text.lower()
    assert "depth of a well" in text.lower()


@pytest.mark.parametrize(
    "sound",
    [
        lambda n: np.zeros(n, np.float32),
        lambda n: np.random.default_rng(1).normal(0, 0.05, n).astype(np.float32),
        lambda n: (
            0.2 * np.sin(2 * np.pi * 440 * np.arange(n) / 16_000) * (np.arange(n) // 4000 % 2)
        ).astype(np.float32),
    ],
    ids=["silence", "noise", "beeps"],
)
def test_silence_noise_and_tones_give_no_words(run_plugin, tmp_path: Path, sound) -> None:
    path = write_wav(tmp_path / "quiet.wav", sound(10 * 16_000))
    chunks = run_plugin(path)
    assert [c.text for c in chunks if isinstance(c, Notice)] == [
        "No speech was heard in quiet.wav."
    ]
    assert "`" not in text_of(chunks)  # no timestamped line: not a word invented


def test_bad_files_say_what_is_wrong(run_plugin, tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.m4a"
    corrupt.write_bytes(b"this is not a sound file at all" * 100)
    video = silent_video(tmp_path / "no sound.mp4")
    with pytest.raises(AudioError, match="empty"):
        run_plugin(empty)
    with pytest.raises(AudioError, match="damaged or not a media file"):
        run_plugin(corrupt)
    with pytest.raises(AudioError, match="no sound track"):
        run_plugin(video)
    # Several files at once: each bad one is a notice, the good ones are transcribed.
    chunks = run_plugin(corrupt, write_wav(tmp_path / "ok.wav", samples(seconds=5)))
    assert any(isinstance(c, Notice) and "corrupt.m4a" in c.text for c in chunks)
    assert "birch" in text_of(chunks).lower()


def test_a_long_file_does_not_fall_into_repetition(run_plugin, tmp_path: Path) -> None:
    speech = samples()
    gap = np.zeros(16_000 * 20, np.float32)
    long = write_wav(tmp_path / "long.wav", np.concatenate([speech, gap, speech, gap, speech]))
    text = text_of(run_plugin(long))
    lines = [line for line in text.splitlines() if line.startswith("`")]
    assert text.split(" · ")[1] == "2:19"
    assert text.lower().count("follow through") == 3  # once per reading, never looping
    assert len(lines) == len(set(lines))  # each line has its own timestamp


def test_without_a_file_the_plugin_says_what_to_give_it(run_plugin) -> None:
    chunks = run_plugin()
    assert isinstance(chunks[0], Notice) and "mp3" in chunks[0].text


def test_an_english_only_model_refuses_another_language(run_plugin) -> None:
    with pytest.raises(Exception, match="English only"):
        run_plugin(REFERENCE, settings=TranscribeSettings(language="de"))


def test_chinese_is_written_in_the_chosen_script() -> None:
    mixed = "這是一個測試，这是一个测试"
    assert transcript.in_script(mixed, "zh", "simplified") == "这是一个测试，这是一个测试"
    assert transcript.in_script(mixed, "zh", "traditional") == "這是一個測試，這是一個測試"
    assert transcript.in_script(mixed, "en", "simplified") == mixed


@pytest.mark.parametrize("suffix", sorted(ENCODINGS))
def test_dropped_sound_and_video_files_are_audio(suffix: str, tmp_path: Path) -> None:
    from assistant.core.attachments import ingest
    from assistant.core.messages import Kind

    path = encode(samples(seconds=1), tmp_path / f"clip.{suffix}")
    assert ingest(path, tmp_path / "store").kind is Kind.AUDIO
