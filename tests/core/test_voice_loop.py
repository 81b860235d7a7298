"""VoiceConversation's decisions, driven directly: a real listener and a room's speaker,
and a host that records what it is asked (as the window's voice mode would do it)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from assistant.core.listening import BargeIn, FalseAlarm, Listener, SpeechStarted, Turn
from assistant.core.room import SimulatedRoom
from assistant.core.speech import Segment
from assistant.core.spoken import SpokenAnswer
from assistant.core.voice_loop import TurnTimings, VoiceConversation, VoiceSettings
from tests.voice_room import REPLY

pytest.importorskip("onnxruntime")


@dataclass
class Host:
    """Does nothing itself: records each request, as VoiceEffects."""

    transcribing: list[TurnTimings] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)
    cancels: int = 0
    speaking: list[SpokenAnswer] = field(default_factory=list)
    changes: int = 0

    def transcribe(self, audio: object, timings: TurnTimings) -> None:
        self.transcribing.append(timings)

    def submit(self, text: str) -> None:
        self.submitted.append(text)

    def cancel_answer(self) -> None:
        self.cancels += 1

    def synthesize(self, spoken: SpokenAnswer) -> None:
        self.speaking.append(spoken)

    def changed(self) -> None:
        self.changes += 1


def conversation(**settings: object) -> tuple[VoiceConversation, Host, SimulatedRoom]:
    room = SimulatedRoom(own_clock=True)
    host = Host()
    talk = VoiceConversation(
        Listener(), room.speaker, host, VoiceSettings(**settings), clock=room.elapsed_s
    )
    talk.start()
    return talk, host, room


def turn(talk: VoiceConversation, host: Host, text: str, segments=()) -> TurnTimings:
    talk.heard([SpeechStarted(1.0), Turn(np.zeros(16_000, np.float32), 1.0, 2.0, 2.5)])
    timings = host.transcribing[-1]
    talk.transcribed(timings, text, segments)
    return timings


def speak_reply(talk: VoiceConversation, room: SimulatedRoom, seconds: float) -> None:
    """The answer opens and its one sentence (the committed reply) plays for *seconds*."""
    assert talk.answer_opened()
    talk.answer_text("Paris is the capital of France.")
    talk.sentence_ready(talk._spoken, REPLY)  # type: ignore[arg-type]
    assert talk.state == "speaking" and room.speaker.playing()
    for _ in range(round(seconds * 16_000 / 512)):
        room.step()


def test_a_turn_is_sent_and_its_answer_spoken_with_its_timings() -> None:
    talk, host, room = conversation()
    timings = turn(talk, host, " What is the capital of France? ")
    assert host.submitted == ["What is the capital of France?"]
    assert talk.state == "thinking"
    speak_reply(talk, room, 0.5)
    talk.answer_finished()
    talk.sentences_done(host.speaking[-1])
    for _ in range(400):
        room.step()
        talk.tick()
    assert talk.state == "listening" and not room.speaker.playing()
    stages = timings.stages()
    assert stages["transcript_s"] is not None and stages["first_token_s"] is not None
    assert stages["first_audio_s"] is not None
    assert timings.transcript_at <= timings.first_token_at <= timings.first_audio_at


NO_SPEECH = [
    ("Thank you.", ()),
    ("you", ()),
    ("Hello there", [Segment(0, 1, "Hello there", 0.97)]),  # Whisper: 97 % nobody spoke
]


@pytest.mark.parametrize(("text", "segments"), NO_SPEECH)
def test_a_turn_with_no_speech_is_dropped(text: str, segments) -> None:
    talk, host, _ = conversation()
    turn(talk, host, text, segments)
    assert host.submitted == [] and talk.ignored == 1 and talk.state == "listening"


def test_a_barge_in_stops_playback_and_the_answer_and_a_noise_resumes_it() -> None:
    talk, host, room = conversation()
    turn(talk, host, "What is the capital of France?")
    speak_reply(talk, room, 1.0)
    talk.heard([BargeIn(3.0, 2.75)])
    assert not room.speaker.playing() and talk.state == "hearing"
    assert host.cancels == 1  # the answer's writing stops at once
    where = room.speaker.position_s()
    assert where > 0.9
    talk.heard([Turn(np.zeros(8000, np.float32), 2.75, 3.1, 3.6, barged_in=True)])
    talk.transcribed(host.transcribing[-1], "...")  # a cough: no words
    assert room.speaker.playing() and talk.state == "speaking"
    assert room.speaker.position_s() == pytest.approx(where, abs=0.01)  # where it was


def test_a_barge_in_with_words_drops_the_rest_and_sends_them() -> None:
    talk, host, room = conversation()
    turn(talk, host, "What is the capital of France?")
    speak_reply(talk, room, 1.0)
    talk.heard([BargeIn(3.0, 2.75)])
    turn(talk, host, "Wait, I have another question.")
    assert host.submitted[-1] == "Wait, I have another question."
    assert not room.speaker.playing() and host.speaking[0].cancel.cancelled
    talk.tick()
    assert not room.speaker.playing()


def test_a_stop_word_ends_the_answer_and_is_not_sent() -> None:
    talk, host, room = conversation()
    turn(talk, host, "What is the capital of France?")
    speak_reply(talk, room, 0.5)
    turn(talk, host, "Stop.")
    assert host.submitted == ["What is the capital of France?"]
    assert not room.speaker.playing() and host.cancels == 1 and talk.state == "listening"


def test_with_a_wake_word_only_what_begins_with_it_is_sent() -> None:
    talk, host, _ = conversation(wake_word="Computer")
    turn(talk, host, "What is the capital of France?")
    assert host.submitted == []
    turn(talk, host, "Computer, what is the capital of France?")
    assert host.submitted == ["what is the capital of France?"]


def test_held_from_the_microphone_thread_no_next_sentence_starts_before_the_barge_in() -> None:
    talk, host, room = conversation()
    turn(talk, host, "What is the capital of France?")
    speak_reply(talk, room, 1.0)
    talk.sentence_ready(host.speaking[-1], REPLY)  # a second sentence waits
    talk.hold_now()  # as the microphone's thread does the moment it hears a barge-in
    assert not room.speaker.playing()
    where = room.speaker.position_s()
    talk.tick()  # the GUI's timer comes first: it must not start the next sentence
    assert not room.speaker.playing()
    talk.heard([BargeIn(3.0, 2.75)])
    talk.transcribed(host.transcribing[-1], "")  # nothing said after all
    assert room.speaker.playing()
    assert room.speaker.position_s() == pytest.approx(where, abs=0.01)


def test_speech_over_the_answer_silences_it_and_a_false_alarm_lets_it_go_on() -> None:
    talk, host, room = conversation()
    turn(talk, host, "What is the capital of France?")
    speak_reply(talk, room, 1.0)
    talk.heard([SpeechStarted(3.0)])
    assert not room.speaker.playing() and talk.state == "hearing" and host.cancels == 0
    talk.heard([FalseAlarm(3.2, 3.0)])
    assert room.speaker.playing() and talk.state == "speaking" and talk.resumed == 1
    assert talk.barge_ins == []
