"""Export a conversation from the window: a file dialog, then ``assistant.core.export``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QStandardPaths
from PySide6.QtWidgets import QFileDialog

if TYPE_CHECKING:
    from assistant.ui.main_window import MainWindow

SUFFIXES = {"markdown": ".md", "json": ".json"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)  # the window's own strings


def _filters() -> dict[str, str]:
    return {"markdown": tr("Markdown (*.md)"), "json": tr("JSON, every version and part (*.json)")}


def suggested_path(title: str, kind: str) -> Path:
    """Where the dialog proposes to save: the Documents folder, named after the title."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    name = _UNSAFE.sub(" ", title).strip()[:80] or tr("Conversation")
    place = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    return place / f"{name}{SUFFIXES[kind]}"


def export_conversation(window: MainWindow, conversation_id: int, kind: str = "") -> Path | None:
    """Ask where to export a conversation (as *kind*, or as the dialog's chosen filter),
    write it there with its pictures beside it, and say so in the status bar."""
    from assistant.core.export import export_json, export_markdown
    from assistant.core.store import StoreError

    conversation = window.store.conversation(conversation_id) if conversation_id else None
    if conversation is None:
        window.statusBar().showMessage(tr("Open a conversation to export it."), 5000)
        return None
    filters = _filters()
    chosen_kind = kind or "markdown"
    order = [chosen_kind, *(k for k in filters if k != chosen_kind)] if not kind else [kind]
    name, chosen = QFileDialog.getSaveFileName(
        window,
        tr("Export conversation"),
        str(suggested_path(conversation.title, chosen_kind)),
        ";;".join(filters[k] for k in order),
        filters[chosen_kind],
    )
    if not name:
        return None
    path = Path(name)
    kind = next((k for k, f in filters.items() if f == chosen), chosen_kind)
    if path.suffix.lower() == ".json":
        kind = "json"
    elif path.suffix.lower() in (".md", ".markdown"):
        kind = "markdown"
    else:
        path = path.with_name(path.name + SUFFIXES[kind])
    write = export_json if kind == "json" else export_markdown
    try:
        write(window.store, conversation_id, path)
    except StoreError as exc:
        window.show_error(str(exc))
        return None
    window.statusBar().showMessage(tr("Exported to %1").replace("%1", str(path)), 8000)
    return path
