"""The conversation store: conversations, messages, paging, search, state and migrations."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core import store as store_module
from assistant.core.store import Store, StoreError
from tests.conftest import ignores_file_permissions, rerun_unprivileged


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "data" / "assistant.sqlite3")
    yield opened
    opened.close()


def raw_count(store: Store, table: str) -> int:
    """Rows in *table*, read past the store's API (to see what a cascade left behind)."""
    with closing(sqlite3.connect(store.path)) as conn:
        count: int = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    return count


# ---- conversations ----------------------------------------------------------------------


def test_store_creates_its_folder_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "assistant.sqlite3"
    opened = Store(path)
    try:
        assert opened.conversations() == []
        assert opened.integrity_check() == "ok"
    finally:
        opened.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == Store.SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_conversations_newest_first_with_counts(store: Store) -> None:
    first = store.create_conversation("first")
    second = store.create_conversation("second")
    store.add_message(first, "user", "hello")
    store.add_message(first, "assistant", "hi")
    listed = store.conversations()
    assert [c.id for c in listed] == [first, second]  # writing to "first" moved it up
    assert [c.message_count for c in listed] == [2, 0]
    assert listed[0].updated >= listed[0].created


def test_rename_and_look_up_a_conversation(store: Store) -> None:
    conversation = store.create_conversation()
    store.rename_conversation(conversation, "Trip to Lisbon")
    found = store.conversation(conversation)
    assert found is not None
    assert found.title == "Trip to Lisbon"
    assert store.conversation(conversation + 100) is None


def test_delete_conversation_cascades(store: Store) -> None:
    kept = store.create_conversation("kept")
    store.add_message(kept, "user", "keep me")
    gone = store.create_conversation("gone")
    message = store.add_message(gone, "user", "forget me")
    store.add_attachment(
        message, kind="image", mime="image/png", name="a.png", sha256="ab", path="/a", size=1
    )
    store.set_state(gone, "chat", "summary", "a summary")
    store.delete_conversation(gone)
    assert store.conversation(gone) is None
    assert store.message(message) is None
    assert store.get_state(gone, "chat", "summary") == ""
    assert raw_count(store, "attachments") == 0
    assert raw_count(store, "state") == 0
    assert store.search("forget") == []
    assert [h.conversation_id for h in store.search("keep")] == [kept]
    assert store.integrity_check() == "ok"  # the search index followed the cascade


# ---- messages ---------------------------------------------------------------------------


def test_add_message_and_read_it_back(store: Store) -> None:
    conversation = store.create_conversation()
    message_id = store.add_message(
        conversation, "assistant", "hi", plugin="chat", route_reason="plain text",
        status="streaming", meta={"model": "tiny"},
    )  # fmt: skip
    message = store.message(message_id)
    assert message is not None
    assert (message.role, message.content, message.plugin) == ("assistant", "hi", "chat")
    assert (message.route_reason, message.status, message.error) == ("plain text", "streaming", "")
    assert message.meta == {"model": "tiny"}
    assert message.attachments == ()
    assert store.message(message_id + 100) is None
    assert store.count_messages(conversation) == 1


def test_add_message_to_a_missing_conversation_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no longer exists"):
        store.add_message(12345, "user", "hello")


def test_checkpoint_then_finish_merges_meta(store: Store) -> None:
    conversation = store.create_conversation()
    message_id = store.add_message(conversation, "assistant", status="streaming", meta={"a": 1})
    store.checkpoint(message_id, "Hel")
    store.checkpoint(message_id, "Hello wor")
    message = store.message(message_id)
    assert message is not None
    assert (message.content, message.status) == ("Hello wor", "streaming")
    store.finish_message(message_id, "Hello world", "error", error="boom", meta={"b": 2})
    message = store.message(message_id)
    assert message is not None
    assert (message.content, message.status, message.error) == ("Hello world", "error", "boom")
    assert message.meta == {"a": 1, "b": 2}


