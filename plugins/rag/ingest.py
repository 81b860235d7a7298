"""Reading documents into text, and cutting the text into passages.

Every reader returns :class:`Section` pieces (a PDF gives one per page) with the character
offset where each starts in the document's text, so that every passage can say where it
came from. A file that cannot be read raises :class:`UnreadableFile` with a reason a
person understands; the indexer reports it and goes on with the rest of the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".rst", ".csv", ".json"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".docx"}


# Where a passage may end, most preferred first (kept at the end of the piece before).
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", ". ", "! ", "? ", "; ", "，", ", ", " ", ""]


class UnreadableFile(ValueError):
    """A file that cannot be indexed; ``str()`` says why, in plain words."""


@dataclass(frozen=True, slots=True)
class Section:
    """A stretch of a document's text: a page of a PDF, or the whole of a text file."""

    text: str
    page: int | None
    offset: int


@dataclass(frozen=True, slots=True)
class ChunkText:
    """One passage to index, with where it came from."""

    text: str
    page: int | None
    position: int


def read_sections(path: Path, *, max_bytes: int) -> list[Section]:
    """The text of *path*, in sections; raises :class:`UnreadableFile` when there is none."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES))
        raise UnreadableFile(f"{suffix or 'files without a type'} is not supported ({kinds})")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableFile("the file no longer exists (moved or deleted?)") from None
    if size > max_bytes:
        raise UnreadableFile(
            f"it is {size / 1e6:.1f} MB, larger than the {max_bytes / 1e6:.0f} MB limit "
            "(Documents settings, max file size)"
        )
    if size == 0:
        raise UnreadableFile("the file is empty")
    reader = _READERS.get(suffix, _read_text)
    try:
        sections = reader(path)
    except FileNotFoundError:
        raise UnreadableFile("the file no longer exists (moved or deleted?)") from None
    except PermissionError:
        raise UnreadableFile("this program may not read it (permission denied)") from None
    sections = [s for s in sections if s.text.strip()]
    if not sections:
        raise UnreadableFile("it contains no text")
    return sections


def split_sections(
    sections: Iterable[Section], chunk_size: int, chunk_overlap: int
) -> list[ChunkText]:
    """Cut sections into overlapping passages with LangChain's recursive splitter.

    It cuts at paragraphs first, then lines, then sentences, then words: Chinese and
    Japanese sentences end at 。！？； with no space after them, so those count as sentence
    ends too, and a passage of Chinese text ends at the end of a sentence, not mid-word.
    """
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        keep_separator="end",
        chunk_size=chunk_size,
        chunk_overlap=min(chunk_overlap, chunk_size // 2),
        add_start_index=True,
    )
    chunks: list[ChunkText] = []
    for section in sections:
        for doc in splitter.create_documents([section.text]):
            start = int(doc.metadata.get("start_index", 0))
            chunks.append(ChunkText(doc.page_content, section.page, section.offset + start))
    return chunks


# ---- readers -------------------------------------------------------------------------------


def _read_text(path: Path) -> list[Section]:
    data = path.read_bytes()
    return [Section(decode_text(data), None, 0)]


def decode_text(data: bytes) -> str:
    """Text from bytes in UTF-8 (or, failing that, Windows-1252); binary data is refused."""
    if b"\x00" in data[:8192]:
        raise UnreadableFile("it holds binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    controls = sum(1 for c in text[:8192] if (c < " " and c not in "\t\r\n\f") or c == "\ufffd")
    if controls > len(text[:8192]) * 0.05:
        raise UnreadableFile("it holds binary data, not text")
    return text


def _read_pdf(path: Path) -> list[Section]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("the PDF is protected by a password")
        sections: list[Section] = []
        offset = 0
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            sections.append(Section(text, number, offset))
            offset += len(text) + 1
    except UnreadableFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableFile(f"it is not a readable PDF ({exc})") from exc
    if sections and not any(s.text.strip() for s in sections):
        raise UnreadableFile("the PDF has no text layer (a scan?); text in images is not read")
    return sections


def _read_docx(path: Path) -> list[Section]:
    from zipfile import BadZipFile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise UnreadableFile("it is not a readable Word (.docx) document") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return [Section("\n".join(lines), None, 0)]


class _HtmlText(HTMLParser):
    """Collects the visible text of an HTML page, a line per block element."""

    _SKIPPED = frozenset({"script", "style", "noscript", "template", "head"})
    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "title"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _read_html(path: Path) -> list[Section]:
    parser = _HtmlText()
    parser.feed(decode_text(path.read_bytes()))
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return [Section("\n".join(line for line in lines if line), None, 0)]


_READERS: dict[str, Callable[[Path], list[Section]]] = {
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
}
