"""Hybrid retrieval finds what either search alone misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.rag.embedder import SentenceTransformerEmbedder
from plugins.rag.indexer import Indexer
from plugins.rag.retrieve import Retriever, content_terms, fuse
from plugins.rag.store import SqliteVecIndex

DOCUMENTS = {
    "gate.txt": "Parts list. Order code ZK-4471-Q: replacement hinge for the garden gate.",
    "door.txt": "Parts list. Order code ZK-4417-O: brass handle for the front door.",
    "window.txt": "Parts list. Order code KZ-4471-G: rubber seal for the kitchen window.",
    "shelf.txt": "Parts list. Order code QZ-7144-K: steel bracket for the shelf.",
    "cats.txt": "Felines doze for roughly sixteen hours daily, mostly in warm sunny spots.",
    "dogs.txt": "Long walks twice a day keep a dog healthy.",
    "bread.txt": "Bake the loaf at 220 degrees for forty minutes until the crust is golden.",
    "tax.txt": "Tax returns must be filed by the end of April with all receipts attached.",
}


@pytest.fixture
def retriever(
    tmp_path: Path, indexer: Indexer, store: SqliteVecIndex, embedder: SentenceTransformerEmbedder
) -> Retriever:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    indexer.index([folder])
    return Retriever(store, embedder)


def _titles(store: SqliteVecIndex, ids: list[int]) -> list[str]:
    chunks = store.chunks(ids)
    return [chunks[i].title for i in ids]


def test_exact_rare_term_that_vector_search_misses(
    retriever: Retriever, store: SqliteVecIndex, embedder: SentenceTransformerEmbedder
) -> None:
    question = "ZK-4471-Q"
    by_vector = store.vector_search(embedder.embed([question])[0], 3)
    assert _titles(store, [h.chunk_id for h in by_vector])[0] != "gate.txt"
    result = retriever.retrieve(question, top_k=3, min_similarity=0.5)
    assert result.passages[0].chunk.title == "gate.txt"
    assert result.passages[0].exact
    assert result.strong  # an exact match counts even when the vectors are unsure


def test_paraphrase_that_keyword_search_misses(retriever: Retriever, store: SqliteVecIndex) -> None:
    question = "How long do cats nap each day?"
    by_keyword = store.keyword_search(content_terms(question), 10, match_all=False)
    assert "cats.txt" not in _titles(store, [h.chunk_id for h in by_keyword])
    result = retriever.retrieve(question, top_k=3, min_similarity=0.3)
    found = [p.chunk.title for p in result.passages]
    assert "cats.txt" in found
    assert result.strong


def test_unrelated_question_is_weak(retriever: Retriever) -> None:
    result = retriever.retrieve("Who painted the Mona Lisa?", top_k=3, min_similarity=0.3)
    assert not result.strong
    assert all(p.similarity < 0.3 for p in result.passages)


def test_reciprocal_rank_fusion_prefers_agreement() -> None:
    assert fuse([[1, 2, 3], [3, 4]]) == [3, 1, 2, 4]
    assert fuse([[5], [], [5]]) == [5]


def test_content_terms_drop_stop_words() -> None:
    assert content_terms("What does the contract say about the Termination fee?") == [
        "contract",
        "termination",
        "fee",
    ]
