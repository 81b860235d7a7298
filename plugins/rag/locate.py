"""Where a passage is in its file, in words a person can find it by, and the file's text.

A PDF passage has its page. In a text file the nearest heading before the passage (a
Markdown heading, or a numbered clause such as "4. Redistribution.") says where it is,
with its line number.
"""

from __future__ import annotations

import re
from pathlib import Path

from plugins.rag.ingest import TEXT_SUFFIXES, UnreadableFile, decode_text, read_sections

_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+(?P<md>[^\n]{1,80})"
    r"|(?P<clause>\d{1,2}\.[ \t]+[A-Z][^.\n]{2,60})\.)",
    re.MULTILINE,
)
_LIMIT = 10_000_000  # never read more than the indexer would have


def section_of(path: str, position: int, page: int | None) -> str:
    """The heading (or clause) a passage at *position* falls under, and its line, or "".

    Only text files are read for it (quick); a PDF's page is its place already.
    """
    file = Path(path)
    if page is not None or file.suffix.lower() not in TEXT_SUFFIXES:
        return ""
    try:
        if file.stat().st_size > _LIMIT:
            return ""
        text = decode_text(file.read_bytes())
    except (OSError, UnreadableFile):
        return ""
    before = text[: max(position, 0) + 1]
    line = f"line {before.count(chr(10)) + 1}"
    headings = list(_HEADING.finditer(before))
    if not headings:
        return line
    heading = headings[-1]
    name = (heading.group("md") or heading.group("clause") or "").strip()
    return f"{name}, {line}"


def document_text(path: Path) -> str:
    """The whole text of *path* as the indexer read it: a passage's position is an offset
    into it. Raises :class:`UnreadableFile` with the reason when it cannot be read."""
    sections = read_sections(path, max_bytes=_LIMIT)
    text = ""
    for section in sections:
        text += "\n" * max(section.offset - len(text), 0) + section.text
    return text
