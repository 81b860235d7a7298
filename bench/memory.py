"""Does the running summary keep what the person said? Scripted chats with the built-in model.

Each conversation states facts in its first messages (names, numbers, preferences,
decisions), then talks about other things until those messages leave the model's window
(``context_window`` 600) and are folded into the summary. Everything runs through
``ChatPlugin.run`` with the embedded SmolLM2 (llama.cpp when installed), as in the app.

Measured, over the conversations whose fact messages were folded:

* ``facts_in_summary``: share of the stated facts present in the final summary (goal ≥ 0.9);
* ``repetitive``: summaries with a sentence said twice (goal 0);
* the control, the model's own summaries before the check (same run, same calls):
  ``model_facts_in_summary`` (share of the facts each batch's turns stated that the model's
  summary of them kept) and ``model_repetitive`` (the model's summaries with a repeated
  sentence, of ``model_summaries``); ``model_summaries_kept`` says how many passed;
* ``recalled``: share of the final questions ("What is my name…?") whose answer names the
  first fact asked for.

Prints one JSON object last. Run from the repository root: ``.venv/bin/python -m bench.memory``.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.cancel import CancelToken
from assistant.core.messages import HistoryMessage, Request, TextDelta
from assistant.core.models import ModelRegistry
from assistant.core.plugin import MemoryState, PluginContext
from plugins.chat import ChatPlugin, ChatSettings
from plugins.chat.backend import local_engine
from plugins.chat.memory import FOLDED_THROUGH_KEY, SUMMARY_KEY, Turn
from plugins.chat.summary_guard import repeated_sentence

WINDOW = 600
FILLER = (  # asking for long answers, so that the first messages leave the window
    "Explain in detail, in several paragraphs, how to sleep better.",
    "Explain in detail, in several paragraphs, what a rainbow is and how it forms.",
    "Describe in detail, in several paragraphs, three quick lunches and how to make them.",
    "Explain in detail, in several paragraphs, why the sky is blue.",
    "Write a long poem of many verses about autumn leaves.",
)


@dataclass(frozen=True)
class Script:
    """What the person says first, the facts in it, and the question that recalls one."""

    said: tuple[str, ...]
    facts: tuple[str, ...]
    question: str
    answer: str  # a word the answer to *question* must contain


SCRIPTS = (
    Script(
        ("My name is Ada and I keep three goats named Pip, Pod and Pea.",),
        ("Ada", "three", "Pip", "Pod", "Pea"),
        "What is my name and what are my goats called?",
        "Ada",
    ),
    Script(
        ("I'm Tomas. I live in Lisbon and I work as a nurse at night.",),
        ("Tomas", "Lisbon", "nurse"),
        "In which city do I live?",
        "Lisbon",
    ),
    Script(
        ("We decided to paint the kitchen green.", "The budget for the paint is 450 euros."),
        ("green", "450"),
        "What colour will we paint the kitchen?",
        "green",
    ),
    Script(
        ("My daughter Mila turns 7 on the 14th of March.",),
        ("Mila", "7", "14th", "March"),
        "What is my daughter's name?",
        "Mila",
    ),
    Script(
        ("I prefer tea to coffee and I am allergic to peanuts.",),
        ("tea", "peanuts"),
        "What am I allergic to?",
        "peanut",
    ),
    Script(
        ("Our meeting with the landlord is on Friday at 10:30 in room 204.",),
        ("Friday", "10:30", "204"),
        "On which day is the meeting with the landlord?",
        "Friday",
    ),
    Script(
        ("My car is a blue Volvo from 2012.", "Its number plate is KX-4471."),
        ("Volvo", "2012", "KX-4471"),
        "What make is my car?",
        "Volvo",
    ),
    Script(
        ("Call me Sam. My favourite band is Radiohead and I play the cello.",),
        ("Sam", "Radiohead", "cello"),
        "Which instrument do I play?",
        "cello",
    ),
    Script(
        ("I have two cats, Miso and Tofu, and I live on the fourth floor.",),
        ("two", "Miso", "Tofu", "fourth"),
        "What are my cats called?",
        "Miso",
    ),
    Script(
        ("We agreed that Priya will lead the project.", "The deadline is June 30."),
        ("Priya", "June", "30"),
        "Who will lead the project?",
        "Priya",
    ),
    Script(
        ("I run 5 kilometres every morning and I am training for the Berlin marathon.",),
        ("5", "Berlin", "marathon"),
        "Which marathon am I training for?",
        "Berlin",
    ),
    Script(
        ("My grandmother Elena was born in Naples in 1941.",),
        ("Elena", "Naples", "1941"),
        "Where was my grandmother born?",
        "Naples",
    ),
)


def present(fact: str, text: str) -> bool:
    """Whether *fact* occurs in *text* as a word (any case)."""
    return re.search(rf"(?<!\w){re.escape(fact)}(?!\w)", text, re.IGNORECASE) is not None


class WatchedPlugin(ChatPlugin):
    """The chat plugin, keeping each summary the model wrote and the turns it summarised."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[tuple[str, list[Turn]]] = []

    def _summariser(self, backend: Any, cancel: CancelToken, max_tokens: int) -> Any:
        summarise = super()._summariser(backend, cancel, max_tokens)

        def watched(previous: str, turns: Sequence[Turn]) -> str:
            text = summarise(previous, turns)
            self.written.append((text, list(turns)))
            return text

        return watched


