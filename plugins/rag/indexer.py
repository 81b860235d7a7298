"""Incremental, resumable indexing of files and folders, with progress and cancel.

A file is skipped when its size and modification time match what was indexed (the fast
path), or, when they differ, its content hash still does. A changed file is indexed again;
a file that was indexed and is gone is removed. Each file is written in one transaction, so
stopping (or crashing) mid-way loses nothing already indexed, and the next run goes on.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.cancel import CancelToken
from plugins.rag.embedder import Embedder
from plugins.rag.ingest import (
    SUPPORTED_SUFFIXES,
    ChunkText,
    UnreadableFile,
    read_sections,
    split_sections,
)
from plugins.rag.store import FileRecord, VectorIndex

if TYPE_CHECKING:
    import numpy as np

EMBED_BATCH = 64


@dataclass(frozen=True, slots=True)
class IndexProgress:
    """How far an indexing run has come; *eta_s* is None until it can be estimated."""

    files_done: int
    files_total: int
    chunks_done: int
    rate: float  # chunks per second
    eta_s: float | None
    current: str  # title of the file being indexed

    @property
    def fraction(self) -> float:
        """Share of the files done, 0 to 1."""
        return self.files_done / self.files_total if self.files_total else 1.0


@dataclass(slots=True)
class IndexReport:
    """What an indexing run did, file by file."""

    indexed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    chunks: int = 0
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class IndexSettings:
    """How files are cut into passages and which are too large."""

    chunk_size: int = 1000
    chunk_overlap: int = 150
    max_file_bytes: int = 10_000_000


def file_hash(path: Path) -> str:
    """SHA-256 of a file's content, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files to index: the files given, and the supported files inside the folders given."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and _indexable(p, path))
        else:
            files.append(path)
    return list(dict.fromkeys(files))  # a folder given inside another one: each file once


