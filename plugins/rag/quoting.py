"""Sentences of passages: the one that answers a question, clean snippets, inline citations.

A model as small as the embedded one (135M parameters) reads a rule and answers "No" to a
question the rule answers "Yes". For a yes/no question the answer is therefore the rule
itself, quoted: a quotation cannot contradict its source. The same sentence scoring picks
the snippet shown under the answer, and :class:`CitationFilter` adds the [n] a model
forgot to a sentence that plainly comes from one passage.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from plugins.rag.retrieve import content_terms

_CJK_ENDERS = "。！？；"
_ENDERS = ".!?" + _CJK_ENDERS
# English sentences end at . ! ? before a capital, digit, quote or bracket (so "e.g. the"
# is not cut); Chinese ones right after 。！？；, with or without a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(\[A-Z0-9])|(?<=[。！？；])\s*|\n\s*\n")
_YES_NO_START = re.compile(
    r"(?:^|[,;:，；：]\s*)(?:do|does|did|is|are|was|were|am|can|could|must|may|might|should|"
    r"shall|will|would|has|have|had|need)\b",
    re.IGNORECASE,
)
_YES_NO_CHINESE = re.compile(r"吗[？?]?\s*$|是否|能否|可否|有没有|是不是|要不要|需不需要")
# "Under the Apache license, do I have to…?": the clause before the comma says where to
# look, the rest what is asked; the sentence that answers is the one about what is asked.
_SCOPE = re.compile(
    r"^\s*((?:under|according to|in|for|from|based on|per|as per|regarding|about)\b[^,，]*"
    r"|(?:根据|按照|依据|关于|在)[^,，]*)[,，]\s*",
    re.IGNORECASE,
)
SCOPE_WEIGHT = 0.3
# A sentence that states a rule outranks one that merely mentions the same words.
_RULE = re.compile(
    r"\b(must|shall not|may not|is required|are required|required to|prohibited|not permitted)\b"
    r"|必须|不得|应当|禁止|须",
    re.IGNORECASE,
)
RULE_BONUS = 0.15
EXACT_BONUS = 0.1  # per word the question writes in capitals ("NOTICE") found as written
_CITATION = re.compile(r"\[(\d{1,2})\]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of passage *index* (0-based), at *start* in the passage's text."""

    index: int
    start: int
    text: str


def sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of *text* with where each starts; whitespace inside them is kept."""
    found: list[tuple[int, str]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start : match.start()]
        if piece.strip():
            found.append((start + len(piece) - len(piece.lstrip()), piece.strip()))
        start = match.end()
    tail = text[start:]
    if tail.strip():
        found.append((start + len(tail) - len(tail.lstrip()), tail.strip()))
    return found


def is_yes_no(question: str) -> bool:
    """Whether *question* asks for a yes or a no ("Do I have to…?", "…是否需要…？")."""
    text = question.strip()
    return bool(_YES_NO_START.search(text) or _YES_NO_CHINESE.search(text))


def split_question(question: str) -> tuple[str, str]:
    """(what is asked, the scope it is asked in): "Under the Apache license, do I have to
    include a NOTICE file?" is asked about a NOTICE file, within the Apache license."""
    match = _SCOPE.match(question)
    if match is None or not question[match.end() :].strip():
        return question, ""
    return question[match.end() :], match.group(1)


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word


def _stems(text: str) -> set[str]:
    return {_stem(term) for term in content_terms(text, document_words=True)}


def overlap(question: str, text: str) -> float:
    """Share of the question's content words (by their first letters) found in *text*."""
    wanted = _stems(question)
    if not wanted:
        return 0.0
    present = {_stem(w) for w in _WORD.findall(text.lower())}
    return len(wanted & present) / len(wanted)


