"""The store's vector search is exact, follows every write, and its file list reads alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from plugins.rag.ingest import ChunkText
from plugins.rag.store import FileRecord, SqliteVecIndex, read_file_records

REPO = Path(__file__).resolve().parents[3]


def _write(store: SqliteVecIndex, name: str, vectors: np.ndarray) -> None:
    chunks = [ChunkText(f"{name} passage {i}", None, i * 10) for i in range(len(vectors))]
    store.replace_file(FileRecord(f"/docs/{name}", name, name, 0, 0, "indexed"), chunks, vectors)


def _unit(rng: np.random.Generator, rows: int) -> np.ndarray:
    vectors = rng.standard_normal((rows, 16)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_vector_search_is_the_exact_nearest_and_follows_writes(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    store = SqliteVecIndex(tmp_path / "index.sqlite", dimension=16, model_id="t")
    first, second = _unit(rng, 300), _unit(rng, 200)
    _write(store, "a.txt", first)
    _write(store, "b.txt", second)
    query = _unit(rng, 1)[0]
    everything = np.concatenate([first, second])
    exact = np.argsort(-(everything @ query))[:10]
    hits = store.vector_search(query, 10)
    texts = store.chunks([h.chunk_id for h in hits])
    expected = [f"a.txt passage {i}" if i < 300 else f"b.txt passage {i - 300}" for i in exact]
    assert [texts[h.chunk_id].text for h in hits] == expected
    assert [h.score for h in hits] == pytest.approx(sorted(everything @ query, reverse=True)[:10])
    # Removing a file and writing another take effect on the very next search.
    store.remove_file("/docs/a.txt")
    _write(store, "c.txt", query[None, :])
    best = store.vector_search(query, 1)[0]
    assert store.chunks([best.chunk_id])[best.chunk_id].text == "c.txt passage 0"
    assert best.score == pytest.approx(1.0, abs=1e-5)
    assert all(
        store.chunks([h.chunk_id])[h.chunk_id].path != "/docs/a.txt"
        for h in store.vector_search(query, 250)
    )
    similar = store.similarities(query, [best.chunk_id, 10**9])
    assert list(similar) == [best.chunk_id] and similar[best.chunk_id] == pytest.approx(
        1.0, abs=1e-5
    )
    store.close()


def test_the_file_list_reads_without_the_vector_extension(tmp_path: Path) -> None:
    store = SqliteVecIndex(tmp_path / "index.sqlite", dimension=16, model_id="t")
    _write(store, "a.txt", _unit(np.random.default_rng(1), 3))
    store.close()
    code = (
        "import sys; from pathlib import Path; from plugins.rag.store import read_file_records; "
        f"r = read_file_records(Path({str(tmp_path / 'index.sqlite')!r})); "
        "print(sorted((k, v.chunks) for k, v in r.items()), "
        "{'sqlite_vec', 'torch', 'sentence_transformers'} & set(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=REPO, capture_output=True, text=True
    )
    assert out.stdout.strip() == "[('/docs/a.txt', 3)] set()", out.stderr


def test_a_missing_or_damaged_index_file(tmp_path: Path) -> None:
    assert read_file_records(tmp_path / "none.sqlite") == {}
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ValueError, match="not a readable index"):
        read_file_records(damaged)
