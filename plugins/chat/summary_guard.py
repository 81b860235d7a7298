"""Keeping the running summary honest: degenerate output caught, the person's facts kept.

A model as small as the built-in SmolLM2-135M often answers a summarising prompt with one
sentence repeated until the token limit, with the prompt's own labels, or with invented
words, and drops the names and numbers the person gave. Each summary the model writes is
checked here (:func:`degeneracy`, :func:`lost_terms`); one that fails is replaced by an
extractive summary (:func:`extractive_summary`): the sentences in which the person stated
something (a name, a number, a preference, a decision), in their own words.

Pure text functions, no model: tested and measured (``python -m bench.memory``) directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SENTENCE_END = re.compile(r"(?<=[.!?。！？;；])\s+|\n+|(?<=[。！？；])")
_BULLET = re.compile(r"^\s*(?:[-*•]+|\d+[.)])\s*")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_NUMBER_WORDS = _word_set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million dozen half twice"
)
# Capitalised words that begin sentences without naming anything.
_COMMON_CAPITALS = _word_set(
    "i i'm i've i'll i'd my me we we're we've our us you your yes no ok okay please thanks "
    "thank hello hi hey dear so and but or also then now well oh the a an this that these "
    "those it it's its there here what who whom whose which when where why how can could "
    "would should will shall do does did is are was were be been have has had let let's "
    "tell remember note just one user assistant summary new write reply keep merge be sure "
    "today tomorrow yesterday"
)
# What a person says when they state a preference, a plan or a fact about themselves.
_STATEMENT = re.compile(
    r"\b(my|mine|i'm|i am|i've|i have|i keep|i own|i live|i work|i study|i like|i love|"
    r"i hate|i dislike|i prefer|i want|i need|i'd like|i would like|i decided|i chose|"
    r"i will|i'll|i'm going to|i plan|we decided|we agreed|we will|we'll|let's|call me|"
    r"remember|favou?rite|allergic|birthday|always|never|don't like|can't stand)\b",
    re.IGNORECASE,
)
# How a request begins: what follows asks for something rather than states a fact.
_REQUEST = re.compile(
    r"\s*(please\s+)?(tell|give|show|explain|write|describe|suggest|list|help|make|find|"
    r"translate|summari[sz]e|compose|draft|recommend|name|compare|calculate|count|say|"
    r"can you|could you|would you|will you)\b",
    re.IGNORECASE,
)
# The summarising prompt's own words, which a small model tends to copy back.
_PROMPT_ECHOES = (
    "summary so far",
    "new part of the conversation",
    "write the updated summary",
    "reply with the updated summary",
    "you keep a running summary",
    "(nothing yet)",
)
# Words that carry no fact of their own, left out when comparing what a summary kept.
_FUNCTION_WORDS = _word_set(
    "the and but for with from that this these those into onto about over under than then "
    "there here have has had was were are is be been being will would shall should can "
    "could may might must not very also just only really some any all each every our your "
    "their his her its they them you she him who whom what which when where why how i'm "
    "i've i'll i'd we're let's like love prefer want need keep live work named called call "
    "am my me we us it do does did too"
)
MIN_WORDS_KEPT = 0.5  # of a fact without names or numbers, the share of words to keep
MIN_LETTER_SHARE = 0.6  # below this share of letters among the characters, it is garbage
LONGEST_WORD = 40  # a longer "word" is a run of characters, not language


def sentences(text: str) -> list[str]:
    """The sentences and lines of *text*, without list bullets or empty pieces."""
    pieces = (_BULLET.sub("", piece).strip() for piece in _SENTENCE_END.split(text))
    return [piece for piece in pieces if _WORD.search(piece)]


def normalised(sentence: str) -> str:
    """A sentence reduced to its lower-case words, to compare sentences."""
    return " ".join(word.casefold() for word in _WORD.findall(sentence))


def repeated_sentence(text: str) -> str:
    """The first sentence of *text* that occurs more than once (compared word for word,
    ignoring case and punctuation); "" when every sentence is said once."""
    seen: set[str] = set()
    for sentence in sentences(text):
        key = normalised(sentence)
        if key in seen:
            return sentence
        seen.add(key)
    return ""


def _near_duplicates(text: str) -> str:
    """A sentence that says nearly what an earlier one said (four words in five shared)."""
    earlier: list[set[str]] = []
    for sentence in sentences(text):
        words = set(normalised(sentence).split())
        if len(words) >= 4 and any(
            len(words & e) >= 0.8 * max(len(words), len(e)) for e in earlier
        ):
            return sentence
        earlier.append(words)
    return ""


def _looping_phrase(words: Sequence[str]) -> str:
    """Three words said three times or more, or a word said four times in a row."""
    for i in range(len(words) - 3):
        if words[i] == words[i + 1] == words[i + 2] == words[i + 3]:
            return words[i]
    counts: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - 2):
        gram = tuple(words[i : i + 3])
        counts[gram] = counts.get(gram, 0) + 1
        if counts[gram] >= 3:
            return " ".join(gram)
    return ""


def degeneracy(text: str) -> str:
    """Why *text* is not a usable summary ("" when it is): empty, a sentence or a phrase
    repeated, the prompt's own words, or characters that are not language."""
    if not _WORD.search(text):
        return "it is empty"
    repeated = repeated_sentence(text) or _near_duplicates(text)
    if repeated:
        return f"it repeats itself (“{repeated[:60]}”)"
    words = [word.casefold() for word in _WORD.findall(text)]
    phrase = _looping_phrase(words)
    if phrase:
        return f"it repeats “{phrase}”"
    lowered = text.casefold()
    if any(echo in lowered for echo in _PROMPT_ECHOES):
        return "it copies the instructions"
    visible = [c for c in text if not c.isspace()]
    letters = sum(1 for c in visible if c.isalpha())
    if letters < MIN_LETTER_SHARE * len(visible) or max(map(len, words)) > LONGEST_WORD:
        return "it is not language"
    return ""


