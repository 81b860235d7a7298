"""Reading each file type, and reporting every file that cannot be read, by name."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from plugins.rag.indexer import Indexer
from plugins.rag.ingest import UnreadableFile, read_sections, split_sections
from plugins.rag.store import SqliteVecIndex
from tests.plugins.rag.conftest import make_docx, make_pdf, make_scanned_pdf

MB = 1_000_000


def test_pdf_text_is_read_per_page(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "r.pdf", ["Revenue rose by five percent.", "Costs fell sharply."])
    sections = read_sections(pdf, max_bytes=MB)
    assert [s.page for s in sections] == [1, 2]
    assert "five percent" in sections[0].text
    assert "Costs fell" in sections[1].text
    assert sections[1].offset > sections[0].offset


def test_docx_paragraphs_and_tables_are_read(tmp_path: Path) -> None:
    doc = make_docx(tmp_path / "m.docx", ["Minutes of the board.", "Alice will send the invoice."])
    (section,) = read_sections(doc, max_bytes=MB)
    assert "Alice will send the invoice." in section.text
    assert "Room | B-214" in section.text


def test_html_keeps_visible_text_only(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<h1>Opening hours</h1><p>We open at 9&nbsp;am.</p><script>var x = 1;</script>"
        "</body></html>",
        encoding="utf-8",
    )
    (section,) = read_sections(page, max_bytes=MB)
    assert section.text.splitlines() == ["Opening hours", "We open at 9 am."]


def test_text_in_windows_encoding_is_read(tmp_path: Path) -> None:
    note = tmp_path / "n.txt"
    note.write_bytes("Café crème costs 3 €.".encode("cp1252"))
    assert read_sections(note, max_bytes=MB)[0].text == "Café crème costs 3 €."


def test_chunks_keep_page_and_offset(tmp_path: Path) -> None:
    text = "\n\n".join(f"Paragraph {i} says something about topic {i}." for i in range(40))
    note = tmp_path / "long.md"
    note.write_text(text, encoding="utf-8")
    chunks = split_sections(read_sections(note, max_bytes=MB), 200, 40)
    assert len(chunks) > 5
    for chunk in chunks:
        assert text[chunk.position : chunk.position + len(chunk.text)] == chunk.text
        assert chunk.page is None


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("junk.txt", os.urandom(4096), "binary data"),
        ("empty.md", b"", "empty"),
        ("blank.txt", b"  \n\n\t ", "no text"),
        ("sheet.xlsx", b"PK\x03\x04", "not supported"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
        ("broken.docx", b"not a zip at all", "not a readable Word"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=reason):
        read_sections(path, max_bytes=MB)


def test_encrypted_pdf_is_reported(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "secret.pdf", ["Top secret plans."], password="hunter2")
    with pytest.raises(UnreadableFile, match="password"):
        read_sections(pdf, max_bytes=MB)


def test_scanned_pdf_is_reported(tmp_path: Path) -> None:
    pdf = make_scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(UnreadableFile, match="no text layer"):
        read_sections(pdf, max_bytes=MB)


def test_a_batch_goes_on_past_bad_files(tmp_path: Path, indexer: Indexer) -> None:
    """Every bad file is reported by name with its reason; the good ones are indexed."""
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "report.pdf", ["The harvest was late this year because of rain."])
    make_docx(folder / "minutes.docx", ["Bob chairs the next meeting."])
    make_pdf(folder / "locked.pdf", ["Hidden."], password="pw")
    make_scanned_pdf(folder / "scan.pdf")
    (folder / "junk.txt").write_bytes(os.urandom(2048))
    (folder / "empty.txt").write_bytes(b"")
    # 20 MB of real text: refused by size at once instead of embedding for minutes.
    line = b"The quick brown fox jumps over the lazy dog near the river bank.\n"
    (folder / "huge.txt").write_bytes(line * (20 * MB // len(line)))
    started = time.monotonic()
    report = indexer.index([folder])
    assert time.monotonic() - started < 20
    assert sorted(report.indexed) == ["minutes.docx", "report.pdf"]
    reasons = dict(report.failed)
    assert sorted(reasons) == ["empty.txt", "huge.txt", "junk.txt", "locked.pdf", "scan.pdf"]
    assert "password" in reasons["locked.pdf"]
    assert "no text layer" in reasons["scan.pdf"]
    assert "binary" in reasons["junk.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "20.0 MB" in reasons["huge.txt"] and "limit" in reasons["huge.txt"]
    store = indexer.store
    assert isinstance(store, SqliteVecIndex)
    records = store.files()
    assert records[str(folder / "report.pdf")].status == "indexed"
    assert records[str(folder / "junk.txt")].status == "failed"
    assert store.chunk_count() == sum(r.chunks for r in records.values()) == 2
