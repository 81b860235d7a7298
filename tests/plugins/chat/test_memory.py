"""The memory policy, with a word-count token counter and a summariser we can watch."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from assistant.core.plugin import MemoryState
from plugins.chat.memory import (
    SUMMARY_KEY,
    SUMMARY_PREFIX,
    Budget,
    ContextTooSmall,
    ConversationMemory,
    MemoryRecord,
    Turn,
    chain_digest,
    transcript,
)

SYSTEM = "You are a helpful assistant."


def words(text: str) -> int:
    return len(text.split())


class RecordingSummariser:
    """Keeps every word in capitals it is shown, and remembers what it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[Turn]]] = []

    def __call__(self, previous: str, turns: Sequence[Turn]) -> str:
        self.calls.append((previous, list(turns)))
        shown = previous.split() + transcript(turns).split()
        kept = dict.fromkeys(w.strip(".,:") for w in shown if w.isupper() and len(w) > 2)
        return " ".join(kept)


def prompt_tokens(memory: ConversationMemory, messages: list[dict[str, str]]) -> int:
    return sum(memory.cost(m["content"]) for m in messages)


def converse(
    memory: ConversationMemory,
    state: MemoryState,
    summarise: RecordingSummariser,
    turns: int,
    first_message: str = "",
) -> tuple[list[Turn], list[list[dict[str, str]]]]:
    """Simulate *turns* exchanges, folding after each answer as the plugin does."""
    history: list[Turn] = []
    prompts = []
    for number in range(1, turns + 1):
        text = first_message if number == 1 and first_message else f"question {number} " * 5
        plan = memory.plan(SYSTEM, history, text, MemoryRecord.read(state))
        prompts.append(plan.messages)
        if plan.changed_record:
            plan.record.write(state)
        for record in memory.fold(plan.record, plan.to_fold, summarise):
            record.write(state)
        history += [
            Turn(2 * number - 1, "user", text),
            Turn(2 * number, "assistant", f"answer {number} " * 8),
        ]
    return history, prompts


def test_a_long_conversation_stays_inside_the_budget_and_keeps_early_facts() -> None:
    budget = Budget(context_window=200, max_new_tokens=40, margin=8, per_message=4)
    memory = ConversationMemory(words, budget)
    state, summarise = MemoryState(), RecordingSummariser()
    first = "Remember this: my locker code is ZEBRA42 please."

    _, prompts = converse(memory, state, summarise, 200, first_message=first)

    assert all(prompt_tokens(memory, p) <= budget.prompt_tokens for p in prompts)
    assert all(p[-1]["content"].startswith("question") for p in prompts[1:])
    # Turn 1 reached the summariser once it left the window, and what it returned was kept.
    first_fold = summarise.calls[0][1]
    assert first_fold[0] == Turn(1, "user", first)
    assert "ZEBRA42" in state.get(SUMMARY_KEY)
    assert "ZEBRA42" in prompts[-1][0]["content"]
    # Every turn was folded exactly once, in order, and the record says how far.
    folded = [t.message_id for _, batch in summarise.calls for t in batch]
    assert folded == sorted(set(folded)) and folded[0] == 1
    assert int(state.get("folded_through")) == folded[-1] > 300
    assert len(summarise.calls) > 50  # the summary keeps being updated


def test_an_edited_summary_is_what_the_next_prompt_carries() -> None:
    budget = Budget(context_window=200, max_new_tokens=40, margin=8, per_message=4)
    memory = ConversationMemory(words, budget)
    state, summarise = MemoryState(), RecordingSummariser()
    history, _ = converse(memory, state, summarise, 20, first_message="My name is ADA.")
    assert state.get(SUMMARY_KEY)

    state.set(SUMMARY_KEY, "The user prefers to be called Captain.")
    plan = memory.plan(SYSTEM, history, "Who am I?", MemoryRecord.read(state))

    assert plan.messages[0]["content"] == (
        f"{SYSTEM}\n\n{SUMMARY_PREFIX}The user prefers to be called Captain."
    )
    assert not plan.rebuilt


def test_editing_a_folded_message_rebuilds_the_summary() -> None:
    budget = Budget(context_window=200, max_new_tokens=40, margin=8, per_message=4)
    memory = ConversationMemory(words, budget)
    state, summarise = MemoryState(), RecordingSummariser()
    history, _ = converse(memory, state, summarise, 20, first_message="I own a CAT.")
    assert "CAT" in state.get(SUMMARY_KEY)

    history[0] = Turn(1, "user", "I own a DOG.")
    plan = memory.plan(SYSTEM, history, "What do I own?", MemoryRecord.read(state))

    assert plan.rebuilt and plan.record == MemoryRecord()
    assert plan.to_fold[0] == history[0]
    for record in memory.fold(plan.record, plan.to_fold, summarise):
        record.write(state)
    assert "DOG" in state.get(SUMMARY_KEY) and "CAT" not in state.get(SUMMARY_KEY)


