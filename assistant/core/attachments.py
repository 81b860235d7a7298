"""Taking in the files a person drops, pastes or attaches.

Each file is copied into the data folder under the SHA-256 of its content
(``attachments/<sha[:2]>/<sha256><suffix>``), so a conversation keeps working after the
original is moved or deleted, and the same file attached twice is stored once.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from assistant.core.disk_errors import is_disk_full, is_read_only
from assistant.core.messages import Attachment, guess_mime, kind_of

MAX_ATTACHMENT_BYTES_DEFAULT = 512 * 1024 * 1024
MAX_FOLDER_FILES = 10_000
_BLOCK = 1024 * 1024
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9_-]{1,16}")


class AttachmentError(Exception):
    """A file cannot be attached; the message names the file and says why."""


def ingest(
    source: Path, attachments_dir: Path, *, max_bytes: int = MAX_ATTACHMENT_BYTES_DEFAULT
) -> Attachment:
    """Copy *source* into *attachments_dir* by content and describe the stored copy.

    Everything that can be refused is checked from the file's metadata before a byte is
    read, so a huge or unreadable file is turned away at once.
    """
    source = Path(source)
    size = _checked_size(source, max_bytes)
    suffix = source.suffix.lower() if _SAFE_SUFFIX.fullmatch(source.suffix) else ""
    mime = guess_mime(source)
    kind = kind_of(mime, suffix)
    if kind is None:
        raise AttachmentError(f"{source.name} is a file type the assistant cannot read ({mime}).")
    sha256, stored = _store(source, Path(attachments_dir), suffix, max_bytes)
    return Attachment(path=stored, kind=kind, mime=mime, name=source.name, sha256=sha256, size=size)


def check_attachable(source: Path, *, max_bytes: int = MAX_ATTACHMENT_BYTES_DEFAULT) -> None:
    """Raise AttachmentError, naming *source* as given, if it could not be attached: it
    is missing, not a file, too big, of a type the assistant cannot read, or unreadable.

    What ``ingest`` would refuse, checked before anything is stored or asked.
    """
    source = Path(source)
    if not source.exists() and not source.is_symlink():
        raise AttachmentError(f"there is no file {source}.")
    _checked_size(source, max_bytes)
    if kind_of(guess_mime(source), source.suffix.lower()) is None:
        raise AttachmentError(
            f"{source} is a file type the assistant cannot read ({guess_mime(source)})."
        )
    try:
        with source.open("rb") as reader:
            reader.read(1)
    except PermissionError:
        raise AttachmentError(f"{source} cannot be read: permission denied.") from None
    except OSError as exc:
        raise AttachmentError(f"{source} cannot be read: {exc.strerror or exc}.") from exc


def expand_folder(folder: Path, *, limit: int = MAX_FOLDER_FILES) -> list[Path]:
    """The regular files inside a dropped folder, recursively and sorted.

    Hidden files and folders are skipped (they are caches and version control, not what
    the person meant), and at most *limit* files are returned.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise AttachmentError(f"{folder.name} is not a folder any more.")
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if not name.startswith(".") and path.is_file():
                found.append(path)
                if len(found) >= limit:
                    return sorted(found)
    return sorted(found)


def human_size(size: int) -> str:
    """*size* in bytes as a person reads it: "812 KB", "2.0 GB"."""
    if size < 1024:
        return f"{size} bytes"
    value, unit = float(size), "bytes"
    for bigger in ("KB", "MB", "GB", "TB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"


def _checked_size(source: Path, max_bytes: int) -> int:
    """The size of *source*, after refusing anything that is not a readable, small file."""
    try:
        info = source.stat()
    except FileNotFoundError:
        raise AttachmentError(f"{source.name} no longer exists.") from None
    except PermissionError:
        raise AttachmentError(_unreadable(source)) from None
    except OSError as exc:
        raise AttachmentError(f"{source.name} cannot be read: {exc.strerror}.") from exc
    if stat.S_ISDIR(info.st_mode):
        raise AttachmentError(
            f"{source.name} is a folder; drop the files inside it, "
            "or add the folder to your documents."
        )
    if not stat.S_ISREG(info.st_mode):
        # Reading a pipe or a device could block forever or never end.
        raise AttachmentError(f"{source.name} is not a regular file.")
    if info.st_size > max_bytes:
        raise AttachmentError(
            f"{source.name} is {human_size(info.st_size)}; the limit is {human_size(max_bytes)}."
        )
    return info.st_size


def _unreadable(source: Path) -> str:
    return f"{source.name} cannot be read: you do not have permission to open it."


def _store(source: Path, attachments_dir: Path, suffix: str, max_bytes: int) -> tuple[str, Path]:
    """Copy *source* to its content address, returning its SHA-256 and the stored path."""
    try:
        reader = source.open("rb")
    except FileNotFoundError:
        raise AttachmentError(f"{source.name} no longer exists.") from None
    except PermissionError:
        raise AttachmentError(_unreadable(source)) from None
    with reader:
        try:
            attachments_dir.mkdir(parents=True, exist_ok=True)
            return _copy_hashed(reader, source, attachments_dir, suffix, max_bytes)
        except OSError as exc:
            raise _data_folder_error(attachments_dir, source, exc) from exc


def _copy_hashed(
    reader: BinaryIO, source: Path, attachments_dir: Path, suffix: str, max_bytes: int
) -> tuple[str, Path]:
    digest = hashlib.sha256()
    # The temporary file sits in the same folder so that os.replace is an atomic rename.
    fd, temporary = tempfile.mkstemp(prefix=".ingest-", dir=attachments_dir)
    try:
        with os.fdopen(fd, "wb") as writer:
            for block in _blocks(reader, source, max_bytes):
                digest.update(block)
                writer.write(block)
            writer.flush()
            # The database will point at this file; it must be on disk before that.
            os.fsync(writer.fileno())
        sha256 = digest.hexdigest()
        target = attachments_dir / sha256[:2] / f"{sha256}{suffix}"
        target.parent.mkdir(exist_ok=True)
        if target.is_file() and target.stat().st_size == os.stat(temporary).st_size:
            os.unlink(temporary)  # the same content is already stored
        else:
            os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sha256, target


def _blocks(reader: BinaryIO, source: Path, max_bytes: int) -> Iterator[bytes]:
    """The content of *source* in 1 MiB blocks; read errors name the source, not the copy."""
    total = 0
    while True:
        try:
            block = reader.read(_BLOCK)
        except OSError as exc:
            raise AttachmentError(f"{source.name} cannot be read: {exc.strerror}.") from exc
        if not block:
            return
        total += len(block)
        if total > max_bytes:  # it grew while we copied it
            raise AttachmentError(
                f"{source.name} grew past the limit of {human_size(max_bytes)} "
                "while it was being copied."
            )
        yield block


def _data_folder_error(attachments_dir: Path, source: Path, exc: OSError) -> AttachmentError:
    folder = attachments_dir
    if is_disk_full(exc):
        why = f"the data folder ({folder}) is full; free some space and try again"
    elif is_read_only(exc):
        why = f"the data folder ({folder}) is read-only; make it writable and try again"
    else:
        why = f"the data folder ({folder}) cannot be written: {exc.strerror or exc}"
    return AttachmentError(f"{source.name} could not be saved: {why}.")
