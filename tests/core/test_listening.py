"""The listener in a simulated room, through the real Silero model, livekit's echo canceller
and tiny.en: turns, barge-ins, noises that start nothing, and taking turns without echo
cancellation."""

from __future__ import annotations

import sys
import threading
import time

import numpy as np
import pytest

from assistant.core.cancel import CancelToken
from assistant.core.echo import EchoCanceller
from assistant.core.listening import (
    BargeIn,
    Listener,
    ListenEvent,
    ListenSettings,
    SpeechStarted,
    Turn,
)
from assistant.core.models import ModelRegistry
from assistant.core.plugin import PluginContext
from assistant.core.room import SimulatedRoom, read_clip
from assistant.core.speech import SAMPLE_RATE
from assistant.core.vad import SileroVad
from plugins.transcribe import TranscribePlugin, TranscribeSettings
from tests.voice_room import REPLY, clip, listen, offline_room

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stt(tmp_path_factory: pytest.TempPathFactory):
    """The ``stt`` service of the transcribe plugin, tiny.en loaded once."""
    plugin, models = TranscribePlugin(), ModelRegistry()
    context = PluginContext(
        CancelToken(), TranscribeSettings(), models, tmp_path_factory.mktemp("stt")
    )
    plugin.load(context)
    yield plugin.service("stt", context)
    plugin.unload()


def words(stt, audio: np.ndarray) -> str:
    return " ".join(s.text for s in stt.transcribe(audio, CancelToken())).lower()


def make_listener(room: SimulatedRoom, **settings: object) -> Listener:
    return Listener(ListenSettings(**settings), vad=SileroVad(), clock=room.elapsed_s)  # type: ignore[arg-type]


def test_a_question_is_one_turn_with_its_first_syllable_and_its_words(stt) -> None:
    question = clip("capital_of_france", 1.0)
    room = offline_room(question)
    listener = make_listener(room)
    heard = listen(room, listener, 1.0 + question.seconds + 1.5)
    assert heard.kinds() == ["speech_started", "turn"]
    (started,) = heard.of("speech_started")
    (turn,) = heard.of("turn")
    assert isinstance(started, SpeechStarted) and isinstance(turn, Turn)
    assert 1.0 <= started.at <= 1.2
    end = 1.0 + question.seconds
    assert end - 0.2 <= turn.speech_ended_at <= end + 0.05
    assert 0.5 <= turn.decided_at - turn.speech_ended_at <= 0.5 + 0.05
    # The pre-roll: the audio starts ~0.3 s before the first voiced frame, so all of it is in.
    assert turn.seconds >= question.seconds + 0.25
    assert "capital of france" in words(stt, turn.audio)


def test_silence_sends_nothing() -> None:
    room = offline_room()
    heard = listen(room, make_listener(room), 6.0)
    assert heard.kinds() == []
    assert 6.0 * 12 <= len(heard.of("level")) <= 6.0 * 20  # the meter moves, <= 20 a second


@pytest.mark.parametrize("noise", ["music", "clicks", "cough"])
def test_noises_start_no_turn(noise: str) -> None:
    room = offline_room(clip(noise, 0.5, "noise"), clip(noise, 3.5, "noise"))
    heard = listen(room, make_listener(room), 7.0)
    assert heard.of("turn") == []
    if noise != "cough":  # a cough may look like the start of speech, never like a turn
        assert heard.of("speech_started") == []
    levels = [e.rms for e in heard.of("level")]
    assert max(levels) > 10 * min(levels)  # the noise was there, and loud


def speaking_room(*clips, echo: bool = True) -> tuple[SimulatedRoom, Listener]:
    """The assistant's reply plays from the start; *clips* are the person's."""
    room = offline_room(*clips)
    listener = Listener(
        ListenSettings(echo_cancellation=echo), vad=SileroVad(), clock=room.elapsed_s
    )
    room.speaker.play(REPLY)
    return room, listener


def test_the_assistant_never_interrupts_itself() -> None:
    room, listener = speaking_room()
    assert listener.echo_cancelling
    reply_s = read_clip(REPLY, 0.0).seconds
    assert reply_s > 6.0
    heard = listen(room, listener, reply_s + 1.5)
    assert room.speaker.finished_at, "the reply played to its end"
    assert heard.of("barge_in") == [] and heard.of("turn") == []
    # Control, the same room: without the echo canceller, and not told that the assistant
    # speaks, the listener takes the assistant's voice for a person.
    room, raw = speaking_room(echo=False)
    raw.assistant_speaking = lambda on: None  # type: ignore[method-assign]
    assert listen(room, raw, reply_s + 1.5).of("turn")


@pytest.mark.parametrize("noise", ["music", "clicks", "cough"])
def test_a_noise_over_the_assistant_does_not_interrupt_it(noise: str) -> None:
    room, listener = speaking_room(clip(noise, 2.5, "noise"), clip(noise, 5.0, "noise"))
    heard = listen(room, listener, 9.5)
    assert heard.of("barge_in") == [] and heard.of("turn") == []
    assert not room.speaker.stopped_at and room.speaker.finished_at