def test_deleting_the_last_folded_message_rebuilds_the_summary() -> None:
    budget = Budget(context_window=200, max_new_tokens=40, margin=8, per_message=4)
    memory = ConversationMemory(words, budget)
    state, summarise = MemoryState(), RecordingSummariser()
    history, _ = converse(memory, state, summarise, 20)
    through = int(state.get("folded_through"))

    remaining = [t for t in history if t.message_id != through]
    plan = memory.plan(SYSTEM, remaining, "Go on.", MemoryRecord.read(state))

    assert plan.rebuilt
    assert plan.unfolded == tuple(remaining)


def test_an_untouched_history_is_not_rebuilt_and_folds_only_new_turns() -> None:
    budget = Budget(context_window=200, max_new_tokens=40, margin=8, per_message=4)
    memory = ConversationMemory(words, budget)
    state, summarise = MemoryState(), RecordingSummariser()
    history, _ = converse(memory, state, summarise, 20)
    through = int(state.get("folded_through"))

    plan = memory.plan(SYSTEM, history, "Go on.", MemoryRecord.read(state))

    assert not plan.rebuilt
    assert all(t.message_id > through for t in plan.unfolded)


def test_a_message_too_long_for_the_window_keeps_its_end() -> None:
    budget = Budget(context_window=100, max_new_tokens=20, margin=8, per_message=4)
    memory = ConversationMemory(words, budget)
    long_text = " ".join(f"w{i}" for i in range(500))
    history = [Turn(1, "user", "hello"), Turn(2, "assistant", "hi")]

    plan = memory.plan(SYSTEM, history, long_text, MemoryRecord())

    sent = plan.messages[-1]["content"]
    assert sent.endswith("w499") and len(sent.split()) < 100
    assert prompt_tokens(memory, plan.messages) <= budget.prompt_tokens
    assert plan.to_fold == tuple(history)


def test_a_turn_longer_than_a_summarising_prompt_is_folded_by_its_beginning() -> None:
    budget = Budget(context_window=120, max_new_tokens=20, margin=8, per_message=4)
    memory = ConversationMemory(words, budget)
    summarise = RecordingSummariser()
    huge = Turn(7, "assistant", "START " + "filler " * 400 + "END")

    records = list(memory.fold(MemoryRecord(), [huge], summarise))

    sent = summarise.calls[0][1][0].content
    assert sent.startswith("START") and "END" not in sent
    assert records[-1].folded_through == 7


def test_a_system_prompt_that_fills_the_window_is_explained() -> None:
    memory = ConversationMemory(words, Budget(context_window=60, max_new_tokens=20, margin=8))
    with pytest.raises(ContextTooSmall, match="system prompt"):
        memory.plan("word " * 40, [], "Hello?", MemoryRecord())


def test_the_record_round_trips_through_conversation_state() -> None:
    state = MemoryState()
    MemoryRecord("Facts.", 12, "abc").write(state)
    assert MemoryRecord.read(state) == MemoryRecord("Facts.", 12, "abc")
    assert MemoryRecord.read(MemoryState()) == MemoryRecord()


def test_a_long_answer_setting_leaves_a_small_window_room_for_the_prompt() -> None:
    small = Budget(context_window=600, max_new_tokens=512, margin=20, per_message=4)
    assert small.answer_tokens == 200 and small.prompt_tokens == 380
    roomy = Budget(context_window=8192, max_new_tokens=512, margin=20, per_message=4)
    assert roomy.answer_tokens == 512 and roomy.prompt_tokens == 8192 - 512 - 20
    memory = ConversationMemory(words, small)
    plan = memory.plan(SYSTEM, [], "My name is Ada and I keep three goats.", MemoryRecord())
    assert plan.messages[-1]["content"] == "My name is Ada and I keep three goats."


def test_in_a_small_window_a_question_about_the_summary_follows_it_directly() -> None:
    memory = ConversationMemory(words, Budget(600, 128, margin=20, per_message=4))
    history = [Turn(1, "user", "My name is Ada."), Turn(2, "assistant", "Hello Ada.")]
    history += [Turn(3, "user", "What do goats eat?"), Turn(4, "assistant", "Hay and grass.")]
    record = MemoryRecord(
        "My name is Ada and I keep three goats.", 2, chain_digest("", history[:2])
    )

    recall = memory.plan(SYSTEM, history, "What is my name?", record)
    assert [m["role"] for m in recall.messages] == ["system", "user"]
    assert recall.messages[0]["content"].endswith(f"{SUMMARY_PREFIX}{record.summary}")
    assert recall.to_fold == ()  # the turns left out stay unfolded, for the next question
    assert recall.from_summary
    other = memory.plan(SYSTEM, history, "What else do goats eat?", record)
    assert [m["role"] for m in other.messages] == ["system", "user", "assistant", "user"]
    assert not other.from_summary
    large = ConversationMemory(words, Budget(8192, 128, margin=20, per_message=4))
    assert len(large.plan(SYSTEM, history, "What is my name?", record).messages) == 4
