"""What the conversation list is built from: metadata, counts, the last one opened, and
search snippets in plain text with the words found marked."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from assistant.core import search_text
from assistant.core.store import Store
from assistant.core.store_schema import MIGRATIONS


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "assistant.sqlite3")
    yield opened
    opened.close()


def test_a_conversation_keeps_where_it_was_started(store: Store) -> None:
    from_cli = store.create_conversation("asked in a terminal", meta={"origin": "cli"})
    from_window = store.create_conversation("asked in the window")
    listed = {c.id: c for c in store.conversations()}
    assert listed[from_cli].origin == "cli"
    assert listed[from_window].origin == ""
    store.update_conversation_meta(from_window, {"pinned": True})
    conversation = store.conversation(from_window)
    assert conversation is not None and conversation.meta == {"pinned": True}


def test_a_version_2_database_gains_conversation_metadata_and_keeps_its_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        for migration in MIGRATIONS[:2]:
            migration(conn)
        conn.execute("PRAGMA user_version = 2")
        conn.execute("INSERT INTO conversations (title, created, updated) VALUES ('old', 1, 1)")
        conn.execute(
            "INSERT INTO messages (conversation_id, role, content, created, updated, chosen)"
            " VALUES (1, 'user', 'kept', 1, 1, 1)"
        )
        conn.commit()
    migrated = Store(path)
    try:
        [conversation] = migrated.conversations()
        assert (conversation.title, conversation.origin, conversation.message_count) == (
            "old", "", 1,
        )  # fmt: skip
        assert [m.content for m in migrated.messages(conversation.id)] == ["kept"]
    finally:
        migrated.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 3


def test_the_count_leaves_out_hidden_versions(store: Store) -> None:
    conversation = store.create_conversation()
    question = store.add_message(conversation, "user", "a question")
    first = store.add_message(conversation, "assistant", "first answer")
    store.add_message(conversation, "assistant", "second answer")  # a version of the first
    edited = store.add_message(conversation, "user", "the question, edited", parent_id=None)
    store.add_message(conversation, "assistant", "answer to the edit")
    assert store.count_messages(conversation) == 2  # the edited branch is shown
    listed = store.conversation(conversation)
    assert listed is not None and listed.message_count == 2
    store.reveal(first)  # back to the first branch: question and its first answer
    assert [c.message_count for c in store.conversations()] == [2]
    assert len(store.all_messages(conversation)) == 5
    assert {m.id for m in store.all_messages(conversation)} >= {question, edited}


def test_the_last_opened_conversation_is_remembered(store: Store) -> None:
    assert store.last_opened() is None
    older = store.create_conversation("older")
    newer = store.create_conversation("newer")
    store.mark_opened(newer)
    store.mark_opened(older)
    assert store.last_opened() == older
    listed = [c.id for c in store.conversations()]
    assert listed == [newer, older]  # opening one does not move it up the list
    store.delete_conversation(older)
    assert store.last_opened() == newer


def marked(snippet: str, marks: tuple[tuple[int, int], ...]) -> list[str]:
    return [snippet[a:b] for a, b in marks]


def test_snippets_are_plain_text_with_the_words_found_marked(store: Store) -> None:
    conversation = store.create_conversation("Trip")
    store.add_message(
        conversation,
        "assistant",
        "## Plan\n\n**Book** the [ferry](https://example.com/ferry) to *Santorini*, "
        "then `check in`.\n\n- bring a hat\n- ![a map of Santorini](map.png)",
    )
    [hit] = store.search("santo")
    assert "**" not in hit.snippet and "[" not in hit.snippet and "](" not in hit.snippet
    assert hit.snippet.startswith("Plan Book the ferry to Santorini, then check in.")
    assert "a map of Santorini" in hit.snippet
    assert marked(hit.snippet, hit.marks) == ["Santorini", "Santorini"]


def test_a_snippet_is_cut_on_words_around_the_first_match(store: Store) -> None:
    conversation = store.create_conversation()
    words = " ".join(f"word{n}" for n in range(200))
    store.add_message(conversation, "user", f"{words} the Zanzibar archive {words}")
    [hit] = store.search("zanzibar")
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= search_text.SNIPPET_CHARS + 2
    body = hit.snippet.strip("…")
    assert all(piece.startswith("word") or piece in {"the", "Zanzibar", "archive"}
               for piece in body.split())  # fmt: skip
    assert marked(hit.snippet, hit.marks) == ["Zanzibar"]


def test_marks_follow_the_index_diacritics_case_and_prefixes() -> None:
    text, marks = search_text.snippet("The Café opens; the cafeteria does not.", "cafe")
    assert marked(text, marks) == ["Café", "cafeteria"]
    text, marks = search_text.snippet("我上传的文档 说 退货政策", "退货")
    assert marked(text, marks) == ["退货政策"]


def test_a_hit_in_a_very_long_message_is_found_and_marked() -> None:
    long = "filler text. " * 5_000 + "the needle is here " + "more filler. " * 5_000
    text, marks = search_text.snippet(long, "needle")
    assert marked(text, marks) == ["needle"]