def converse(
    plugin: WatchedPlugin, settings: ChatSettings, script: Script, models: ModelRegistry, data: Path
) -> dict[str, Any]:
    """One scripted conversation; what the summary kept, and the recall answer."""
    state = MemoryState()
    history: list[HistoryMessage] = []
    answer = ""
    for text in (*script.said, *FILLER, script.question):
        context = PluginContext(
            settings=settings, data_dir=data, state=state, models=models, cancel=CancelToken()
        )
        number = len(history) + 1
        chunks = plugin.run(Request(text, history=tuple(history), message_id=number), context)
        answer = "".join(c.text for c in chunks if isinstance(c, TextDelta))
        history += [
            HistoryMessage("user", text, message_id=number),
            HistoryMessage("assistant", answer, plugin="chat", message_id=number + 1),
        ]
    summary = state.get(SUMMARY_KEY)
    fact_ids = {2 * i + 1 for i in range(len(script.said))}
    return {
        "folded": int(state.get(FOLDED_THROUGH_KEY, "0") or 0) >= max(fact_ids),
        "kept": sum(present(f, summary) for f in script.facts),
        "facts": len(script.facts),
        "repetitive": bool(repeated_sentence(summary)),
        "recalled": present(script.answer, answer) or script.answer.lower() in answer.lower(),
        "summary": summary,
    }


def model_control(written: list[tuple[str, list[Turn]]]) -> dict[str, Any]:
    """The model's own summaries: facts of their turns they kept, and repeated sentences."""
    wanted = kept = repetitive = passed = 0
    facts = {fact for script in SCRIPTS for fact in script.facts}
    for text, turns in written:
        said = " ".join(t.content for t in turns if t.role == "user")
        stated = [f for f in facts if present(f, said)]
        wanted += len(stated)
        kept += sum(present(f, text) for f in stated)
        repetitive += bool(repeated_sentence(text))
    from plugins.chat.summary_guard import checked_summary

    for text, turns in written:
        passed += not checked_summary(text, "", turns, lambda _: True).replaced_because
    return {
        "model_summaries": len(written),
        "model_facts_in_summary": round(kept / wanted, 3) if wanted else None,
        "model_repetitive": repetitive,
        "model_summaries_kept": passed,
    }


def main() -> int:
    """Run every script once and print the measures as JSON."""
    settings = ChatSettings(context_window=WINDOW, temperature=0.0, max_new_tokens=96)
    plugin, models = WatchedPlugin(), ModelRegistry()
    engine = local_engine(settings)  # before the run: it looks the model up
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for script in SCRIPTS:
            result = converse(plugin, settings, script, models, Path(folder))
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    plugin.unload()
    folded = [r for r in results if r["folded"]]
    report = {
        "conversations": len(results),
        "folded": len(folded),
        "facts_in_summary": round(
            sum(r["kept"] for r in folded) / sum(r["facts"] for r in folded), 3
        )
        if folded
        else None,
        "repetitive": sum(r["repetitive"] for r in results),
        "recalled": round(sum(r["recalled"] for r in results) / len(results), 3),
        **model_control(plugin.written),
        "context_window": WINDOW,
        "max_new_tokens": settings.max_new_tokens,
        "seconds": round(time.perf_counter() - started, 1),
        "engine": engine,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