def _indexable(path: Path, root: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return not hidden and path.suffix.lower() in SUPPORTED_SUFFIXES


class Indexer:
    """Indexes files into a :class:`VectorIndex`; usable from any one thread at a time."""

    def __init__(self, index: VectorIndex, embedder: Embedder, settings: IndexSettings) -> None:
        self.store = index
        self.embedder = embedder
        self.settings = settings

    def index(
        self,
        paths: Iterable[Path],
        progress: Callable[[IndexProgress], None] = lambda p: None,
        cancel: CancelToken | None = None,
        *,
        titles: Mapping[Path, str] | None = None,
    ) -> IndexReport:
        """Index files and folders, calling *progress* as it goes; stops when cancelled."""
        steps = self.steps(paths, cancel or CancelToken(), titles=titles)
        while True:
            try:
                progress(next(steps))
            except StopIteration as done:
                report: IndexReport = done.value
                return report

    def steps(
        self,
        paths: Iterable[Path],
        cancel: CancelToken,
        *,
        titles: Mapping[Path, str] | None = None,
    ) -> Iterator[IndexProgress]:
        """The indexing run as a generator of progress; returns the :class:`IndexReport`."""
        given = [Path(p).absolute() for p in paths]
        titles = {Path(k).absolute(): v for k, v in (titles or {}).items()}
        known = self.store.files()
        report = IndexReport()
        removed = self._remove_missing(given, known, report)
        files = [f for f in expand(given) if str(f) not in removed]
        run = _Run(cancel, report, len(files), sum(_size(f) for f in files))
        pending: list[_Pending] = []
        for number, path in enumerate(files):
            run.files_done = number
            title = titles.get(path, path.name)
            yield run.progress(report.chunks, title)
            if cancel.cancelled:
                report.cancelled = True
                break
            prepared = self._prepare(path, title, known.get(str(path)), run)
            if prepared is None:
                report.skipped.append(title)
            elif prepared.chunks:
                pending.append(prepared)
            run.bytes_done += _size(path)
            last = number == len(files) - 1
            # Small files are embedded together (one encode call for many), then each is
            # committed on its own as soon as its passages are embedded.
            if pending and (last or sum(len(p.chunks) for p in pending) >= EMBED_BATCH):
                try:
                    yield from self._embed_and_store(pending, run)
                except _Stopped:
                    report.cancelled = True
                    pending = []  # what was committed stays; the rest is redone next time
                    break
                pending = []
            run.files_done = number + 1
        if pending:
            # Stopped between files: the few small files already read are kept.
            yield from self._embed_and_store(pending, run, stoppable=False)
        yield run.progress(report.chunks, "")
        return report

    def _remove_missing(
        self, given: list[Path], known: Mapping[str, FileRecord], report: IndexReport
    ) -> set[str]:
        """Forget indexed files that are gone from the files and folders given; their paths."""
        removed = set()
        for path, record in known.items():
            candidate = Path(path)
            inside = any(candidate == root or root in candidate.parents for root in given)
            if inside and not candidate.exists():
                self.store.remove_file(path)
                report.removed.append(record.title)
                removed.add(path)
        return removed

    def _prepare(
        self, path: Path, title: str, record: FileRecord | None, run: _Run
    ) -> _Pending | None:
        """Read and split one file; None when it is unchanged and so skipped."""
        try:
            stat = path.stat()
            if _unchanged_fast(record, stat):
                return None
            content_hash = file_hash(path)
        except OSError:
            run.report.failed.append((title, "the file no longer exists (moved or deleted?)"))
            return _Pending(title, None, [])
        fresh = FileRecord(str(path), title, content_hash, stat.st_mtime_ns, stat.st_size, "")
        unchanged = record is not None and record.content_hash == content_hash
        if unchanged and record is not None and record.status == "indexed":
            # Touched but not changed: remember the new times, keep the passages.
            self.store.set_record(_with_status(fresh, "indexed", chunks=record.chunks))
            return None
        try:
            sections = read_sections(path, max_bytes=self.settings.max_file_bytes)
            chunks = split_sections(sections, self.settings.chunk_size, self.settings.chunk_overlap)
        except UnreadableFile as exc:
            run.report.failed.append((title, str(exc)))
            self.store.replace_file(_with_status(fresh, "failed", str(exc)), [], self._empty())
            return _Pending(title, None, [])
        return _Pending(title, _with_status(fresh, "indexed"), chunks)

    def _embed_and_store(
        self, pending: list[_Pending], run: _Run, *, stoppable: bool = True
    ) -> Iterator[IndexProgress]:
        """Embed the passages of *pending* files in batches, committing each file when done."""
        import numpy as np

        texts = [chunk.text for item in pending for chunk in item.chunks]
        ends = np.cumsum([len(item.chunks) for item in pending])
        vectors: list[np.ndarray] = []
        stored = 0
        for start in range(0, len(texts), EMBED_BATCH):
            if stoppable and run.cancel.cancelled:
                raise _Stopped
            vectors.append(self.embedder.embed(texts[start : start + EMBED_BATCH]))
            embedded = start + len(vectors[-1])
            matrix = np.concatenate(vectors) if len(vectors) > 1 else vectors[0]
            while stored < len(pending) and ends[stored] <= embedded:
                item = pending[stored]
                begin = int(ends[stored]) - len(item.chunks)
                assert item.record is not None
                self.store.replace_file(item.record, item.chunks, matrix[begin : ends[stored]])
                run.report.indexed.append(item.title)
                run.report.chunks += len(item.chunks)
                stored += 1
            current = pending[min(stored, len(pending) - 1)].title
            done = int(ends[stored - 1]) if stored else 0
            yield run.progress(run.report.chunks + embedded - done, current)

    def _empty(self) -> np.ndarray:
        import numpy as np

        return np.zeros((0, self.embedder.dimension), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class _Pending:
    """A file read and split, waiting for its passages to be embedded."""

    title: str
    record: FileRecord | None  # None: nothing to store (it failed and was reported)
    chunks: list[ChunkText]


class _Stopped(Exception):
    """Cancelled between two batches of one file; the file's transaction never began."""


def _with_status(record: FileRecord, status: str, reason: str = "", chunks: int = 0) -> FileRecord:
    return FileRecord(
        record.path,
        record.title,
        record.content_hash,
        record.mtime_ns,
        record.size,
        status,
        reason,
        chunks,
    )


def _unchanged_fast(record: FileRecord | None, stat: os.stat_result) -> bool:
    return (
        record is not None
        and record.status == "indexed"
        and record.size == stat.st_size
        and record.mtime_ns == stat.st_mtime_ns
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _Run:
    """One indexing run: its cancel token, its report, and rate and time-left estimates."""

    def __init__(
        self, cancel: CancelToken, report: IndexReport, files_total: int, bytes_total: int
    ) -> None:
        self.cancel = cancel
        self.report = report
        self.files_total = files_total
        self.bytes_total = bytes_total
        self.bytes_done = 0
        self.files_done = 0
        self.started = time.monotonic()

    def progress(self, chunks_done: int, current: str) -> IndexProgress:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        eta = None
        if self.bytes_done and self.bytes_total:
            eta = (self.bytes_total - self.bytes_done) * elapsed / self.bytes_done
        return IndexProgress(
            self.files_done, self.files_total, chunks_done, chunks_done / elapsed, eta, current
        )
