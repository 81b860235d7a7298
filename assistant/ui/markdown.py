"""Markdown to the HTML subset Qt's text engine draws, with highlighted code blocks.

Streaming answers are rendered in two parts: the *settled* part (whole paragraphs and
closed code blocks, which later text cannot change) is rendered once, and only the short
tail after it is redrawn as tokens arrive.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_FENCE = ("```", "~~~")
# Links an answer may contain: the web, mail, and the links plugins make for their own
# answers ("vision:highlight/…"), which main_window adds here. Never "action:" (the
# message actions) or file paths: model output must not delete messages or show files.
SAFE_SCHEMES = {"http", "https", "mailto"}


def _lexer(code: str, language: str) -> object:
    from pygments.lexers import TextLexer, get_lexer_by_name, guess_lexer
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language) if language else guess_lexer(code)
    except ClassNotFound:
        return TextLexer()


@lru_cache(maxsize=2)
def _renderer(dark: bool) -> MarkdownIt:
    # Imported on the first message drawn, not at start-up.
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


def _safe_link(url: str) -> bool:
    scheme, colon, _ = url.partition(":")
    return bool(colon) and scheme.lower() in SAFE_SCHEMES


def to_html(text: str, dark: bool = False) -> str:
    """Render Markdown *text*; raw HTML in it is shown as text, never interpreted."""
    return _renderer(dark).render(text)


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
