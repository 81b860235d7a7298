"""The conversation database's schema, as an ordered list of migrations.

The schema is versioned with ``PRAGMA user_version``: ``MIGRATIONS[i]`` turns version ``i``
into ``i + 1``, so a new version is one more function appended to the list. The store runs
them with ``migrate`` inside one write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.core.store_connections import transaction, user_version
from assistant.core.store_records import StoreError

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


_SCHEMA_V2 = (
    # parent_id: the question before a question on its branch, or a reply's question
    # (see store_tree). No REFERENCES: the store re-links children when it deletes one.
    "ALTER TABLE messages ADD COLUMN parent_id INTEGER",
    # When this version was last chosen to be shown among its versions.
    "ALTER TABLE messages ADD COLUMN chosen REAL NOT NULL DEFAULT 0",
    # Until now a conversation was one line: every message follows the question before it.
    """UPDATE messages SET chosen = created, parent_id = (
        SELECT MAX(earlier.id) FROM messages AS earlier
        WHERE earlier.conversation_id = messages.conversation_id
          AND earlier.role = 'user' AND earlier.id < messages.id)""",
    "CREATE INDEX messages_by_parent ON messages(conversation_id, parent_id)",
)


def _migrate_to_v2(conn: sqlite3.Connection) -> None:
    """Versions: each message gets its parent and the time it was chosen to be shown."""
    for statement in _SCHEMA_V2:
        conn.execute(statement)


def _migrate_to_v3(conn: sqlite3.Connection) -> None:
    """Conversation metadata (where a conversation was started, when it was last opened),
    and an index of the groups of versions, so that the list finds at a glance which
    conversations have versions (see ``store_tree.path_lengths``)."""
    conn.execute("ALTER TABLE conversations ADD COLUMN meta TEXT NOT NULL DEFAULT '{}'")
    conn.execute("CREATE INDEX messages_by_group ON messages(conversation_id, parent_id, role)")


Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = [_migrate_to_v1, _migrate_to_v2, _migrate_to_v3]


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration], path: Path) -> None:
    """Bring the database at *path* up to version ``len(migrations)``.

    The store passes the list in (rather than this reading ``MIGRATIONS``) so that the
    list it runs is the one named in ``assistant.core.store``, which tests extend.
    """
    # Checked before taking the write lock, so that a read-only database can be read.
    if user_version(conn) == len(migrations):
        return
    with transaction(conn, "BEGIN IMMEDIATE"):
        version = user_version(conn)  # another thread may have migrated meanwhile
        if version > len(migrations):
            raise StoreError(
                f"The conversation database {path} was written by a newer "
                "version of the assistant; update the assistant to open it."
            )
        for number in range(version, len(migrations)):
            migrations[number](conn)
            # PRAGMA takes no parameters; the number is ours, not the user's.
            conn.execute(f"PRAGMA user_version = {number + 1}")