def best_sentences(
    question: str,
    passages: Sequence[str],
    similarity: Sequence[float] | None = None,
    *,
    count: int = 1,
) -> list[Sentence]:
    """The sentences of *passages* that best answer *question*, best first.

    A sentence scores by the question's words it holds, each weighted by how rare it is
    among the candidate sentences: in a licence every sentence says "License", few say
    "NOTICE", so the sentence with "NOTICE" is the one that answers a question about it.
    *similarity* (each passage's similarity to the question) breaks ties toward better
    passages.
    """
    candidates = [
        (index, start, sentence)
        for index, text in enumerate(passages)
        for start, sentence in sentences(text)
        if len(sentence) >= 12  # not a heading or a stray number
    ]
    ask, scope = split_question(question)
    asked = _stems(ask)
    scoped = _stems(scope) - asked
    wanted = asked | scoped
    words = [{_stem(w) for w in _WORD.findall(c[2].lower())} & wanted for c in candidates]
    weight = {
        term: math.log((len(candidates) + 1) / (sum(term in w for w in words) + 0.5))
        * (SCOPE_WEIGHT if term in scoped else 1.0)
        for term in wanted
    }
    total = sum(weight.values()) or 1.0
    scored: list[tuple[float, Sentence]] = []
    capitals = set(re.findall(r"\b[A-Z]{2,}\b", ask))
    for (index, start, sentence), present in zip(candidates, words, strict=True):
        bonus = (similarity[index] if similarity else 0.0) * 0.1
        bonus += RULE_BONUS if _RULE.search(sentence) else 0.0
        bonus += EXACT_BONUS * sum(bool(re.search(rf"\b{w}\b", sentence)) for w in capitals)
        score = sum(weight[t] for t in present) / total + bonus
        scored.append((score, Sentence(index, start, sentence)))
    scored.sort(key=lambda item: -item[0])
    return [sentence for _, sentence in scored[:count]]


def snippet(text: str, focus: int, limit: int = 220) -> str:
    """About *limit* characters of *text* around offset *focus*, cut between words, with
    an ellipsis where text was left out."""
    flat_start = max(0, focus - limit // 4)
    end = min(len(text), flat_start + limit)
    flat_start = max(0, min(flat_start, end - limit))
    if flat_start > 0:
        space = text.find(" ", flat_start, focus + 1)
        flat_start = space + 1 if space != -1 else flat_start
        while flat_start < len(text) and not text[flat_start - 1].isspace():
            flat_start += 1  # never begin inside a word
    if end < len(text):
        space = text.rfind(" ", flat_start, end)
        end = space if space > flat_start else end
    body = " ".join(text[flat_start:end].split()).strip(" ,;:")
    return ("…" if flat_start > 0 else "") + body + ("…" if end < len(text) else "")


def cited_numbers(answer: str, count: int) -> list[int]:
    """The passage numbers (1 to *count*) that *answer* cites, in order of first citation."""
    seen: dict[int, None] = {}
    for match in _CITATION.finditer(answer):
        number = int(match.group(1))
        if 1 <= number <= count:
            seen.setdefault(number, None)
    return list(seen)


class CitationFilter:
    """Passes a streamed answer through, adding "[n]" to a sentence that names no passage
    when most of its words come from passage n (before its full stop: "… a file [2].")."""

    def __init__(self, passages: Sequence[str], *, least_overlap: float = 0.5) -> None:
        self._passages = list(passages)
        self._least = least_overlap
        self._sentence = ""
        self._held = ""  # a full stop, kept until the next character says the sentence ended

    def feed(self, piece: str) -> str:
        """The text to show for *piece* (held-back punctuation comes out later)."""
        out: list[str] = []
        for char in piece:
            if self._held:
                if char in _ENDERS:
                    self._held += char
                    continue
                if char.isspace():
                    out.append(self._close() + char)
                    continue
                out.append(self._held)  # "3.5", "e.g": not the end of a sentence
                self._sentence += self._held
                self._held = ""
            if char in _CJK_ENDERS:
                self._held = char
                out.append(self._close())
            elif char in _ENDERS:
                self._held = char
            elif char == "\n":
                out.append(self._citation() + char)
                self._sentence = ""
            else:
                self._sentence += char
                out.append(char)
        return "".join(out)

    def finish(self) -> str:
        """What is still held back, once the stream has ended."""
        return self._close() if self._held or self._sentence else ""

    def _close(self) -> str:
        text = self._citation() + self._held
        self._sentence, self._held = "", ""
        return text

    def _citation(self) -> str:
        sentence = self._sentence
        if _CITATION.search(sentence) or len(content_terms(sentence)) < 3:
            return ""
        scores = [overlap(sentence, passage) for passage in self._passages]
        if not scores or max(scores) < self._least:
            return ""
        return f" [{scores.index(max(scores)) + 1}]"