def test_finish_message_refuses_a_status_that_is_not_final(store: Store) -> None:
    message_id = store.add_message(store.create_conversation(), "assistant", status="streaming")
    with pytest.raises(ValueError, match="streaming"):
        store.finish_message(message_id, "x", "streaming")


def test_writing_to_a_deleted_message_is_harmless(store: Store) -> None:
    message_id = store.add_message(store.create_conversation(), "assistant", status="streaming")
    store.delete_message(message_id)
    store.checkpoint(message_id, "late text")
    store.finish_message(message_id, "late text", "done")
    store.update_message(message_id, content="x", meta={"k": 1})
    assert store.message(message_id) is None


def test_update_message_changes_only_what_is_given(store: Store) -> None:
    conversation = store.create_conversation()
    message_id = store.add_message(conversation, "assistant", "draft", meta={"a": 1})
    store.update_message(message_id, plugin="vision", route_reason="an image", meta={"b": 2})
    store.update_message(message_id)  # nothing to change
    message = store.message(message_id)
    assert message is not None
    assert (message.content, message.plugin, message.route_reason) == (
        "draft",
        "vision",
        "an image",
    )
    assert message.meta == {"a": 1, "b": 2}
    store.update_message(message_id, content="final", status="stopped")
    message = store.message(message_id)
    assert message is not None
    assert (message.content, message.status, message.plugin) == ("final", "stopped", "vision")


def test_messages_page_upwards_through_a_long_conversation(store: Store) -> None:
    conversation = store.create_conversation()
    other = store.create_conversation()
    ids = []
    for number in range(25):
        ids.append(store.add_message(conversation, "user", f"message {number}"))
        store.add_message(other, "user", "noise")
    assert [m.id for m in store.messages(conversation)] == ids
    pages: list[list[int]] = []
    before: int | None = None
    while page := store.messages(conversation, before_id=before, limit=10):
        pages.append([m.id for m in page])
        before = page[0].id
    assert pages == [ids[15:], ids[5:15], ids[:5]]
    assert [m.id for m in store.messages(conversation, before_id=ids[3])] == ids[:3]
    assert store.messages(conversation, limit=0) == []


def test_attachments_come_with_their_messages(store: Store) -> None:
    conversation = store.create_conversation()
    plain = store.add_message(conversation, "user", "no files")
    with_files = store.add_message(conversation, "user", "two files")
    for name in ("a.png", "b.wav"):
        store.add_attachment(
            with_files, kind="image", mime="image/png", name=name, sha256="ab" * 32,
            path=f"/data/attachments/{name}", size=3,
        )  # fmt: skip
    listed = {m.id: m for m in store.messages(conversation)}
    assert listed[plain].attachments == ()
    assert [a.name for a in listed[with_files].attachments] == ["a.png", "b.wav"]
    single = store.message(with_files)
    assert single is not None
    assert single.attachments == listed[with_files].attachments
    assert single.attachments[0].message_id == with_files
    with pytest.raises(StoreError):
        store.add_attachment(
            999, kind="image", mime="image/png", name="x", sha256="", path="", size=0
        )


def test_delete_messages_from_cuts_the_conversation_there(store: Store) -> None:
    conversation = store.create_conversation()
    other = store.create_conversation()
    ids = [store.add_message(conversation, "user", f"m{n}") for n in range(5)]
    untouched = store.add_message(other, "user", "elsewhere")
    store.add_attachment(ids[3], kind="image", mime="", name="", sha256="", path="", size=0)
    assert store.delete_messages_from(ids[2]) == ids[2:]
    assert [m.id for m in store.messages(conversation)] == ids[:2]
    assert store.message(untouched) is not None
    assert raw_count(store, "attachments") == 0
    assert store.delete_messages_from(ids[2]) == []
    store.delete_message(ids[0])
    assert [m.id for m in store.messages(conversation)] == [ids[1]]


