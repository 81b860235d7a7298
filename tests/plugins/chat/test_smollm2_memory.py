"""Issue 10 with the real built-in model: SmolLM2-135M on llama.cpp, a 600-token window."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from assistant.core.messages import HistoryMessage, Request, TextDelta
from assistant.core.plugin import MemoryState, PluginContext
from plugins.chat import ChatPlugin, ChatSettings
from plugins.chat.memory import SUMMARY_KEY
from plugins.chat.summary_guard import degeneracy, repeated_sentence

pytestmark = pytest.mark.slow

ADA = "My name is Ada and I keep three goats named Pip, Pod and Pea."
TURNS = (
    ADA,
    "What do goats like to eat?",
    "How much water does a goat drink a day?",
    "Can goats live with chickens?",
    "What is a good shelter for goats in winter?",
)


def test_six_turns_later_ada_and_her_goats_are_remembered(
    make_context: Callable[..., PluginContext],
) -> None:
    # Greedy, so that the run is the same on every machine (as bench.memory); the rest defaults.
    settings = ChatSettings(context_window=600, engine="llama.cpp", temperature=0.0)
    plugin, state = ChatPlugin(), MemoryState()
    history: list[HistoryMessage] = []
    summaries = []
    try:
        for text in (*TURNS, "What is my name and what are my goats called?"):
            number = len(history) + 1
            request = Request(text, history=tuple(history), message_id=number)
            chunks = plugin.run(request, make_context(settings, state=state))
            answer = "".join(c.text for c in chunks if isinstance(c, TextDelta))
            history += [
                HistoryMessage("user", text, message_id=number),
                HistoryMessage("assistant", answer, "chat", message_id=number + 1),
            ]
            summaries.append(state.get(SUMMARY_KEY))
    finally:
        plugin.unload()

    assert int(state.get("folded_through")) >= 1  # Ada's message left the window
    assert all(not repeated_sentence(s) and not degeneracy(s) for s in summaries if s)
    assert {"Ada", "Pip", "Pod", "Pea"} <= set(re.findall(r"\w+", summaries[-1]))
    assert "Ada" in answer and "Pip" in answer, answer
