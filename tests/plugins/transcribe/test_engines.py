"""The other engines: an OpenAI-compatible server on loopback, openai-whisper on the same
weights, and the stt service as other plugins and the window use it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from assistant.core.cancel import CancelToken
from assistant.core.messages import TextDelta
from assistant.core.speech import Segment, SpeechToText
from plugins.transcribe import TranscribePlugin, TranscribeSettings
from plugins.transcribe.server import ServerError
from tests.plugins.transcribe.media import REFERENCE, REFERENCE_TEXT, samples, wer


class _Transcriptions(BaseHTTPRequestHandler):
    received: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(body)
        if self.path != "/v1/audio/transcriptions":
            self.send_error(404)
            return
        reply = json.dumps({
            "text": "Hello there. General Kenobi.", "language": "english", "duration": 3.0,
            "segments": [{"start": 0.0, "end": 1.2, "text": " Hello there."},
                         {"start": 1.4, "end": 3.0, "text": " General Kenobi."}],
        }).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Transcriptions)
    _Transcriptions.received = []
    thread = threading.Thread(target=httpd.serve_forever)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/v1"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_a_server_transcribes_with_its_timestamps(make_context, server: str) -> None:
    settings = TranscribeSettings(engine="server", server_url=server, server_model="whisper-1")
    plugin = TranscribePlugin()
    context = make_context(settings)
    plugin.load(context)
    from assistant.core.messages import Attachment, Kind, Request

    request = Request("", (Attachment(REFERENCE, Kind.AUDIO, "audio/wav", "harvard.wav"),))
    text = "".join(c.text for c in plugin.run(request, context) if isinstance(c, TextDelta))
    assert "English (detected)" in text
    assert "`0:00` Hello there.\n\n`0:01` General Kenobi." in text
    sent = _Transcriptions.received[0]
    assert b'name="model"\r\n\r\nwhisper-1' in sent and b"RIFF" in sent  # a WAV went


def test_a_dead_server_says_where_it_looked(make_context) -> None:
    settings = TranscribeSettings(engine="server", server_url="http://127.0.0.1:9/v1")
    plugin = TranscribePlugin()
    context = make_context(settings)
    stt = plugin.service("stt", context)
    with pytest.raises(ServerError, match=r"127\.0\.0\.1:9.*did not answer"):
        list(stt.transcribe(samples(seconds=1), CancelToken()))


@pytest.mark.slow
def test_openai_whisper_runs_on_the_same_weights(make_context) -> None:
    plugin = TranscribePlugin()
    context = make_context(TranscribeSettings(engine="openai-whisper"))
    stt = plugin.service("stt", context)
    assert isinstance(stt, SpeechToText)
    segments = list(stt.transcribe(REFERENCE, CancelToken()))
    assert all(isinstance(s, Segment) for s in segments)
    assert wer(REFERENCE_TEXT, " ".join(s.text for s in segments)) <= 0.08
    converted = list((context.data_dir / "openai-whisper").glob("*.pt"))
    assert [p.name for p in converted] == ["tiny.en-openai.pt"]  # converted once, kept


@pytest.mark.slow
def test_the_stt_service_takes_microphone_frames(make_context, tiny) -> None:
    plugin, models = tiny
    context = make_context(TranscribeSettings(), models=models)
    languages = []
    stt = plugin.service("stt", context)
    segments = list(stt.transcribe(samples(seconds=3), CancelToken(), info=languages.append))
    assert "smooth planks" in " ".join(s.text for s in segments).lower()
    assert languages[0].language == "en" and languages[0].duration == pytest.approx(3.0)
    assert list(stt.transcribe(samples(seconds=3)[:0], CancelToken())) == []


def test_the_window_finds_the_provider_of_each_service(tmp_path: Path) -> None:
    from assistant.core.bootstrap import open_assistant
    from assistant.core.registry import PluginRegistry
    from assistant.core.services import Services
    from plugins.chat import ChatPlugin

    core = open_assistant(registry=PluginRegistry([ChatPlugin(), TranscribePlugin()]))
    try:
        services = Services(core, "", CancelToken(), lambda chunk: None)
        assert sorted(services) == ["llm", "stt"]
        assert services.provider("stt") == "transcribe" and services.get("tts") is None
        assert services.thread_for("stt") == "transcribe"
        # A plugin does not get its own service through the mapping.
        own = core.context_for("transcribe", CancelToken(), lambda chunk: None).services
        assert "stt" not in own and "llm" in own
        core.registry.set_enabled("transcribe", False)
        assert "stt" not in services
    finally:
        core.store.close()
