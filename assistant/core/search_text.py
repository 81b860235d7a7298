"""What a search shows of a message: its plain text (no Markdown) around the words found.

The full-text index matches and ranks messages; the snippet is cut here, from the text a
person reads rather than the Markdown the model wrote, so that it holds no ``**`` or
``[link](…)`` and each matching word is marked by its position, not by inserted brackets.
Words match as the index matches them: case and diacritics aside, as a prefix.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

SNIPPET_CHARS = 110  # about two lines of the side bar
_LEAD_CHARS = 30  # how much comes before the first match
_LONG = 20_000  # longer texts are cut near the first match before parsing
_WORD = re.compile(r"\w+")
_BLOCK_TEXT = {"fence", "code_block"}


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def fold(word: str) -> str:
    """A word as the index compares it: case-folded, without diacritics."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_terms(query: str) -> list[str]:
    """The folded words of a search query (each matches words that start with it)."""
    return [fold(word) for word in _WORD.findall(query)]


def plain_text(markdown: str) -> str:
    """*markdown* as the words a person reads, on one line: no markup, links as their text,
    images as their description, code as it is."""
    pieces: list[str] = []
    for token in _parser().parse(markdown):
        if token.type == "inline":
            pieces.append(_inline_text(token.children or []))
        elif token.type in _BLOCK_TEXT or token.type == "html_block":
            pieces.append(token.content if token.type in _BLOCK_TEXT else "")
    return " ".join(" ".join(piece.split()) for piece in pieces if piece.strip())


def _inline_text(children: list[Token]) -> str:
    out: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(_inline_text(child.children or []))
    return "".join(out)


def matches(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each word in *text* that starts with one of *terms*."""
    if not terms:
        return []
    return [
        (found.start(), found.end())
        for found in _WORD.finditer(text)
        if any(fold(found.group()).startswith(term) for term in terms)
    ]


def snippet(markdown: str, query: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A short plain-text piece of *markdown* around the first word *query* matches, and
    where each matching word is in it. Cut on word boundaries, with "…" where cut."""
    terms = query_terms(query)
    text = plain_text(_near_first_match(markdown, terms))
    found = matches(text, terms)
    first = found[0][0] if found else 0
    start = _word_start(text, max(0, first - _LEAD_CHARS))
    end = _word_end(text, start + SNIPPET_CHARS)
    if found and end < found[0][1]:
        end = found[0][1]
    if end <= start:  # one word longer than the snippet
        end = min(len(text), start + SNIPPET_CHARS)
    piece = text[start:end].strip()
    offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - offset
    marks = tuple(
        (a + shift, b + shift) for a, b in found if a >= offset and b <= offset + len(piece)
    )
    return prefix + piece + suffix, marks


def _near_first_match(markdown: str, terms: list[str]) -> str:
    """A long text cut to a few thousand characters around its first match, so that a
    search over long answers stays quick (the cut may open mid-construct: harmless)."""
    if len(markdown) <= _LONG:
        return markdown
    folded = markdown.casefold()  # near enough: a length change only shifts the window
    positions = [p for p in (folded.find(term) for term in terms) if p >= 0]
    at = min(positions) if positions else 0
    return markdown[max(0, at - 2_000) : at + 2_000]


def _word_start(text: str, index: int) -> int:
    """*index* moved back to the start of the word it falls in."""
    while 0 < index < len(text) and not text[index - 1].isspace():
        index -= 1
    return index


def _word_end(text: str, index: int) -> int:
    """*index* moved back to the end of the word before it (or kept at the text's end)."""
    if index >= len(text):
        return len(text)
    while index > 0 and not text[index].isspace():
        index -= 1
    return index
