"""Disk and database failures told in sentences a person can act on.

The store and attachment ingestion both write under the data folder, so both meet the same
few troubles (a full disk, a read-only folder); these helpers classify them once, and say
what went wrong with the conversation database.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import sys
from pathlib import Path

# EDQUOT and EFBIG (a quota, a file size limit) are "full" as far as the person can tell.
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def is_disk_full(exc: OSError) -> bool:
    """Whether *exc* means there is no room left to write."""
    return exc.errno in _FULL_ERRNOS


def is_read_only(exc: OSError) -> bool:
    """Whether *exc* means the place cannot be written to at all."""
    return exc.errno in _READ_ONLY_ERRNOS


def _full_folder(folder: Path) -> str:
    return f"The data folder {folder} is full; free some space — nothing said so far is lost."


def _read_only_folder(folder: Path) -> str:
    return (
        f"The data folder {folder} is read-only, so nothing new can be saved; "
        "make it writable again — nothing said so far is lost."
    )


def describe_data_folder_error(folder: Path, exc: OSError) -> str:
    """What went wrong, for an OSError met while creating the data folder *folder*."""
    if is_disk_full(exc):
        return _full_folder(folder)
    if is_read_only(exc):
        return _read_only_folder(folder)
    return f"The data folder {folder} cannot be used: {exc.strerror or exc}."


def describe_database_error(exc: sqlite3.Error, path: Path) -> str:
    """What went wrong with the database file *path*, in words a person can act on."""
    text = str(exc).lower()
    folder = path.parent
    # SQLite reports a full or read-only disk as plain I/O trouble often enough that the
    # folder itself has to be looked at.
    io_trouble = "disk i/o error" in text or "unable to open" in text
    if "readonly" in text or (io_trouble and not os.access(folder, os.W_OK)):
        return _read_only_folder(folder)
    if "disk is full" in text or (io_trouble and _looks_full(path)):
        return _full_folder(folder)
    if "malformed" in text or "not a database" in text:
        return (
            f"The conversation database {path} is damaged ({exc}); move it aside and "
            "restart the assistant to begin a new one."
        )
    if "locked" in text or "busy" in text:
        return (
            f"The conversation database {path} is busy (another program is using it); "
            "try again in a moment."
        )
    if "foreign key" in text:
        return "That conversation or message no longer exists."
    return f"The conversation database {path} could not be used ({exc})."


def _looks_full(path: Path) -> bool:
    """Whether the disk under *path* is (nearly) full or its files hit the size limit."""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return False
    return free < 1024 * 1024 or _over_file_size_limit(path)


def _over_file_size_limit(path: Path) -> bool:
    """Whether a file of the database has reached this process's RLIMIT_FSIZE."""
    if sys.platform == "win32":
        return False
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft == resource.RLIM_INFINITY:
        return False
    for suffix in ("", "-wal", "-shm"):
        try:
            size = path.with_name(path.name + suffix).stat().st_size
        except OSError:
            continue
        # A write that would cross the limit fails, so the file stops a little short of it.
        if size > soft - 64 * 1024:
            return True
    return False
