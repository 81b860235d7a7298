"""A desktop AI assistant: one chat window, many local models, every answer streamed."""

__version__ = "0.1.0"
