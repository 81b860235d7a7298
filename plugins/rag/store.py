"""Where passages, their vectors and the list of indexed files are kept.

Why SQLite with sqlite-vec (through apsw) rather than LanceDB: the index must be
incremental and survive a crash mid-way, which means that "file X is indexed, with these
passages, these vectors and these keyword postings" has to be written all at once or not at
all. With sqlite-vec, the files table, the passages, the FTS5 keyword index (BM25) and the
vectors live in ONE SQLite file, so one transaction per file gives exactly that; LanceDB
would keep vectors in a second store with its own versions and no transaction shared with
the files table, and appends of one small file at a time fragment its tables. sqlite-vec is a
single small loadable extension with no server and no extra runtime. apsw is needed because
the stdlib ``sqlite3`` here cannot load extensions; apsw bundles a recent SQLite with FTS5.

SQLite keeps the vectors; searching them happens in numpy. sqlite-vec's own brute-force
scan took ~35-75 ms over 100,000 384-d vectors on two cores, a numpy matrix product over
the same vectors ~10 ms (BLAS, both cores). So the vectors are read into one float32 matrix
on the first search (about 1.5 KB a passage: 150 MB at 100,000) and read again after a
write; the search stays exact.

:class:`VectorIndex` is the small interface the indexer and retriever use, so that a server
engine (Qdrant, PostgreSQL with pgvector) can take over; see README.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from plugins.rag.ingest import ChunkText


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What the index knows of one file: how it looked when indexed, and how that went."""

    path: str
    title: str
    content_hash: str
    mtime_ns: int
    size: int
    status: str  # "indexed", "failed" or "stale" (must be indexed again)
    reason: str = ""
    chunks: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    """A passage a search found; *score* is cosine similarity, or -BM25 for keywords."""

    chunk_id: int
    score: float


@dataclass(frozen=True, slots=True)
class StoredChunk:
    """A passage as stored, with the file it came from."""

    chunk_id: int
    path: str
    title: str
    page: int | None
    position: int
    text: str


class VectorIndex(Protocol):
    """Passages with vectors and keywords, written one whole file at a time."""

    def files(self) -> dict[str, FileRecord]:
        """Every file the index knows, by path."""
        ...

    def replace_file(
        self, record: FileRecord, chunks: Sequence[ChunkText], vectors: np.ndarray
    ) -> None:
        """Atomically replace a file's passages (and its record) with these."""
        ...

    def set_record(self, record: FileRecord) -> None:
        """Update what is known of a file, keeping its passages."""
        ...

    def remove_file(self, path: str) -> None:
        """Forget a file and its passages."""
        ...

    def vector_search(self, vector: np.ndarray, k: int) -> list[Hit]:
        """The *k* passages nearest to *vector* (a unit vector), best first, by cosine."""
        ...

    def keyword_search(self, terms: Sequence[str], k: int, *, match_all: bool) -> list[Hit]:
        """The *k* best BM25 passages holding all (or any) of *terms*, best first."""
        ...

    def similarities(self, vector: np.ndarray, chunk_ids: Sequence[int]) -> dict[int, float]:
        """The cosine similarity of *vector* to each of these passages (those that exist)."""
        ...

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, StoredChunk]:
        """The stored passages with these ids (those that exist)."""
        ...

    def folders(self) -> set[str]:
        """The folders the person added, walked again for new files on a re-index."""
        ...

    def set_folder(self, path: str, added: bool) -> None:
        """Remember (or forget) a folder the person added."""
        ...

    def excluded(self) -> set[str]:
        """Files inside added folders that the person removed, so not to index again."""
        ...

    def set_excluded(self, path: str, excluded: bool) -> None:
        """Keep a file of an added folder out of the index (or let it in again)."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


_SCHEMA = """
create table if not exists meta(key text primary key, value text not null);
create table if not exists files(
    path text primary key, title text not null, content_hash text not null,
    mtime_ns integer not null, size integer not null, status text not null,
    reason text not null default '', chunks integer not null default 0);
create table if not exists chunks(
    id integer primary key, path text not null, page integer, position integer not null,
    text text not null);
create index if not exists chunks_by_path on chunks(path);
create table if not exists folders(path text primary key);
create table if not exists excluded_files(path text primary key);
create virtual table if not exists chunks_fts using fts5(
    text, content='', contentless_delete=1, tokenize='porter unicode61');
