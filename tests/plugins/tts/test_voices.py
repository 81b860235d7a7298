"""The voices speak for real: piper, espeak-ng, and a speech server on 127.0.0.1."""

from __future__ import annotations

import io
import json
import threading
import wave
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.speech import Speech, TextToSpeech
from assistant.core.spoken import as_speech, join, read_wav, write_wav
from plugins.tts.engines import (
    BilingualEngine,
    EspeakEngine,
    PiperEngine,
    ServerEngine,
    VoiceUnavailable,
    is_chinese,
)

SENTENCE = "The quick brown fox jumps over the lazy dog."


def _voiced(speech: Speech) -> float:
    """The share of 20 ms frames that carry sound (not silence)."""
    samples = np.asarray(speech.samples)
    frame = speech.sample_rate // 50
    frames = samples[: len(samples) // frame * frame].reshape(-1, frame)
    return float((np.sqrt((frames**2).mean(axis=1)) > 0.02).mean())


def test_piper_speaks_a_sentence_for_as_long_as_a_person_would(piper: PiperEngine) -> None:
    speech = piper.synthesize(SENTENCE, CancelToken())
    seconds = len(speech.samples) / speech.sample_rate
    assert speech.sample_rate == 22050
    assert speech.samples.dtype == np.float32
    assert 1.5 < seconds < 5.0  # nine words at 110 to 360 words a minute
    assert _voiced(speech) > 0.5
    assert np.abs(speech.samples).max() <= 1.0


def test_a_faster_piper_voice_says_the_same_in_less_time(piper: PiperEngine) -> None:
    normal = len(piper.synthesize(SENTENCE, CancelToken()).samples)
    piper.speed = 1.5
    try:
        quick = len(piper.synthesize(SENTENCE, CancelToken()).samples)
    finally:
        piper.speed = 1.0
    assert quick < normal * 0.8


def test_a_stopped_synthesis_stops(piper: PiperEngine) -> None:
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        piper.synthesize("One. Two. Three.", cancel)


def test_espeak_speaks_chinese() -> None:
    speech = EspeakEngine("cmn").synthesize("你好，今天天气很好。", CancelToken())
    assert len(speech.samples) / speech.sample_rate > 1.0
    assert _voiced(speech) > 0.3


def test_a_voice_is_chosen_by_each_sentence_s_script(piper: PiperEngine) -> None:
    made: list[str] = []

    def english() -> TextToSpeech:
        made.append("en")
        return piper

    def chinese() -> TextToSpeech:
        made.append("zh")
        return EspeakEngine("cmn")

    voice = BilingualEngine(english, chinese)
    voice.synthesize("Hello.", CancelToken())
    assert made == ["en"]  # an English answer never starts the Chinese voice
    as_speech(voice.synthesize("我很好。", CancelToken()))
    assert made == ["en", "zh"]
    assert is_chinese("他说 OK 了。") and not is_chinese("He said 你好.")


def test_wav_files_keep_the_speech(tmp_path: Path, piper: PiperEngine) -> None:
    speech = piper.synthesize("Keep this.", CancelToken())
    write_wav(tmp_path / "a.wav", speech)
    again = read_wav(tmp_path / "a.wav")
    assert again.sample_rate == speech.sample_rate
    assert np.abs(again.samples - speech.samples).max() < 1e-3
    both = join([speech, Speech(11025, np.zeros(11025, dtype=np.float32))], gap_s=0.5)
    assert len(both.samples) == len(speech.samples) + 11025 + 22050


class _SpeechServer(BaseHTTPRequestHandler):
    """An OpenAI-compatible /v1/audio/speech: a tone as long as the input has words."""

    requests: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(
            {"path": self.path, "auth": self.headers["Authorization"], **body}
        )
        if body["voice"] == "nobody":
            self._answer(404, b'{"error": "no such voice"}', "application/json")
            return
        if body["voice"] == "mp3":
            self._answer(200, b"ID3 not a wav", "audio/mpeg")
            return
        rate = 24000
        t = np.arange(int(rate * 0.3 * len(body["input"].split()))) / rate
        tone = (0.5 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
        out = io.BytesIO()
        with wave.open(out, "wb") as sound:
            sound.setnchannels(1)
            sound.setsampwidth(2)
            sound.setframerate(rate)
            sound.writeframes(tone.tobytes())
        self._answer(200, out.getvalue(), "audio/wav")

    def _answer(self, code: int, data: bytes, kind: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def speech_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SpeechServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _SpeechServer.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_speech_server_speaks(speech_server: str) -> None:
    engine = ServerEngine(speech_server + "/", "tts-1", "alloy", api_key="sk-test", speed=1.25)
    speech = engine.synthesize("four words are here", CancelToken())
    assert speech.sample_rate == 24000
    assert abs(len(speech.samples) / 24000 - 1.2) < 0.01
    [sent] = _SpeechServer.requests
    assert sent == {
        "path": "/v1/audio/speech", "auth": "Bearer sk-test", "model": "tts-1",
        "input": "four words are here", "voice": "alloy", "response_format": "wav", "speed": 1.25,
    }  # fmt: skip


def test_a_speech_server_s_refusal_is_said_plainly(speech_server: str) -> None:
    with pytest.raises(VoiceUnavailable, match=r"404.*no such voice"):
        ServerEngine(speech_server, "tts-1", "nobody").synthesize("hi", CancelToken())
    with pytest.raises(VoiceUnavailable, match="not WAV"):
        ServerEngine(speech_server, "tts-1", "mp3").synthesize("hi", CancelToken())


def test_a_dead_speech_server_is_said_plainly() -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(VoiceUnavailable, match="cannot be reached"):
        ServerEngine(f"http://127.0.0.1:{port}/v1", "m", "v").synthesize("hi", CancelToken())


def test_a_missing_voice_file_says_which(tmp_path: Path) -> None:
    with pytest.raises(VoiceUnavailable, match=r"nowhere\.onnx"):
        PiperEngine(tmp_path / "nowhere.onnx")
