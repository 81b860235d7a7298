"""Exporting a conversation: to Markdown for people, to JSON for programs.

Both copy the conversation's pictures and files into a folder beside the export
(``NAME_files/``) and link them by relative paths, so the export can be moved or shared
as a whole. Markdown holds what the window shows (the shown version of each message);
JSON holds everything: every version, and each message's parts (text, pictures, sound,
files, sources, notices) in the order they streamed, as ``assistant.core.parts`` makes
them for the window.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from assistant.core.messages import AudioOut, FileOut, ImageOut
from assistant.core.parts import (
    AudioPart,
    FilePart,
    ImagesPart,
    NoticePart,
    Part,
    SourcesPart,
    TextPart,
    parts_of,
    replay,
)
from assistant.core.store import Message, Store, StoreError

FORMAT = "assistant-conversation"
FORMAT_VERSION = 1
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


class _Files:
    """Copies files into the folder beside an export, each once, under a unique name."""

    def __init__(self, export: Path) -> None:
        self.folder = export.with_name(export.stem + "_files")
        self._copied: dict[Path, str] = {}

    def link(self, source: Path, name: str = "") -> str | None:
        """The relative path of *source*'s copy (copied on first use); None if it is gone."""
        if source in self._copied:
            return self._copied[source]
        if not source.is_file():
            return None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Could not make the folder {self.folder}: {exc.strerror}") from exc
        stem = _UNSAFE_NAME.sub("_", name or source.name).strip() or source.name
        target = self.folder / stem
        number = 1
        while target.exists():
            number += 1
            target = self.folder / f"{Path(stem).stem}-{number}{Path(stem).suffix}"
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            raise StoreError(f"Could not copy {source.name} to {self.folder}: {exc}") from exc
        self._copied[source] = f"{self.folder.name}/{target.name}"
        return self._copied[source]


def _part_json(part: Part, files: _Files) -> list[dict[str, Any]]:
    if isinstance(part, TextPart):
        return [{"type": "text", "text": part.text}]
    if isinstance(part, NoticePart):
        notice = part.notice
        return [{"type": "notice", "level": notice.level, "text": notice.text, "key": notice.key}]
    if isinstance(part, SourcesPart):
        items = [
            {"title": s.title, "path": s.path, "page": s.page, "snippet": s.snippet}
            for s in part.sources
        ]
        return [{"type": "sources", "items": items}]
    outs: list[ImageOut] | list[AudioOut] | list[FileOut]
    if isinstance(part, ImagesPart):
        kind, outs = "image", part.images
    elif isinstance(part, AudioPart):
        kind, outs = "audio", [part.audio]
    elif isinstance(part, FilePart):
        kind, outs = "file", [part.file]
    else:
        return []  # previews and progress are never stored
    return [
        {
            "type": kind,
            "path": files.link(Path(out.path), out.caption or Path(out.path).name),
            "caption": out.caption,
            "mime": out.mime,
        }
        for out in outs
    ]


def message_parts(message: Message, files: _Files) -> list[dict[str, Any]]:
    """A stored message's parts as JSON-ready dicts, its files copied by *files*."""
    return [entry for part in parts_of(replay(message)) for entry in _part_json(part, files)]


def conversation_json(store: Store, conversation_id: int, path: Path) -> dict[str, Any]:
    """The whole conversation as one JSON-ready dict; files are copied beside *path*."""
    conversation = store.conversation(conversation_id)
    if conversation is None:
        raise StoreError(f"Conversation {conversation_id} no longer exists.")
    shown = {m.id for m in store.messages(conversation_id)}
    files = _Files(path)
    messages = [
        {
            "id": m.id,
            "parent_id": m.parent_id,
            "role": m.role,
            "plugin": m.plugin,
            "route_reason": m.route_reason,
            "status": m.status,
            "error": m.error,
            "created": m.created,
            "updated": m.updated,
            "version": m.version,
            "versions": m.versions,
            "shown": m.id in shown,
            "content": m.content,
            "parts": message_parts(m, files),
        }
        for m in store.all_messages(conversation_id)
    ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported": time.time(),
        "conversation": {
            "id": conversation.id,
            "title": conversation.title,
            "created": conversation.created,
            "updated": conversation.updated,
            "origin": conversation.origin,
        },
        "messages": messages,
    }


def export_json(store: Store, conversation_id: int, path: Path) -> Path:
    """Write the conversation to *path* as JSON (see ``conversation_json``)."""
    data = conversation_json(store, conversation_id, path)
    _write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return path


def read_json(path: Path) -> dict[str, Any]:
    """An exported conversation read back; StoreError if *path* is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path.name} cannot be read as an exported conversation: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(f"{path.name} is not a conversation exported by the assistant.")
    return data


def export_markdown(store: Store, conversation_id: int, path: Path) -> Path:
    """Write what the window shows of the conversation to *path* as Markdown."""
    conversation = store.conversation(conversation_id)
    if conversation is None:
        raise StoreError(f"Conversation {conversation_id} no longer exists.")
    files = _Files(path)
    lines = [f"# {conversation.title or 'Conversation'}", ""]
    lines += [f"*{_when(conversation.created)} · {conversation.message_count} messages*", ""]
    for message in store.messages(conversation_id):
        lines += _message_markdown(message, files)
    _write(path, "\n".join(lines).rstrip() + "\n")
    return path


def _message_markdown(message: Message, files: _Files) -> list[str]:
    who = "You" if message.role == "user" else "Assistant"
    if message.role != "user" and message.plugin:
        who += f" ({message.plugin})"
    version = f" · version {message.version} of {message.versions}" if message.versions > 1 else ""
    lines = [f"## {who} · {_when(message.created)}{version}", ""]
    for part in message_parts(message, files):
        lines += [*_part_markdown(part), ""]
    return lines


def _part_markdown(part: dict[str, Any]) -> list[str]:
    kind = part["type"]
    if kind == "text":
        return [part["text"].strip()]
    if kind == "notice":
        label = {"warning": "Warning", "error": "Error"}.get(part["level"], "Note")
        return [f"> **{label}:** {line}" for line in part["text"].splitlines() or [""]]
    if kind == "sources":
        lines = ["Sources:", ""]
        for number, item in enumerate(part["items"], 1):
            page = f", page {item['page']}" if item["page"] else ""
            snippet = f" — {item['snippet']}" if item["snippet"] else ""
            lines.append(f"{number}. {item['title']}{page}{snippet}")
        return lines
    caption = part["caption"] or Path(part["path"] or kind).name
    if part["path"] is None:
        return [f"*({kind} no longer on disk: {caption})*"]
    link = quote(part["path"])
    return [f"![{caption}]({link})" if kind == "image" else f"[{caption}]({link})"]


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"Could not write {path}: {exc.strerror or exc}") from exc
