"""The conversation store: conversations, messages, attachments and plugin state in SQLite.

Worker threads write streamed replies while the GUI thread reads, so every thread gets its
own connection (WAL lets readers go on while one writer commits) and every write is one
short ``BEGIN IMMEDIATE`` transaction. A crash therefore loses at most the text streamed
since the last checkpoint; ``mark_interrupted`` tidies up what it left half-written.

The schema is versioned with ``PRAGMA user_version``: ``MIGRATIONS[i]`` turns version ``i``
into ``i + 1``, so a new version is one more function appended to the list.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

FINAL_STATUSES = frozenset({"done", "stopped", "error"})

# ---- schema -----------------------------------------------------------------------------

_SCHEMA_V1 = (
    """CREATE TABLE conversations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        updated REAL NOT NULL)""",
    # AUTOINCREMENT: the UI keeps message ids around, so a deleted id must never come back
    # naming a different message.
    """CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        plugin TEXT NOT NULL DEFAULT '',
        route_reason TEXT NOT NULL DEFAULT '',
        content TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'done',
        error TEXT NOT NULL DEFAULT '',
        meta TEXT NOT NULL DEFAULT '{}',
        created REAL NOT NULL,
        updated REAL NOT NULL)""",
    "CREATE INDEX messages_by_conversation ON messages(conversation_id, id)",
    "CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming'",
    """CREATE TABLE attachments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        mime TEXT NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER NOT NULL)""",
    "CREATE INDEX attachments_by_message ON attachments(message_id)",
    """CREATE TABLE state (
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        plugin TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (conversation_id, plugin, key)) WITHOUT ROWID""",
    """CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, content='messages', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
    END""",
    """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content)
        VALUES ('delete', old.id, old.content);
    END""",
    """CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content)
        VALUES ('delete', old.id, old.content);
        INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
    END""",
)


def _migrate_to_v1(conn: sqlite3.Connection) -> None:
    # Statement by statement: executescript() would COMMIT the migration's transaction.
    for statement in _SCHEMA_V1:
        conn.execute(statement)


Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = [_migrate_to_v1]


# ---- records ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredAttachment:
    """A file that belongs to a message, stored content-addressed under the data folder."""

    id: int
    message_id: int
    kind: str
    mime: str
    name: str
    sha256: str
    path: str
    size: int


@dataclass(frozen=True, slots=True)
class Conversation:
    """One conversation as the side bar lists it."""

    id: int
    title: str
    created: float
    updated: float
    message_count: int


@dataclass(frozen=True, slots=True)
class Message:
    """One message; ``status`` is "streaming" while a reply is still being written."""

    id: int
    conversation_id: int
    role: str
    plugin: str
    route_reason: str
    content: str
    status: str
    error: str
    meta: dict[str, Any]
    created: float
    updated: float
    attachments: tuple[StoredAttachment, ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A message that matched a search, with the matching words in ``[`` ``]``."""

    message_id: int
    conversation_id: int
    conversation_title: str
    snippet: str
    created: float


class StoreError(Exception):
    """The store cannot do what was asked; the message is meant for the person."""


_MESSAGE_COLUMNS = (
    "id, conversation_id, role, plugin, route_reason, content, status, error, meta, "
    "created, updated"
)
_ATTACHMENT_COLUMNS = "id, message_id, kind, mime, name, sha256, path, size"


def _message(row: Sequence[Any], attachments: Sequence[StoredAttachment]) -> Message:
    meta: dict[str, Any] = json.loads(row[8])
    return Message(
        id=row[0],
        conversation_id=row[1],
        role=row[2],
        plugin=row[3],
        route_reason=row[4],
        content=row[5],
        status=row[6],
        error=row[7],
        meta=meta,
        created=row[9],
        updated=row[10],
        attachments=tuple(attachments),
    )


# ---- errors a person can act on ---------------------------------------------------------


def _full_message(folder: Path) -> str:
    return f"The data folder {folder} is full; free some space — nothing said so far is lost."


def _read_only_message(folder: Path) -> str:
    return (
        f"The data folder {folder} is read-only, so nothing new can be saved; "
        "make it writable again — nothing said so far is lost."
    )


