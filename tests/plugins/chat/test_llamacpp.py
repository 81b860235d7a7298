"""The built-in SmolLM2 GGUF run by llama.cpp, and the choice of engine."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.messages import Chunk, HistoryMessage, Notice, Progress, Request, TextDelta
from assistant.core.plugin import MemoryState, PluginContext
from plugins.chat import ChatPlugin, ChatSettings
from plugins.chat.backend import ChatBackendError, embedded_gguf, local_engine, local_gguf
from plugins.chat.llamacpp_backend import LlamaCppBackend
from plugins.chat.memory import SUMMARY_KEY
from plugins.chat.settings import DEFAULT_SYSTEM_PROMPT

MakeContext = Callable[..., PluginContext]
QUESTION = [
    {"role": "system", "content": DEFAULT_SYSTEM_PROMPT},
    {"role": "user", "content": "What is the capital of France?"},
]


def text_of(chunks: Iterable[Chunk]) -> str:
    return "".join(c.text for c in chunks if isinstance(c, TextDelta))


def no_progress(message: str, fraction: float | None) -> None:
    """Loading progress nobody watches."""


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(tmp_path / "models"))
    return tmp_path / "models"


@pytest.mark.slow
def test_smollm2_on_llamacpp_knows_the_capital_of_france(
    models_dir: Path, make_context: MakeContext
) -> None:
    reported: list[Chunk] = []
    context = make_context(ChatSettings(temperature=0.0, max_new_tokens=40), report=reported.append)
    plugin = ChatPlugin()
    plugin.load(context)

    answer = text_of(plugin.run(Request("What is the capital of France?"), context))

    backend = plugin.backend(context)
    assert isinstance(backend, LlamaCppBackend)
    assert "Paris" in answer, answer
    assert backend.context_window == 8192  # SmolLM2 was trained on 8192 tokens
    assert not models_dir.exists()  # llama.cpp reads the GGUF itself: nothing is converted
    assert any(isinstance(c, Progress) and c.fraction is not None for c in reported)
    assert context.models.snapshot()[0].bytes > 0
    plugin.unload()


@pytest.mark.slow
def test_a_stop_ends_the_answer_at_once_and_the_model_answers_again(
    make_context: MakeContext,
) -> None:
    settings = ChatSettings(temperature=0.0, max_new_tokens=400)
    plugin, context = ChatPlugin(), make_context(settings)
    plugin.load(context)
    threads = set(threading.enumerate())
    run = plugin.run(Request("Tell me a long story about a dragon."), context)
    assert isinstance(next(run), TextDelta)

    context.cancel.cancel()
    started = time.monotonic()
    after_stop: list[Chunk] = []
    with pytest.raises(Cancelled):
        after_stop.extend(run)

    assert time.monotonic() - started < 0.5
    assert after_stop == []
    assert set(threading.enumerate()) == threads
    again = make_context(settings)
    assert "Paris" in text_of(plugin.run(Request("What is the capital of France?"), again))


@pytest.mark.slow
def test_abandoned_and_concurrent_streams_take_turns(make_context: MakeContext) -> None:
    settings = ChatSettings(temperature=0.0, max_new_tokens=40)  # its prompt is QUESTION's
    plugin = ChatPlugin()
    plugin.load(make_context(settings))
    reference = "".join(plugin.stream_chat(QUESTION, CancelToken(), max_new_tokens=40))
    abandoned = plugin.stream_chat(QUESTION, CancelToken(), max_new_tokens=40)
    assert next(abandoned)
    abandoned.close()  # the person's job went away: the model must be free again

    answers: list[str] = []

    def use_the_service() -> None:
        answers.append("".join(plugin.stream_chat(QUESTION, CancelToken(), max_new_tokens=40)))

    def chat() -> None:  # counts tokens for its memory while another answer is generated
        answers.append(text_of(plugin.run(Request(QUESTION[1]["content"]), make_context(settings))))

    workers = [threading.Thread(target=work) for work in (use_the_service, chat, use_the_service)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert "Paris" in reference
    # Greedy answers, none garbled by another. (Not compared with the first answer: from
    # the second run on llama.cpp reuses the cached prompt, which may shift a late word.)
    assert answers == [answers[0]] * 3 and "Paris" in answers[0]


@pytest.mark.slow
def test_tokens_are_counted_as_the_model_sees_them() -> None:
    backend = LlamaCppBackend(embedded_gguf(), context_window=1024, device="cpu")
    backend.load(no_progress)
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi, what's the capital of France?"},
        {"role": "assistant", "content": "Paris."},
        {"role": "user", "content": "Ünïcödé — 日本語?"},
    ]

    assert backend.context_window == 1024
    assert backend.count_tokens("") == 0
    assert 5 <= backend.count_tokens("The capital of France is Paris.") <= 10
    contents = sum(backend.count_tokens(m["content"]) for m in messages)
    # ChatML: "<|im_start|>", the role and a newline before, "<|im_end|>\n" after each.
    assert contents + 4 * 4 <= backend.count_tokens(messages) <= contents + 4 * 6 + 4

    list(backend.stream(messages, CancelToken(), 4, 0.0))
    assert backend.last_prompt_tokens == backend.count_tokens(messages)
    too_long = [{"role": "user", "content": "word " * 1100}]
    with pytest.raises(ChatBackendError, match="longer than the model's context window"):
        next(backend.stream(too_long, CancelToken(), 4, 0.0))


@pytest.mark.slow
def test_a_conversation_stays_inside_a_small_window_and_remembers(
    make_context: MakeContext,
) -> None:
    window, answer_tokens = 320, 32
    settings = ChatSettings(
        temperature=0.0, max_new_tokens=answer_tokens, context_window=window, system_prompt=""
    )
    plugin, state = ChatPlugin(), MemoryState()
    history = [
        HistoryMessage("user", "My cat is called Pixel and she is three years old.", message_id=1),
        HistoryMessage("assistant", "Pixel sounds like a lovely cat!", message_id=2),
    ]
    prompt_sizes, summaries = [], []
    for number in range(3, 19, 2):
        context = make_context(settings, state=state)
        text = "Tell me a fun fact about the ocean, please, in one or two sentences."
        chunks, prompt_tokens = [], 0
        for chunk in plugin.run(Request(text, history=tuple(history)), context):
            if not prompt_tokens and not isinstance(chunk, TextDelta):  # memory work begins
                prompt_tokens = plugin.backend(context).last_prompt_tokens
            chunks.append(chunk)
        prompt_sizes.append(prompt_tokens or plugin.backend(context).last_prompt_tokens)
        assert not [c for c in chunks if isinstance(c, Notice)], chunks
        summaries.append(state.get(SUMMARY_KEY))
        history += [
            HistoryMessage("user", text, message_id=number),
            HistoryMessage("assistant", text_of(chunks), message_id=number + 1),
        ]

    assert max(prompt_sizes) + answer_tokens <= window
    assert max(prompt_sizes) > window // 2  # the window is really being filled
    assert int(state.get("folded_through")) >= 6  # folded again and again
    first_summary = next(s for s in summaries if s)  # the one that folded the first turn
    assert "Pixel" in first_summary, summaries


def test_engine_transformers_keeps_a_gguf_file_on_transformers() -> None:
    assert local_engine(ChatSettings()) == "llama.cpp"
    assert local_engine(ChatSettings(engine="llama.cpp")) == "llama.cpp"
    assert local_engine(ChatSettings(engine="transformers")) == "transformers"


def test_a_model_that_is_not_gguf_always_runs_on_transformers(tmp_path: Path) -> None:
    folder = tmp_path / "hf-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "extra.gguf").write_bytes(b"GGUF")

    settings = ChatSettings(local_model=str(folder), engine="llama.cpp")

    assert local_gguf(settings) is None
    assert local_engine(settings) == "transformers"
    assert local_engine(ChatSettings(local_model="HuggingFaceTB/SmolLM2-135M-Instruct")) == (
        "transformers"
    )


def test_a_folder_holding_only_gguf_files_runs_its_first(tmp_path: Path) -> None:
    for name in ("model.Q8_0.gguf", "model.Q4_1.gguf"):
        (tmp_path / name).write_bytes(b"GGUF")

    settings = ChatSettings(local_model=str(tmp_path))

    assert local_gguf(settings) == tmp_path / "model.Q4_1.gguf"
    assert local_engine(settings) == "llama.cpp"


def test_asking_for_llamacpp_without_it_names_the_extra(
    make_context: MakeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as if it were not installed
    assert local_engine(ChatSettings()) == "transformers"  # auto falls back

    context = make_context(ChatSettings(engine="llama.cpp"))
    with pytest.raises(ChatBackendError, match=r"'llamacpp' extra .* Chat settings"):
        ChatPlugin().load(context)


def test_a_file_that_is_not_gguf_is_explained(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(64))

    with pytest.raises(ChatBackendError, match=r"could not read broken\.gguf"):
        LlamaCppBackend(broken).load(no_progress)
