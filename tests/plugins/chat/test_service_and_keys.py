"""The ``llm`` service reports to its own caller, and API keys stay with their server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.messages import Chunk, Progress, Request, TextDelta
from assistant.core.models import ModelRegistry
from assistant.core.plugin import PluginContext
from assistant.core.secrets import account, set_secret
from plugins.chat import ChatPlugin, ChatSettings
from plugins.chat.backend import ChatBackendError
from tests.keyrings import MemoryKeyring
from tests.plugins.chat.openai_server import OpenAIServer

MakeContext = Callable[..., PluginContext]
QUESTION = [{"role": "user", "content": "Hi there"}]


def settings_for(server: OpenAIServer) -> ChatSettings:
    return ChatSettings(
        backend="openai", openai_base_url=server.base_url, openai_model="test-model"
    )


def ask(plugin: ChatPlugin, context: PluginContext) -> str:
    chunks = plugin.run(Request("Hi"), context)
    return "".join(c.text for c in chunks if isinstance(c, TextDelta))


def authorization(server: OpenAIServer) -> str:
    return str(server.requests[-1]["headers"]["authorization"])


def test_a_reload_through_the_service_reports_nothing_to_an_earlier_run(
    openai_server: OpenAIServer, make_context: MakeContext
) -> None:
    registry = ModelRegistry()
    earlier: list[Chunk] = []
    plugin = ChatPlugin()
    plugin.load(make_context(settings_for(openai_server), models=registry, report=earlier.append))
    loading = [c for c in earlier if isinstance(c, Progress)]
    assert loading and loading[-1].fraction == 1.0  # the load reported to its own caller
    earlier.clear()
    registry.unload_all(owner="chat")  # idle: the app's sweep unloaded it

    cancel = CancelToken()
    answer = "".join(plugin.stream_chat(QUESTION, cancel, max_new_tokens=16))

    assert answer == "You said 2 words. The last one was there."
    assert earlier == []  # the finished run heard nothing of the reload
    assert [m.name for m in registry.snapshot()] == [f"test-model at {openai_server.base_url}"]


def test_the_service_stops_on_its_callers_token(
    openai_server: OpenAIServer, make_context: MakeContext
) -> None:
    plugin = ChatPlugin()
    finished_run = make_context(settings_for(openai_server))
    plugin.load(finished_run)
    cancel = CancelToken()
    stream = plugin.stream_chat(QUESTION, cancel, max_new_tokens=16)
    assert next(stream) == "You "
    cancel.cancel()
    with pytest.raises(Cancelled):
        list(stream)
    assert not finished_run.cancel.cancelled


def test_a_key_is_sent_only_to_the_server_it_was_entered_for(
    openai_server: OpenAIServer, make_context: MakeContext, memory_keyring: MemoryKeyring
) -> None:
    openai_server.script.api_key = "key-of-a"
    # What the settings dialog does with a key typed beside server A's URL.
    set_secret("chat", "openai_api_key", "key-of-a", scope=openai_server.base_url + "/")
    assert memory_keyring.passwords == {
        ("assistant", f"chat.openai_api_key@{openai_server.base_url}"): "key-of-a"
    }
    context = make_context(settings_for(openai_server))
    plugin = ChatPlugin()
    plugin.load(context)

    assert ask(plugin, context) == "You said 1 words. The last one was Hi."
    assert authorization(openai_server) == "Bearer key-of-a"

    other = OpenAIServer().start()
    try:
        # The person changes the base URL; the plugin reloads with the new settings.
        plugin.unload()
        moved = make_context(settings_for(other))
        plugin.load(moved)
        assert ask(plugin, moved) == "You said 1 words. The last one was Hi."
        assert authorization(other) == "Bearer no-key"  # server A's key stayed with A
        other.script.api_key = "key-of-b"
        with pytest.raises(ChatBackendError, match=r"needs an API key \(401\).*entered again"):
            ask(plugin, moved)
    finally:
        other.stop()


def test_a_wrong_key_asks_for_this_servers_key(
    openai_server: OpenAIServer, make_context: MakeContext, memory_keyring: MemoryKeyring
) -> None:
    openai_server.script.api_key = "right"
    memory_keyring.set_password(
        "assistant", account("chat", "openai_api_key", openai_server.base_url), "wrong"
    )
    context = make_context(settings_for(openai_server))
    plugin = ChatPlugin()
    plugin.load(context)
    with pytest.raises(ChatBackendError, match=r"refused the API key \(401\).*for this server"):
        ask(plugin, context)