_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def _folder_error(folder: Path, exc: OSError) -> StoreError:
    """A StoreError for an OSError met while creating *folder*."""
    if exc.errno in _FULL_ERRNOS:
        return StoreError(_full_message(folder))
    if exc.errno in _READ_ONLY_ERRNOS:
        return StoreError(_read_only_message(folder))
    return StoreError(f"The data folder {folder} cannot be used: {exc.strerror or exc}.")


def _over_file_size_limit(path: Path) -> bool:
    """Whether a file of the database has reached this process's RLIMIT_FSIZE."""
    if sys.platform == "win32":
        return False
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft == resource.RLIM_INFINITY:
        return False
    for suffix in ("", "-wal", "-shm"):
        try:
            size = path.with_name(path.name + suffix).stat().st_size
        except OSError:
            continue
        # A write that would cross the limit fails, so the file stops a little short of it.
        if size > soft - 64 * 1024:
            return True
    return False


def _looks_full(path: Path) -> bool:
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return False
    return free < 1024 * 1024 or _over_file_size_limit(path)


def _translate(exc: sqlite3.Error, path: Path) -> StoreError:
    """Say what went wrong with the database in words a person can act on."""
    text = str(exc).lower()
    folder = path.parent
    io_trouble = "disk i/o error" in text or "unable to open" in text
    if "readonly" in text or (io_trouble and not os.access(folder, os.W_OK)):
        return StoreError(_read_only_message(folder))
    if "disk is full" in text or (io_trouble and _looks_full(path)):
        return StoreError(_full_message(folder))
    if "malformed" in text or "not a database" in text:
        return StoreError(
            f"The conversation database {path} is damaged ({exc}); move it aside and "
            "restart the assistant to begin a new one."
        )
    if "locked" in text or "busy" in text:
        return StoreError(
            f"The conversation database {path} is busy (another program is using it); "
            "try again in a moment."
        )
    if "foreign key" in text:
        return StoreError("That conversation or message no longer exists.")
    return StoreError(f"The conversation database {path} could not be used ({exc}).")


def _fts_query(text: str) -> str:
    """*text* as an FTS5 query that cannot be a syntax error: each word quoted, as a prefix."""
    # Lone surrogates cannot be encoded for SQLite and a NUL ends FTS5's string early.
    clean = text.encode("utf-8", "ignore").decode("utf-8").replace("\x00", " ")
    return " ".join('"' + term.replace('"', '""') + '"*' for term in clean.split())


# ---- the store --------------------------------------------------------------------------


