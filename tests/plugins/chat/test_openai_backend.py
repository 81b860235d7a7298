"""The OpenAI-compatible backend against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.messages import Request, TextDelta
from assistant.core.plugin import PluginContext
from assistant.core.secrets import account
from plugins.chat import ChatPlugin, ChatSettings
from plugins.chat.backend import AnswerCutOff, ChatBackendError
from plugins.chat.openai_backend import OpenAIBackend
from tests.keyrings import MemoryKeyring
from tests.plugins.chat.openai_server import OpenAIServer

QUESTION = [{"role": "user", "content": "How many words are in this question?"}]
ANSWER = "You said 7 words. The last one was question?."


def backend_for(server: OpenAIServer, **options: object) -> OpenAIBackend:
    options = {"backoff_s": 0.01, **options}
    model = str(options.pop("model", "test-model"))
    key = str(options.pop("api_key", ""))
    backend = OpenAIBackend(server.base_url, model, key, **options)  # type: ignore[arg-type]
    backend.load(lambda message, fraction: None)
    return backend


def answer(backend: OpenAIBackend, cancel: CancelToken | None = None) -> Iterator[str]:
    return backend.stream(QUESTION, cancel or CancelToken(), 64, 0.0)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_streams_the_answer_in_pieces(openai_server: OpenAIServer) -> None:
    pieces = list(answer(backend_for(openai_server)))

    assert "".join(pieces) == ANSWER
    assert len(pieces) == len(ANSWER.split())
    sent = openai_server.completions[0]
    assert sent["stream"] is True and sent["messages"] == QUESTION
    assert sent["max_tokens"] == 64 and sent["temperature"] == 0.0


def test_pictures_go_beside_the_last_message_as_data_urls(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    picture = tmp_path / "cup.png"
    picture.write_bytes(b"\x89PNG not really")
    openai_server.script.reply = lambda body: "A cup."
    backend = backend_for(openai_server)
    earlier = {"role": "assistant", "content": "Hello."}

    text = "".join(backend.stream([earlier, *QUESTION], CancelToken(), 64, 0.0, [picture]))

    assert text == "A cup."
    sent = openai_server.completions[0]["messages"]
    assert sent[0] == earlier
    assert sent[1] == {
        "role": "user",
        "content": [
            {"type": "text", "text": QUESTION[0]["content"]},
            {
                "type": "image_url",
                "image_url": {"url": "data:image/png;base64,iVBORyBub3QgcmVhbGx5"},
            },
        ],
    }


def test_without_a_model_name_the_first_listed_model_is_used(openai_server: OpenAIServer) -> None:
    backend = backend_for(openai_server, model="")
    assert "".join(answer(backend)) == ANSWER
    assert openai_server.completions[0]["model"] == "test-model"


def test_a_refused_connection_says_to_check_the_server() -> None:
    backend = OpenAIBackend(f"http://127.0.0.1:{closed_port()}/v1", "test-model")
    backend.load(lambda message, fraction: None)
    with pytest.raises(ChatBackendError, match=r"Could not connect .* server is running"):
        list(answer(backend))


def test_a_wrong_key_is_explained(openai_server: OpenAIServer) -> None:
    openai_server.script.api_key = "right-key"
    with pytest.raises(ChatBackendError, match=r"refused the API key \(401\)"):
        list(answer(backend_for(openai_server, api_key="wrong-key")))
    assert "".join(answer(backend_for(openai_server, api_key="right-key"))) == ANSWER


def test_an_unknown_model_is_explained(openai_server: OpenAIServer) -> None:
    with pytest.raises(ChatBackendError, match=r"no model named 'gpt-nope' \(404\)"):
        list(answer(backend_for(openai_server, model="gpt-nope")))


def test_a_rate_limit_is_retried_then_answered(openai_server: OpenAIServer) -> None:
    openai_server.script.statuses = [429, 503]
    assert "".join(answer(backend_for(openai_server))) == ANSWER
    assert len(openai_server.completions) == 3


def test_a_lasting_rate_limit_gives_up_with_a_clear_message(openai_server: OpenAIServer) -> None:
    openai_server.script.statuses = [429] * 10
    with pytest.raises(ChatBackendError, match=r"limiting requests \(429\) and refused 3 tries"):
        list(answer(backend_for(openai_server)))
    assert len(openai_server.completions) == 3


def test_a_stop_while_waiting_to_retry_cancels(openai_server: OpenAIServer) -> None:
    openai_server.script.statuses = [429] * 10
    cancel = CancelToken()
    backend = backend_for(openai_server, backoff_s=30.0)
    cancel.cancel()
    with pytest.raises(Cancelled):
        list(answer(backend, cancel))


@pytest.mark.parametrize("cleanly", [False, True], ids=["dropped", "ended-early"])
def test_a_stream_cut_halfway_keeps_the_text_and_says_so(
    openai_server: OpenAIServer, cleanly: bool
) -> None:
    openai_server.script.cut_after_chunks = 3
    openai_server.script.cut_cleanly = cleanly
    received: list[str] = []
    with pytest.raises(AnswerCutOff, match="The answer was cut off"):
        received.extend(answer(backend_for(openai_server)))
    assert "".join(received) == "You said 7 "


def test_a_server_that_never_answers_times_out(openai_server: OpenAIServer) -> None:
    openai_server.script.hang = True
    with pytest.raises(ChatBackendError, match="did not answer in time"):
        list(answer(backend_for(openai_server, timeout_s=0.3, retries=0)))


def test_the_plugin_reads_the_key_and_streams_through_run(
    openai_server: OpenAIServer, make_context: Callable[..., PluginContext]
) -> None:
    openai_server.script.api_key = "secret"
    settings = ChatSettings(
        backend="openai",
        openai_base_url=openai_server.base_url,
        openai_model="test-model",
        openai_api_key="secret",
        system_prompt="Be brief.",
    )
    plugin, context = ChatPlugin(), make_context(settings)
    plugin.load(context)

    chunks = list(plugin.run(Request("Tell me one thing."), context))

    assert "".join(c.text for c in chunks if isinstance(c, TextDelta)) == (
        "You said 4 words. The last one was thing.."
    )
    assert openai_server.completions[0]["messages"][0] == {
        "role": "system",
        "content": "Be brief.",
    }
    assert openai_server.requests[0]["headers"]["authorization"] == "Bearer secret"


def test_the_key_comes_from_the_keyring(
    openai_server: OpenAIServer,
    make_context: Callable[..., PluginContext],
    memory_keyring: MemoryKeyring,
) -> None:
    openai_server.script.api_key = "from-keyring"
    server_key = account("chat", "openai_api_key", openai_server.base_url)
    memory_keyring.set_password("assistant", server_key, "from-keyring")
    settings = ChatSettings(backend="openai", openai_base_url=openai_server.base_url)
    plugin, context = ChatPlugin(), make_context(settings)
    plugin.load(context)

    text = "".join(c.text for c in plugin.run(Request("Hi"), context) if isinstance(c, TextDelta))

    assert text == "You said 1 words. The last one was Hi."
    assert openai_server.requests[-1]["headers"]["authorization"] == "Bearer from-keyring"
