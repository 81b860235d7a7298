"""A message as an ordered list of parts: text, notices, pictures, sound, sources, previews.

The window shows an answer while it streams and again when it is loaded from the store;
both go through :class:`PartsBuilder`, fed with the same chunks, so what streams is what
reloads. While streaming the chunks come from the plugin; on reload :func:`replay` makes
them again from the stored message, in the order they streamed (the reply recorder keeps
that order in the message's ``layout``, see :func:`layout_entry`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.messages import (
    AudioOut,
    Chunk,
    FileOut,
    ImageOut,
    Notice,
    Preview,
    Progress,
    Source,
    Sources,
    TextDelta,
)
from assistant.core.notices import notices_from_meta

if TYPE_CHECKING:
    from assistant.core.store_records import Message, StoredAttachment


@dataclass(slots=True)
class TextPart:
    """Markdown text, grown by every text chunk that follows it."""

    text: str = ""


@dataclass(slots=True)
class NoticePart:
    notice: Notice


@dataclass(slots=True)
class ImagesPart:
    """Pictures that came one after another, shown as one grid."""

    images: list[ImageOut] = field(default_factory=list)


@dataclass(slots=True)
class AudioPart:
    audio: AudioOut


@dataclass(slots=True)
class FilePart:
    file: FileOut


@dataclass(slots=True)
class SourcesPart:
    sources: tuple[Source, ...]


@dataclass(slots=True)
class PreviewPart:
    """The latest preview of work in progress; replaced in place, never stored."""

    preview: Preview


@dataclass(slots=True)
class ProgressPart:
    """How far the work this answer waits on has come; gone when the answer ends."""

    progress: Progress


Part = (
    TextPart
    | NoticePart
    | ImagesPart
    | AudioPart
    | FilePart
    | SourcesPart
    | PreviewPart
    | ProgressPart
)
TRANSIENT = (PreviewPart, ProgressPart)


class PartsBuilder:
    """Turns chunks into parts; :meth:`add` says which part changed."""

    def __init__(self) -> None:
        self.parts: list[Part] = []

    def add(self, chunk: Chunk) -> tuple[int, bool]:
        """Take one chunk; returns the index of the part it changed and whether that part
        is new (a new part is inserted at that index; an old one changed in place)."""
        last = self.parts[-1] if self.parts else None
        if isinstance(chunk, TextDelta):
            if isinstance(last, TextPart):
                last.text += chunk.text
                return len(self.parts) - 1, False
            return self._append(TextPart(chunk.text))
        if isinstance(chunk, Preview | Progress):
            kind = PreviewPart if isinstance(chunk, Preview) else ProgressPart
            for index, part in enumerate(self.parts):
                if isinstance(part, kind):
                    self.parts[index] = (
                        PreviewPart(chunk) if isinstance(chunk, Preview) else ProgressPart(chunk)
                    )
                    return index, False
            return self._append(
                PreviewPart(chunk) if isinstance(chunk, Preview) else ProgressPart(chunk)
            )
        if isinstance(chunk, ImageOut):
            for index, part in enumerate(self.parts):
                if isinstance(part, PreviewPart):  # the final picture takes its place
                    self.parts[index] = ImagesPart([chunk])
                    return index, False
            if isinstance(last, ImagesPart):
                last.images.append(chunk)
                return len(self.parts) - 1, False
            return self._append(ImagesPart([chunk]))
        if isinstance(chunk, AudioOut):
            return self._append(AudioPart(chunk))
        if isinstance(chunk, FileOut):
            return self._append(FilePart(chunk))
        if isinstance(chunk, Sources):
            return self._append(SourcesPart(chunk.items))
        return self._append(NoticePart(chunk))

    def drop_transient(self) -> list[int]:
        """Remove previews and progress (the answer has ended); returns their old indexes."""
        gone = [i for i, part in enumerate(self.parts) if isinstance(part, TRANSIENT)]
        self.parts = [part for part in self.parts if not isinstance(part, TRANSIENT)]
        return gone

    def _append(self, part: Part) -> tuple[int, bool]:
        self.parts.append(part)
        return len(self.parts) - 1, True


def parts_of(chunks: list[Chunk]) -> list[Part]:
    """The parts the chunks make."""
    builder = PartsBuilder()
    for chunk in chunks:
        builder.add(chunk)
    builder.drop_transient()
    return builder.parts


# ---- the order chunks streamed in, kept with the stored reply ---------------------------


def layout_entry(layout: list[list[Any]], chunk: Chunk) -> None:
    """Note in *layout* where *chunk* came: text by its length, the rest by kind.

    Previews and progress are not stored, so they take no place.
    """
    if isinstance(chunk, TextDelta):
        if layout and layout[-1][0] == "text":
            layout[-1][1] += len(chunk.text)
        else:
            layout.append(["text", len(chunk.text)])
    elif isinstance(chunk, ImageOut | AudioOut | FileOut):
        layout.append(["file"])
    elif isinstance(chunk, Sources):
        layout.append(["sources"])
    elif isinstance(chunk, Notice):
        layout.append(["notice"])


def replay(message: Message) -> list[Chunk]:
    """The chunks that make *message* again, in the order they streamed.

    Messages stored without a layout (questions, and answers from before it was kept)
    come as text, then files, for a question; notices, files, text and sources for an
    answer. A failed answer ends with its error, as it does live.
    """
    notices = notices_from_meta(message.meta)
    files = [_file_chunk(a, message.role) for a in message.attachments]
    sources = [
        Sources(tuple(Source(**s) for s in message.meta.get("sources", [])))
    ] if message.meta.get("sources") else []  # fmt: skip
    layout = message.meta.get("layout")
    if layout is None:
        text = [TextDelta(message.content)] if message.content else []
        if message.role == "user":
            chunks: list[Chunk] = [*text, *files]
        else:
            chunks = [*notices, *files, *text, *sources]
    else:
        chunks = _replay_layout(layout, message.content, notices, files, sources)
    if message.error:
        chunks.append(Notice(message.error, "error"))
    return chunks


def _replay_layout(
    layout: list[list[Any]],
    content: str,
    notices: list[Notice],
    files: list[Chunk],
    sources: list[Sources],
) -> list[Chunk]:
    queues: dict[str, list[Any]] = {"notice": notices, "file": files, "sources": sources}
    chunks: list[Chunk] = []
    offset = 0
    for entry in layout:
        if entry[0] == "text":
            piece = content[offset : offset + int(entry[1])]
            offset += int(entry[1])
            if piece:
                chunks.append(TextDelta(piece))
        elif queues.get(entry[0]):
            chunks.append(queues[entry[0]].pop(0))
    if offset < len(content):  # a checkpoint newer than the layout: keep every word
        chunks.append(TextDelta(content[offset:]))
    for queue in queues.values():
        chunks.extend(queue)
    return chunks


def _file_chunk(attachment: StoredAttachment, role: str) -> Chunk:
    path = Path(attachment.path)
    # An answer's file is stored under its caption, or its own name when it had none.
    caption = attachment.name if role == "user" or attachment.name != path.name else ""
    return file_chunk(path, attachment.kind, attachment.mime, caption)


def moved_files(given: list[Chunk], stored: list[Chunk]) -> dict[Path, Path] | None:
    """Where each file of *given* (a question as it was asked) is kept in *stored* (the same
    question replayed from the store), when the two are the same chunks but for where their
    files are; None when they differ in anything else."""
    if len(given) != len(stored):
        return None
    moved: dict[Path, Path] = {}
    for asked, kept in zip(given, stored, strict=True):
        if type(asked) is not type(kept):
            return None
        files = ImageOut | AudioOut | FileOut
        if isinstance(asked, files) and isinstance(kept, files):
            if replace(asked, path=kept.path) != kept:
                return None
            moved[asked.path] = kept.path
        elif asked != kept:
            return None
    return moved


def file_chunk(path: Path, kind: str, mime: str, caption: str) -> Chunk:
    """The chunk that shows a file of *kind* ("image", "audio", anything else a file)."""
    if kind == "image":
        return ImageOut(path, caption, mime)
    if kind == "audio":
        return AudioOut(path, caption, mime)
    return FileOut(path, caption, mime)