def test_mark_interrupted_stops_what_a_crash_left_streaming(store: Store) -> None:
    conversation = store.create_conversation()
    done = store.add_message(conversation, "assistant", "complete")
    cut = store.add_message(conversation, "assistant", "half a", status="streaming", meta={"m": 1})
    assert [m.id for m in store.interrupted_messages()] == [cut]
    assert store.mark_interrupted() == 1
    assert store.interrupted_messages() == []
    assert store.mark_interrupted() == 0
    message = store.message(cut)
    assert message is not None
    assert (message.status, message.content) == ("stopped", "half a")
    assert message.meta == {"m": 1, "interrupted": True}
    finished = store.message(done)
    assert finished is not None
    assert (finished.status, finished.meta) == ("done", {})


# ---- plugin state -----------------------------------------------------------------------


def test_state_is_kept_per_conversation_and_plugin(store: Store) -> None:
    first, second = store.create_conversation(), store.create_conversation()
    assert store.get_state(first, "chat", "summary") == ""
    assert store.get_state(first, "chat", "summary", default="none") == "none"
    store.set_state(first, "chat", "summary", "v1")
    store.set_state(first, "chat", "summary", "v2")
    store.set_state(first, "rag", "summary", "other plugin")
    store.set_state(second, "chat", "summary", "other conversation")
    assert store.get_state(first, "chat", "summary") == "v2"
    assert store.get_state(first, "rag", "summary") == "other plugin"
    assert store.get_state(second, "chat", "summary") == "other conversation"


# ---- search -----------------------------------------------------------------------------


def test_search_finds_an_old_message_among_5000(store: Store) -> None:
    conversation = store.create_conversation("Holiday plans")
    needle = store.add_message(conversation, "user", "Book the ferry to Santorini in June")
    busy = store.create_conversation("busy")
    for number in range(5000):
        store.add_message(busy, "assistant", f"filler message number {number} about nothing")
    started = time.perf_counter()
    hits = store.search("santorini")
    listed = store.conversations()
    assert time.perf_counter() - started < 1.0
    assert [(h.message_id, h.conversation_title) for h in hits] == [(needle, "Holiday plans")]
    assert hits[0].snippet == "Book the ferry to Santorini in June"
    assert [hits[0].snippet[a:b] for a, b in hits[0].marks] == ["Santorini"]
    assert {c.id: c.message_count for c in listed} == {conversation: 1, busy: 5000}
    assert len(store.search("filler", limit=7)) == 7


def test_search_needs_every_word_and_matches_prefixes(store: Store) -> None:
    conversation = store.create_conversation()
    both = store.add_message(conversation, "user", "The café opens at nine")
    store.add_message(conversation, "user", "The cafeteria is closed")
    assert [h.message_id for h in store.search("cafe nine")] == [both]  # diacritics ignored
    assert len(store.search("caf")) == 2
    assert store.search("") == []
    assert store.search("   ") == []


@pytest.mark.parametrize(
    "query",
    ['"', '""', "*", "-", "a -b", "NOT", "AND", "OR x", "x OR", "(", ")", "a:b", "col:",
     "NEAR(a b)", "^x", "a + b", "{a b}", "'", "\x00", "a\x00b", "\ud800", "'; DROP TABLE x"],
)  # fmt: skip
def test_search_takes_fts_syntax_as_plain_words(store: Store, query: str) -> None:
    conversation = store.create_conversation()
    store.add_message(conversation, "user", f"some text with {query} in it")
    assert isinstance(store.search(query), list)


def test_search_finds_words_that_are_operators(store: Store) -> None:
    message_id = store.add_message(store.create_conversation(), "user", "rock AND roll (live)")
    assert [h.message_id for h in store.search("AND (live")] == [message_id]


