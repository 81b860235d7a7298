"""The conversation store: conversations, messages, attachments and plugin state in SQLite.

Worker threads write streamed replies while the GUI thread reads, so every thread gets its
own connection (see ``store_connections``) and every write is one short ``BEGIN IMMEDIATE``
transaction. A crash therefore loses at most the text streamed since the last checkpoint;
``mark_interrupted`` tidies up what it left half-written.

The schema and its migrations live in ``store_schema``; the records handed out, in
``store_records``. Their names are imported here too, so callers need only this module.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from assistant.core.disk_errors import describe_data_folder_error, describe_database_error
from assistant.core.search_text import snippet
from assistant.core.sqlite_text import fts_query, storable_text
from assistant.core.store_connections import ThreadConnections, transaction
from assistant.core.store_records import (
    ATTACHMENT_COLUMNS,
    CONVERSATIONS_SQL,
    FINAL_STATUSES,
    MESSAGE_COLUMNS,
    SEARCH_SQL,
    Conversation,
    Message,
    SearchHit,
    StoredAttachment,
    StoreError,
    conversation_from_row,
)
from assistant.core.store_schema import MIGRATIONS, Migration, migrate
from assistant.core.store_tree import page_of, path_lengths, read_tree
from assistant.core.store_versions import (
    ACTIVE_PATH,
    Parent,
    choose,
    conversation_of,
    delete_from,
    delete_one,
    message_row,
    messages_with_versions,
    new_parent,
    next_chosen,
    path_messages,
    reveal,
)

__all__ = [
    "ACTIVE_PATH",
    "FINAL_STATUSES",
    "MIGRATIONS",
    "Conversation",
    "Message",
    "Migration",
    "SearchHit",
    "Store",
    "StoreError",
    "StoredAttachment",
]


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
            raise StoreError(describe_data_folder_error(self.path.parent, exc)) from exc
        self._connections = ThreadConnections(self.path, on_open=self._on_connection_opened)
        self._migrated = False

    def close(self) -> None:
        """Close every connection this store opened; it reopens lazily if used again."""
        self._connections.close()

    # ---- connections and transactions ---------------------------------------------------

    def _on_connection_opened(self, conn: sqlite3.Connection) -> None:
        if not self._migrated:
            # MIGRATIONS is looked up here, at call time, so that a test can extend it.
            migrate(conn, MIGRATIONS, self.path)
            self._migrated = True

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(describe_database_error(exc, self.path)) from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the write lock up front so it cannot deadlock."""
        with self._guard():
            conn = self._connections.current()
            with transaction(conn, "BEGIN IMMEDIATE"):
                yield conn

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so that several SELECTs see the same snapshot."""
        with self._guard():
            conn = self._connections.current()
            with transaction(conn, "BEGIN"):
                yield conn

    # ---- conversations ------------------------------------------------------------------

    def create_conversation(self, title: str = "", *, meta: dict[str, Any] | None = None) -> int:
        """Start a new, empty conversation and return its id.

        *meta* is what it keeps about itself (``{"origin": "cli"}`` from the command line).
        """
        now = time.time()
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO conversations (title, created, updated, meta) VALUES (?, ?, ?, ?)",
                (storable_text(title), now, now, json.dumps(meta or {})),
            )
        return _rowid(cursor)

    def update_conversation_meta(self, conversation_id: int, meta: dict[str, Any]) -> None:
        """Merge *meta* into a conversation's metadata (without moving it up the list)."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT meta FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
            if row is not None:
                conn.execute(
                    "UPDATE conversations SET meta = ? WHERE id = ?",
                    (json.dumps({**json.loads(row[0]), **meta}), conversation_id),
                )

    def mark_opened(self, conversation_id: int) -> None:
        """Remember that the window shows this conversation (see ``last_opened``)."""
        self.update_conversation_meta(conversation_id, {"opened": time.time()})

    def last_opened(self) -> int | None:
        """The conversation the window showed last, or None if it never showed one."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT id FROM conversations WHERE json_extract(meta, '$.opened') IS NOT NULL"
                " ORDER BY json_extract(meta, '$.opened') DESC, id DESC LIMIT 1"
            ).fetchone()
        return row[0] if row else None

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        """Give a conversation a new title (without moving it up the list)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE conversations SET title = ? WHERE id = ?",
                (storable_text(title), conversation_id),
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
            rows = conn.execute(CONVERSATIONS_SQL + " ORDER BY c.updated DESC, c.id DESC")
            listed = rows.fetchall()
            counts = path_lengths(conn)
        return [conversation_from_row(row, counts.get(row[0], 0)) for row in listed]

    def conversation(self, conversation_id: int) -> Conversation | None:
        """One conversation, or None when there is no such conversation."""
        with self._read() as conn:
            row = conn.execute(CONVERSATIONS_SQL + " WHERE c.id = ?", (conversation_id,))
            found = row.fetchone()
            count = len(read_tree(conn, conversation_id).active_path()) if found else 0
        return conversation_from_row(found, count) if found else None

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
        parent_id: Parent = ACTIVE_PATH,
    ) -> int:
        """Add a message to a conversation, committed at once, and return its id.

        By default it goes at the end of the active path: a question follows the last
        question there, and a reply answers it (as one more version when that question
        has replies already). With *parent_id*, a question goes after that question
        (None: a first question) and a reply answers that question. Either way the new
        message is the shown one among its versions; it is on the active path when its
        parent is (``reveal`` puts it there otherwise).
        """
        now = time.time()
        with self._write() as conn:
            if not _touch(conn, conversation_id, now):
                raise StoreError(f"Conversation {conversation_id} no longer exists.")
            parent = new_parent(conn, conversation_id, parent_id)
            cursor = conn.execute(
                "INSERT INTO messages (conversation_id, role, plugin, route_reason, content,"
                " status, meta, created, updated, parent_id, chosen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, role, plugin, route_reason, storable_text(content), status,
                 json.dumps(meta or {}), now, now, parent, next_chosen(conn, conversation_id)),
            )  # fmt: skip
        return _rowid(cursor)

    def checkpoint(self, message_id: int, content: str) -> None:
        """Save the text streamed so far into a message, in one short transaction."""
        with self._write() as conn:
            conn.execute(
                "UPDATE messages SET content = ?, updated = ? WHERE id = ?",
                (storable_text(content), time.time(), message_id),
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
                (storable_text(content), status, storable_text(error), merged, now, message_id),
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
            "content": None if content is None else storable_text(content),
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
        """One message with its attachments and version, or None when there is none."""
        with self._read() as conn:
            row = message_row(conn, message_id)
            return messages_with_versions(conn, [row])[0] if row is not None else None

    def messages(
        self, conversation_id: int, *, before_id: int | None = None, limit: int | None = None
    ) -> list[Message]:
        """The messages of a conversation's active path (see ``store_tree``), oldest first.

        With *limit*, only the last *limit* of them (before the message *before_id* on the
        path when given), which is how the UI pages a long conversation upwards.
        """
        if limit is not None and limit <= 0:
            return []
        with self._read() as conn:
            tree = read_tree(conn, conversation_id)
            page = page_of(tree.active_path(), before_id, limit)
            return path_messages(conn, tree, page)

    def all_messages(self, conversation_id: int) -> list[Message]:
        """Every message of a conversation, hidden versions too, oldest first."""
        with self._read() as conn:
            tree = read_tree(conn, conversation_id)
            return path_messages(conn, tree, sorted(tree.group_of))

    def count_messages(self, conversation_id: int) -> int:
        """How many messages the active path of a conversation has."""
        with self._read() as conn:
            return len(read_tree(conn, conversation_id).active_path())

    def versions_of(self, message_id: int) -> list[int]:
        """The ids of a message's versions, itself included, oldest first ([] if none)."""
        with self._read() as conn:
            conversation_id = conversation_of(conn, message_id)
            if conversation_id is None:
                return []
            return read_tree(conn, conversation_id).versions_of(message_id)

    def choose_version(self, message_id: int) -> None:
        """Show this version of a message instead of its other versions."""
        with self._write() as conn:
            conversation_id = conversation_of(conn, message_id)
            if conversation_id is not None:
                choose(conn, [message_id], conversation_id)

    def reveal(self, message_id: int) -> None:
        """Put a message on its conversation's active path, wherever its branch is: it
        and each of its ancestors (a reply's question first) become the shown versions."""
        with self._write() as conn:
            reveal(conn, message_id)

    def delete_messages_from(self, message_id: int) -> list[int]:
        """Delete a message and what follows it, in every branch; return the deleted ids.

        For a question: its replies and every later question below it go too. For a
        reply: every later question below its question (its other versions stay).
        """
        with self._write() as conn:
            return delete_from(conn, message_id)

    def delete_message(self, message_id: int) -> None:
        """Delete one message with its attachment rows; what followed it moves up to its
        parent (a question's replies and later questions stay in the conversation)."""
        with self._write() as conn:
            delete_one(conn, message_id)

    def add_attachment(
        self, message_id: int, *, kind: str, mime: str, name: str, sha256: str, path: str, size: int
    ) -> int:
        """Record a file that belongs to a message and return the record's id."""
        with self._write() as conn:
            cursor = conn.execute(
                f"INSERT INTO attachments ({ATTACHMENT_COLUMNS[4:]}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (message_id, kind, mime, name, sha256, path, size),
            )
        return _rowid(cursor)

    def interrupted_messages(self) -> list[Message]:
        """The messages a crash left "streaming", oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE status = 'streaming' ORDER BY id"
            ).fetchall()
            return messages_with_versions(conn, rows)

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
        """Messages whose text has every word of *query* (as a word prefix), best first,
        each with a plain-text snippet around the words found.

        Any text is a valid query: FTS5 operators in it are searched for as words.
        """
        match = fts_query(query)
        if not match or limit <= 0:
            return []
        with self._read() as conn:
            rows = conn.execute(SEARCH_SQL, (match, limit)).fetchall()
        hits = []
        for message_id, conversation_id, title, content, created in rows:
            text, marks = snippet(content, query)
            hits.append(SearchHit(message_id, conversation_id, title, text, created, marks))
        return hits

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
                (conversation_id, plugin, key, storable_text(value)),
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