def key_terms(text: str) -> set[str]:
    """The names and numbers in *text*, lower-cased: what a summary must not lose.

    A name is a capitalised word that is not a common sentence opening ("My", "Please");
    a number is written in digits or in words ("three").
    """
    terms: set[str] = set(_NUMBER.findall(text))
    for sentence in sentences(text):
        for word in _WORD.findall(sentence):
            lowered = word.casefold()
            if lowered in _NUMBER_WORDS or (word[:1].isupper() and lowered not in _COMMON_CAPITALS):
                terms.add(lowered)
    return terms


def lost_terms(summary: str, sources: Iterable[str]) -> set[str]:
    """The key terms of *sources* that *summary* does not contain."""
    present = {word.casefold() for word in _WORD.findall(summary)} | set(_NUMBER.findall(summary))
    wanted: set[str] = set()
    for source in sources:
        wanted |= key_terms(source)
    return wanted - present


def _stems(text: str) -> set[str]:
    return {w.casefold()[:5] for w in _WORD.findall(text) if len(w) > 2} - {
        w[:5] for w in _FUNCTION_WORDS
    }


def kept_share(summary: str, facts: Iterable[str]) -> float:
    """The share of the fact-carrying words of *facts* that *summary* has (1.0 if none),
    compared by their first five letters, so "prefers" keeps "prefer"."""
    wanted = set().union(*(_stems(fact) for fact in facts))
    return len(wanted & _stems(summary)) / len(wanted) if wanted else 1.0


def fact_sentences(text: str) -> list[str]:
    """The sentences of *text* in which the person states something worth keeping: a name,
    a number, a preference or a decision. Questions and small talk are left out."""
    kept = []
    for sentence in sentences(text):
        if sentence.rstrip().endswith(("?", "？")):
            continue
        if _REQUEST.match(sentence) and not _STATEMENT.search(sentence):
            continue  # "Tell me about the number 2, please." asks; it states nothing
        if key_terms(sentence) or _STATEMENT.search(sentence):
            kept.append(sentence if sentence[-1] in ".!。！" else f"{sentence}.")
    return kept


class SpokenTurn(Protocol):
    """A turn of the conversation: who spoke and what they said."""

    @property
    def role(self) -> str: ...

    @property
    def content(self) -> str: ...


def extractive_summary(
    previous: str, turns: Sequence[SpokenTurn], fits: Callable[[str], bool]
) -> str:
    """The *previous* summary's sentences, then each fact sentence the user said in *turns*,
    in the user's words (the prompt introduces them as what the user said), each once.
    When the whole does not *fit*, sentences give way: first those whose names and numbers
    are said elsewhere too, then those that state least."""
    kept: dict[str, str] = {}
    for sentence in sentences(previous):
        kept.setdefault(normalised(sentence), sentence)
    for turn in turns:
        for fact in fact_sentences(turn.content) if turn.role == "user" else ():
            kept.setdefault(normalised(fact), fact)
    lines = list(kept.values())
    while len(lines) > 1 and not fits(" ".join(lines)):
        lines.pop(_least_needed(lines))
    return " ".join(lines)


def _least_needed(kept: Sequence[str]) -> int:
    """The oldest sentence whose names and numbers all occur in the others; else the one
    that states least (fewest names and numbers, no "my…", "I prefer…"), oldest first."""
    for index, sentence in enumerate(kept):
        others = " ".join(kept[:index] + kept[index + 1 :])
        if not lost_terms(others, [sentence]):
            return index
    weights = [len(key_terms(s)) + 2 * bool(_STATEMENT.search(s)) for s in kept]
    return weights.index(min(weights))


@dataclass(frozen=True, slots=True)
class CheckedSummary:
    """A summary ready to keep, and why the model's own was replaced ("" when it was kept)."""

    text: str
    replaced_because: str = ""


def checked_summary(
    written: str,
    previous: str,
    turns: Sequence[SpokenTurn],
    fits: Callable[[str], bool],
) -> CheckedSummary:
    """The model's summary *written* when it is sound, keeps every name and number of the
    previous summary and of what the user said, and *fits*; else the extractive summary."""
    written = written.strip()
    facts = [f for turn in turns if turn.role == "user" for f in fact_sentences(turn.content)]
    reason = degeneracy(written)
    if not reason:
        lost = lost_terms(written, [previous, *facts])
        plain = [fact for fact in facts if not key_terms(fact)]  # "I prefer tea to coffee."
        if lost:
            reason = "it left out " + ", ".join(sorted(lost)[:5])
        elif any(kept_share(written, [fact]) < MIN_WORDS_KEPT for fact in plain):
            reason = "it left out much of what the user said"
        elif not fits(written):
            reason = "it is too long"
    if not reason:
        return CheckedSummary(written)
    return CheckedSummary(extractive_summary(previous, turns, fits), reason)


_FIRST_PERSON = re.compile(r"\b(i|me|my|mine|we|us|our)\b", re.IGNORECASE)


def asks_back(question: str, summary: str) -> bool:
    """Whether *question* asks about something the person said that *summary* holds: it
    speaks of the person ("my", "I") and shares a word that carries meaning with it
    ("What is my name?" after "My name is Ada")."""
    return bool(_FIRST_PERSON.search(question)) and bool(_stems(question) & _stems(summary))