class Store:
    """All conversations of one person, in one SQLite file; safe to use from any thread.

    Call ``close()`` once no other thread uses the store any more: it closes every
    connection the store opened, whichever thread opened it.
    """

    SCHEMA_VERSION: ClassVar[int] = len(MIGRATIONS)

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _folder_error(self.path.parent, exc) from exc
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._generation = 0  # bumped by close(), so threads notice their connection went
        self._migrated = False

    def close(self) -> None:
        """Close every connection this store opened; it reopens lazily if used again."""
        with self._lock:
            connections, self._connections = self._connections, []
            self._generation += 1
        for _, conn in connections:
            conn.close()

    # ---- connections and transactions ---------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "generation", None) == self._generation:
            conn: sqlite3.Connection = local.conn
            return conn
        conn = self._open()
        with self._lock:
            self._close_dead_threads_connections()
            self._connections.append((threading.current_thread(), conn))
            local.conn, local.generation = conn, self._generation
        if not self._migrated:
            self._migrate(conn)
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            return _connect(str(self.path), uri=False)
        except sqlite3.OperationalError:
            if os.access(self.path.parent, os.W_OK) or not self.path.is_file():
                raise
        # A read-only data folder: SQLite cannot create its WAL files there, but the
        # conversations can still be shown. "mode=ro" reads a WAL left behind by a crash;
        # without one, "immutable" is safe because nothing can change the file.
        uri = self.path.absolute().as_uri()
        try:
            return _connect(uri + "?mode=ro", uri=True)
        except sqlite3.OperationalError:
            return _connect(uri + "?immutable=1", uri=True)

    def _close_dead_threads_connections(self) -> None:
        # Worker threads come and go; without this their connections would pile up.
        alive = []
        for thread, conn in self._connections:
            if thread.is_alive():
                alive.append((thread, conn))
            else:
                conn.close()
        self._connections = alive

    def _migrate(self, conn: sqlite3.Connection) -> None:
        # Checked before taking the write lock, so that a read-only database can be read.
        if _user_version(conn) != len(MIGRATIONS):
            with _transaction(conn, "BEGIN IMMEDIATE"):
                version = _user_version(conn)  # another thread may have migrated meanwhile
                if version > len(MIGRATIONS):
                    raise StoreError(
                        f"The conversation database {self.path} was written by a newer "
                        "version of the assistant; update the assistant to open it."
                    )
                for number in range(version, len(MIGRATIONS)):
                    MIGRATIONS[number](conn)
                    # PRAGMA takes no parameters; the number is ours, not the user's.
                    conn.execute(f"PRAGMA user_version = {number + 1}")
        self._migrated = True

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the write lock up front so it cannot deadlock."""
        with self._guard():
            conn = self._connection()
            with _transaction(conn, "BEGIN IMMEDIATE"):
                yield conn

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so that several SELECTs see the same snapshot."""
        with self._guard():
            conn = self._connection()
            with _transaction(conn, "BEGIN"):
                yield conn

    # ---- conversations ------------------------------------------------------------------

    def create_conversation(self, title: str = "") -> int:
        """Start a new, empty conversation and return its id."""
        now = time.time()
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO conversations (title, created, updated) VALUES (?, ?, ?)",
                (_text(title), now, now),
            )
        return _rowid(cursor)

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        """Give a conversation a new title (without moving it up the list)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE conversations SET title = ? WHERE id = ?", (_text(title), conversation_id)
            )

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete a conversation with its messages, attachment rows and plugin state.

        The attachment files stay: they are content-addressed and may be shared.
        """
        with self._write() as conn:
            conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    def conversations(self) -> list[Conversation]:
        """Every conversation, the one most recently written to first."""
        with self._read() as conn:
            rows = conn.execute(_CONVERSATIONS_SQL + " ORDER BY c.updated DESC, c.id DESC")
            return [Conversation(*row) for row in rows]

    def conversation(self, conversation_id: int) -> Conversation | None:
        """One conversation, or None when there is no such conversation."""
        with self._read() as conn:
            row = conn.execute(_CONVERSATIONS_SQL + " WHERE c.id = ?", (conversation_id,))
            found = row.fetchone()
        return Conversation(*found) if found else None

    # ---- messages -----------------------------------------------------------------------

    def add_message(
        self,
        conversation_id: int,
        role: str,
        content: str = "",
        *,
        plugin: str = "",
        route_reason: str = "",
        status: str = "done",
        meta: dict[str, Any] | None = None,
    ) -> int:
        """Append a message to a conversation, committed at once, and return its id."""
        now = time.time()
        with self._write() as conn:
            if not _touch(conn, conversation_id, now):
                raise StoreError(f"Conversation {conversation_id} no longer exists.")
            cursor = conn.execute(
                "INSERT INTO messages (conversation_id, role, plugin, route_reason, content,"
                " status, meta, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, role, plugin, route_reason, _text(content), status,
                 json.dumps(meta or {}), now, now),
            )  # fmt: skip
        return _rowid(cursor)

    def checkpoint(self, message_id: int, content: str) -> None:
        """Save the text streamed so far into a message, in one short transaction."""
        with self._write() as conn:
            conn.execute(
                "UPDATE messages SET content = ?, updated = ? WHERE id = ?",
                (_text(content), time.time(), message_id),
            )

    def finish_message(
        self,
        message_id: int,
        content: str,
        status: str,
        *,
        error: str = "",
        meta: dict[str, Any] | None = None,
    ) -> None:
        """Save a reply's final text and status ("done", "stopped" or "error").

        *meta* is merged into the message's existing meta.
        """
        if status not in FINAL_STATUSES:
            raise ValueError(f"a finished message cannot be {status!r}")
        now = time.time()
        with self._write() as conn:
            merged = _merged_meta(conn, message_id, meta)
            if merged is None:
                return  # deleted while it streamed; nothing left to finish
            conn.execute(
                "UPDATE messages SET content = ?, status = ?, error = ?, meta = ?, updated = ?"
                " WHERE id = ?",
                (_text(content), status, _text(error), merged, now, message_id),
            )
            conn.execute(
                "UPDATE conversations SET updated = ?"
                " WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)",
                (now, message_id),
            )

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        plugin: str | None = None,
        route_reason: str | None = None,
        status: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        """Change some fields of a message; *meta* is merged into the existing meta."""
        fields = {
            "content": None if content is None else _text(content),
            "plugin": plugin,
            "route_reason": route_reason,
            "status": status,
        }
        changes = {name: value for name, value in fields.items() if value is not None}
        if not changes and meta is None:
            return
        with self._write() as conn:
            if meta is not None:
                merged = _merged_meta(conn, message_id, meta)
                if merged is None:
                    return
                changes["meta"] = merged
            # Column names come from the fixed dict above, never from the caller.
            assignments = ", ".join(f"{name} = ?" for name in changes)
            conn.execute(
                f"UPDATE messages SET {assignments}, updated = ? WHERE id = ?",
                (*changes.values(), time.time(), message_id),
            )

    def message(self, message_id: int) -> Message | None:
        """One message with its attachments, or None when there is no such message."""
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None:
                return None
            files = _attachments(conn, "SELECT ?", (message_id,))
        return _message(row, files.get(message_id, ()))

    def messages(
        self, conversation_id: int, *, before_id: int | None = None, limit: int | None = None
    ) -> list[Message]:
        """A conversation's messages, oldest first.

        With *limit*, only the last *limit* of them (before *before_id* when given), which
        is how the UI pages a long conversation upwards.
        """
        if limit is not None and limit <= 0:
            return []
        sql = f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?"
        params: list[int] = [conversation_id]
        if before_id is not None:
            sql += " AND id < ?"
            params.append(before_id)
        if limit is None:
            sql += " ORDER BY id"
        else:
            sql = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT ?) ORDER BY id"
            params.append(limit)
        with self._read() as conn:
            rows = conn.execute(sql, params).fetchall()
            if not rows:
                return []
            files = _attachments(
                conn,
                "SELECT id FROM messages WHERE conversation_id = ? AND id BETWEEN ? AND ?",
                (conversation_id, rows[0][0], rows[-1][0]),
            )
        return [_message(row, files.get(row[0], ())) for row in rows]

    def count_messages(self, conversation_id: int) -> int:
        """How many messages a conversation has."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
        count: int = row[0]
        return count

    def delete_messages_from(self, message_id: int) -> list[int]:
        """Delete a message and every later one of its conversation; return their ids."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT conversation_id FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None:
                return []
            where = "WHERE conversation_id = ? AND id >= ?"
            ids = [
                r[0] for r in conn.execute(f"SELECT id FROM messages {where}", (row[0], message_id))
            ]
            conn.execute(f"DELETE FROM messages {where}", (row[0], message_id))
        return ids

    def delete_message(self, message_id: int) -> None:
        """Delete one message with its attachment rows."""
        with self._write() as conn:
            conn.execute("DELETE FROM messages WHERE id = ?", (message_id,))

    def add_attachment(
        self, message_id: int, *, kind: str, mime: str, name: str, sha256: str, path: str, size: int
    ) -> int:
        """Record a file that belongs to a message and return the record's id."""
        with self._write() as conn:
            cursor = conn.execute(
                f"INSERT INTO attachments ({_ATTACHMENT_COLUMNS[4:]}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (message_id, kind, mime, name, sha256, path, size),
            )
        return _rowid(cursor)

    def interrupted_messages(self) -> list[Message]:
        """The messages a crash left "streaming", oldest first."""
        streaming = "SELECT id FROM messages WHERE status = 'streaming'"
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE status = 'streaming' ORDER BY id"
            ).fetchall()
            files = _attachments(conn, streaming, ())
        return [_message(row, files.get(row[0], ())) for row in rows]

    def mark_interrupted(self) -> int:
        """At start-up: make every "streaming" message "stopped" and say it was interrupted.

        Returns how many there were.
        """
        now = time.time()
        with self._write() as conn:
            rows = conn.execute(
                "SELECT id, meta FROM messages WHERE status = 'streaming'"
            ).fetchall()
            for message_id, meta in rows:
                merged = json.dumps({**json.loads(meta), "interrupted": True})
                conn.execute(
                    "UPDATE messages SET status = 'stopped', meta = ?, updated = ? WHERE id = ?",
                    (merged, now, message_id),
                )
        return len(rows)

    # ---- search -------------------------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Messages whose text has every word of *query* (as a word prefix), best first.

        Any text is a valid query: FTS5 operators in it are searched for as words.
        """
        match = _fts_query(query)
        if not match or limit <= 0:
            return []
        with self._read() as conn:
            rows = conn.execute(_SEARCH_SQL, (match, limit)).fetchall()
        return [SearchHit(*row) for row in rows]

    # ---- plugin state -------------------------------------------------------------------

    def get_state(self, conversation_id: int, plugin: str, key: str, default: str = "") -> str:
        """A value a plugin keeps for one conversation, or *default*."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT value FROM state WHERE conversation_id = ? AND plugin = ? AND key = ?",
                (conversation_id, plugin, key),
            ).fetchone()
        value: str = row[0] if row else default
        return value

    def set_state(self, conversation_id: int, plugin: str, key: str, value: str) -> None:
        """Keep a value for one plugin and conversation (deleted with the conversation)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO state (conversation_id, plugin, key, value) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (conversation_id, plugin, key) DO UPDATE SET value = excluded.value",
                (conversation_id, plugin, key, _text(value)),
            )

    def integrity_check(self) -> str:
        """ "ok" when the database and its search index are sound, else what is wrong."""
        with self._read() as conn:
            result = "\n".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
        if result != "ok":
            return result
        try:
            # FTS5's own check is an INSERT, so it needs a write transaction.
            with self._write() as conn:
                conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
        except StoreError as exc:
            return f"search index: {exc.__cause__}"
        return "ok"


@contextmanager
def _transaction(conn: sqlite3.Connection, begin: str) -> Iterator[None]:
    """Run the body between *begin* and COMMIT, rolling back if it raises."""
    conn.execute(begin)
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            # The error that got us here says more than a failed rollback would, and
            # SQLite rolls back by itself after the errors that make ROLLBACK fail.
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def _connect(database: str, *, uri: bool) -> sqlite3.Connection:
    # check_same_thread=False only so that close() may close other threads' connections;
    # each connection is otherwise used by the one thread that opened it.
    conn = sqlite3.connect(
        database, timeout=5.0, isolation_level=None, check_same_thread=False, uri=uri
    )
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA foreign_keys = ON")
        if not uri:  # the read-only fallbacks cannot change the journal
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        _user_version(conn)  # reads the file, so a database that cannot be read fails here
    except BaseException:
        conn.close()
        raise
    return conn


def _user_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


_CONVERSATIONS_SQL = (
    "SELECT c.id, c.title, c.created, c.updated,"
    " (SELECT COUNT(*) FROM messages AS m WHERE m.conversation_id = c.id)"
    " FROM conversations AS c"
)

_SEARCH_SQL = """
    SELECT m.id, m.conversation_id, c.title,
           snippet(messages_fts, 0, '[', ']', '…', 16), m.created
    FROM messages_fts
    JOIN messages AS m ON m.id = messages_fts.rowid
    JOIN conversations AS c ON c.id = m.conversation_id
    WHERE messages_fts MATCH ?
    ORDER BY rank
    LIMIT ?"""


def _text(text: str) -> str:
    """*text* with any lone surrogate replaced, which UTF-8, and so SQLite, cannot store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Text from a UTF-16 source (a clipboard, a Windows API) can carry a lone
        # surrogate; losing one character beats losing the message.
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _rowid(cursor: sqlite3.Cursor) -> int:
    rowid = cursor.lastrowid
    assert rowid is not None  # an INSERT always sets it
    return rowid


def _touch(conn: sqlite3.Connection, conversation_id: int, now: float) -> bool:
    """Move a conversation up the list; False when it does not exist."""
    cursor = conn.execute(
        "UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id)
    )
    return cursor.rowcount > 0


def _merged_meta(
    conn: sqlite3.Connection, message_id: int, meta: dict[str, Any] | None
) -> str | None:
    """The message's meta with *meta* merged in, as JSON; None if the message is gone."""
    row = conn.execute("SELECT meta FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        return None
    return json.dumps({**json.loads(row[0]), **(meta or {})})


def _attachments(
    conn: sqlite3.Connection, message_ids_sql: str, params: Sequence[Any]
) -> dict[int, list[StoredAttachment]]:
    """The attachments of the messages *message_ids_sql* selects, by message id."""
    by_message: dict[int, list[StoredAttachment]] = {}
    rows = conn.execute(
        f"SELECT {_ATTACHMENT_COLUMNS} FROM attachments"
        f" WHERE message_id IN ({message_ids_sql}) ORDER BY id",
        params,
    )
    for row in rows:
        attachment = StoredAttachment(*row)
        by_message.setdefault(attachment.message_id, []).append(attachment)
    return by_message
