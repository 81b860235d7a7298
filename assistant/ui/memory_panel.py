"""The Memory panel: the chat's running summary of the conversation, to read and edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from assistant.core.store import Store

PLUGIN = "chat"
KEY = "summary"


def tr(text: str) -> str:
    return QCoreApplication.translate("MemoryPanel", text)


class MemoryPanel(QDockWidget):
    """Shows and edits what the chat remembers of older turns; edits apply next turn."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Memory"), parent)
        self.setObjectName("memory")
        self.store: Store | None = None
        self.conversation_id = 0
        body = QWidget(self)
        self.hint = QLabel(
            tr("Older turns are folded into this summary, which the model reads as background."),
            body,
        )
        self.hint.setWordWrap(True)
        self.text = QPlainTextEdit(body)
        self.save_button = QPushButton(tr("Save"), body)
        self.clear_button = QPushButton(tr("Clear"), body)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.clear_button.clicked.connect(self._on_clear_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(body)
        layout.addWidget(self.hint)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.setWidget(body)

    def show_conversation(self, conversation_id: int) -> None:
        """Show the summary of *conversation_id* (unless the person is editing it)."""
        if self.text.document().isModified() and conversation_id == self.conversation_id:
            return
        self.conversation_id = conversation_id
        summary = ""
        if conversation_id and self.store is not None:
            summary = self.store.get_state(conversation_id, PLUGIN, KEY)
        self.text.setPlainText(summary)
        self.text.document().setModified(False)
        self.setEnabled(bool(conversation_id))

    def _on_save_clicked(self) -> None:
        if self.conversation_id and self.store is not None:
            self.store.set_state(self.conversation_id, PLUGIN, KEY, self.text.toPlainText())
            self.text.document().setModified(False)

    def _on_clear_clicked(self) -> None:
        self.text.clear()
        self._on_save_clicked()
