"""A conversation as a tree of versions, and the active path through it.

A question's parent is the question before it on its branch (None for a first question);
a reply's parent is its question. Messages with the same role and parent are *versions*
of one another, and the one chosen most recently (``chosen``, ties: the greater id) is
the one shown. The *active path* is the shown first question, its shown reply, the shown
question after it, and so on: later turns hang off the question, so a new version of a
reply keeps every later turn, while a new version of a question starts a branch.

A reply with no question (a greeting before anything was asked) is not a version of
anything: every such reply is shown, in id order, before the first question.

Only the ``(id, role, parent_id, chosen)`` of each message is read to build the tree, so
that walking even a long conversation costs one narrow SELECT.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

TREE_SQL = "SELECT id, role, parent_id, chosen FROM messages WHERE conversation_id = ? ORDER BY id"

# The key of a message's group of versions: ("user", the question before) for a question,
# ("reply", its question) for a reply, and ("preamble", its id) for a reply to no question.
GroupKey = tuple[str, int | None]


@dataclass(slots=True)
class ConversationTree:
    """The messages of one conversation, grouped into versions.

    Plain dicts rather than an object per message: a long conversation is walked on
    every page the UI shows, and this keeps that walk to a few milliseconds.
    """

    groups: dict[GroupKey, list[int]] = field(default_factory=dict)  # ids, oldest first
    group_of: dict[int, GroupKey] = field(default_factory=dict)
    parent_of: dict[int, int | None] = field(default_factory=dict)
    chosen: dict[int, float] = field(default_factory=dict)
    preamble: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, rows: Iterable[tuple[int, str, int | None, float]]) -> ConversationTree:
        """The tree of the ``(id, role, parent_id, chosen)`` rows of one conversation,
        oldest first."""
        tree = cls()
        groups, group_of, parent_of, chosen = (
            tree.groups, tree.group_of, tree.parent_of, tree.chosen,
        )  # fmt: skip
        for message_id, role, parent_id, chosen_at in rows:
            if role == "user":
                key: GroupKey = ("user", parent_id)
            elif parent_id is None:
                key = ("preamble", message_id)
                tree.preamble.append(message_id)
            else:
                key = ("reply", parent_id)
            group_of[message_id] = key
            parent_of[message_id] = parent_id
            chosen[message_id] = chosen_at
            versions = groups.get(key)
            if versions is None:
                groups[key] = [message_id]
            else:
                versions.append(message_id)
        return tree

    def versions_of(self, message_id: int) -> list[int]:
        """The ids of a message's versions (itself included), oldest first."""
        key = self.group_of.get(message_id)
        return list(self.groups[key]) if key is not None else []

    def version(self, message_id: int) -> tuple[int, int]:
        """A message's 1-based version number among its versions, and how many there are."""
        versions = self.groups[self.group_of[message_id]]
        return versions.index(message_id) + 1, len(versions)

    def shown(self, key: GroupKey) -> int | None:
        """The version shown of a group: the one chosen last (ties: the newest)."""
        ids = self.groups.get(key)
        if not ids:
            return None
        if len(ids) == 1:
            return ids[0]
        chosen = self.chosen
        return max(ids, key=lambda i: (chosen[i], i))

    def is_shown(self, message_id: int) -> bool:
        """Whether a message is the shown one among its versions."""
        return self.shown(self.group_of[message_id]) == message_id

    def active_path(self) -> list[int]:
        """The ids of the active path, oldest first (see the module's docstring)."""
        path = list(self.preamble)
        question = self.shown(("user", None))
        while question is not None and len(path) < len(self.group_of):
            path.append(question)
            reply = self.shown(("reply", question))
            if reply is not None:
                path.append(reply)
            question = self.shown(("user", question))
        return path

    def last_question(self) -> int | None:
        """The last question on the active path, or None before anything was asked."""
        questions = [i for i in self.active_path() if self.group_of[i][0] == "user"]
        return questions[-1] if questions else None

    def hidden_ancestry(self, message_id: int) -> list[int]:
        """The message and its ancestors that are not the shown one of their versions.

        Choosing each of them puts the message on the active path.
        """
        hidden: list[int] = []
        current: int | None = message_id if message_id in self.group_of else None
        while current is not None and current in self.group_of:
            if not self.is_shown(current):
                hidden.append(current)
            current = self.parent_of[current]
        return hidden

    def descendants(self, message_id: int) -> list[int]:
        """Every message below *message_id* in the tree (all branches), oldest first."""
        children: dict[int, list[int]] = {}
        for child, parent in self.parent_of.items():
            if parent is not None:
                children.setdefault(parent, []).append(child)
        found: list[int] = []
        stack = list(children.get(message_id, ()))
        while stack:
            child = stack.pop()
            found.append(child)
            stack.extend(children.get(child, ()))
        return sorted(found)


def read_tree(conn: sqlite3.Connection, conversation_id: int) -> ConversationTree:
    """The tree of one conversation, read in one SELECT."""
    return ConversationTree.of(conn.execute(TREE_SQL, (conversation_id,)))


# Conversations where some message has another version (a reply to no question has
# none); replies are all "assistant", so role stands for the kind of group. One walk of
# the covering index ``messages_by_group``: about 40 ms over 100,000 messages.
_VERSIONED_SQL = """
    SELECT DISTINCT conversation_id FROM (
        SELECT conversation_id FROM messages WHERE role = 'user' OR parent_id IS NOT NULL
        GROUP BY conversation_id, parent_id, role HAVING COUNT(*) > 1)"""


def path_lengths(conn: sqlite3.Connection) -> dict[int, int]:
    """How many messages each conversation's active path has.

    A conversation without versions is one line, all of it on the path: its count is
    its number of messages. Only the others are walked as trees.
    """
    counts = conn.execute("SELECT conversation_id, COUNT(*) FROM messages GROUP BY 1")
    lengths: dict[int, int] = dict(counts.fetchall())
    for (conversation_id,) in conn.execute(_VERSIONED_SQL).fetchall():
        lengths[conversation_id] = len(read_tree(conn, conversation_id).active_path())
    return lengths


def page_of(path: list[int], before_id: int | None, limit: int | None) -> list[int]:
    """The last *limit* ids of *path* (all with None), before *before_id* when given.

    A *before_id* that is not on the path (another version was chosen meanwhile) keeps
    the path's messages older than it.
    """
    if before_id is not None:
        if before_id in path:
            path = path[: path.index(before_id)]
        else:
            path = [i for i in path if i < before_id]
    if limit is not None:
        path = path[-limit:] if limit > 0 else []
    return path
