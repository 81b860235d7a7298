"""Taking in dropped files: content-addressed copies and clear refusals."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.core import attachments
from assistant.core.attachments import AttachmentError, expand_folder, human_size, ingest
from assistant.core.messages import Kind
from tests.conftest import ignores_file_permissions, rerun_unprivileged

is_root = ignores_file_permissions()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "attachments"


def make(path: Path, content: bytes = b"hello\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def stored_files(folder: Path) -> list[Path]:
    """Every file under *folder*, temporary ones included."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_ingest_copies_by_content(tmp_path: Path, store_dir: Path) -> None:
    source = make(tmp_path / "Notes.TXT", b"some notes\n")
    attachment = ingest(source, store_dir)
    sha = hashlib.sha256(b"some notes\n").hexdigest()
    assert attachment.path == store_dir / sha[:2] / f"{sha}.txt"
    assert attachment.path.read_bytes() == b"some notes\n"
    assert (attachment.kind, attachment.mime) == (Kind.DOCUMENT, "text/plain")
    assert (attachment.name, attachment.sha256, attachment.size) == ("Notes.TXT", sha, 11)
    assert stored_files(store_dir) == [attachment.path]  # no temporary file left


@pytest.mark.parametrize(
    ("name", "kind"),
    [("photo.png", Kind.IMAGE), ("voice.wav", Kind.AUDIO), ("paper.pdf", Kind.DOCUMENT)],
)
def test_ingest_tells_the_kind(tmp_path: Path, store_dir: Path, name: str, kind: Kind) -> None:
    assert ingest(make(tmp_path / name), store_dir).kind is kind


def test_the_same_content_is_stored_once(tmp_path: Path, store_dir: Path) -> None:
    first = ingest(make(tmp_path / "a.txt", b"same"), store_dir)
    inode = first.path.stat().st_ino
    second = ingest(make(tmp_path / "elsewhere" / "b.txt", b"same"), store_dir)
    assert second.path == first.path
    assert second.name == "b.txt"
    assert second.path.stat().st_ino == inode  # not copied again
    other = ingest(make(tmp_path / "c.txt", b"different"), store_dir)
    assert other.path != first.path
    assert stored_files(store_dir) == sorted([first.path, other.path])


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path, store_dir: Path) -> None:
    huge = tmp_path / "film.txt"
    with huge.open("wb") as out:
        out.truncate(2 * 1024**3)  # sparse: takes no space, but reading it would take seconds
    started = time.perf_counter()
    with pytest.raises(AttachmentError, match=r"^film\.txt is 2\.0 GB; the limit is 512 MB\.$"):
        ingest(huge, store_dir)
    assert time.perf_counter() - started < 0.5
    assert stored_files(store_dir) == []


def test_a_file_that_grows_past_the_limit_while_copied_is_refused(
    tmp_path: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attachments, "_BLOCK", 4)
    source = make(tmp_path / "log.txt", b"0123456789")
    real_checked_size = attachments._checked_size
    # The size looked fine when checked; by the time it is read the file is bigger.
    monkeypatch.setattr(attachments, "_checked_size", lambda path, limit: 4)
    with pytest.raises(AttachmentError, match="grew past the limit"):
        ingest(source, store_dir, max_bytes=8)
    assert real_checked_size(source, 100) == 10
    assert stored_files(store_dir) == []


def test_a_folder_is_refused(tmp_path: Path, store_dir: Path) -> None:
    (tmp_path / "Holiday photos").mkdir()
    with pytest.raises(AttachmentError, match=r"^Holiday photos is a folder; drop the files"):
        ingest(tmp_path / "Holiday photos", store_dir)


def test_a_broken_symlink_is_refused(tmp_path: Path, store_dir: Path) -> None:
    link = tmp_path / "shortcut.txt"
    link.symlink_to(tmp_path / "moved-away.txt")
    with pytest.raises(AttachmentError, match=r"^shortcut\.txt no longer exists\.$"):
        ingest(link, store_dir)


def test_a_vanished_file_is_refused(tmp_path: Path, store_dir: Path) -> None:
    with pytest.raises(AttachmentError, match=r"^gone\.png no longer exists\.$"):
        ingest(tmp_path / "gone.png", store_dir)


