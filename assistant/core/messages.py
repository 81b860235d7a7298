"""What goes into a plugin (a request) and what comes out of it (chunks).

Everything here is immutable, so a request can cross from the GUI thread to a worker
thread without copies or locks.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Kind(StrEnum):
    """The kinds of input a plugin can accept."""

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    DOCUMENT = "document"


_DOCUMENT_SUFFIXES = frozenset(
    {".pdf", ".txt", ".md", ".markdown", ".rst", ".docx", ".html", ".htm", ".csv", ".json"}
)


# Sound and video containers that not every system's MIME table knows.
_MEDIA_TYPES = {
    ".m4a": "audio/mp4",
    ".opus": "audio/ogg",
    ".oga": "audio/ogg",
    ".ogg": "audio/ogg",
    ".flac": "audio/flac",
    ".weba": "audio/webm",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".mka": "audio/x-matroska",
}


def guess_mime(path: Path) -> str:
    """The MIME type of *path* from its name, ``application/octet-stream`` when unknown."""
    media = _MEDIA_TYPES.get(path.suffix.lower())
    if media:
        return media
    mime, _ = mimetypes.guess_type(path.name)
    return mime or "application/octet-stream"


def kind_of(mime: str, suffix: str = "") -> Kind | None:
    """The input kind a file of this MIME type is, or None when no plugin could read it."""
    major = mime.split("/", 1)[0]
    if major == "image":
        return Kind.IMAGE
    if major in ("audio", "video"):  # a video's sound track is what can be read of it
        return Kind.AUDIO
    if major == "text" or suffix.lower() in _DOCUMENT_SUFFIXES:
        return Kind.DOCUMENT
    return None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that came with a request: dropped, pasted, attached or recorded."""

    path: Path
    kind: Kind
    mime: str
    name: str
    sha256: str = ""
    size: int = 0


@dataclass(frozen=True, slots=True)
class HistoryMessage:
    """One earlier message of the conversation, as a plugin sees it."""

    role: str  # "user" or "assistant"
    content: str
    plugin: str = ""
    attachments: tuple[Attachment, ...] = ()
    message_id: int = 0


@dataclass(frozen=True, slots=True)
class Request:
    """One thing the person asked for, with everything a plugin needs to answer it."""

    text: str
    attachments: tuple[Attachment, ...] = ()
    conversation_id: int = 0
    message_id: int = 0
    history: tuple[HistoryMessage, ...] = ()
    command: str = ""  # the slash command that routed it, without the slash
    # The options the person gave for this request (see assistant.core.options), checked
    # by the plugin's options model; what is not given, the plugin's settings decide.
    options: Mapping[str, object] = field(default_factory=dict, hash=False)

    def attachments_of(self, kind: Kind) -> tuple[Attachment, ...]:
        """The attachments of one kind, in the order they were given."""
        return tuple(a for a in self.attachments if a.kind is kind)


# ---- chunks a plugin streams back -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the answer's text, appended to what came before."""

    text: str


@dataclass(frozen=True, slots=True)
class ImageOut:
    """An image the plugin made, annotated or shows; *path* is a file the app keeps (one the
    plugin wrote, or the stored attachment itself)."""

    path: Path
    caption: str = ""
    mime: str = "image/png"


@dataclass(frozen=True, slots=True)
class AudioOut:
    """Audio the plugin made, to be played in the conversation."""

    path: Path
    caption: str = ""
    mime: str = "audio/wav"


@dataclass(frozen=True, slots=True)
class FileOut:
    """A file that belongs to the answer (a document, an export), shown as a chip that
    opens it; *path* is a file the app keeps."""

    path: Path
    caption: str = ""
    mime: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Preview:
    """A glimpse of work in progress (a picture forming), shown in place of the previous
    preview of the same answer; never stored: the final output takes its place."""

    path: Path
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Progress:
    """How far long work has come; *fraction* is None when it cannot be known."""

    message: str
    fraction: float | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact in the answer came from."""

    title: str
    path: str = ""
    page: int | None = None
    snippet: str = ""
    number: int = 0  # the [n] the answer cites it by; 0: in the order listed
    section: str = ""  # where in the file, in words ("4. Redistribution", "line 87")
    position: int | None = None  # character offset of the passage in the file's text
    passage: str = ""  # the passage's whole text, for a viewer to find and highlight


@dataclass(frozen=True, slots=True)
class Sources:
    """The sources behind an answer, shown under it."""

    items: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class NoticeAction:
    """A button on a notice: *label* as shown, *link* what a click opens.

    The link is a plugin link (``"<plugin>:<target>"``, handled by that plugin's
    ``handle_link``) or an app link (``"app:…"``, see :mod:`assistant.core.app_links`).
    """

    label: str
    link: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the person should know that is not part of the answer itself.

    A notice with a *key* (a stable identity, e.g. ``"vision.missing-model.detector"``) is
    shown once per conversation: the app drops it from later answers. *actions* are what
    the person can do about it ("Download (about 160 MB)", "Choose a folder…").
    """

    text: str
    level: str = "info"  # "info", "warning" or "error"
    key: str = ""
    actions: tuple[NoticeAction, ...] = ()


Chunk = TextDelta | ImageOut | AudioOut | FileOut | Preview | Progress | Sources | Notice


@dataclass(frozen=True, slots=True)
class Route:
    """Which plugin answers a request, and why, in words the person understands."""

    plugin: str
    reason: str
    text: str  # the request text with any slash command removed
    command: str = ""
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
