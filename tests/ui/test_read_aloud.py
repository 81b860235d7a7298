"""Answers read aloud through the real window, the real queue and a real piper voice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt

from assistant.core.messages import Chunk, Request, TextDelta
from assistant.core.plugin import Manifest, PluginContext
from assistant.ui.audio_player import AudioPlayer
from assistant.ui.main_window import MainWindow
from plugins.tts import TtsPlugin


class Writer:
    """Writes a first sentence and half of a second, then waits for the test's gate."""

    manifest = Manifest(name="writer", title="Writer", description="Writes slowly.")

    def __init__(self) -> None:
        self.gate = threading.Event()

    def load(self, context: PluginContext) -> None:
        pass

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        yield TextDelta("The first sentence is here. The second")
        while not self.gate.wait(0.01):
            context.cancel.raise_if_cancelled()
        yield TextDelta(" one ends now.\n\n```\nnot_read()\n```")

    def unload(self) -> None:
        pass


def _players(window: MainWindow, message_id: int) -> list[AudioPlayer]:
    widget = window.view.widget_of(message_id)
    assert widget is not None
    widget.build()
    return widget.findChildren(AudioPlayer)


def test_read_aloud_on_an_answer_keeps_its_speech_after_a_restart(qtbot, open_window) -> None:
    window = open_window(TtsPlugin())
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, "Hello there. How are you?")
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    reply = finished.args[0]
    button = window.view.widget_of(reply).button("speak")
    assert button is not None and button.toolTip().startswith("Read this answer aloud")
    with qtbot.waitSignal(window.read_aloud.speech_saved, timeout=60_000) as saved:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    path = saved.args[1]
    [player] = _players(window, reply)
    assert player.path == path and player.length and player.length > 1.0
    # No sound card here: the player says why it cannot play, the recording is kept.
    assert not player.play_button.isEnabled()
    assert "no sound output" in player.play_button.toolTip()
    # A sound output found after the player was built (it is looked for off the GUI thread).
    from assistant.core.speaker import SpeakerOutput
    from tests.core.test_speaker import _Library

    found = SpeakerOutput(_Library)
    window.read_aloud._on_speaker_opened(found)
    assert player.play_button.isEnabled() and player.speed.isEnabled()
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    assert found.playing()
    qtbot.mouseClick(player.stop_button, Qt.MouseButton.LeftButton)
    assert not found.playing()
    window.read_aloud._on_speaker_opened(None)  # (none found: the players stay as they are)
    window.view.signals.audio = None
    live = window.view.rendered(reply)
    [stored] = window.store.message(reply).attachments
    assert (stored.kind, stored.name, Path(stored.path)) == ("audio", "Read aloud", path)

    again = open_window(TtsPlugin())  # the app started again on the same data
    assert again.view.rendered(reply) == live
    [player] = _players(again, reply)
    assert player.path == path
    # Read aloud again: the kept recording, not a second one.
    qtbot.mouseClick(again.view.widget_of(reply).button("speak"), Qt.MouseButton.LeftButton)
    assert len(again.store.message(reply).attachments) == 1
    assert "read aloud already" in again.statusBar().currentMessage()


def test_with_the_switch_on_speech_starts_before_the_answer_ends(qtbot, open_window) -> None:
    writer = Writer()
    window = open_window(TtsPlugin(), writer)
    window.assistant.router.default = "writer"
    qtbot.mouseClick(window.read_aloud.switch, Qt.MouseButton.LeftButton)
    assert window.read_aloud.switch.isChecked()
    spoken: list[str] = []
    window.read_aloud.sentence_spoken.connect(lambda _, sentence: spoken.append(sentence.text))
    window.send("Write two sentences", [])
    qtbot.waitUntil(lambda: spoken == ["The first sentence is here."], timeout=60_000)
    [reply] = window.turns.answering()  # the answer is still being written
    assert window.store.message(reply).status == "streaming"
    with qtbot.waitSignal(window.read_aloud.speech_saved, timeout=60_000):
        writer.gate.set()
    assert spoken == ["The first sentence is here.", "The second one ends now."]
    assert [p.path.suffix for p in _players(window, reply)] == [".wav"]
    conversation = window.conversation_id
    window.new_conversation()
    assert window.read_aloud.switch.isChecked()  # a new conversation takes the switch
    window.open_conversation(conversation)
    assert window.read_aloud.switch.isChecked()  # kept with the conversation


def test_stop_in_the_window_stops_speech(qtbot, open_window) -> None:
    writer = Writer()
    window = open_window(TtsPlugin(), writer)
    window.assistant.router.default = "writer"
    window.read_aloud.switch.setChecked(True)
    spoken: list[str] = []
    window.read_aloud.sentence_spoken.connect(lambda _, sentence: spoken.append(sentence.text))
    window.send("Write", [])
    qtbot.waitUntil(lambda: bool(spoken), timeout=60_000)
    [reply] = window.read_aloud.speaking
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.read_aloud.speaking, timeout=10_000)
    assert window.store.message(reply).attachments == ()  # nothing more was said or kept
    assert spoken == ["The first sentence is here."]


def test_without_a_voice_plugin_read_aloud_says_what_to_do(qtbot, open_window) -> None:
    window = open_window()
    window.send("Hello.", [])
    qtbot.waitUntil(lambda: not window.turns.busy, timeout=10_000)
    [reply] = [m for m in window.view.message_ids() if window.store.message(m).role != "user"]
    window.view.widget_of(reply).button("speak").click()
    assert "No plugin reads answers aloud" in window.view.plain_text()


def test_a_short_question_never_makes_the_conversation_scroll_sideways(qtbot, tmp_path) -> None:
    # Found under xapp: "read that again" got a bubble narrower than its footer's buttons
    # (the footer's layout items hint 0 until the new buttons are shown).
    from assistant.core.store import Store
    from assistant.ui.message_view import MessageView

    store = Store(tmp_path / "short.sqlite3")
    try:
        conversation = store.create_conversation()
        question = store.add_message(conversation, "user", "read that again")
        view = MessageView()
        qtbot.addWidget(view)
        view.resize(836, 600)
        view.show()
        view.show_conversation(store.messages(conversation), has_more=False)
        edit = view.widget_of(question).button("edit")
        qtbot.waitUntil(edit.isVisible, timeout=5000)
        assert view.widget().width() <= view.viewport().width()
        assert view.horizontalScrollBar().maximum() == 0
    finally:
        store.close()


def test_each_sentence_plays_as_it_is_spoken_and_stop_silences_it(qtbot, open_window) -> None:
    from assistant.core.speaker import SpeakerOutput
    from tests.core.test_speaker import _Library

    writer = Writer()
    window = open_window(TtsPlugin(), writer)
    window.assistant.router.default = "writer"
    speaker = SpeakerOutput(_Library)  # the real output, on a stream with no device behind
    window.view.signals.audio = speaker
    window.read_aloud.switch.setChecked(True)
    window.send("Write", [])
    qtbot.waitUntil(speaker.playing, timeout=60_000)  # the first sentence, mid-answer
    assert window.turns.answering()
    assert speaker._stream.samplerate == 22050
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)
    assert not speaker.playing()
