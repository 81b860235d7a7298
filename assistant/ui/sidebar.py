"""The list of conversations, with full-text search over everything said."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import QCoreApplication, QPoint, QTimer, Signal
from PySide6.QtWidgets import (
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from assistant.core.store import Conversation, SearchHit


def tr(text: str, count: int = -1) -> str:
    return QCoreApplication.translate("Sidebar", text, None, count)


class Sidebar(QWidget):
    """Conversations, newest first; typing in the search box lists matching messages."""

    conversation_selected = Signal(int, int)  # conversation id, message id to show (or 0)
    new_requested = Signal()
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)
    search_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new_button = QPushButton(tr("New conversation"), self)
        self.new_button.clicked.connect(self.new_requested)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(tr("Search conversations"))
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.list = QListWidget(self)
        # Long titles are elided (the default), not scrolled. Enum properties are set by
        # name, which builds no Python enum type before the first paint (see assistant.ui).
        self.list.setProperty("horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        self.list.setProperty("contextMenuPolicy", "CustomContextMenu")
        self._targets: list[tuple[int, int]] = []  # per row: conversation id, message id
        self.list.customContextMenuRequested.connect(self._on_list_context_menu)
        self.list.itemActivated.connect(self._on_item_chosen)
        self.list.itemClicked.connect(self._on_item_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 8)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)

    def show_conversations(self, conversations: list[Conversation], current: int) -> None:
        self._clear()
        for conversation in conversations:
            item = QListWidgetItem(conversation.title or tr("New conversation"))
            item.setToolTip(tr("%n message(s)", conversation.message_count))
            self._add(item, conversation.id)
            if conversation.id == current:
                item.setSelected(True)
                self.list.setCurrentItem(item)

    def show_hits(self, hits: list[SearchHit]) -> None:
        self._clear()
        if not hits:
            self._add(QListWidgetItem(tr("Nothing found")), 0)
        for hit in hits:
            item = QListWidgetItem(f"{hit.conversation_title}\n  {hit.snippet}")
            self._add(item, hit.conversation_id, hit.message_id)

    def _clear(self) -> None:
        self.list.clear()
        self._targets.clear()

    def _add(self, item: QListWidgetItem, conversation: int, message: int = 0) -> None:
        self.list.addItem(item)
        self._targets.append((conversation, message))

    def _target(self, item: QListWidgetItem | None) -> tuple[int, int]:
        """The conversation and message an *item* stands for ((0, 0) for none)."""
        row = self.list.row(item) if item is not None else -1
        return self._targets[row] if 0 <= row < len(self._targets) else (0, 0)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_item_chosen(self, item: QListWidgetItem) -> None:
        conversation, message = self._target(item)
        if conversation:
            self.conversation_selected.emit(conversation, message)

    def _on_list_context_menu(self, point: QPoint) -> None:
        item = self.list.itemAt(point)
        conversation, _message = self._target(item)
        if item is None or not conversation:
            return
        menu = QMenu(self)
        menu.addAction(tr("Rename…"), lambda: self._rename(conversation, item.text()))
        menu.addAction(tr("Delete"), lambda: self._delete(conversation, item.text()))
        menu.exec(self.list.mapToGlobal(point))

    def _rename(self, conversation: int, title: str) -> None:
        new, ok = QInputDialog.getText(self, tr("Rename conversation"), tr("Title:"), text=title)
        if ok and new.strip():
            self.rename_requested.emit(conversation, new.strip())

    def _delete(self, conversation: int, title: str) -> None:
        answer = QtWidgets.QMessageBox.question(
            self,
            tr("Delete conversation"),
            tr("Delete “%1” and everything said in it?").replace("%1", html.escape(title)),
        )
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            self.delete_requested.emit(conversation)
