"""Incremental, resumable indexing: skip what is unchanged, survive being killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from assistant.core.cancel import CancelToken
from plugins.rag.embedder import SentenceTransformerEmbedder
from plugins.rag.indexer import Indexer, IndexProgress
from plugins.rag.knowledge import Knowledge
from plugins.rag.settings import RagSettings
from plugins.rag.store import SqliteVecIndex

REPO = Path(__file__).resolve().parents[3]


def _write_corpus(folder: Path, count: int, paragraphs: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        text = "\n\n".join(
            f"Note {i}, paragraph {p}: the meeting about project {i} covered item {p}. " * 4
            for p in range(paragraphs)
        )
        path = folder / f"note{i}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def _no_duplicates(store: SqliteVecIndex) -> None:
    records = store.files()
    assert store.chunk_count() == sum(r.chunks for r in records.values())
    found = store.chunks(list(range(1, store.chunk_count() * 3 + 50)))
    keys = [(c.path, c.position) for c in found.values()]
    assert len(keys) == len(set(keys)) == store.chunk_count()


def test_unchanged_skipped_changed_reindexed_deleted_removed(
    tmp_path: Path, indexer: Indexer, store: SqliteVecIndex
) -> None:
    folder = tmp_path / "notes"
    files = _write_corpus(folder, 4)
    first = indexer.index([folder])
    assert len(first.indexed) == 4 and not first.skipped
    before = store.chunk_count()

    again = indexer.index([folder])
    assert again.indexed == [] and sorted(again.skipped) == [f.name for f in files]

    files[0].write_text("Completely new text about the lighthouse keeper.", encoding="utf-8")
    os.utime(files[1])  # touched, same content: the hash keeps it skipped
    files[2].unlink()
    third = indexer.index([folder])
    assert third.indexed == ["note0.txt"]
    assert sorted(third.skipped) == ["note1.txt", "note3.txt"]
    assert third.removed == ["note2.txt"]
    assert str(files[2]) not in store.files()
    assert store.files()[str(files[1])].mtime_ns == files[1].stat().st_mtime_ns
    assert store.chunk_count() < before
    _no_duplicates(store)


def test_progress_reports_files_chunks_rate_and_eta(tmp_path: Path, indexer: Indexer) -> None:
    _write_corpus(tmp_path / "n", 3, paragraphs=6)
    seen: list[IndexProgress] = []
    report = indexer.index([tmp_path / "n"], seen.append)
    assert seen[0].files_done == 0 and seen[0].files_total == 3
    assert seen[-1].files_done == 3 and seen[-1].fraction == 1.0
    assert seen[-1].chunks_done == report.chunks > 3
    assert seen[-1].rate > 0
    assert any(p.eta_s is not None for p in seen)
    assert {p.current for p in seen} >= {"note0.txt", "note1.txt", "note2.txt"}


def test_file_deleted_mid_index_is_reported(tmp_path: Path, indexer: Indexer) -> None:
    files = _write_corpus(tmp_path / "n", 3)

    def delete_the_last(progress: IndexProgress) -> None:
        if progress.current == "note0.txt" and files[2].exists():
            files[2].unlink()

    report = indexer.index([tmp_path / "n"], delete_the_last)
    assert sorted(report.indexed) == ["note0.txt", "note1.txt"]
    assert [name for name, _ in report.failed] == ["note2.txt"]
    assert "no longer exists" in report.failed[0][1]


def test_cancel_stops_between_files_and_keeps_what_was_done(
    tmp_path: Path, indexer: Indexer, store: SqliteVecIndex
) -> None:
    _write_corpus(tmp_path / "n", 4)
    cancel = CancelToken()

    def stop_after_two(progress: IndexProgress) -> None:
        if progress.files_done == 2:
            cancel.cancel()

    report = indexer.index([tmp_path / "n"], stop_after_two, cancel)
    assert report.cancelled
    assert len(report.indexed) == 2
    assert len(store.files()) == 2
    rest = indexer.index([tmp_path / "n"])
    assert len(rest.skipped) == 2 and len(rest.indexed) == 2


_KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from plugins.rag.embedder import SentenceTransformerEmbedder, load_sentence_transformer
from plugins.rag.indexer import Indexer, IndexSettings
from plugins.rag.store import SqliteVecIndex

data, folder = Path(sys.argv[1]), Path(sys.argv[2])
model = load_sentence_transformer("", lambda m, f: None)
embedder = SentenceTransformerEmbedder(lambda: model, "")
store = SqliteVecIndex(data, dimension=embedder.dimension, model_id=embedder.model_id)
started = {}

def progress(p):
    # Killed for real, half-way through the big fourth file (after its first batch).
    if p.current == "note3.txt":
        if p.current not in started:
            started[p.current] = p.chunks_done
        elif p.chunks_done > started[p.current]:
            os.kill(os.getpid(), signal.SIGKILL)

Indexer(store, embedder, IndexSettings(chunk_size=200, chunk_overlap=20)).index([folder], progress)
"""


