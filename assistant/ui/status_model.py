"""The status-bar label that says which chat model answers, and whether the app is offline."""

from __future__ import annotations

from pydantic import BaseModel
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget


def tr(text: str) -> str:
    return QCoreApplication.translate("ChatModelStatus", text)


class ChatModelStatus(QLabel):
    """E.g. "SmolLM2-135M-Instruct (llama.cpp, on this computer) · offline", or
    "gpt-4o-mini at api.openai.com". Never shows a key: only the model's name and the
    server's host are read from the settings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip(tr("The model that answers in the chat; change it in Settings → Chat."))

    def update_from(self, settings: BaseModel, hub_reachable: bool | None) -> None:
        """Show the model the chat plugin's *settings* choose; *hub_reachable* False adds
        "offline" (None: not known yet, says nothing)."""
        from plugins.chat.describe import describe_chat_model
        from plugins.chat.settings import ChatSettings

        chat = settings if isinstance(settings, ChatSettings) else ChatSettings()
        text = describe_chat_model(chat).text()
        if hub_reachable is False:
            text += " · " + tr("offline")
        self.setText(text)