FTS_PIECES = ['"', "*", "-", "+", ":", "(", ")", "^", "{", "}", "AND", "OR", "NOT", "NEAR", "x"]
ANY_TEXT = st.text(st.characters(exclude_categories=()))  # lone surrogates and NULs too
FTS_LIKE = st.lists(st.sampled_from(FTS_PIECES) | ANY_TEXT).map(" ".join)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=ANY_TEXT | FTS_LIKE)
def test_search_never_raises_whatever_is_typed(store: Store, query: str) -> None:
    # One store for all examples (the fixture is not reset between them), which is fine:
    # only "it does not raise" is checked.
    if store.count_messages(1) == 0:
        store.create_conversation()
        store.add_message(1, "user", 'text "quoted" with (parens) and * and - and: OR NOT')
    assert isinstance(store.search(query), list)


# ---- schema versions ----------------------------------------------------------------------


def test_a_database_is_migrated_to_the_next_version_and_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "assistant.sqlite3"
    old = Store(path)
    conversation = old.create_conversation("from v1")
    old.add_message(conversation, "user", "written by version 1")
    old.close()
    calls: list[int] = []

    def add_pinned(conn: sqlite3.Connection) -> None:
        calls.append(1)
        conn.execute("ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, add_pinned])
    for _ in range(2):  # the second opening finds nothing left to do
        new = Store(path)
        try:
            assert [m.content for m in new.messages(conversation)] == ["written by version 1"]
            assert new.search("version")[0].conversation_title == "from v1"
        finally:
            new.close()
    assert calls == [1]
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == Store.SCHEMA_VERSION + 1
        assert conn.execute("SELECT pinned FROM conversations").fetchall() == [(0,)]


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "assistant.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 99")
    newer = Store(path)
    try:
        with pytest.raises(StoreError, match="newer version"):
            newer.conversations()
    finally:
        newer.close()


# ---- threads ------------------------------------------------------------------------------


def test_a_writer_thread_and_a_reader_thread_work_together(store: Store) -> None:
    conversation = store.create_conversation()
    failures: list[BaseException] = []
    writing = threading.Event()
    writing.set()

    def write() -> None:
        try:
            for number in range(40):
                message_id = store.add_message(conversation, "assistant", status="streaming")
                for length in range(1, 6):
                    store.checkpoint(message_id, f"reply {number} " * length)
                store.finish_message(message_id, f"reply {number} done", "done")
        except BaseException as exc:  # handed to the test thread, which raises it
            failures.append(exc)
        finally:
            writing.clear()

    def read() -> None:
        try:
            while writing.is_set():
                store.messages(conversation, limit=20)
                store.conversations()
                store.search("reply")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    messages = store.messages(conversation)
    assert [m.content for m in messages] == [f"reply {n} done" for n in range(40)]
    assert {m.status for m in messages} == {"done"}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
def test_connections_of_finished_threads_do_not_pile_up(store: Store) -> None:
    conversation = store.create_conversation()

    def open_database_files() -> int:
        fds = Path("/proc/self/fd").iterdir()
        return sum(1 for fd in fds if os.path.realpath(fd) == str(store.path.resolve()))

    def run_workers(count: int) -> None:
        for _ in range(count):  # like a thread pool's workers, each gone after its job
            worker = threading.Thread(target=store.count_messages, args=(conversation,))
            worker.start()
            worker.join()

    run_workers(5)
    settled = open_database_files()
    run_workers(20)
    # SQLite may hold on to a closed connection's file for reuse, so count growth.
    assert open_database_files() == settled


def test_close_closes_the_connections_of_every_thread(store: Store) -> None:
    conversation = store.create_conversation()
    worker = threading.Thread(target=store.add_message, args=(conversation, "user", "hi"))
    worker.start()
    worker.join()
    store.close()
    # SQLite removes the WAL file only when the last connection to the database closes.
    assert not store.path.with_name(store.path.name + "-wal").exists()
    assert store.count_messages(conversation) == 1  # and the store reopens when used again


# ---- a data folder in trouble -------------------------------------------------------------

TROUBLE = Path(__file__).with_name("disk_trouble.py")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file systems")