def test_resume_after_the_indexing_process_is_killed(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    folder = tmp_path / "corpus"
    files = _write_corpus(folder, 6)
    files[3].write_text(files[3].read_text(encoding="utf-8") * 30, encoding="utf-8")
    database = tmp_path / "index.sqlite"
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_KILLED_RUN), str(database), str(folder)],
        cwd=REPO,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]

    store = SqliteVecIndex(database, dimension=embedder.dimension, model_id=embedder.model_id)
    try:
        assert sorted(Path(p).name for p in store.files()) == [
            "note0.txt",
            "note1.txt",
            "note2.txt",
        ]
        _no_duplicates(store)
        indexer = Indexer(store, embedder, _settings())
        report = indexer.index([folder])
        assert sorted(report.skipped) == ["note0.txt", "note1.txt", "note2.txt"]
        assert sorted(report.indexed) == ["note3.txt", "note4.txt", "note5.txt"]
        assert len(store.files()) == 6
        _no_duplicates(store)
    finally:
        store.close()


def _settings():  # type: ignore[no-untyped-def]
    from plugins.rag.indexer import IndexSettings

    return IndexSettings(chunk_size=200, chunk_overlap=20)


def test_knowledge_lists_removes_and_reindexes(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    files = _write_corpus(tmp_path / "n", 3)
    knowledge = Knowledge.open(tmp_path / "data", embedder, RagSettings(chunk_size=300))
    try:
        knowledge.add([tmp_path / "n"])
        sources = knowledge.sources()
        assert [s.title for s in sources] == ["note0.txt", "note1.txt", "note2.txt"]
        assert all(s.status == "indexed" and s.chunks > 0 for s in sources)

        knowledge.remove(files[0])
        assert [s.title for s in knowledge.sources()] == ["note1.txt", "note2.txt"]

        files[1].write_text("The ferry leaves at noon on Sundays.", encoding="utf-8")
        files[2].unlink()
        report = knowledge.reindex()
        assert report.indexed == ["note1.txt"] and report.removed == ["note2.txt"]
        assert [(s.title, s.chunks) for s in knowledge.sources()] == [("note1.txt", 1)]
    finally:
        knowledge.close()


def test_another_embedding_model_marks_files_stale(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    _write_corpus(tmp_path / "n", 2)
    path = tmp_path / "index.sqlite"
    store = SqliteVecIndex(path, dimension=embedder.dimension, model_id=embedder.model_id)
    Indexer(store, embedder, _settings()).index([tmp_path / "n"])
    store.close()
    other = SqliteVecIndex(path, dimension=embedder.dimension, model_id="another-model")
    try:
        assert {r.status for r in other.files().values()} == {"stale"}
        assert other.chunk_count() == 0
    finally:
        other.close()
