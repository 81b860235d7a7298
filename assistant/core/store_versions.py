"""The store's reads and writes of versions, each inside a transaction the store opened.

``store_tree`` says what the versions and the active path are; this module reads the
rows behind them and records which version is chosen. ``Store`` calls these functions
with the connection of its current transaction.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from typing import Any, Final, Literal

from assistant.core.store_records import (
    MESSAGE_COLUMNS,
    MESSAGES_BY_IDS_SQL,
    Message,
    StoreError,
    attachments_by_message,
    message_from_row,
)
from assistant.core.store_tree import ConversationTree, read_tree

# The default parent of a new message: the end of the active path (see ``Store.add_message``).
ACTIVE_PATH: Final = "active path"
Parent = int | None | Literal["active path"]

# chosen must grow strictly, even when the clock stands still or steps back.
_CHOSEN_STEP = 1e-6

_SIBLINGS_SQL = {
    "user": "SELECT id FROM messages"
    " WHERE conversation_id = ? AND parent_id IS ? AND role = 'user' ORDER BY id",
    "reply": "SELECT id FROM messages"
    " WHERE conversation_id = ? AND parent_id = ? AND role <> 'user' ORDER BY id",
}


def new_parent(conn: sqlite3.Connection, conversation_id: int, parent: Parent) -> int | None:
    """The parent a new message gets: the last question on the active path by default,
    else *parent* once it is known to be a question of this conversation."""
    if parent == ACTIVE_PATH:
        return read_tree(conn, conversation_id).last_question()
    if parent is None:
        return None
    row = conn.execute(
        "SELECT conversation_id, role FROM messages WHERE id = ?", (parent,)
    ).fetchone()
    if row is None or tuple(row) != (conversation_id, "user"):
        raise StoreError(f"Message {parent} is not a question of this conversation.")
    return parent


def next_chosen(conn: sqlite3.Connection, conversation_id: int) -> float:
    """A time to record as "chosen now": later than any chosen in the conversation."""
    row = conn.execute(
        "SELECT MAX(chosen) FROM messages WHERE conversation_id = ?", (conversation_id,)
    ).fetchone()
    latest = row[0] if row[0] is not None else 0.0
    return max(time.time(), latest + _CHOSEN_STEP)


def choose(conn: sqlite3.Connection, message_ids: Sequence[int], conversation_id: int) -> None:
    """Make each of *message_ids* the shown one among its versions."""
    if message_ids:
        conn.execute(
            "UPDATE messages SET chosen = ? WHERE id IN (SELECT value FROM json_each(?))",
            (next_chosen(conn, conversation_id), json.dumps(list(message_ids))),
        )


def conversation_of(conn: sqlite3.Connection, message_id: int) -> int | None:
    """The conversation a message belongs to, or None when there is no such message."""
    row = conn.execute(
        "SELECT conversation_id FROM messages WHERE id = ?", (message_id,)
    ).fetchone()
    return row[0] if row else None


def reveal(conn: sqlite3.Connection, message_id: int) -> None:
    """Choose a message and whichever of its ancestors are hidden: it is then on the path."""
    conversation_id = conversation_of(conn, message_id)
    if conversation_id is not None:
        tree = read_tree(conn, conversation_id)
        choose(conn, tree.hidden_ancestry(message_id), conversation_id)


def version_of(conn: sqlite3.Connection, row: Sequence[Any]) -> tuple[int, int]:
    """A message row's number among its versions, and how many there are."""
    message_id, conversation_id, role, parent_id = row[0], row[1], row[2], row[11]
    if role != "user" and parent_id is None:
        return 1, 1  # a reply to no question is a version of nothing
    sql = _SIBLINGS_SQL["user" if role == "user" else "reply"]
    ids = [r[0] for r in conn.execute(sql, (conversation_id, parent_id))]
    return ids.index(message_id) + 1, len(ids)


def messages_with_versions(
    conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]
) -> list[Message]:
    """The Messages of *rows* (of ``MESSAGE_COLUMNS``), with attachments and versions."""
    ids = json.dumps([row[0] for row in rows])
    files = attachments_by_message(conn, "SELECT value FROM json_each(?)", (ids,))
    return [message_from_row(row, files.get(row[0], ()), version_of(conn, row)) for row in rows]


def path_messages(
    conn: sqlite3.Connection, tree: ConversationTree, ids: Sequence[int]
) -> list[Message]:
    """The Messages with *ids* (on the active path of *tree*), in the order of *ids*."""
    if not ids:
        return []
    listed = json.dumps(list(ids))
    rows = {row[0]: row for row in conn.execute(MESSAGES_BY_IDS_SQL, (listed,))}
    files = attachments_by_message(conn, "SELECT value FROM json_each(?)", (listed,))
    return [message_from_row(rows[i], files.get(i, ()), tree.version(i)) for i in ids if i in rows]


def message_row(conn: sqlite3.Connection, message_id: int) -> Sequence[Any] | None:
    """The ``MESSAGE_COLUMNS`` row of one message, or None."""
    row: Sequence[Any] | None = conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)
    ).fetchone()
    return row


def delete_from(conn: sqlite3.Connection, message_id: int) -> list[int]:
    """Delete a message and what follows it in every branch; return the deleted ids.

    For a question: it, its replies and every later question below it. For a reply: it
    and every later question below its question (the question's other replies stay).
    """
    row = conn.execute(
        "SELECT conversation_id, role, parent_id FROM messages WHERE id = ?", (message_id,)
    ).fetchone()
    if row is None:
        return []
    tree = read_tree(conn, row[0])
    doomed = [message_id, *tree.descendants(message_id)]
    if row[1] != "user" and row[2] is not None:
        later = tree.groups.get(("user", row[2]), [])
        doomed += [i for q in later for i in (q, *tree.descendants(q))]
    doomed.sort()
    conn.execute(
        "DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(doomed),)
    )
    return doomed


def delete_one(conn: sqlite3.Connection, message_id: int) -> None:
    """Delete one message; what hung off it moves up to its parent, so nothing is lost."""
    conn.execute(
        "UPDATE messages SET parent_id = (SELECT parent_id FROM messages WHERE id = ?)"
        " WHERE parent_id = ?",
        (message_id, message_id),
    )
    conn.execute("DELETE FROM messages WHERE id = ?", (message_id,))