@pytest.mark.parametrize(
    ("said", "at_s", "expected"),
    [
        ("stop", 2.5, "stop"),
        ("capital_of_france", 5.0, "france"),
        # Once playback paused, the rest of the question was muted ("What is it?"): the
        # canceller had no far end any more and reused the last one.
        ("capital_of_france", 3.6, "capital of france"),
        ("capital_of_france", 6.5, "capital of france"),
    ],
)
def test_talking_over_the_assistant_stops_it_within_half_a_second(
    stt, said: str, at_s: float, expected: str
) -> None:
    person = clip(said, at_s)
    room, listener = speaking_room(person)

    def on_event(event: ListenEvent) -> None:
        if event.kind == "barge_in":
            room.speaker.pause()

    heard = listen(room, listener, at_s + person.seconds + 1.5, on_event)
    assert heard.kinds() == ["speech_started", "barge_in", "turn"]
    (barge,) = heard.of("barge_in")
    assert isinstance(barge, BargeIn)
    assert room.speaker.stopped_at[0] - at_s <= 0.5
    assert barge.speech_started_at >= at_s - 0.05  # the person, not the echo
    (turn,) = heard.of("turn")
    assert isinstance(turn, Turn) and turn.barged_in
    assert expected in words(stt, turn.audio)


def test_a_barge_in_in_real_time_from_the_rooms_thread() -> None:
    """The same through the room's own thread at real-time pace, on the monotonic clock."""
    person = clip("stop", 2.5)
    room = SimulatedRoom([person])
    listener = Listener(ListenSettings(), vad=SileroVad())
    room.speaker.on_played = listener.played
    barged = threading.Event()

    def on_frames(frames: np.ndarray) -> None:
        listener.assistant_speaking(room.speaker.playing())
        for event in listener.hear(frames):
            if event.kind == "barge_in":
                room.speaker.pause()
                barged.set()

    room.speaker.play(REPLY)
    room.start(on_frames)
    try:
        assert barged.wait(10)
    finally:
        room.stop()
    assert room.speaker.stopped_at[0] - room.onsets[0] <= 0.5


def test_without_echo_cancellation_it_takes_turns() -> None:
    over = clip("wait_a_moment", 4.0)  # said while the assistant speaks: not heard
    after = clip("draw_a_cat", 12.0)  # said after it finished: a turn
    room, listener = speaking_room(over, after, echo=False)
    assert not listener.echo_cancelling and listener.echo_problem is None
    heard = listen(room, listener, 12.0 + after.seconds + 1.0)
    assert room.speaker.finished_at and room.speaker.finished_at[0] < 11.0
    assert heard.kinds() == ["speech_started", "turn"]
    assert heard.events[0][0] > room.speaker.finished_at[0]


def test_without_livekit_it_says_so_and_takes_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "livekit", None)  # import livekit raises ImportError
    listener = Listener(ListenSettings(), vad=SileroVad())
    assert not listener.echo_cancelling
    assert listener.echo_problem and "livekit" in listener.echo_problem
    from assistant.core.echo import NO_LIVEKIT

    assert listener.echo_error is not None and listener.echo_error.template == NO_LIVEKIT
    listener.assistant_speaking(True)
    speech = clip("capital_of_france", 0.0).samples
    assert listener.hear(speech) == []


def test_an_echo_canceller_that_fails_falls_back_to_taking_turns() -> None:
    class Broken(EchoCanceller):
        def clean(self, frames):
            from assistant.core.echo import FAILED, EchoCancellationUnavailable

            raise EchoCancellationUnavailable(FAILED, error="test")

    listener = Listener(ListenSettings(), vad=SileroVad(), echo=Broken())
    assert listener.echo_cancelling
    listener.hear(np.zeros(512, np.float32))
    assert not listener.echo_cancelling and listener.echo_problem == (
        "Echo cancellation failed (test)."
    )
    assert listener.echo_error is not None and listener.echo_error.values == {"error": "test"}


def test_a_short_sound_then_silence_is_a_false_alarm() -> None:
    room = offline_room(clip("stop", 1.0))
    listener = make_listener(room, min_speech_s=2.0)  # "Stop." is shorter than that
    heard = listen(room, listener, 3.0)
    assert heard.kinds() == ["speech_started", "false_alarm"]


def test_reset_forgets_a_turn_in_progress() -> None:
    question = clip("weather_on_mars", 0.5)
    room = offline_room(question)
    listener = make_listener(room)
    heard = listen(room, listener, 1.2)
    assert heard.kinds() == ["speech_started"]
    listener.reset()
    heard = listen(room, listener, question.seconds + 1.0)
    kinds = heard.kinds()
    assert "turn" not in kinds or heard.of("turn")[0].seconds < question.seconds  # type: ignore[union-attr]


def test_frames_of_any_length_are_heard_alike() -> None:
    question = clip("draw_a_cat", 0.5)
    audio = np.concatenate(
        [np.zeros(8000, np.float32), question.samples, np.zeros(16000, np.float32)]
    )

    def turns(piece: int) -> list[float]:
        listener = Listener(
            ListenSettings(echo_cancellation=False), vad=SileroVad(), clock=lambda: 0.0
        )
        found = []
        for start in range(0, len(audio), piece):
            found += [
                len(e.audio)
                for e in listener.hear(audio[start : start + piece])
                if e.kind == "turn"
            ]
        return found

    assert turns(512) == turns(160) == turns(1000)
    assert len(turns(512)) == 1
    assert Listener(vad=SileroVad()).hear(np.zeros(0, np.float32)) == []  # nothing: nothing


def test_the_cost_of_listening_is_counted() -> None:
    room = offline_room(clip("capital_of_france", 0.5))
    listener = make_listener(room)
    began = time.thread_time()
    listen(room, listener, 4.0)
    spent = time.thread_time() - began
    costs = listener.costs
    assert costs.heard_s == pytest.approx(4.0, abs=0.05)
    assert costs.frames == pytest.approx(4.0 * SAMPLE_RATE / 512, abs=2)
    assert 0 < costs.vad_cpu_s + costs.echo_cpu_s <= spent
    assert 0 < costs.vad_cpu_pct < 10
