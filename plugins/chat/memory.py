"""Conversation memory: recent turns verbatim, older turns folded into a running summary.

The policy, in full:

* The prompt is the system prompt (with "What the user told you earlier: …" when there
  is a summary), then as many of the most recent turns as fit, verbatim, then the new user
  message. The budget is the context window minus the answer's tokens, the system prompt,
  the summary and a margin. The new user message is always sent; when it alone is too long,
  its beginning is dropped.
* Turns that no longer fit are folded into the summary by the language model, after the
  answer has been streamed, a few turns at a time so that each summarising prompt fits too.
* The summary and the last folded message id live in the conversation's state. The history
  the app sends is the truth: when a folded message was edited or deleted, the summary is
  rebuilt from the start.

Nothing heavy is imported here, so the policy can be tested with any token counter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from assistant.core.plugin import ConversationState
from plugins.chat.summary_guard import asks_back, checked_summary

TokenCounter = Callable[[str], int]

SUMMARY_KEY = "summary"
FOLDED_THROUGH_KEY = "folded_through"
FOLDED_DIGEST_KEY = "folded_digest"
REPLACED_KEY = "summary_replaced"  # why the model's last summary was not kept; "" if it was
SUMMARY_PREFIX = "What the user told you earlier: "
# Up to this window a model is small; it answers from the summary only with it last.
SMALL_WINDOW = 2048
SUMMARY_INSTRUCTIONS = (
    "You keep a running summary of a conversation between a user and an assistant. "
    "Merge the new part of the conversation into the summary so far. Keep every name, "
    "number, fact, preference and decision the user stated. Be concise. Write in the "
    "language of the conversation. Reply with the updated summary only."
)


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier message of the conversation."""

    message_id: int
    role: str  # "user" or "assistant"
    content: str


Summariser = Callable[[str, Sequence[Turn]], str]


class ContextTooSmall(ValueError):
    """The system prompt and summary leave no room for the conversation."""


@dataclass(frozen=True, slots=True)
class MemoryRecord:
    """What has been folded so far: the summary and the last message it covers.

    *folded_digest* fingerprints the folded messages, so an edit to one of them is noticed;
    *replaced_because* says why the model's last summary gave way to the person's own
    sentences ("" when the model's was kept).
    """

    summary: str = ""
    folded_through: int = 0
    folded_digest: str = ""
    replaced_because: str = ""

    @classmethod
    def read(cls, state: ConversationState) -> MemoryRecord:
        """The record kept in a conversation's state; an empty one when there is none."""
        through = state.get(FOLDED_THROUGH_KEY, "0").strip()
        return cls(
            summary=state.get(SUMMARY_KEY, ""),
            folded_through=int(through) if through.lstrip("-").isdigit() else 0,
            folded_digest=state.get(FOLDED_DIGEST_KEY, ""),
            replaced_because=state.get(REPLACED_KEY, ""),
        )

    def write(self, state: ConversationState) -> None:
        """Keep this record in the conversation's state."""
        state.set(SUMMARY_KEY, self.summary)
        state.set(FOLDED_THROUGH_KEY, str(self.folded_through))
        state.set(FOLDED_DIGEST_KEY, self.folded_digest)
        state.set(REPLACED_KEY, self.replaced_because)


def chain_digest(previous: str, turns: Sequence[Turn]) -> str:
    """A fingerprint of *turns* following the turns *previous* fingerprints."""
    digest = previous
    for turn in turns:
        data = json.dumps([digest, turn.message_id, turn.role, turn.content])
        digest = hashlib.sha256(data.encode()).hexdigest()[:32]
    return digest


def transcript(turns: Sequence[Turn]) -> str:
    """Turns as a plain transcript, one "User:"/"Assistant:" paragraph each."""
    names = {"user": "User", "assistant": "Assistant"}
    return "\n\n".join(f"{names.get(t.role, t.role)}: {t.content}" for t in turns)


def summary_messages(previous: str, turns: Sequence[Turn]) -> list[dict[str, str]]:
    """The chat messages that ask a language model to fold *turns* into *previous*."""
    request = (
        f"Summary so far:\n{previous or '(nothing yet)'}\n\n"
        f"New part of the conversation:\n{transcript(turns)}\n\n"
        "Write the updated summary."
    )
    return [
        {"role": "system", "content": SUMMARY_INSTRUCTIONS},
        {"role": "user", "content": request},
    ]


