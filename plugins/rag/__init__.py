"""The documents plugin: drop files, ask questions, get answers that cite their sources."""

from plugins.rag.plugin import RagPlugin

__all__ = ["RagPlugin"]
