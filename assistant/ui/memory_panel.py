"""The Memory panel: the chat's running summary of the conversation, to read and edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from assistant.core.store import Store

PLUGIN = "chat"
KEY = "summary"
FOLDED_THROUGH = "folded_through"  # the last message the summary covers
REPLACED = "summary_replaced"  # why the model's own summary was not kept ("" if it was)
PREVIEW_CHARS = 80


def tr(text: str) -> str:
    return QCoreApplication.translate("MemoryPanel", text)


class MemoryPanel(QDockWidget):
    """Shows and edits what the chat remembers of older turns; edits apply next turn."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Memory"), parent)  # what the chat remembers, and how it talks
        self.setObjectName("memory")
        self.store: Store | None = None
        self.conversation_id = 0
        self._folded_for: int | None = None  # the conversation whose list waits to be shown
        body = QWidget(self)
        self.hint = QLabel(
            tr("Older turns are folded into this summary, which the model reads as background."),
            body,
        )
        self.hint.setWordWrap(True)
        self.text = QPlainTextEdit(body)
        self.replaced = QLabel(
            tr("The model's own summary was not usable, so this one keeps your own sentences."),
            body,
        )
        self.replaced.setWordWrap(True)
        self.folded_box = self._folded_box(body)
        self.style_box = self._style_box(body)
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
        layout.addWidget(self.replaced)
        layout.addWidget(self.folded_box)
        layout.addWidget(self.style_box)
        layout.addLayout(buttons)
        self.setWidget(body)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._folded_for is not None:
            self._show_folded(self._folded_for)

    def _folded_box(self, parent: QWidget) -> QGroupBox:
        """Which messages the summary stands for: the model no longer reads them as such."""
        box = QGroupBox(tr("Folded into the summary"), parent)
        self.folded_count = QLabel(box)
        self.folded_count.setWordWrap(True)
        self.folded_list = QListWidget(box)
        self.folded_list.setMaximumHeight(140)
        self.folded_list.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.folded_count)
        layout.addWidget(self.folded_list)
        return box

    def _show_folded(self, conversation_id: int) -> None:
        """List the messages up to the last one the summary covers, on the active path.

        That reads the whole conversation: while the panel is hidden it waits until the
        panel is shown, rather than holding up the window at the end of every answer."""
        if not self.isVisible():
            self._folded_for = conversation_id
            return
        self._folded_for = None
        self.folded_list.clear()
        messages = []
        if conversation_id and self.store is not None:
            messages = [m for m in self.store.messages(conversation_id) if m.content.strip()]
        through = self._state(conversation_id, FOLDED_THROUGH)
        ids = [str(m.id) for m in messages]
        folded = messages[: ids.index(through) + 1] if through in ids else []
        speakers = {"user": tr("You"), "assistant": tr("Assistant")}
        for message in folded:
            text = " ".join(message.content.split())
            if len(text) > PREVIEW_CHARS:
                text = text[: PREVIEW_CHARS - 1].rstrip() + "…"
            self.folded_list.addItem(f"{speakers.get(message.role, message.role)}: {text}")
        if folded:
            count = tr(
                "%1 of %2 messages are in the summary; the model reads the rest word for word."
            )
            self.folded_count.setText(
                count.replace("%1", str(len(folded))).replace("%2", str(len(messages)))
            )
        else:
            self.folded_count.setText(
                tr("None yet: the whole conversation fits in what the model reads.")
            )
        self.folded_list.setVisible(bool(folded))
        reason = self._state(conversation_id, REPLACED)
        self.replaced.setVisible(bool(reason) and bool(self._state(conversation_id, KEY)))
        self.replaced.setToolTip(reason)

    def _state(self, conversation_id: int, key: str) -> str:
        if not conversation_id or self.store is None:
            return ""
        return self.store.get_state(conversation_id, PLUGIN, key)

    def _style_box(self, parent: QWidget) -> QGroupBox:
        """This conversation's own system prompt, temperature and reply length."""
        box = QGroupBox(tr("For this conversation"), parent)
        self.system_prompt = QLineEdit(box)
        self.system_prompt.setPlaceholderText(tr("the chat settings' system prompt"))
        self.temperature = QDoubleSpinBox(box)
        self.temperature.setRange(-0.05, 2.0)
        self.temperature.setSingleStep(0.05)
        self.temperature.setSpecialValueText(tr("as in the chat settings"))
        self.max_tokens = QSpinBox(box)
        self.max_tokens.setRange(0, 32_768)
        self.max_tokens.setSingleStep(64)
        self.max_tokens.setSpecialValueText(tr("as in the chat settings"))
        self._style_edited = False  # the person is changing them: do not overwrite
        self.system_prompt.textEdited.connect(self._on_style_edited)
        self.temperature.valueChanged.connect(self._on_style_edited)
        self.max_tokens.valueChanged.connect(self._on_style_edited)
        form = QFormLayout(box)
        form.addRow(tr("System prompt"), self.system_prompt)
        form.addRow(tr("Temperature"), self.temperature)
        form.addRow(tr("Longest reply (tokens)"), self.max_tokens)
        return box

    def _on_style_edited(self) -> None:
        self._style_edited = True

    def _read_style(self, conversation_id: int) -> None:
        def value(key: str) -> str:
            if not conversation_id or self.store is None:
                return ""
            return self.store.get_state(conversation_id, PLUGIN, key)

        self.system_prompt.setText(value("system_prompt"))
        self.temperature.setValue(_number(value("temperature"), self.temperature.minimum()))
        self.max_tokens.setValue(int(_number(value("max_new_tokens"), 0)))
        self._style_edited = False

    def _style_values(self) -> dict[str, str]:
        temperature = self.temperature.value()
        unset = temperature <= self.temperature.minimum()
        return {
            "system_prompt": self.system_prompt.text().strip(),
            "temperature": "" if unset else f"{temperature:.2f}",
            "max_new_tokens": str(self.max_tokens.value() or ""),
        }

    def show_conversation(self, conversation_id: int) -> None:
        """Show the summary of *conversation_id* (unless the person is editing it)."""
        same = conversation_id == self.conversation_id
        if same and self.text.document().isModified():
            self._show_folded(conversation_id)
            return
        self.conversation_id = conversation_id
        summary = ""
        if conversation_id and self.store is not None:
            summary = self.store.get_state(conversation_id, PLUGIN, KEY)
        self.text.setPlainText(summary)
        self.text.document().setModified(False)
        self._show_folded(conversation_id)
        if not (same and self._style_edited):
            self._read_style(conversation_id)
        self.setEnabled(bool(conversation_id))

    def _on_save_clicked(self) -> None:
        if self.conversation_id and self.store is not None:
            if self.text.document().isModified():  # the person's words now, not the model's
                self.store.set_state(self.conversation_id, PLUGIN, REPLACED, "")
            self.store.set_state(self.conversation_id, PLUGIN, KEY, self.text.toPlainText())
            for key, value in self._style_values().items():
                self.store.set_state(self.conversation_id, PLUGIN, key, value)
            self.text.document().setModified(False)
            self._style_edited = False
            self._show_folded(self.conversation_id)

    def _on_clear_clicked(self) -> None:
        """Forget the summary (the conversation's own settings stay)."""
        self.text.clear()
        self._on_save_clicked()


def _number(text: str, default: float) -> float:
    try:
        return float(text)
    except ValueError:
        return default
