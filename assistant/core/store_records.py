"""The records the store hands out, and the SELECTs that read them from SQLite rows.

They are frozen: a record is a snapshot of one read transaction, never a live view.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

FINAL_STATUSES = frozenset({"done", "stopped", "error"})


class StoreError(Exception):
    """The store cannot do what was asked; the message is meant for the person."""


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
    """One conversation as the side bar lists it.

    ``message_count`` counts the messages shown (its active path), not hidden versions.
    ``meta`` holds what the conversation keeps about itself: ``origin`` ("cli" when the
    command line started it) and ``opened`` (when the window last showed it).
    """

    id: int
    title: str
    created: float
    updated: float
    message_count: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """Where the conversation was started: "cli", or "" for the window."""
        return str(self.meta.get("origin", ""))


@dataclass(frozen=True, slots=True)
class Message:
    """One message; ``status`` is "streaming" while a reply is still being written.

    ``parent_id`` is the question before a question (None for a first question), or a
    reply's question; ``version`` (1-based, oldest first) and ``versions`` say where the
    message stands among its versions, the messages with the same role and parent.
    """

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
    parent_id: int | None = None
    version: int = 1
    versions: int = 1


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A message that matched a search: ``snippet`` is plain text (no Markdown) around the
    first match, and ``marks`` the ``(start, end)`` of each matching word in it."""

    message_id: int
    conversation_id: int
    conversation_title: str
    snippet: str
    created: float
    marks: tuple[tuple[int, int], ...] = ()


MESSAGE_COLUMNS = (
    "id, conversation_id, role, plugin, route_reason, content, status, error, meta, "
    "created, updated, parent_id"
)
ATTACHMENT_COLUMNS = "id, message_id, kind, mime, name, sha256, path, size"

CONVERSATIONS_SQL = "SELECT c.id, c.title, c.created, c.updated, c.meta FROM conversations AS c"

SEARCH_SQL = """
    SELECT m.id, m.conversation_id, c.title, m.content, m.created
    FROM messages_fts
    JOIN messages AS m ON m.id = messages_fts.rowid
    JOIN conversations AS c ON c.id = m.conversation_id
    WHERE messages_fts MATCH ?
    ORDER BY rank
    LIMIT ?"""


# The ids come as one JSON array, so that a page of any length is one parameter.
MESSAGES_BY_IDS_SQL = (
    f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id IN (SELECT value FROM json_each(?))"
)


def conversation_from_row(row: Sequence[Any], message_count: int) -> Conversation:
    """The Conversation for a row of ``CONVERSATIONS_SQL``, with its shown messages' count."""
    meta: dict[str, Any] = json.loads(row[4])
    return Conversation(row[0], row[1], row[2], row[3], message_count, meta)


def message_from_row(
    row: Sequence[Any],
    attachments: Sequence[StoredAttachment],
    version: tuple[int, int] = (1, 1),
) -> Message:
    """The Message for a row of ``MESSAGE_COLUMNS``, with its *attachments* and *version*
    (its number among its versions, and how many there are)."""
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
        parent_id=row[11],
        version=version[0],
        versions=version[1],
    )


def attachments_by_message(
    conn: sqlite3.Connection, message_ids_sql: str, params: Sequence[Any]
) -> dict[int, list[StoredAttachment]]:
    """The attachments of the messages *message_ids_sql* selects, by message id."""
    by_message: dict[int, list[StoredAttachment]] = {}
    rows = conn.execute(
        f"SELECT {ATTACHMENT_COLUMNS} FROM attachments"
        f" WHERE message_id IN ({message_ids_sql}) ORDER BY id",
        params,
    )
    for row in rows:
        attachment = StoredAttachment(*row)
        by_message.setdefault(attachment.message_id, []).append(attachment)
    return by_message
