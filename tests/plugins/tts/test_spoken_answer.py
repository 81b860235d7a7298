"""An answer spoken while it streams, through the real queue and a real piper voice."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.spoken import SpokenAnswer, SpokenSentence, read_wav, speak_text
from plugins.tts.engines import PiperEngine


def _speaker(spoken: SpokenAnswer, piper: PiperEngine) -> tuple[threading.Thread, queue.Queue]:
    out: queue.Queue[SpokenSentence | BaseException] = queue.Queue()

    def run() -> None:
        try:
            for sentence in spoken.sentences_spoken(piper):
                out.put(sentence)
        except BaseException as exc:  # handed to the test, which re-raises it
            out.put(exc)
        out.put(StopIteration())

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def test_the_first_sentence_is_spoken_before_the_answer_ends(
    piper: PiperEngine, tmp_path: Path
) -> None:
    spoken = SpokenAnswer()
    thread, out = _speaker(spoken, piper)
    try:
        for piece in ["Speech starts", " early.", " The answer", " goes on"]:
            spoken.feed(piece)
        first = out.get(timeout=60)  # while the answer is still being written
        assert isinstance(first, SpokenSentence), first
        assert first.text == "Speech starts early."
        assert out.empty()  # the unfinished sentence waits
        queued_at = spoken.queued[0][1]
        assert 0 <= first.ready - queued_at < 5.0
        spoken.feed(" and ends.\n\n```\ncode()\n```\nLast one")
        spoken.finish()
        rest = [out.get(timeout=60) for _ in range(3)]
    finally:
        spoken.finish()
        thread.join(60)
    assert [s.text for s in rest[:2]] == ["The answer goes on and ends.", "Last one"]
    assert isinstance(rest[2], StopIteration)
    kept = spoken.save(tmp_path / "answer.wav")
    assert kept is not None
    speech = read_wav(kept)
    total = sum(s.seconds for s in [first, *rest[:2]])
    assert total < len(speech.samples) / speech.sample_rate < total + 1.0  # and two pauses


def test_a_stop_ends_the_speaker_while_it_waits_for_more(piper: PiperEngine) -> None:
    spoken = SpokenAnswer()
    thread, out = _speaker(spoken, piper)
    spoken.feed("Hello there. And")
    assert isinstance(out.get(timeout=60), SpokenSentence)
    spoken.cancel.cancel()
    assert isinstance(out.get(timeout=10), Cancelled)
    thread.join(10)
    assert not thread.is_alive()


def test_an_answer_of_code_alone_has_nothing_to_say(piper: PiperEngine) -> None:
    assert speak_text(piper, "```\nprint(1)\n```\n---", CancelToken()) is None
    with pytest.raises(Cancelled):
        cancel = CancelToken()
        cancel.cancel()
        speak_text(piper, "Some words.", cancel)
