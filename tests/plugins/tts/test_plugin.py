"""The plugin: "read that again" reads the last answer; the tts service speaks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.core.cancel import CancelToken
from assistant.core.messages import AudioOut, HistoryMessage, Progress, Request, TextDelta
from assistant.core.router import Router
from assistant.core.speech import TextToSpeech
from assistant.core.spoken import as_speech, read_wav
from plugins.tts.plugin import MANIFEST, NO_WORDS, NOTHING_TO_READ, TtsPlugin, text_to_read
from plugins.tts.settings import TtsSettings

ANSWER = "Paris is the capital of France. It has about two million people.\n\n```\nx = 1\n```"


@pytest.mark.parametrize(
    "question",
    [
        "read that again",
        "Say it out loud",
        "please read it aloud",
        "read me your answer",
        "再读一遍",
    ],
)
def test_asking_to_hear_the_answer_goes_to_the_voice(question: str) -> None:
    router = Router(lambda: [MANIFEST], default="chat")
    assert router.route(question).plugin == "tts"


def test_other_questions_do_not() -> None:
    from assistant.core.plugin import Manifest

    chat = Manifest(name="chat", title="Chat", description="Talks.")
    router = Router(lambda: [MANIFEST, chat], default="chat")
    for question in ["read this PDF and summarise it", "what does aloud mean?", "say hello"]:
        assert router.route(question).plugin == "chat", question


def test_read_that_again_reads_the_last_answer_into_a_sound(make_context) -> None:
    plugin = TtsPlugin()
    context = make_context(TtsSettings())
    plugin.load(context)
    history = (
        HistoryMessage("user", "What is the capital of France?"),
        HistoryMessage("assistant", ANSWER, "chat"),
        HistoryMessage("user", "thanks"),
        HistoryMessage("assistant", "", "chat"),  # an answer with no words (a picture)
    )
    request = Request("read that again", history=history)
    assert text_to_read(request) == ANSWER
    chunks = list(plugin.run(request, context))
    progress = [c for c in chunks if isinstance(c, Progress)]
    assert [p.fraction for p in progress] == [0.5, 1.0]  # two sentences; the code is not read
    [sound] = [c for c in chunks if isinstance(c, AudioOut)]
    assert sound.path.parent == context.data_dir / "speech"
    speech = read_wav(sound.path)
    assert 3.0 < len(speech.samples) / speech.sample_rate < 10.0
    assert np.abs(speech.samples).max() > 0.3


def test_say_reads_its_own_text_and_nothing_is_said_without_words(make_context) -> None:
    plugin = TtsPlugin()
    context = make_context(TtsSettings(english_engine="espeak"))
    [*_, sound] = plugin.run(Request("Hello world.", command="say"), context)
    assert isinstance(sound, AudioOut) and sound.path.is_file()
    assert list(plugin.run(Request("read that again"), context)) == [TextDelta(NOTHING_TO_READ)]
    code_only = Request("read it", history=(HistoryMessage("assistant", "```\nx\n```"),))
    assert list(plugin.run(code_only, context)) == [TextDelta(NO_WORDS)]


def test_the_service_speaks_with_the_settings_it_was_handed_out_with(make_context) -> None:
    plugin = TtsPlugin()
    voice = plugin.service("tts", make_context(TtsSettings(english_engine="espeak")))
    assert isinstance(voice, TextToSpeech)
    speech = as_speech(voice.synthesize("One two three.", CancelToken()))
    assert len(speech.samples) > 0
    with pytest.raises(KeyError):
        plugin.service("stt", make_context(TtsSettings()))


def test_a_missing_voice_file_is_a_clear_failure(make_context, tmp_path: Path) -> None:
    plugin = TtsPlugin()
    settings = TtsSettings(piper_model=str(tmp_path / "gone.onnx"))
    with pytest.raises(Exception, match=r"gone\.onnx"):
        plugin.load(make_context(settings))
    assert plugin.missing_models(TtsSettings(english_engine="espeak")) == []


def test_the_settings_page_edits_every_voice_setting(qtbot, memory_keyring) -> None:
    from assistant.ui.settings_form import SettingsForm

    form = SettingsForm("tts", TtsSettings())
    qtbot.addWidget(form)
    assert set(form.editors) == set(TtsSettings.model_fields)
    assert "server_api_key" in form.forget  # the key is a secret, kept in the keyring
