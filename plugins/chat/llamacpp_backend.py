"""Chat with a GGUF model through llama.cpp (the optional ``llamacpp`` extra).

llama.cpp reads GGUF files directly: it loads SmolLM2 in a fraction of a second and
generates several times faster than transformers on a CPU, so it is used for GGUF models
whenever ``llama_cpp`` is installed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.core.cancel import CancelToken
from plugins.chat.backend import ChatBackendError, Messages, ProgressFn

DEFAULT_CONTEXT_WINDOW = 8192


class LlamaCppBackend:
    """A GGUF model run by llama-cpp-python, with the chat template the file carries."""

    def __init__(self, gguf: Path, context_window: int = 0, device: str = "auto") -> None:
        self.gguf = gguf
        self._requested_window = context_window
        self._device = device
        self._llm: Any = None

    @property
    def context_window(self) -> int:
        """The window llama.cpp was opened with."""
        return int(self._llm.n_ctx()) if self._llm is not None else self._requested_window

    def load(self, progress: ProgressFn) -> None:
        """Open the GGUF file; on a GPU build every layer is offloaded unless cpu is asked."""
        from llama_cpp import Llama

        if not self.gguf.is_file():
            raise ChatBackendError(f"The model file {self.gguf} does not exist. Check settings.")
        progress(f"Loading {self.gguf.name} with llama.cpp…", 0.5)
        self._llm = Llama(
            model_path=str(self.gguf),
            n_ctx=self._requested_window or DEFAULT_CONTEXT_WINDOW,
            n_gpu_layers=0 if self._device == "cpu" else -1,
            n_threads=os.cpu_count(),
            verbose=False,
        )

    def count_tokens(self, text: str | Messages) -> int:
        """Tokens in *text*; for messages, their contents plus a few template tokens each."""
        if isinstance(text, str):
            return len(self._llm.tokenize(text.encode(), add_bos=False, special=False))
        return sum(self.count_tokens(m["content"]) + 5 for m in text) + 3

    def stream(
        self, messages: Messages, cancel: CancelToken, max_new_tokens: int, temperature: float
    ) -> Iterator[str]:
        """The answer, piece by piece; stopping closes llama.cpp's generator."""
        chunks = self._llm.create_chat_completion(
            messages=list(messages),
            max_tokens=max_new_tokens,
            temperature=temperature,
            top_k=1 if temperature <= 0 else 40,
            stream=True,
        )
        try:
            for chunk in chunks:
                cancel.raise_if_cancelled()
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece
        finally:
            chunks.close()
        cancel.raise_if_cancelled()
