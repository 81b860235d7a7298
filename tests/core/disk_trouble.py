"""Puts a conversation store on a disk in trouble; run in a subprocess by test_store.py.

Usage: ``python disk_trouble.py MODE FOLDER``, printing one JSON object:
``{"error": <StoreError text or "">, "readable": [<message contents read afterwards>],
"recovered": <whether a write works once the trouble is gone>}``.

Modes:
- ``fsize``: RLIMIT_FSIZE (with SIGXFSZ ignored) stops the files growing, as a full disk
  would; works anywhere, as root too.
- ``full``: FOLDER is a small tmpfs (mounted by the test in a private mount namespace);
  a filler file takes the last of its space.
- ``make``, then ``readonly``: write a conversation and exit without closing (like a crash,
  so the last commits are only in the WAL); the test remounts FOLDER read-only in between.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from assistant.core.store import Store, StoreError

BIG = "x" * (2 * 1024 * 1024)  # more than any limit the modes set, so a write must grow a file


def try_write(store: Store, conversation: int) -> str:
    """Write a big message; the StoreError's text, or "" when it was saved."""
    try:
        store.add_message(conversation, "user", BIG)
    except StoreError as exc:
        return str(exc)
    return ""


def readable(store: Store, conversation: int) -> list[str]:
    """The contents of the conversation's messages that are not the big one."""
    return [m.content for m in store.messages(conversation) if m.content != BIG]


def fill(folder: Path) -> Path:
    """Take every free byte of *folder*'s file system with one file."""
    filler = folder / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return filler


def with_store(mode: str, folder: Path) -> dict[str, object]:
    """Run one mode and describe what happened."""
    store = Store(folder / "assistant.sqlite3")
    if mode == "readonly":
        conversation = store.conversations()[0].id
        return {"error": try_write(store, conversation), "readable": readable(store, conversation)}
    conversation = store.create_conversation("before the trouble")
    store.add_message(conversation, "user", "said before the trouble")
    if mode == "make":
        print(json.dumps({}), flush=True)
        os._exit(0)  # no close(): the commits stay in the WAL, as after a crash
    if mode == "fsize":
        sizes = [p.stat().st_size for p in folder.iterdir()]
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so a write fails with EFBIG instead
        limits = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max(sizes) + 16 * 1024, limits[1]))
        error = try_write(store, conversation)
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
    else:
        filler = fill(folder)
        error = try_write(store, conversation)
        filler.unlink()
    result = {"error": error, "readable": readable(store, conversation)}
    result["recovered"] = try_write(store, conversation) == ""
    store.close()
    return result


if __name__ == "__main__":
    print(json.dumps(with_store(sys.argv[1], Path(sys.argv[2]))), flush=True)
