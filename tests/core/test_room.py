"""The simulated room and its loudspeaker: what the microphone hears, and when."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from assistant.core.room import (
    BLOCK,
    Clip,
    RoomScriptError,
    RoomSpeaker,
    SimulatedRoom,
    load_script,
)
from assistant.core.speech import SAMPLE_RATE, Speech
from assistant.core.spoken import write_wav
from tests.voice_room import REPLY, VOICE, clip, offline_room


def quiet_room(*clips: Clip, **options) -> SimulatedRoom:
    return SimulatedRoom(clips, noise_floor=0.0, own_clock=True, **options)


def record(room: SimulatedRoom, seconds: float) -> np.ndarray:
    return np.concatenate([room.step() for _ in range(round(seconds * SAMPLE_RATE / BLOCK))])


def test_clips_are_heard_at_their_time() -> None:
    question = clip("draw_a_cat", 1.0)
    room = quiet_room(question, clip("clicks", 2.0, "noise"))
    heard = record(room, 6.0)
    start = SAMPLE_RATE
    assert np.allclose(heard[start : start + 8000], question.samples[:8000])
    assert np.abs(heard[:start]).max() == 0.0
    assert room.onsets == {0: pytest.approx(1.0), 1: pytest.approx(2.0)}
    assert room.finished.is_set()


def test_the_loudspeaker_comes_back_late_softer_and_ringing(tmp_path: Path) -> None:
    click = np.zeros(SAMPLE_RATE, np.float32)
    click[0] = 1.0
    write_wav(tmp_path / "click.wav", Speech(SAMPLE_RATE, click))
    room = quiet_room()
    room.speaker.play(tmp_path / "click.wav")
    heard = record(room, 1.0)
    delay = int(0.04 * SAMPLE_RATE)
    assert np.abs(heard[:delay]).max() == 0.0
    assert heard[delay] == pytest.approx(0.6, abs=1e-3)  # the direct sound, at 0.6
    tail = heard[delay + 1 : delay + int(0.12 * SAMPLE_RATE)]
    assert np.abs(tail).max() > 0.005  # the room's reverberation
    assert np.abs(heard[delay + int(0.15 * SAMPLE_RATE) :]).max() < 1e-3


def test_the_speaker_plays_in_the_rooms_time_and_tells_what_it_plays() -> None:
    taps: list[tuple[np.ndarray, int]] = []
    room = offline_room()
    room.speaker.on_played = lambda frames, rate: taps.append((frames, rate))
    room.speaker.play(REPLY, start_s=1.0)
    assert room.speaker.playing() and room.speaker.position_s() == pytest.approx(1.0)
    record(room, 2.0)
    played_s = room.elapsed_s()
    assert room.speaker.position_s() == pytest.approx(1.0 + played_s)
    assert {rate for _, rate in taps} == {22050}
    assert sum(len(f) for f, _ in taps) == pytest.approx(played_s * 22050, abs=2)
    room.speaker.pause()
    assert not room.speaker.playing() and room.speaker.stopped_at == [pytest.approx(played_s)]
    record(room, 1.0)
    assert room.speaker.position_s() == pytest.approx(1.0 + played_s)  # paused: stays
    room.speaker.set_speed(2.0)
    room.speaker.play(REPLY, room.speaker.position_s())
    before = room.elapsed_s()
    record(room, 1.0)
    faster = 2 * (room.elapsed_s() - before)
    assert room.speaker.position_s() == pytest.approx(1.0 + played_s + faster)
    room.speaker.stop()
    assert room.speaker.position_s() == 0.0


def test_the_speaker_finishes_at_the_end_of_its_file(tmp_path: Path) -> None:
    write_wav(tmp_path / "beep.wav", Speech(8000, np.full(4000, 0.1, np.float32)))
    room = offline_room()
    room.speaker.play(tmp_path / "beep.wav")
    record(room, 1.0)
    assert not room.speaker.playing()
    assert room.speaker.finished_at == [pytest.approx(0.5, abs=0.04)]
    assert room.speaker.stopped_at == []


def test_the_room_delivers_at_real_time_pace_from_its_thread() -> None:
    room = SimulatedRoom([clip("stop", 0.2)], speed=4.0)
    blocks: list[np.ndarray] = []
    enough = threading.Event()

    def on_frames(frames: np.ndarray) -> None:
        blocks.append(frames)
        if len(blocks) * BLOCK >= 2 * SAMPLE_RATE:
            enough.set()

    import time

    began = time.monotonic()
    room.start(on_frames)
    try:
        assert enough.wait(5)
        took = time.monotonic() - began
    finally:
        room.stop()
    count = len(blocks)
    assert 0.4 <= took <= 1.0  # 2 s of sound at 4 times the pace
    assert room.onsets[0] - began == pytest.approx(0.05, abs=0.05)
    assert all(len(b) == BLOCK and b.dtype == np.float32 for b in blocks)
    assert len(blocks) == count  # nothing delivered after stop


def test_a_room_script_places_the_clips(tmp_path: Path) -> None:
    script = tmp_path / "room.json"
    script.write_text(
        json.dumps(
            {
                "speed": 2,
                "clips": [
                    {"at": 1.5, "wav": str(VOICE / "stop.wav")},
                    {"at": 3, "wav": "../" + tmp_path.name + "/noise.wav", "kind": "noise"},
                ],
            }
        ),
        encoding="utf-8",
    )
    write_wav(tmp_path / "noise.wav", Speech(SAMPLE_RATE, np.full(1600, 0.2, np.float32)))
    room = load_script(script)
    assert room.speed == 2.0
    assert [(c.at_s, c.kind, c.name) for c in room.clips] == [
        (1.5, "person", "stop.wav"),
        (3.0, "noise", "noise.wav"),
    ]


def test_the_app_finds_its_room_in_the_environment(tmp_path: Path, monkeypatch) -> None:
    from assistant.core.room import ROOM_ENV, room_from_env

    monkeypatch.delenv(ROOM_ENV, raising=False)
    assert room_from_env() is None
    script = tmp_path / "room.json"
    script.write_text(json.dumps({"clips": [{"at": 1, "wav": str(VOICE / "stop.wav")}]}))
    monkeypatch.setenv(ROOM_ENV, str(script))
    room = room_from_env()
    assert room is not None and [c.name for c in room.clips] == ["stop.wav"]
    monkeypatch.setenv(ROOM_ENV, str(tmp_path / "missing.json"))
    with pytest.raises(RoomScriptError, match=r"missing\.json cannot be read"):
        room_from_env()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot be read"),
        ('{"clips": {}}', "needs a list of clips"),
        ('{"clips": [{"at": 1}]}', "needs a wav"),
        ('{"clips": [{"at": 1, "wav": "missing.wav"}]}', "missing.wav cannot be read"),
    ],
)
def test_a_bad_room_script_says_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    script = tmp_path / "room.json"
    script.write_text(content, encoding="utf-8")
    with pytest.raises(RoomScriptError, match=message):
        load_script(script)


def test_a_clip_added_while_the_room_runs_is_heard_from_now() -> None:
    room = quiet_room()
    record(room, 1.0)
    index = room.add_now(VOICE / "stop.wav", after_s=0.5)
    assert not room.finished.is_set()
    heard = record(room, 2.0)
    assert room.onsets[index] == pytest.approx(room.clips[index].at_s)
    assert room.clips[index].at_s == pytest.approx(1.5, abs=0.04)
    assert np.abs(heard[: int(0.45 * SAMPLE_RATE)]).max() == 0.0
    assert np.abs(heard).max() > 0.05


def test_the_speaker_is_a_real_output_for_the_window() -> None:
    from assistant.core.audio import AudioOutput

    speaker: AudioOutput = RoomSpeaker()
    assert callable(speaker.play) and callable(speaker.set_speed)


def test_the_committed_sounds_are_small_and_in_the_microphones_format() -> None:
    import wave

    sounds = sorted(VOICE.glob("*.wav"))
    assert len(sounds) >= 9
    assert sum(p.stat().st_size for p in sounds) < 1_500_000
    for path in sounds:
        with wave.open(str(path), "rb") as sound:
            rate = 22050 if path == REPLY else SAMPLE_RATE  # the reply: as piper speaks it
            assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (
                1,
                2,
                rate,
            ), path.name
