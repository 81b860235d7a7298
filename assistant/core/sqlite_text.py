"""Making any Python text safe to hand to SQLite.

Python strings can hold what SQLite cannot take: lone surrogates (not encodable as UTF-8)
and, in a full-text query, FTS5 operators and quotes that would be syntax errors.
"""

from __future__ import annotations


def storable_text(text: str) -> str:
    """*text* with any lone surrogate replaced, which UTF-8, and so SQLite, cannot store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Text from a UTF-16 source (a clipboard, a Windows API) can carry a lone
        # surrogate; losing one character beats losing the message.
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def fts_query(text: str) -> str:
    """*text* as an FTS5 query that cannot be a syntax error: each word quoted, as a prefix."""
    # Lone surrogates cannot be encoded for SQLite and a NUL ends FTS5's string early.
    clean = text.encode("utf-8", "ignore").decode("utf-8").replace("\x00", " ")
    return " ".join('"' + term.replace('"', '""') + '"*' for term in clean.split())