def run_trouble(*shell: str) -> dict[str, Any]:
    """Run disk_trouble.py (inside *shell*, e.g. a private mount namespace); its report."""
    done = subprocess.run(shell, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return report


def can_mount_tmpfs(folder: Path) -> bool:
    """Whether this machine lets an unprivileged user namespace mount a tmpfs."""
    if shutil.which("unshare") is None:
        return False
    try:
        probe = subprocess.run(
            ["unshare", "-Urm", "mount", "-t", "tmpfs", "-o", "size=64k", "none", str(folder)],
            capture_output=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


@pytest.fixture
def tmpfs_folder(tmp_path: Path) -> Path:
    """An empty folder that the tests mount a small tmpfs on, in a private namespace."""
    folder = tmp_path / "mnt"
    folder.mkdir()
    if not can_mount_tmpfs(folder):
        pytest.skip("needs `unshare -Urm` to mount a tmpfs (user namespaces)")
    return folder


def in_tmpfs(folder: Path, script: str) -> tuple[str, ...]:
    """A command that runs *script* (sh) with a 8 MB tmpfs mounted on *folder*."""
    mount = f"mount -t tmpfs -o size=8m none {shlex.quote(str(folder))}"
    return ("unshare", "-Urm", "sh", "-c", f"{mount} && {script}")


def trouble(mode: str, folder: Path) -> str:
    return shlex.join([sys.executable, str(TROUBLE), mode, str(folder)])


@posix_only
def test_a_file_size_limit_reads_as_a_full_disk(tmp_path: Path) -> None:
    report = run_trouble(sys.executable, str(TROUBLE), "fsize", str(tmp_path))
    assert report["error"] == (
        f"The data folder {tmp_path} is full; free some space — nothing said so far is lost."
    )
    assert report["readable"] == ["said before the trouble"]
    assert report["recovered"]


def test_a_full_disk_keeps_what_was_said(tmpfs_folder: Path) -> None:
    report = run_trouble(*in_tmpfs(tmpfs_folder, trouble("full", tmpfs_folder)))
    assert report["error"].startswith(f"The data folder {tmpfs_folder} is full; free some space")
    assert report["readable"] == ["said before the trouble"]
    assert report["recovered"]


def test_a_read_only_file_system_can_still_be_read(tmpfs_folder: Path) -> None:
    remount = f"mount -o remount,ro {shlex.quote(str(tmpfs_folder))}"
    script = f"{trouble('make', tmpfs_folder)} && {remount} && {trouble('readonly', tmpfs_folder)}"
    report = run_trouble(*in_tmpfs(tmpfs_folder, script))
    assert report["error"].startswith(f"The data folder {tmpfs_folder} is read-only")
    # Only in the WAL, since the writer never closed: read through it, not around it.
    assert report["readable"] == ["said before the trouble"]


@posix_only
def test_a_read_only_folder_can_still_be_read(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if ignores_file_permissions():
        rerun_unprivileged(request)
        return
    folder = tmp_path / "data"
    writable = Store(folder / "assistant.sqlite3")
    conversation = writable.create_conversation()
    writable.add_message(conversation, "user", "said before")
    writable.close()
    (folder / "assistant.sqlite3").chmod(0o400)
    folder.chmod(0o500)
    read_only = Store(folder / "assistant.sqlite3")
    try:
        assert [m.content for m in read_only.messages(conversation)] == ["said before"]
        with pytest.raises(StoreError, match=re.escape(f"The data folder {folder} is read-only")):
            read_only.add_message(conversation, "user", "said after")
    finally:
        read_only.close()
        folder.chmod(0o700)


def test_a_data_folder_that_is_a_file_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(
        StoreError, match=re.escape(f"The data folder {tmp_path / 'data'} cannot be used")
    ):
        Store(tmp_path / "data" / "assistant.sqlite3")


def test_a_damaged_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "assistant.sqlite3"
    path.write_bytes(b"this is not SQLite" * 512)
    damaged = Store(path)
    try:
        with pytest.raises(StoreError, match="is damaged"):
            damaged.conversations()
    finally:
        damaged.close()
