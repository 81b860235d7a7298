"""Markdown to the HTML subset Qt's text engine draws, with highlighted code blocks.

Streaming answers are rendered in two parts: the *settled* part (whole paragraphs and
closed code blocks, which later text cannot change) is rendered once, and only the short
tail after it is redrawn as tokens arrive.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_FENCE = ("```", "~~~")
# Links an answer may contain: the web, mail, and the links plugins make for their own
# answers ("vision:highlight/…"), which main_window adds here. Never "action:" (the
# message actions) or file paths: model output must not delete messages or show files.
SAFE_SCHEMES = {"http", "https", "mailto"}
# markdown-it and pygments are imported by one thread at a time: warm_up imports them on a
# worker, and pygments' lazily loaded modules, imported from two threads at once, can
# raise ImportError in one of them.
_IMPORTING = threading.RLock()


def _lexer(code: str, language: str) -> object:
    with _IMPORTING:
        from pygments.lexers import TextLexer, get_lexer_by_name, guess_lexer
        from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language) if language else guess_lexer(code)
    except ClassNotFound:
        return TextLexer()


@lru_cache(maxsize=2)
def _renderer(dark: bool) -> MarkdownIt:
    # Imported once the window is up (warm_up) or on the first message drawn.
    with _IMPORTING:
        from markdown_it import MarkdownIt
        from pygments import highlight
        from pygments.formatters import HtmlFormatter

    formatter = HtmlFormatter(noclasses=True, style="monokai" if dark else "friendly", nowrap=True)
    background = "#272822" if dark else "#f4f4f4"

    def code_block(code: str, language: str, _attrs: object) -> str:
        body = highlight(code, _lexer(code, language.strip()), formatter)  # type: ignore[arg-type]
        # Starting with <pre makes markdown-it use this as the whole block.
        return f'<pre style="background-color:{background};">{body}</pre>\n'

    renderer = MarkdownIt("commonmark", {"html": False, "highlight": code_block})
    renderer.validateLink = _safe_link  # type: ignore[method-assign]
    return renderer.enable("table").enable("strikethrough")


def warm_up() -> None:
    """Import and build the Markdown parsers now (call it off the GUI thread, once the
    window is up): the first message drawn would otherwise wait about 80 ms for them."""
    _block_parser()
    for dark in (False, True):
        _renderer(dark)


@lru_cache(maxsize=1)
def _block_parser() -> MarkdownIt:
    """The same Markdown as :func:`_renderer` parsed into blocks only: their inline
    content (emphasis, links, code spans) is left unparsed, which is half of the work and
    not needed to tell where a block starts and ends."""
    with _IMPORTING:
        from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
    parser.core.ruler.enableOnly(["normalize", "block"])
    return parser


@lru_cache(maxsize=2)
def _formatter(dark: bool) -> object:
    with _IMPORTING:
        from pygments.formatters import HtmlFormatter

    return HtmlFormatter(noclasses=True, style="monokai" if dark else "friendly", nowrap=True)


def highlighted(code: str, language: str, dark: bool = False) -> str:
    """*code* as highlighted HTML spans (no surrounding block)."""
    with _IMPORTING:
        from pygments import highlight

    return highlight(code, _lexer(code, language), _formatter(dark))  # type: ignore[arg-type]


def _safe_link(url: str) -> bool:
    scheme, colon, _ = url.partition(":")
    return bool(colon) and scheme.lower() in SAFE_SCHEMES


def to_html(text: str, dark: bool = False) -> str:
    """Render Markdown *text*; raw HTML in it is shown as text, never interpreted."""
    rendered = _renderer(dark).render(text)
    if "<table>" in rendered:  # Qt's rich text draws tables bare unless told
        rendered = rendered.replace("<table>", _TABLE)
    return rendered


_TABLE = '<table border="1" cellspacing="0" cellpadding="5" style="border-collapse:collapse;">'


def plain_html(text: str) -> str:
    """Text shown as it is, line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def settled_length(text: str) -> int:
    """How much of *text* is made of finished blocks that more text cannot change.

    A block is finished at a blank line outside a code fence; a code fence is finished at
    its closing line.
    """
    settled = 0
    in_fence = False
    position = 0
    for line in text.splitlines(keepends=True):
        position += len(line)
        if not line.endswith("\n"):
            break  # the last line may still grow
        stripped = line.strip()
        if stripped.startswith(_FENCE):
            in_fence = not in_fence
            if not in_fence:
                settled = position
        elif not in_fence and not stripped:
            settled = position
    return settled


