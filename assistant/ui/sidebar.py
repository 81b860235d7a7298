"""The list of conversations under date headings, with full-text search over everything said.

How each row looks is ``sidebar_rows``' business; it is imported with the first list shown,
after the window's first paint.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import QCoreApplication, QPoint, QTimer, Signal
from PySide6.QtWidgets import (
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
    from assistant.ui.rename_dialog import RenameDialog


def tr(text: str, count: int = -1) -> str:
    return QCoreApplication.translate("Sidebar", text, None, count)


class Sidebar(QWidget):
    """Conversations, newest first; typing in the search box lists matching messages."""

    conversation_selected = Signal(int, int)  # conversation id, message id to show (or 0)
    new_requested = Signal()
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)
    export_requested = Signal(int, str)  # conversation id, "markdown" or "json"
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
        self.list.setProperty("resizeMode", "Adjust")  # rows fit again when it is resized
        self._targets: list[tuple[int, int]] = []  # per row: conversation id, message id
        self._delegate: QtWidgets.QStyledItemDelegate | None = None
        self._current = 0  # the conversation the window shows
        self.list.customContextMenuRequested.connect(self._on_list_context_menu)
        self.list.itemActivated.connect(self._on_item_chosen)
        self.list.itemClicked.connect(self._on_item_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 8)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)

    def show_conversations(self, conversations: list[Conversation], current: int) -> None:
        """List *conversations* (newest first) under date headings, *current* selected."""
        from assistant.ui import sidebar_rows as rows

        self._use_delegate()
        self._clear()
        heading = None
        for conversation in conversations:
            group = rows.date_group(conversation.updated)
            if group != heading:
                heading = group
                self._add_heading(rows.group_label(group))
            item = QListWidgetItem(conversation.title or tr("New conversation"))
            item.setData(rows.ROW_ROLE, conversation)
            item.setToolTip(rows.row_tooltip(conversation))
            self._add(item, conversation.id)
        self.select(current)

    def select(self, conversation: int) -> None:
        """Highlight the row of *conversation* (none for 0), and keep it in view."""
        self._current = conversation
        for row, (target, message) in enumerate(self._targets):
            if target == conversation and conversation and not message:
                item = self.list.item(row)
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)
                return
        self.list.clearSelection()

    def show_hits(self, hits: list[SearchHit]) -> None:
        """List the messages a search found, each under its conversation's title."""
        from assistant.ui import sidebar_rows as rows

        self._use_delegate()
        self._clear()
        if not hits:
            self._add_heading(tr("Nothing found"))
        for hit in hits:
            item = QListWidgetItem(f"{hit.conversation_title}\n{hit.snippet}")
            item.setData(rows.ROW_ROLE, hit)
            item.setToolTip(rows.full_when(hit.created))
            self._add(item, hit.conversation_id, hit.message_id)

    def title_of(self, conversation: int) -> str:
        """The title a conversation's row shows ("" if it is not listed)."""
        from assistant.ui import sidebar_rows as rows

        for row, (target, _message) in enumerate(self._targets):
            data = self.list.item(row).data(rows.ROW_ROLE) if target == conversation else None
            if data is not None and hasattr(data, "message_count"):
                return str(data.title)
        return ""

    def listed(self) -> list[tuple[int, int]]:
        """What the rows stand for, headings left out: (conversation, message or 0)."""
        return [target for target in self._targets if target[0]]

    def _use_delegate(self) -> None:
        if self._delegate is None:
            from assistant.ui.sidebar_rows import SidebarDelegate

            self._delegate = SidebarDelegate(self.list)
            self.list.setItemDelegate(self._delegate)

    def _add_heading(self, label: str) -> None:
        from PySide6.QtCore import Qt

        from assistant.ui.sidebar_rows import ROW_ROLE

        item = QListWidgetItem(label)
        item.setData(ROW_ROLE, label)
        item.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading: neither chosen nor selected
        self._add(item, 0)

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
        menu = self.context_menu(self.list.itemAt(point))
        if menu is not None:
            menu.exec(self.list.mapToGlobal(point))
            if not self.search.text():  # the right click selected its row: show the open one
                self.select(self._current)

    def context_menu(self, item: QListWidgetItem | None) -> QMenu | None:
        """The menu of a conversation's row (or a search hit's): rename, export, delete."""
        conversation, _message = self._target(item)
        if item is None or not conversation:
            return None
        title = self.title_of(conversation) or item.text().split("\n")[0]
        menu = QMenu(self)
        menu.addAction(tr("Rename…"), lambda: self._rename(conversation, title))
        menu.addAction(tr("Export as Markdown…"), lambda: self._export(conversation, "markdown"))
        menu.addAction(tr("Export as JSON…"), lambda: self._export(conversation, "json"))
        menu.addSeparator()
        menu.addAction(tr("Delete"), lambda: self._delete(conversation, title))
        return menu

    def _export(self, conversation: int, kind: str) -> None:
        self.export_requested.emit(conversation, kind)

    def rename_dialog(self, title: str) -> RenameDialog:
        """The Rename dialog for a conversation called *title*."""
        from assistant.ui.rename_dialog import RenameDialog

        return RenameDialog(title, self)

    def _rename(self, conversation: int, title: str) -> None:
        dialog = self.rename_dialog(title)
        if dialog.exec() and dialog.title():
            self.rename_requested.emit(conversation, dialog.title())

    def _delete(self, conversation: int, title: str) -> None:
        answer = QtWidgets.QMessageBox.question(
            self,
            tr("Delete conversation"),
            tr("Delete “%1” and everything said in it?").replace("%1", html.escape(title)),
        )
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            self.delete_requested.emit(conversation)
