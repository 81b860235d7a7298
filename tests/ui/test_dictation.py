"""Push to talk through the real widgets: a file-backed microphone, the real tiny.en."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore

from assistant.core.microphone import FILE_ENV, FileMicrophone
from plugins.transcribe import TranscribePlugin
from tests.plugins.transcribe.media import samples, write_wav

Qt = QtCore.Qt


@pytest.fixture
def utterance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The microphone "hears" a 3 s sentence: 'The birch canoe slid on the smooth planks.'"""
    path = write_wav(tmp_path / "utterance.wav", samples(seconds=3.0))
    monkeypatch.setenv(FILE_ENV, str(path))
    return path


def ready(window, qtbot) -> None:
    button = window.voice_controls.button
    qtbot.waitUntil(button.isEnabled, timeout=10_000)


def heard_everything(window) -> bool:
    microphone = window.dictation._microphone
    return isinstance(microphone, FileMicrophone) and microphone.finished.is_set()


@pytest.mark.slow
def test_holding_the_button_puts_the_words_in_the_message_box(
    open_window, qtbot, utterance: Path
) -> None:
    window = open_window(TranscribePlugin())
    ready(window, qtbot)
    controls = window.voice_controls
    levels: list[float] = []
    window.dictation.level_changed.connect(levels.append)
    qtbot.mousePress(controls.button, Qt.MouseButton.LeftButton)
    assert controls.meter.isVisible() and "Listening" in controls.note.text()
    qtbot.waitUntil(lambda: heard_everything(window), timeout=10_000)
    qtbot.mouseRelease(controls.button, Qt.MouseButton.LeftButton)
    assert not controls.meter.isVisible()
    editor = window.composer.editor
    qtbot.waitUntil(lambda: "smooth planks" in editor.toPlainText().lower(), timeout=120_000)
    assert "birch" in editor.toPlainText().lower()
    assert max(levels) > 0.1  # the meter moved while the sentence was spoken
    # A second utterance, held with F2, finds the model still loaded.
    plugin = window.assistant.registry.record("transcribe").plugin
    engine = plugin._handle._model
    editor.clear()
    qtbot.keyPress(editor, Qt.Key.Key_F2)
    assert window.dictation.state == "recording"
    qtbot.waitUntil(lambda: heard_everything(window), timeout=10_000)
    qtbot.keyRelease(editor, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: "smooth planks" in editor.toPlainText().lower(), timeout=60_000)
    assert plugin._handle._model is engine


@pytest.mark.slow
def test_a_held_key_that_repeats_keeps_recording(open_window, qtbot, utterance: Path) -> None:
    window = open_window(TranscribePlugin())
    ready(window, qtbot)
    editor = window.composer.editor
    complaints: list[str] = []
    window.dictation.failed.connect(complaints.append)
    qtbot.keyPress(editor, Qt.Key.Key_F2)
    microphone = window.dictation._microphone
    for _ in range(5):  # X11's repeats: a release and a press, not marked as repeats
        qtbot.keyRelease(editor, Qt.Key.Key_F2)
        qtbot.keyPress(editor, Qt.Key.Key_F2)
        assert window.dictation.state == "recording"
    assert window.dictation._microphone is microphone  # one recording, never restarted
    assert complaints == []
    qtbot.waitUntil(lambda: heard_everything(window), timeout=10_000)
    assert window.dictation.state == "recording"
    qtbot.keyRelease(editor, Qt.Key.Key_F2)  # let go for good
    qtbot.waitUntil(lambda: window.dictation.state != "recording", timeout=1_000)
    qtbot.waitUntil(lambda: "smooth planks" in editor.toPlainText().lower(), timeout=60_000)
    assert "birch" in editor.toPlainText().lower()


def test_escape_throws_the_recording_away(open_window, qtbot, utterance: Path) -> None:
    window = open_window(TranscribePlugin())
    ready(window, qtbot)
    editor = window.composer.editor
    qtbot.keyPress(editor, Qt.Key.Key_F2)
    assert window.dictation.state == "recording"
    qtbot.keyPress(editor, Qt.Key.Key_Escape)
    assert window.dictation.state == "idle"
    assert not window.voice_controls.meter.isVisible()
    qtbot.keyRelease(editor, Qt.Key.Key_F2)  # letting go after Esc transcribes nothing
    assert window.dictation.state == "idle" and editor.toPlainText() == ""


def test_with_no_microphone_the_button_is_disabled_and_says_why(
    open_window, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FILE_ENV, raising=False)
    window = open_window(TranscribePlugin())
    button = window.voice_controls.button
    qtbot.waitUntil(lambda: "Checking" not in button.toolTip(), timeout=10_000)
    assert not button.isEnabled()
    assert "microphone" in button.toolTip().lower() or "PortAudio" in button.toolTip()
    assert window.voice_controls.note.isHidden()  # no line under every conversation
    qtbot.keyPress(window.composer.editor, Qt.Key.Key_F2)  # the key records nothing either
    assert window.dictation.state == "idle"
    assert window.statusBar().currentMessage() == button.toolTip()  # and says why


def test_without_a_speech_model_the_button_names_the_plugin(
    open_window, qtbot, utterance: Path
) -> None:
    window = open_window()
    button = window.voice_controls.button
    qtbot.waitUntil(lambda: "Checking" not in button.toolTip(), timeout=10_000)
    assert not button.isEnabled() and "Transcribe plugin" in button.toolTip()
    window.push_to_talk.press()
    assert "Transcribe plugin" in window.statusBar().currentMessage()


def test_settings_offer_the_microphones_there_are(open_window, qtbot, utterance: Path) -> None:
    from assistant.ui.settings_form import SettingsForm

    window = open_window(TranscribePlugin())
    general = window.assistant.settings.general.model_copy(update={"microphone": "USB mic"})
    form = SettingsForm("general", general)
    combo = form.editors["microphone"]
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["System default", "file utterance.wav", "USB mic"]  # unplugged: kept
    assert combo.currentText() == "USB mic"
    combo.setCurrentIndex(1)
    values, _ = form.result()
    assert values.microphone == "file utterance.wav"


def test_every_reason_for_no_microphone_is_shown_in_chinese(
    open_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QCoreApplication, QTranslator

    from assistant.core import microphone
    from assistant.ui.dictation import MICROPHONE_REASONS, why_no_microphone
    from tests.ui.test_translations import QM

    assert set(MICROPHONE_REASONS) == set(microphone.REASONS)  # none left untranslatable
    translator = QTranslator()
    assert translator.load(str(QM))
    QCoreApplication.installTranslator(translator)
    try:
        for reason in microphone.REASONS:
            fields = {"device": "USB mic", "name": "speech.wav", "error": "Errno 13"}
            shown = why_no_microphone(microphone.MicrophoneUnavailable(reason, **fields))
            assert shown != reason.format(**fields) and "麦克风" in shown
        # A microphone file that is not a 16 kHz WAV: the window says so in Chinese.
        stereo = tmp_path / "stereo.wav"
        write_wav(stereo, samples(seconds=1), rate=44_100)
        monkeypatch.setenv(FILE_ENV, str(stereo))
        window = open_window(TranscribePlugin())
        button = window.voice_controls.button
        qtbot.waitUntil(button.isEnabled, timeout=10_000)  # the file is there: it can start
        qtbot.mousePress(button, Qt.MouseButton.LeftButton)
        assert "必须是 16 kHz" in window.statusBar().currentMessage()
        assert not button.isEnabled()
    finally:
        QCoreApplication.removeTranslator(translator)
