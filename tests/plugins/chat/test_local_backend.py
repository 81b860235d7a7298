"""The local transformers backend, on a tiny Llama the tests build, through the plugin."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.messages import HistoryMessage, Progress, Request, TextDelta
from assistant.core.plugin import MemoryState, PluginContext
from plugins.chat import ChatPlugin, ChatSettings
from plugins.chat.backend import ChatBackendError
from plugins.chat.gguf_cache import converted_dir, ensure_converted
from plugins.chat.local_backend import resolve_source


def settings_for(model: Path, **changes: object) -> ChatSettings:
    options = {"local_model": str(model), "device": "cpu", "temperature": 0.0}
    return ChatSettings(**{**options, **changes})  # type: ignore[arg-type]


def text_of(chunks: list) -> str:
    return "".join(c.text for c in chunks if isinstance(c, TextDelta))


def generation_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "chat-generation"]


def test_a_model_folder_loads_and_streams_a_repeatable_answer(
    tiny_llm: Path, make_context: Callable[..., PluginContext]
) -> None:
    plugin = ChatPlugin()
    context = make_context(settings_for(tiny_llm, max_new_tokens=24))
    plugin.load(context)

    first = list(plugin.run(Request("Hello, how are you?"), context))
    again = list(plugin.run(Request("Hello, how are you?"), context))

    assert len(first) > 1 and all(isinstance(c, TextDelta) for c in first)
    assert text_of(first) == text_of(again) != ""
    assert plugin.backend(context).last_prompt_tokens > 10
    assert context.models.snapshot()[0].owner == "chat"
    assert not generation_threads()


def test_every_prompt_fits_the_window_over_a_long_conversation(
    tiny_llm: Path, make_context: Callable[..., PluginContext]
) -> None:
    window, answer_tokens = 300, 16
    settings = settings_for(tiny_llm, max_new_tokens=answer_tokens, context_window=window)
    plugin, state = ChatPlugin(), MemoryState()
    history: list[HistoryMessage] = []
    prompt_sizes = []
    for number in range(1, 15):
        context = make_context(settings, state=state)
        text = f"The capital of France is Paris, says message {number}."
        answer, prompt_tokens = "", 0
        for chunk in plugin.run(Request(text, history=tuple(history)), context):
            if isinstance(chunk, TextDelta):
                answer += chunk.text
            else:  # the answer is complete: what its prompt took is still recorded
                assert isinstance(chunk, Progress), chunk
                prompt_tokens = plugin.backend(context).last_prompt_tokens
        prompt_sizes.append(prompt_tokens or plugin.backend(context).last_prompt_tokens)
        history += [
            HistoryMessage("user", text, message_id=2 * number - 1),
            HistoryMessage("assistant", answer, message_id=2 * number),
        ]

    assert max(prompt_sizes) + answer_tokens <= window
    assert max(prompt_sizes) > window // 2  # the window is really being filled
    assert int(state.get("folded_through")) > 10  # the tiny model folded old turns
    assert state.get("summary")


def test_a_stop_ends_the_answer_promptly_and_leaves_no_thread(
    tiny_llm: Path, make_context: Callable[..., PluginContext]
) -> None:
    plugin = ChatPlugin()
    context = make_context(settings_for(tiny_llm, max_new_tokens=400, context_window=512))
    plugin.load(context)
    run = plugin.run(Request("Tell me a long story."), context)
    assert isinstance(next(run), TextDelta)

    context.cancel.cancel()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        for _ in run:
            pass

    assert time.monotonic() - started < 1.0
    assert not generation_threads()


def test_abandoning_a_stream_stops_generation(
    tiny_llm: Path, make_context: Callable[..., PluginContext]
) -> None:
    plugin = ChatPlugin()
    context = make_context(settings_for(tiny_llm))
    plugin.load(context)
    stream = plugin.stream_chat([{"role": "user", "content": "Hi"}], CancelToken())
    assert next(stream)

    stream.close()

    assert not generation_threads()


def test_the_llm_service_answers_like_the_chat(
    tiny_llm: Path, make_context: Callable[..., PluginContext]
) -> None:
    plugin = ChatPlugin()
    context = make_context(settings_for(tiny_llm, max_new_tokens=20, system_prompt="Be kind."))
    chat = text_of(list(plugin.run(Request("Hello"), context)))

    messages = [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Hello"}]
    results: list[str] = []
    workers = [
        threading.Thread(
            target=lambda: results.append(
                "".join(plugin.stream_chat(messages, CancelToken(), max_new_tokens=20))
            )
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert results == [chat, chat]


def test_a_missing_model_folder_is_explained(
    tmp_path: Path, make_context: Callable[..., PluginContext]
) -> None:
    context = make_context(settings_for(tmp_path / "no-such-model"))
    with pytest.raises(ChatBackendError, match=r"Could not load the chat model .* Chat settings"):
        ChatPlugin().load(context)


def test_a_failed_conversion_leaves_no_broken_copy(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(64))
    models = tmp_path / "models"

    with pytest.raises(Exception):  # noqa: B017 - whatever the GGUF reader raises
        ensure_converted(broken, models, lambda message, fraction: None)

    assert list((models / "chat").iterdir()) == []


def test_a_folder_with_only_a_gguf_file_is_converted(tmp_path: Path) -> None:
    folder, models = tmp_path / "downloaded", tmp_path / "models"
    folder.mkdir()
    gguf = folder / "model.Q4.gguf"
    gguf.write_bytes(b"not really")
    ready = converted_dir(gguf, models)
    ready.mkdir(parents=True)
    (ready / "config.json").write_text("{}")
    (ready / "conversion-complete").write_text("model.Q4.gguf\n")

    assert resolve_source(str(folder), models, lambda m, f: None) == str(ready)
    assert ready.name == f"model.Q4-{len(b'not really')}"


def test_a_hub_model_downloads_with_progress_and_a_stop_during_it_is_no_failure(
    tiny_llm: Path, make_context: Callable[..., PluginContext], hub
) -> None:
    hub.repos["someone/tiny-llm"] = tiny_llm
    settings = settings_for(tiny_llm, max_new_tokens=8).model_copy(
        update={"local_model": "someone/tiny-llm"}
    )
    stopped = make_context(settings)

    def report(chunk: object) -> None:
        if isinstance(chunk, Progress) and chunk.message.startswith("Downloading"):
            stopped.cancel.cancel()  # the person presses Stop as the download begins

    stopped.report = report
    plugin = ChatPlugin()
    with pytest.raises(Cancelled):
        plugin.load(stopped)

    heard: list[Progress] = []
    context = make_context(settings, report=heard.append)
    plugin.load(context)
    said = [p.message for p in heard]
    assert any(m.startswith("Downloading someone/tiny-llm") for m in said), said
    assert "someone/tiny-llm/model.safetensors" in hub.downloads
    assert text_of(list(plugin.run(Request("Hello"), context)))


def test_a_model_on_this_computer_says_it_cannot_see_pictures(
    tiny_llm: Path, make_context: Callable[..., PluginContext], tmp_path: Path
) -> None:
    plugin = ChatPlugin()
    plugin.load(make_context(settings_for(tiny_llm, max_new_tokens=8)))
    picture = tmp_path / "cup.jpg"
    picture.write_bytes(b"jpeg")
    question = [{"role": "user", "content": "What is this?"}]
    with pytest.raises(ChatBackendError, match=r"cannot see pictures.*vision model"):
        list(plugin.stream_chat(question, CancelToken(), images=[picture]))
