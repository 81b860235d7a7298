"""The chat plugin: a conversation with a language model, the default for any request."""

from plugins.chat.plugin import ChatPlugin
from plugins.chat.settings import ChatSettings

__all__ = ["ChatPlugin", "ChatSettings"]