def test_a_file_that_vanishes_after_the_check_is_refused(
    tmp_path: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make(tmp_path / "brief.txt")
    real_checked_size = attachments._checked_size

    def check_then_delete(path: Path, limit: int) -> int:
        size = real_checked_size(path, limit)
        path.unlink()
        return size

    monkeypatch.setattr(attachments, "_checked_size", check_then_delete)
    with pytest.raises(AttachmentError, match=r"^brief\.txt no longer exists\.$"):
        ingest(source, store_dir)


def test_an_unsupported_type_is_refused(tmp_path: Path, store_dir: Path) -> None:
    with pytest.raises(
        AttachmentError,
        match=r"^setup\.exe is a file type the assistant cannot read \(application/.+\)\.$",
    ):
        ingest(make(tmp_path / "setup.exe"), store_dir)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_an_unreadable_file_is_refused(
    tmp_path: Path, store_dir: Path, request: pytest.FixtureRequest
) -> None:
    if is_root:
        rerun_unprivileged(request)
        return
    source = make(tmp_path / "secret.txt")
    source.chmod(0o000)
    with pytest.raises(AttachmentError, match=r"^secret\.txt cannot be read: you do not have"):
        ingest(source, store_dir)


def test_a_fifo_is_refused_rather_than_read_forever(tmp_path: Path, store_dir: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(AttachmentError, match="is not a regular file"):
        ingest(tmp_path / "pipe.txt", store_dir)


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Let no file of this process grow past *limit* bytes: a full disk, even for root."""
    import resource

    previous_limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, previous_limits[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, previous_limits)
        signal.signal(signal.SIGXFSZ, previous_handler)


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_a_full_data_folder_is_named(tmp_path: Path, store_dir: Path) -> None:
    source = make(tmp_path / "scan.pdf", os.urandom(256 * 1024))
    with file_size_limit(64 * 1024), pytest.raises(AttachmentError) as raised:
        ingest(source, store_dir)
    assert str(raised.value) == (
        f"scan.pdf could not be saved: the data folder ({store_dir}) is full; "
        "free some space and try again."
    )
    assert stored_files(store_dir) == []  # the partial copy was removed


def test_a_read_only_data_folder_is_named(
    tmp_path: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulated, since root writes anywhere; the real EROFS path is the same errno check.
    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(attachments.os, "replace", read_only)
    with pytest.raises(AttachmentError, match=r"^a\.txt could not be saved: .* is read-only"):
        ingest(make(tmp_path / "a.txt"), store_dir)
    assert stored_files(store_dir) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_really_read_only_data_folder_is_named(
    tmp_path: Path, store_dir: Path, request: pytest.FixtureRequest
) -> None:
    if is_root:
        rerun_unprivileged(request)
        return
    store_dir.mkdir(parents=True)
    store_dir.chmod(0o500)
    try:
        with pytest.raises(AttachmentError, match="is read-only; make it writable"):
            ingest(make(tmp_path / "a.txt"), store_dir)
    finally:
        store_dir.chmod(0o700)


# ---- folders ------------------------------------------------------------------------------


def test_expand_folder_lists_visible_files_recursively(tmp_path: Path) -> None:
    root = tmp_path / "drop"
    for name in ("b.txt", "a/z.md", "a/b/c.pdf", ".hidden.txt", ".git/config", "a/.cache/x"):
        make(root / name)
    (root / "broken.txt").symlink_to(root / "nowhere")
    (root / "empty").mkdir()
    assert expand_folder(root) == [root / "a/b/c.pdf", root / "a/z.md", root / "b.txt"]


def test_expand_folder_stops_at_the_limit(tmp_path: Path) -> None:
    for number in range(12):
        make(tmp_path / "many" / f"{number:02}.txt")
    assert expand_folder(tmp_path / "many", limit=5) == [
        tmp_path / "many" / f"{n:02}.txt" for n in range(5)
    ]
    assert attachments.MAX_FOLDER_FILES == 10_000


def test_expand_folder_of_a_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError, match="not a folder"):
        expand_folder(make(tmp_path / "file.txt"))


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 bytes"), (1023, "1023 bytes"), (1536, "1.5 KB"), (512 * 1024**2, "512 MB"),
     (2 * 1024**3, "2.0 GB"), (5 * 1024**4, "5.0 TB")],
)  # fmt: skip
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text
