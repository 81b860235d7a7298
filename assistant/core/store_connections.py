"""SQLite connections for the store: one per thread, and short explicit transactions.

Worker threads write streamed replies while the GUI thread reads, so every thread gets its
own connection (WAL lets readers go on while one writer commits).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


class ThreadConnections:
    """One connection to the database at *path* for each thread that asks for one.

    *on_open* is called with each newly opened connection (once it is this thread's), so
    that the store can bring the schema up to date before the first use.
    """

    def __init__(self, path: Path, on_open: Callable[[sqlite3.Connection], None]) -> None:
        self._path = path
        self._on_open = on_open
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._generation = 0  # bumped by close(), so threads notice their connection went

    def current(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use or after ``close()``."""
        local = self._local
        if getattr(local, "generation", None) == self._generation:
            conn: sqlite3.Connection = local.conn
            return conn
        conn = open_database(self._path)
        with self._lock:
            self._close_dead_threads_connections()
            self._connections.append((threading.current_thread(), conn))
            local.conn, local.generation = conn, self._generation
        self._on_open(conn)
        return conn

    def close(self) -> None:
        """Close every connection opened here, whichever thread opened it."""
        with self._lock:
            connections, self._connections = self._connections, []
            self._generation += 1
        for _, conn in connections:
            conn.close()

    def _close_dead_threads_connections(self) -> None:
        # Worker threads come and go; without this their connections would pile up.
        alive = []
        for thread, conn in self._connections:
            if thread.is_alive():
                alive.append((thread, conn))
            else:
                conn.close()
        self._connections = alive


def open_database(path: Path) -> sqlite3.Connection:
    """A connection to *path*, read-only when its folder cannot be written to."""
    try:
        return _connect(str(path), uri=False)
    except sqlite3.OperationalError:
        if os.access(path.parent, os.W_OK) or not path.is_file():
            raise
    # A read-only data folder: SQLite cannot create its WAL files there, but the
    # conversations can still be shown. "mode=ro" reads a WAL left behind by a crash;
    # without one, "immutable" is safe because nothing can change the file.
    uri = path.absolute().as_uri()
    try:
        return _connect(uri + "?mode=ro", uri=True)
    except sqlite3.OperationalError:
        return _connect(uri + "?immutable=1", uri=True)


@contextmanager
def transaction(conn: sqlite3.Connection, begin: str) -> Iterator[None]:
    """Run the body between *begin* and COMMIT, rolling back if it raises."""
    conn.execute(begin)
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            # The error that got us here says more than a failed rollback would, and
            # SQLite rolls back by itself after the errors that make ROLLBACK fail.
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def _connect(database: str, *, uri: bool) -> sqlite3.Connection:
    # check_same_thread=False only so that close() may close other threads' connections;
    # each connection is otherwise used by the one thread that opened it.
    conn = sqlite3.connect(
        database, timeout=5.0, isolation_level=None, check_same_thread=False, uri=uri
    )
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA foreign_keys = ON")
        if not uri:  # the read-only fallbacks cannot change the journal
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        user_version(conn)  # reads the file, so a database that cannot be read fails here
    except BaseException:
        conn.close()
        raise
    return conn


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version the database file says it has."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version