# ---- an answer as top-level blocks, each drawn by a widget of its own ---------------------


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level block of Markdown: a paragraph, heading, list, table, quote or code.

    *source* is its Markdown; for code, *code* and *language* are its content and info
    string. *open* marks a code block still being written (its closing fence not there yet).
    """

    kind: str  # "prose" or "code"
    source: str
    start_line: int = field(compare=False)
    code: str = ""
    language: str = ""
    open: bool = False


_CODE_TOKENS = frozenset({"fence", "code_block"})


def blocks(text: str, first_line: int = 0) -> list[Block]:
    """The top-level blocks of *text*; line numbers counted from *first_line*."""
    lines = text.splitlines(keepends=True)
    found: list[Block] = []
    for token in _block_parser().parse(text):
        if token.level != 0 or token.map is None or token.nesting < 0:
            continue
        start, end = token.map
        source = "".join(lines[start:end])
        if token.type in _CODE_TOKENS:
            closing = lines[end - 1].strip() if token.type == "fence" and end > start + 1 else ""
            still_open = token.type == "fence" and not (
                closing.startswith(token.markup) and closing.strip("`~ ") == ""
            )
            found.append(
                Block(
                    "code",
                    source,
                    first_line + start,
                    code=token.content,
                    language=token.info.strip().split(" ")[0] if token.info else "",
                    open=still_open,
                )
            )
        else:
            found.append(Block("prose", source, first_line + start))
    return found


_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:", re.MULTILINE)  # a link reference definition
REPARSED = 2  # blocks at the end of a streaming text parsed again with each new piece


class StreamedBlocks:
    """The blocks of a growing text, re-parsing only from where the last block starts.

    Appending text can change only the last blocks (a paragraph becoming a heading or the
    next item of the list before it, a code block growing), so the others are kept;
    :meth:`final` parses the whole text once more, which is exactly what a reloaded answer
    shows.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._text = ""  # the text the blocks are of

    def update(self, text: str) -> list[Block]:
        grown = self._grown_in_place(text)
        self._text = text
        if grown is not None:
            self.blocks[-1] = grown
            return self.blocks
        # The last two, not one: "1. a", a blank line, then "2" is a list and a paragraph
        # until ". b" arrives and the paragraph joins the list as its second item.
        kept = self.blocks[:-REPARSED]
        start = self.blocks[-REPARSED].start_line if len(self.blocks) >= REPARSED else 0
        rest = "".join(text.splitlines(keepends=True)[start:])
        self.blocks = kept + blocks(rest, start)
        return self.blocks

    def _grown_in_place(self, text: str) -> Block | None:
        """The last block with *text*'s new words, when they can only lengthen its last
        line: most pieces of a stream, which then cost no parsing. That holds when no line
        began or ended, and the last line already began with a letter (in prose: no list
        item, heading, rule, table row or underline starts so) or, in code still being
        written, with anything but a fence character (so it cannot close the block)."""
        previous = self._text
        if not self.blocks or not previous or previous.endswith("\n"):
            return None
        if not text.startswith(previous) or "\n" in text[len(previous) :]:
            return None
        whole_line = previous[previous.rfind("\n") + 1 :]
        line = whole_line.lstrip(" ")
        if not line or len(whole_line) - len(line) > 3:
            return None  # an indented line: code, or a list item's continuation
        last = self.blocks[-1]
        added = text[len(previous) :]
        if last.kind == "prose" and line[0].isalpha():
            return replace(last, source=last.source + added)
        if last.kind == "code" and last.open and line[0] not in "`~" and last.code:
            return replace(last, source=last.source + added, code=last.code + added)
        return None

    def final(self, text: str) -> list[Block]:
        """The blocks of the whole *text*, as a reloaded answer shows them.

        Only a link reference definition (``[name]: url``) reaches back to change an
        earlier block; without one, the blocks kept while streaming are already those of
        the whole text, and parsing a long answer again at its end would hold up the
        window (about 30 ms for a long answer here). A code block whose fence was never
        closed is whole now too: the answer ended in it."""
        if _REFERENCE.search(text) or not self.blocks:
            self.blocks = blocks(text)
            self._text = text
        else:
            self.update(text)
        self.blocks = [replace(b, open=False) if b.open else b for b in self.blocks]
        return self.blocks
