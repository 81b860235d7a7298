"""The store's tree of versions: migration, invariants under any sequence of actions, speed."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core.bootstrap import open_assistant
from assistant.core.cancel import CancelToken
from assistant.core.engine import Assistant
from assistant.core.paths import default_paths
from assistant.core.registry import PluginRegistry
from assistant.core.store import MIGRATIONS, Store, StoreError
from tests.fakes import EchoPlugin


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "assistant.sqlite3")
    yield opened
    opened.close()


def write_v1_database(path: Path) -> None:
    """A database as version 1 of the schema left it: two linear conversations."""
    with closing(sqlite3.connect(path)) as conn:
        MIGRATIONS[0](conn)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO conversations VALUES (1, 'one', 1, 1), (2, 'two', 1, 1)")
        rows = [
            (1, "assistant", "Welcome!"), (1, "user", "q1"), (2, "user", "other q1"),
            (1, "assistant", "a1"), (2, "assistant", "other a1"), (1, "user", "q2"),
            (1, "assistant", "a2"), (1, "user", "q3"),
        ]  # fmt: skip
        conn.executemany(
            "INSERT INTO messages (conversation_id, role, content, created, updated)"
            " VALUES (?, ?, ?, ?, ?)",
            [(c, role, text, 100.0 + n, 100.0 + n) for n, (c, role, text) in enumerate(rows)],
        )
        conn.commit()


def test_a_v1_conversation_migrates_to_the_same_messages_in_one_version_each(
    tmp_path: Path,
) -> None:
    path = tmp_path / "assistant.sqlite3"
    write_v1_database(path)
    store = Store(path)
    try:
        messages = store.messages(1)
        assert [m.content for m in messages] == ["Welcome!", "q1", "a1", "q2", "a2", "q3"]
        assert {(m.version, m.versions) for m in messages} == {(1, 1)}
        assert [m.parent_id for m in messages] == [None, None, 2, 2, 6, 6]
        assert [m.content for m in store.messages(2)] == ["other q1", "other a1"]
        assert store.count_messages(1) == 6
        # The conversation goes on where it stopped.
        store.add_message(1, "assistant", "a3")
        assert [m.content for m in store.messages(1, limit=2)] == ["q3", "a3"]
        assert store.integrity_check() == "ok"
    finally:
        store.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        chosen = conn.execute("SELECT COUNT(*) FROM messages WHERE chosen = created")
        assert chosen.fetchone()[0] == 8


def test_a_reply_goes_under_a_question_of_its_own_conversation(store: Store) -> None:
    conversation = store.create_conversation()
    other = store.create_conversation()
    question = store.add_message(conversation, "user", "q")
    reply = store.add_message(conversation, "assistant", "a")
    for parent in (reply, question + 100):
        with pytest.raises(StoreError, match="not a question"):
            store.add_message(conversation, "assistant", "x", parent_id=parent)
    with pytest.raises(StoreError, match="not a question"):
        store.add_message(other, "assistant", "x", parent_id=question)


def test_delete_messages_from_a_reply_keeps_its_other_versions(store: Store) -> None:
    conversation = store.create_conversation()
    question = store.add_message(conversation, "user", "q")
    first = store.add_message(conversation, "assistant", "a")
    second = store.add_message(conversation, "assistant", "b", parent_id=question)
    later = store.add_message(conversation, "user", "later")
    later_reply = store.add_message(conversation, "assistant", "later a")
    assert store.delete_messages_from(second) == [second, later, later_reply]
    assert [m.id for m in store.messages(conversation)] == [question, first]


def test_delete_message_moves_what_followed_it_up(store: Store) -> None:
    conversation = store.create_conversation()
    first = store.add_message(conversation, "user", "q1")
    store.add_message(conversation, "assistant", "a1")
    second = store.add_message(conversation, "user", "q2")
    store.delete_message(first)
    assert [m.content for m in store.messages(conversation)] == ["a1", "q2"]
    message = store.message(second)
    assert message is not None and message.parent_id is None


# ---- any sequence of actions --------------------------------------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["ask", "regenerate", "edit", "choose", "reveal"]), st.integers(0, 99)
    ),
    min_size=1,
    max_size=12,
)


def act(core: Assistant, conversation: int, action: str, pick: int, made: list[int]) -> None:
    """Do one action to the conversation; *pick* chooses the message (from any branch)."""
    if action == "ask" or not made:
        turn = core.prepare(conversation, f"question {len(made)}")
    elif action == "regenerate":
        turn = core.regenerate(made[1::2][pick % (len(made) // 2)])
    elif action == "edit":
        turn = core.edit_and_resend(made[::2][pick % (len(made) // 2)], f"edit {len(made)}")
    else:
        versions = core.store.versions_of(made[pick % len(made)])
        if action == "choose":
            core.choose_version(versions[pick % len(versions)])
        else:
            core.store.reveal(versions[0])
            assert versions[0] in {m.id for m in core.store.messages(conversation)}
        return
    list(core.execute(turn, CancelToken()))
    made += [turn.user_message_id, turn.reply_message_id]
    shown = [m.id for m in core.store.messages(conversation)]
    assert turn.reply_message_id in shown  # a new answer is the version shown
    if action != "regenerate":  # a new question ends its (new) branch
        assert shown[-2:] == made[-2:]


def check_invariants(store: Store, conversation: int, made: list[int]) -> None:
    messages = store.messages(conversation)
    assert [m.role for m in messages] == ["user", "assistant"] * (len(messages) // 2)
    for index, message in enumerate(messages):
        # A question follows the question before it; a reply answers the one just before.
        back = 1 if message.role == "assistant" else 2
        assert message.parent_id == (messages[index - back].id if index >= back else None)
        assert 1 <= message.version <= message.versions
        assert store.versions_of(message.id)[message.version - 1] == message.id
    assert all(store.message(i) is not None for i in made)  # nothing was ever deleted
    assert store.count_messages(conversation) == len(messages)
    listed = {c.id: c.message_count for c in store.conversations()}  # the list's own count
    assert listed[conversation] == len(messages)
    pages, before = [], None
    while page := store.messages(conversation, before_id=before, limit=3):
        pages[:0], before = page, page[0].id
    assert pages == messages


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_any_sequence_of_actions_keeps_a_sound_path_and_every_message(
    actions: list[tuple[str, int]],
) -> None:
    core = open_assistant(default_paths(), PluginRegistry([EchoPlugin()]))
    core.router.default = "echo"
    try:
        conversation = core.store.create_conversation()
        made: list[int] = []
        for action, pick in actions:
            act(core, conversation, action, pick, made)
            check_invariants(core.store, conversation, made)
    finally:
        core.store.close()


# ---- speed --------------------------------------------------------------------------------


def test_the_last_page_of_a_5000_message_conversation_is_quick(store: Store) -> None:
    conversation = store.create_conversation()
    question = None
    for number in range(2_220):  # every 4th turn answered twice, a branch every 50th
        parent = question
        question = store.add_message(conversation, "user", f"q{number}", parent_id=parent)
        store.add_message(conversation, "assistant", f"a{number}", parent_id=question)
        if number % 4 == 0:
            store.add_message(conversation, "assistant", f"again {number}", parent_id=question)
        if number % 50 == 0:
            store.add_message(conversation, "user", f"other {number}", parent_id=parent)
            store.reveal(question)
    # The list counts what is shown: hidden versions and branches are not counted.
    assert sum(c.message_count for c in store.conversations()) == 4_440
    assert store.count_messages(conversation) == 4_440
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        page = store.messages(conversation, limit=100)
        timings.append(time.perf_counter() - started)
    assert [m.content for m in page[-2:]] == ["q2219", "a2219"]
    assert min(timings) < 0.1, timings