"""


def read_file_records(path: Path) -> dict[str, FileRecord]:
    """The files an index at *path* knows, read without opening it for search (no vector
    extension, no embedding model): what the Documents panel lists the moment it opens.
    A missing index knows no files."""
    import apsw

    if not path.exists():
        return {}
    try:
        db = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    except apsw.Error as exc:
        raise ValueError(f"{path} cannot be opened ({exc})") from exc
    try:
        db.set_busy_timeout(2000)
        rows = db.execute(
            "select path, title, content_hash, mtime_ns, size, status, reason, chunks from files"
        ).fetchall()
    except apsw.SQLError as exc:
        if "no such table" in str(exc):
            return {}  # an index created but never written to
        raise ValueError(f"{path} is not a readable index ({exc})") from exc
    except apsw.Error as exc:
        raise ValueError(f"{path} is not a readable index ({exc})") from exc
    finally:
        db.close()
    return {row[0]: FileRecord(*row) for row in rows}


class SqliteVecIndex:
    """A :class:`VectorIndex` in one SQLite file: sqlite-vec vectors, FTS5 keywords."""

    def __init__(self, path: Path, *, dimension: int, model_id: str) -> None:
        import apsw
        import sqlite_vec

        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.dimension = dimension
        self._db = apsw.Connection(str(path))
        self._db.enable_load_extension(True)
        self._db.load_extension(sqlite_vec.loadable_path())
        self._db.enable_load_extension(False)
        self._db.set_busy_timeout(5000)
        # WAL + synchronous=NORMAL: a committed file survives the process being killed.
        self._db.execute("pragma journal_mode=wal; pragma synchronous=normal;")
        self._db.execute("pragma mmap_size=1073741824")
        self._matrix: tuple[np.ndarray, np.ndarray] | None = None  # (ids, vectors), sorted
        with self._db:
            self._db.execute(_SCHEMA)
            self._match_model(model_id)

    def _match_model(self, model_id: str) -> None:
        """Vectors of another model (or size) are useless: drop them and mark files stale."""
        self._matrix = None
        wanted = f"{model_id}|{self.dimension}"
        row = self._db.execute("select value from meta where key='model'").fetchone()
        if row is not None and row[0] == wanted:
            return
        self._db.execute("drop table if exists chunk_vectors")
        self._db.execute("delete from chunks")
        self._db.execute("delete from chunks_fts")
        self._db.execute("update files set status='stale', chunks=0 where status='indexed'")
        self._db.execute(
            "create virtual table chunk_vectors using vec0("
            f"chunk_id integer primary key, embedding float[{self.dimension}])"
        )
        self._db.execute("insert or replace into meta(key, value) values('model', ?)", (wanted,))

    def files(self) -> dict[str, FileRecord]:
        rows = self._db.execute(
            "select path, title, content_hash, mtime_ns, size, status, reason, chunks from files"
        )
        return {row[0]: FileRecord(*row) for row in rows}

    def replace_file(
        self, record: FileRecord, chunks: Sequence[ChunkText], vectors: np.ndarray
    ) -> None:
        import numpy as np

        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        self._matrix = None
        with self._db:
            self._delete_chunks(record.path)
            for chunk, vector in zip(chunks, matrix, strict=True):
                self._db.execute(
                    "insert into chunks(path, page, position, text) values(?, ?, ?, ?)",
                    (record.path, chunk.page, chunk.position, chunk.text),
                )
                chunk_id = self._db.last_insert_rowid()
                self._db.execute(
                    "insert into chunks_fts(rowid, text) values(?, ?)", (chunk_id, chunk.text)
                )
                self._db.execute(
                    "insert into chunk_vectors(chunk_id, embedding) values(?, ?)",
                    (chunk_id, vector.tobytes()),
                )
            self._write_record(record, len(chunks))

    def set_record(self, record: FileRecord) -> None:
        with self._db:
            self._write_record(record, record.chunks)

    def _write_record(self, record: FileRecord, chunk_count: int) -> None:
        self._db.execute(
            "insert or replace into files(path, title, content_hash, mtime_ns, size, "
            "status, reason, chunks) values(?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.path,
                record.title,
                record.content_hash,
                record.mtime_ns,
                record.size,
                record.status,
                record.reason,
                chunk_count,
            ),
        )

    def remove_file(self, path: str) -> None:
        self._matrix = None
        with self._db:
            self._delete_chunks(path)
            self._db.execute("delete from files where path=?", (path,))

    def _delete_chunks(self, path: str) -> None:
        ids = [(r[0],) for r in self._db.execute("select id from chunks where path=?", (path,))]
        self._db.executemany("delete from chunk_vectors where chunk_id=?", ids)
        self._db.executemany("delete from chunks_fts where rowid=?", ids)
        self._db.execute("delete from chunks where path=?", (path,))

    def _vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Every passage id (ascending) and its vector, as arrays; read once per write."""
        import numpy as np

        if self._matrix is None:
            rows = self._db.execute(
                "select chunk_id, embedding from chunk_vectors order by chunk_id"
            ).fetchall()
            ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
            vectors = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32)
            self._matrix = (ids, vectors.reshape(len(rows), self.dimension))
        return self._matrix

    def vector_search(self, vector: np.ndarray, k: int) -> list[Hit]:
        import numpy as np

        ids, vectors = self._vectors()
        if not len(ids) or k <= 0:
            return []
        scores = vectors @ np.asarray(vector, dtype=np.float32)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Hit(int(ids[row]), float(scores[row])) for row in top]

    def keyword_search(self, terms: Sequence[str], k: int, *, match_all: bool) -> list[Hit]:
        if not terms:
            return []
        quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
        if not match_all:
            # BM25 gives words found nearly everywhere almost no weight, yet ranking them
            # costs a pass over every passage holding them: leave them out of an OR search.
            quoted = [q for q in quoted if not self._common(q)]
            if not quoted:
                return []
        expression = (" AND " if match_all else " OR ").join(quoted)
        rows = self._db.execute(
            "select rowid, bm25(chunks_fts) from chunks_fts where chunks_fts match ? "
            "order by rank limit ?",
            (expression, k),
        )
        return [Hit(rowid, -score) for rowid, score in rows]

    def _common(self, quoted_term: str) -> bool:
        """Whether a term is in more than 5% of passages (and at least 2,000), counted
        no further than that bound."""
        total = self._db.execute("select coalesce(max(id), 0) from chunks").fetchone()[0]
        bound = max(2000, total // 20)
        found = self._db.execute(
            "select count(*) from (select rowid from chunks_fts where chunks_fts match ? limit ?)",
            (quoted_term, bound),
        ).fetchone()[0]
        return bool(found >= bound)

    def similarities(self, vector: np.ndarray, chunk_ids: Sequence[int]) -> dict[int, float]:
        import numpy as np

        ids, vectors = self._vectors()
        wanted = np.asarray(list(chunk_ids), dtype=np.int64)
        rows = np.searchsorted(ids, wanted)
        found: dict[int, float] = {}
        query = np.asarray(vector, dtype=np.float32)
        for chunk_id, row in zip(wanted, rows, strict=True):
            if row < len(ids) and ids[row] == chunk_id:
                found[int(chunk_id)] = float(vectors[row] @ query)
        return found

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, StoredChunk]:
        wanted = sorted({int(i) for i in chunk_ids})
        if not wanted:
            return {}
        rows = self._db.execute(
            "select c.id, c.path, coalesce(f.title, c.path), c.page, c.position, c.text "
            "from chunks c left join files f on f.path = c.path "
            f"where c.id in ({', '.join('?' * len(wanted))})",
            wanted,
        )
        return {row[0]: StoredChunk(*row) for row in rows}

    def folders(self) -> set[str]:
        return {row[0] for row in self._db.execute("select path from folders")}

    def set_folder(self, path: str, added: bool) -> None:
        with self._db:
            if added:
                self._db.execute("insert or ignore into folders(path) values(?)", (path,))
            else:
                self._db.execute("delete from folders where path=?", (path,))

    def excluded(self) -> set[str]:
        return {row[0] for row in self._db.execute("select path from excluded_files")}

    def set_excluded(self, path: str, excluded: bool) -> None:
        with self._db:
            if excluded:
                self._db.execute("insert or ignore into excluded_files(path) values(?)", (path,))
            else:
                self._db.execute("delete from excluded_files where path=?", (path,))

    def chunk_count(self) -> int:
        """How many passages are stored."""
        return int(self._db.execute("select count(*) from chunks").fetchone()[0])

    def close(self) -> None:
        self._db.close()
