"""Transcribe: sound and video files to timed text, and the ``stt`` service for dictation."""

from plugins.transcribe.plugin import TranscribePlugin
from plugins.transcribe.settings import TranscribeSettings

__all__ = ["TranscribePlugin", "TranscribeSettings"]
