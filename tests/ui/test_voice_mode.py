"""Voice mode through the real window in a simulated room, with the real models: tiny.en
hears, piper speaks, SmolLM2 answers; the room returns the speaker's sound to the
microphone (40 ms later, at 0.6 gain, with a reverb), in real time, with no sound card."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt

from assistant.core.bootstrap import open_assistant
from assistant.core.messages import Chunk, Request, TextDelta
from assistant.core.plugin import Intent, Manifest, PluginContext
from assistant.core.registry import PluginRegistry
from assistant.core.room import SimulatedRoom
from assistant.ui.main_window import MainWindow
from plugins.help import HelpPlugin
from tests.voice_room import clip

pytest.importorskip("onnxruntime")
pytest.importorskip("faster_whisper")
pytest.importorskip("piper")

TURN_S = 120  # a turn's longest wait: the first one loads SmolLM2 (~26 s here)


class Sketcher:
    """Answers drawing requests (another plugin than chat, chosen by the router)."""

    manifest = Manifest(
        name="sketcher",
        title="Sketcher",
        description="Draws.",
        intents=(Intent("drawing", keywords=(r"\bdraw\b",)),),
    )

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        yield TextDelta("Here is a cat, drawn with a single line.")


class Teller:
    """Answers everything at length, a sentence at a time (a long answer to talk over)."""

    manifest = Manifest(name="teller", title="Teller", description="Tells a long story.")
    STORY = (
        "Paris is the capital of France. It lies on the river Seine, in the north of the "
        "country. About two million people live in the city itself, and many more around it. "
    ) * 3

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        for sentence in self.STORY.split(". "):
            yield TextDelta(sentence + ". ")
            context.cancel.wait(0.4)  # a slow writer: it is still writing while it speaks


@pytest.fixture
def voice_window(qtbot) -> Iterator[Callable[..., tuple[MainWindow, SimulatedRoom]]]:
    """A window with the real chat, transcribe and tts plugins, voice mode in a room."""
    from plugins.chat import ChatPlugin
    from plugins.chat.settings import ChatSettings
    from plugins.transcribe import TranscribePlugin
    from plugins.tts import TtsPlugin

    windows: list[MainWindow] = []

    def build(default: str = "chat", echo_cancellation: bool = True):
        registry = PluginRegistry(
            [ChatPlugin(), TranscribePlugin(), TtsPlugin(), HelpPlugin(), Sketcher(), Teller()]
        )
        assistant = open_assistant(registry=registry)
        assistant.router.default = default
        settings = assistant.settings
        settings.update_section(
            "chat",
            ChatSettings(
                max_new_tokens=80, temperature=0.0, system_prompt="Answer in a few sentences."
            ),
        )
        general = settings.general.model_copy(update={"voice_echo_cancellation": echo_cancellation})
        settings.update_general(general)
        window = MainWindow(assistant)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        room = SimulatedRoom()
        window.voice_mode.room_factory = lambda: room
        return window, room

    yield build
    for window in windows:
        window.close()
        assert window.jobs.shutdown(10_000), "a job was still running after the window closed"
        qtbot.waitUntil(lambda w=window: not w.jobs.busy, timeout=10_000)
        window.assistant.store.close()


def state(window: MainWindow) -> str:
    return window.voice_mode.state


def questions(window: MainWindow) -> list:
    store = window.assistant.store
    return [m for m in store.all_messages(window.conversation_id) if m.role == "user"]


def replies(window: MainWindow) -> list:
    store = window.assistant.store
    return [m for m in store.all_messages(window.conversation_id) if m.role == "assistant"]


def say(qtbot, window: MainWindow, room: SimulatedRoom, name: str) -> int:
    """The person says the clip *name* now; returns its index in the room."""
    index = room.add(clip(name, room.elapsed_s() + 0.1))
    room.onset(index, timeout=5)
    return index


def silenced_within(qtbot, speaker, onset: float, limit_s: float = 0.5) -> None:
    """The speaker went quiet within *limit_s* of *onset*, and nothing started after it: a
    sentence cut short (stopped) or, between two sentences, the next one never begun."""
    qtbot.waitUntil(lambda: not speaker.playing(), timeout=5_000)
    ends = [t for t in speaker.stopped_at + speaker.finished_at if t >= onset - 0.05]
    assert not ends or min(ends) - onset <= limit_s  # (none: it was between two sentences)
    assert not [t for t in speaker.started_at if t > onset], "it spoke on over the person"


def answered(window: MainWindow, count: int) -> Callable[[], bool]:
    def check() -> bool:
        done = [r for r in replies(window) if r.status != "streaming"]
        return len(done) >= count and state(window) == "listening"

    return check


def test_a_spoken_conversation_with_a_barge_in_a_noise_and_another_plugin(
    qtbot, voice_window
) -> None:
    window, room = voice_window()
    qtbot.mouseClick(window.voice_bar.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state(window) == "listening", timeout=30_000)
    assert window.voice_bar.row.isVisible()
    assert window.voice_bar.button.isChecked()
    listening_width = window.voice_bar.pill.width()
    speaker = room.speaker

    # Turn one: heard, written down as typed, answered by chat and spoken.
    say(qtbot, window, room, "capital_of_france")
    qtbot.waitUntil(lambda: state(window) in ("hearing", "thinking"), timeout=10_000)
    qtbot.waitUntil(lambda: state(window) == "speaking", timeout=TURN_S * 1000)
    assert window.voice_bar.pill.text() == "Speaking (talk to interrupt)"
    assert window.voice_bar.pill.width() == listening_width  # the line does not jump
    qtbot.waitUntil(answered(window, 1), timeout=TURN_S * 1000)
    first = questions(window)
    assert len(first) == 1 and "capital of france" in first[0].content.lower()
    assert replies(window)[0].plugin == "chat" and replies(window)[0].status == "done"
    assert speaker.started_at, "the answer was never played"
    assert not speaker.stopped_at, "the assistant interrupted itself"
    stages = window.voice_mode.conversation.timings[0].stages()
    assert 0 < stages["transcript_s"] < stages["first_token_s"] < stages["first_audio_s"]

    # Music and keyboard clicks start no turn.
    for noise in ("music", "clicks"):
        index = room.add(clip(noise, room.elapsed_s() + 0.1, kind="noise"))
        room.onset(index, timeout=5)
    qtbot.waitUntil(room.finished.is_set, timeout=20_000)
    qtbot.waitUntil(lambda: state(window) == "listening", timeout=20_000)
    assert len(questions(window)) == 1

    # Turn two, and the person talks over its answer.
    say(qtbot, window, room, "weather_on_mars")
    qtbot.waitUntil(lambda: state(window) == "speaking", timeout=TURN_S * 1000)
    answer = replies(window)[-1].id
    index = say(qtbot, window, room, "capital_of_france")
    silenced_within(qtbot, speaker, room.onsets[index])
    store = window.assistant.store
    qtbot.waitUntil(lambda: store.message(answer).status != "streaming", timeout=10_000)
    # stopped if SmolLM2 was still writing it, else done (the Teller's test below is sure)
    assert store.message(answer).status in ("stopped", "done")
    qtbot.waitUntil(lambda: len(questions(window)) >= 3, timeout=TURN_S * 1000)
    assert questions(window)[2].content.strip()  # what was said over the answer, sent
    qtbot.waitUntil(
        lambda: state(window) == "listening" and not window.turns.busy, timeout=TURN_S * 1000
    )

    # Turn three goes to another plugin, as a typed request would.
    say(qtbot, window, room, "draw_a_cat")
    drawn = lambda: [r for r in replies(window) if r.plugin == "sketcher"]  # noqa: E731
    qtbot.waitUntil(lambda: bool(drawn()), timeout=TURN_S * 1000)
    qtbot.waitUntil(lambda: state(window) == "listening", timeout=TURN_S * 1000)
    assert "draw" in store.message(drawn()[0].parent_id).content.lower()
    # Everything said is kept and searchable.
    assert window.assistant.store.search("Mars")

    qtbot.mouseClick(window.voice_bar.button, Qt.MouseButton.LeftButton)
    assert state(window) == "off" and not window.voice_bar.row.isVisible()


def test_silence_and_a_cough_send_nothing(qtbot, voice_window) -> None:
    window, room = voice_window(default="teller")
    window.voice_mode.start()
    qtbot.waitUntil(lambda: state(window) == "listening", timeout=30_000)
    index = room.add(clip("cough", room.elapsed_s() + 2.0, kind="noise"))
    room.onset(index, timeout=10)
    qtbot.waitUntil(room.finished.is_set, timeout=10_000)
    qtbot.waitUntil(lambda: room.elapsed_s() > room.clips[-1].at_s + 3.0, timeout=10_000)
    qtbot.waitUntil(lambda: state(window) == "listening", timeout=20_000)
    assert questions(window) == []
    window.voice_mode.stop()


def test_without_echo_cancellation_it_takes_turns_and_esc_interrupts(qtbot, voice_window) -> None:
    window, room = voice_window(default="teller", echo_cancellation=False)
    window.voice_mode.start()
    qtbot.waitUntil(lambda: state(window) == "listening", timeout=30_000)
    assert "microphone is closed while I speak" in window.voice_bar.note.text()
    assert window.voice_bar.note.isVisible()
    say(qtbot, window, room, "weather_on_mars")
    qtbot.waitUntil(lambda: state(window) == "speaking", timeout=TURN_S * 1000)
    speaker = room.speaker
    index = say(qtbot, window, room, "wait_a_moment")  # not heard: the microphone is closed
    ends = room.onsets[index] + len(room.clips[index].samples) / 16_000
    qtbot.waitUntil(lambda: time.monotonic() > ends + 0.6, timeout=10_000)
    assert state(window) == "speaking" and not speaker.stopped_at
    assert len(questions(window)) == 1
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(speaker.stopped_at), timeout=2_000)
    qtbot.waitUntil(lambda: state(window) == "listening", timeout=10_000)
    qtbot.waitUntil(lambda: replies(window)[0].status != "streaming", timeout=10_000)
    window.voice_mode.stop()


def test_why_listening_cannot_run_is_written_out_for_translation() -> None:
    from assistant.core import echo, vad
    from assistant.ui.voice_mode import LISTEN_REASONS, reason_text

    assert LISTEN_REASONS == vad.REASONS + echo.REASONS
    problem = vad.VoiceActivityUnavailable(vad.NO_ONNXRUNTIME)
    assert reason_text(problem) == str(problem)


@pytest.mark.xfail(
    reason="a known fault: “Stop.” said over an answer is heard and ends its speech, but "
    "the echo canceller, with the person and the speaker at once, leaves little of the word "
    "(its best match with the clean clip is at 1-12 % of the clip's level, under the echo "
    "left over), so tiny.en writes another one (“Okay.”, “Look.”, “Take out.”, “Please.”, "
    "“Yep.”) and it is sent as a question; the clean clip is read “Stop.”",
    strict=False,
)
def test_talking_over_an_answer_being_written_stops_it_and_keeps_what_it_said(
    qtbot, voice_window
) -> None:
    window, room = voice_window(default="teller")
    window.voice_mode.start()
    qtbot.waitUntil(lambda: state(window) == "listening", timeout=30_000)
    say(qtbot, window, room, "weather_on_mars")
    qtbot.waitUntil(lambda: state(window) == "speaking", timeout=TURN_S * 1000)
    answer = replies(window)[-1].id
    assert window.assistant.store.message(answer).status == "streaming"
    index = say(qtbot, window, room, "stop")
    silenced_within(qtbot, room.speaker, room.onsets[index])
    store = window.assistant.store
    talk = window.voice_mode.conversation
    qtbot.waitUntil(
        lambda: store.message(answer).status == "stopped", timeout=10_000
    )  # at the barge-in, or at the stop word
    assert talk.barge_ins or talk.note == "stopped"
    assert store.message(answer).content.startswith("Paris is the capital of France.")
    assert len(store.message(answer).content) < len(Teller.STORY)
    qtbot.waitUntil(lambda: state(window) == "listening", timeout=20_000)
    assert len(questions(window)) == 1  # "Stop." ended the answer and was not sent
    assert not room.speaker.playing()
    window.voice_mode.stop()
