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

TREE_SQL = "SELECT id, role, parent_id, chosen FROM messages WHERE conversation_id = ?"

# The key of a message's group of versions: (role, parent). A reply with no question is a
# group of its own, keyed by its id.
GroupKey = tuple[str, int | None]


@dataclass(frozen=True, slots=True)
class Node:
    """What the tree knows of one message."""

    id: int
    role: str
    parent_id: int | None
    chosen: float

    @property
    def group(self) -> GroupKey:
        """The key shared by this message and its other versions."""
        if self.role != "user" and self.parent_id is None:
            return ("preamble", self.id)
        return (self.role if self.role == "user" else "reply", self.parent_id)


@dataclass(slots=True)
class ConversationTree:
    """The messages of one conversation, grouped into versions."""

    nodes: dict[int, Node] = field(default_factory=dict)
    groups: dict[GroupKey, list[int]] = field(default_factory=dict)  # ids, oldest first

    @classmethod
    def of(cls, rows: Iterable[tuple[int, str, int | None, float]]) -> ConversationTree:
        """The tree of the ``(id, role, parent_id, chosen)`` rows of one conversation."""
        tree = cls()
        for row in sorted(rows):
            node = Node(*row)
            tree.nodes[node.id] = node
            tree.groups.setdefault(node.group, []).append(node.id)
        return tree

    def versions_of(self, message_id: int) -> list[int]:
        """The ids of a message's versions (itself included), oldest first."""
        node = self.nodes.get(message_id)
        return list(self.groups[node.group]) if node is not None else []

    def version(self, message_id: int) -> tuple[int, int]:
        """A message's 1-based version number among its versions, and how many there are."""
        versions = self.groups[self.nodes[message_id].group]
        return versions.index(message_id) + 1, len(versions)

    def shown(self, key: GroupKey) -> int | None:
        """The version shown of a group: the one chosen last (ties: the newest)."""
        ids = self.groups.get(key)
        if not ids:
            return None
        return max(ids, key=lambda i: (self.nodes[i].chosen, i))

    def is_shown(self, message_id: int) -> bool:
        """Whether a message is the shown one among its versions."""
        return self.shown(self.nodes[message_id].group) == message_id

    def active_path(self) -> list[int]:
        """The ids of the active path, oldest first (see the module's docstring)."""
        path = [i for i, node in self.nodes.items() if node.group == ("preamble", i)]
        question = self.shown(("user", None))
        while question is not None and len(path) < len(self.nodes):
            path.append(question)
            reply = self.shown(("reply", question))
            if reply is not None:
                path.append(reply)
            question = self.shown(("user", question))
        return path

    def last_question(self) -> int | None:
        """The last question on the active path, or None before anything was asked."""
        questions = [i for i in self.active_path() if self.nodes[i].role == "user"]
        return questions[-1] if questions else None

    def hidden_ancestry(self, message_id: int) -> list[int]:
        """The message and its ancestors that are not the shown one of their versions.

        Choosing each of them puts the message on the active path.
        """
        hidden: list[int] = []
        node = self.nodes.get(message_id)
        while node is not None:
            if not self.is_shown(node.id):
                hidden.append(node.id)
            node = self.nodes.get(node.parent_id) if node.parent_id is not None else None
        return hidden

    def descendants(self, message_id: int) -> list[int]:
        """Every message below *message_id* in the tree (all branches), oldest first."""
        children: dict[int, list[int]] = {}
        for node in self.nodes.values():
            if node.parent_id is not None:
                children.setdefault(node.parent_id, []).append(node.id)
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