@dataclass(frozen=True, slots=True)
class Budget:
    """Token sizes the memory works within.

    *per_message* covers the chat template's tokens around each message; *margin* covers
    the rest of what a token counter cannot see (the generation prompt, rounding).
    """

    context_window: int
    max_new_tokens: int
    margin: int = 32
    per_message: int = 8

    @property
    def answer_tokens(self) -> int:
        """Tokens kept free for the answer: the longest answer, but at most a third of the
        window, so a small window (600 tokens, 512-token answers) still holds the question
        and the summary; a longer answer still comes when the prompt leaves room for it."""
        return min(self.max_new_tokens, self.context_window // 3)

    @property
    def prompt_tokens(self) -> int:
        """Tokens the whole prompt may take."""
        return self.context_window - self.answer_tokens - self.margin

    @property
    def summary_tokens(self) -> int:
        """The longest summary: a quarter of the window, so turns keep most of it.

        At most 256 tokens: a longer summary is slow to write and rarely better.
        """
        return min(256, max(16, self.context_window // 4))


def measure_template(
    count_messages: Callable[[list[dict[str, str]]], int], count_text: TokenCounter
) -> tuple[int, int]:
    """The chat template's tokens per message, and those it adds once (the reply's start).

    Measured by counting one and two short messages; 8 and 32 when the template refuses.
    """
    one = [{"role": "user", "content": "hi"}]
    two = [*one, {"role": "assistant", "content": "hi"}]
    try:
        first, both = count_messages(one), count_messages(two)
    except Exception:  # a template may refuse unusual turns; fall back to generous sizes
        return 8, 32
    per_message = both - first - count_text("hi") + 2  # +2: roles tokenise differently
    once = first - count_text("hi") - per_message
    return max(per_message, 4), max(once, 0) + 16


@dataclass(frozen=True, slots=True)
class PromptPlan:
    """A prompt ready to send, and what memory work it leaves for after the answer."""

    messages: list[dict[str, str]]
    record: MemoryRecord  # the record the prompt was built on (empty after a rebuild)
    unfolded: tuple[Turn, ...]  # history after the folded part, oldest first
    to_fold: tuple[Turn, ...]  # the oldest of *unfolded*, which did not fit the prompt
    rebuilt: bool  # the history changed under the summary, which was reset
    from_summary: bool = False  # a question about what was said, answered from the summary

    @property
    def changed_record(self) -> bool:
        """Whether the record must be written back even when nothing is folded."""
        return self.rebuilt


class ConversationMemory:
    """Builds prompts that fit the context window and folds what falls out of it."""

    def __init__(self, count_tokens: TokenCounter, budget: Budget) -> None:
        self._count = count_tokens
        self.budget = budget

    def cost(self, text: str) -> int:
        """Tokens one message of *text* takes, with its template tokens."""
        return self._count(text) + self.budget.per_message

    def keep_tail(self, text: str, tokens: int) -> str:
        """The longest end of *text* that fits in *tokens* (its beginning dropped)."""
        if self._count(text) <= tokens:
            return text
        low, high = 0, len(text)  # find the smallest start whose tail fits
        while low < high:
            middle = (low + high) // 2
            if self._count(text[middle:]) <= tokens:
                high = middle
            else:
                low = middle + 1
        return text[low:]

    def keep_head(self, text: str, tokens: int) -> str:
        """The longest beginning of *text* that fits in *tokens*."""
        if self._count(text) <= tokens:
            return text
        low, high = 0, len(text)  # find the largest end whose head fits
        while low < high:
            middle = (low + high + 1) // 2
            if self._count(text[:middle]) <= tokens:
                low = middle
            else:
                high = middle - 1
        return text[:low]

    def system_text(self, system_prompt: str, summary: str) -> str:
        """The system message: the instructions, then the summary when there is one."""
        if not summary.strip():
            return system_prompt
        summary = self.keep_head(summary.strip(), self.budget.summary_tokens)
        return f"{system_prompt}\n\n{SUMMARY_PREFIX}{summary}".strip()

    def plan(
        self,
        system_prompt: str,
        history: Sequence[Turn],
        user_text: str,
        record: MemoryRecord,
    ) -> PromptPlan:
        """The prompt for *user_text* after *history*, built on the stored *record*."""
        unfolded = self._unfolded(history, record)
        rebuilt = unfolded is None
        if unfolded is None:
            record, unfolded = MemoryRecord(), tuple(history)
        system = self.system_text(system_prompt, record.summary)
        room = self.budget.prompt_tokens - self.cost(system)
        if room < 2 * self.budget.per_message:
            raise ContextTooSmall(
                "The system prompt and the conversation summary fill the model's whole "
                "context window. Shorten the system prompt in Chat settings or clear the memory."
            )
        user_text = self.keep_tail(user_text, room - self.budget.per_message)
        room -= self.cost(user_text)
        start = len(unfolded)
        while start > 0 and self.cost(unfolded[start - 1].content) <= room:
            start -= 1
            room -= self.cost(unfolded[start].content)
        messages = [{"role": "system", "content": system}] if system else []
        from_summary = self._answers_from_summary(user_text, record.summary)
        if not from_summary:
            messages += [{"role": t.role, "content": t.content} for t in unfolded[start:]]
        messages.append({"role": "user", "content": user_text})
        return PromptPlan(messages, record, unfolded, unfolded[:start], rebuilt, from_summary)

    def _answers_from_summary(self, user_text: str, summary: str) -> bool:
        """A question about what the person said earlier, in a small window: the summary
        alone precedes it, and the answer is greedy. SmolLM2-135M named Ada from the summary
        5 times in 5 with the question right after it, and 0 in 5 with one exchange about
        goat shelters between."""
        small = self.budget.context_window <= SMALL_WINDOW
        return small and bool(summary.strip()) and asks_back(user_text, summary)

    def _unfolded(self, history: Sequence[Turn], record: MemoryRecord) -> tuple[Turn, ...] | None:
        """The turns after the folded ones; None when the folded ones changed."""
        if record.folded_through == 0:
            return tuple(history)
        ids = [t.message_id for t in history]
        if record.folded_through not in ids:
            return None
        end = ids.index(record.folded_through) + 1
        if chain_digest("", history[:end]) != record.folded_digest:
            return None
        return tuple(history[end:])

    def fold(
        self, record: MemoryRecord, turns: Sequence[Turn], summarise: Summariser
    ) -> Iterator[MemoryRecord]:
        """Fold *turns* into the summary a batch at a time, yielding the record after each.

        Each summary the model writes is checked (see :mod:`plugins.chat.summary_guard`):
        one that repeats itself, is not language or loses a name or number the person
        gave is replaced by the person's own fact sentences. The caller saves each record,
        so a stop between batches loses no finished work.
        """
        pending = list(turns)
        while pending:
            previous = self.keep_head(record.summary.strip(), self.budget.summary_tokens)
            batch, sent = self._next_batch(previous, pending)
            del pending[: len(batch)]
            checked = checked_summary(summarise(previous, sent), previous, batch, self._fits)
            record = MemoryRecord(
                summary=checked.text or previous,
                folded_through=batch[-1].message_id,
                folded_digest=chain_digest(record.folded_digest, batch),
                replaced_because=checked.replaced_because,
            )
            yield record

    def _fits(self, summary: str) -> bool:
        return self._count(summary) <= self.budget.summary_tokens

    def _next_batch(self, summary: str, pending: Sequence[Turn]) -> tuple[list[Turn], list[Turn]]:
        """The oldest *pending* turns one summarising prompt holds, and the turns to send.

        They differ only when a single turn is longer than the whole prompt: then only its
        beginning is sent.
        """
        asked = summary_messages(summary, [])
        room = self.budget.context_window - self.budget.summary_tokens - self.budget.margin
        room -= sum(self.cost(m["content"]) for m in asked)
        batch: list[Turn] = []
        for turn in pending:
            cost = self.cost(turn.content)
            if cost > room:
                break
            batch.append(turn)
            room -= cost
        if batch:
            return batch, batch
        first = pending[0]
        clipped = self.keep_head(first.content, max(1, room - self.budget.per_message))
        return [first], [Turn(first.message_id, first.role, clipped)]
