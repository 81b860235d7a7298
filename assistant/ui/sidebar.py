"""The list of conversations, with full-text search over everything said."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from assistant.core.store import Conversation, SearchHit


CONVERSATION = Qt.ItemDataRole.UserRole
MESSAGE = Qt.ItemDataRole.UserRole + 1


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
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._on_list_context_menu)
        self.list.itemActivated.connect(self._on_item_chosen)
        self.list.itemClicked.connect(self._on_item_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 8)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)

    def show_conversations(self, conversations: list[Conversation], current: int) -> None:
        self.list.clear()
        for conversation in conversations:
            item = QListWidgetItem(conversation.title or tr("New conversation"))
            item.setData(CONVERSATION, conversation.id)
            item.setData(MESSAGE, 0)
            item.setToolTip(tr("%n message(s)", conversation.message_count))
            self.list.addItem(item)
            if conversation.id == current:
                item.setSelected(True)
                self.list.setCurrentItem(item)

    def show_hits(self, hits: list[SearchHit]) -> None:
        self.list.clear()
        if not hits:
            self.list.addItem(QListWidgetItem(tr("Nothing found")))
        for hit in hits:
            item = QListWidgetItem(f"{hit.conversation_title}\n  {hit.snippet}")
            item.setData(CONVERSATION, hit.conversation_id)
            item.setData(MESSAGE, hit.message_id)
            self.list.addItem(item)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_item_chosen(self, item: QListWidgetItem) -> None:
        conversation = item.data(CONVERSATION)
        if conversation:
            self.conversation_selected.emit(int(conversation), int(item.data(MESSAGE) or 0))

    def _on_list_context_menu(self, point: QPoint) -> None:
        item = self.list.itemAt(point)
        if item is None or not item.data(CONVERSATION):
            return
        conversation = int(item.data(CONVERSATION))
        menu = QMenu(self)
        menu.addAction(tr("Rename…"), lambda: self._rename(conversation, item.text()))
        menu.addAction(tr("Delete"), lambda: self._delete(conversation, item.text()))
        menu.exec(self.list.mapToGlobal(point))

    def _rename(self, conversation: int, title: str) -> None:
        new, ok = QInputDialog.getText(self, tr("Rename conversation"), tr("Title:"), text=title)
        if ok and new.strip():
            self.rename_requested.emit(conversation, new.strip())

    def _delete(self, conversation: int, title: str) -> None:
        answer = QMessageBox.question(
            self,
            tr("Delete conversation"),
            tr("Delete “%1” and everything said in it?").replace("%1", html.escape(title)),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_requested.emit(conversation)
