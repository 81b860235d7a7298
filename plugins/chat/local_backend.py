"""Chat with a causal language model run by transformers on this computer.

The model is a Hugging Face hub id, a model folder, or a GGUF file (converted once into a
safetensors copy, see :mod:`plugins.chat.gguf_cache`). Tokens stream from a generation
thread through a ``TextIteratorStreamer`` that hands on every token at once; a stopping
criterion ends generation at the next token when the person stops the answer, and the
thread is always joined before returning.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import torch  # noqa: TID253
from transformers import (  # noqa: TID253
    AutoModelForCausalLM,
    AutoTokenizer,
    StoppingCriteria,
    StoppingCriteriaList,
    TextIteratorStreamer,
)

from assistant.core.cancel import CancelToken
from assistant.core.device import best_device, best_dtype
from assistant.core.downloads import fetch_from_hub, is_hub_id
from assistant.core.paths import default_paths
from plugins.chat.backend import CANNOT_SEE, ChatBackendError, Messages, ProgressFn
from plugins.chat.gguf_cache import ensure_converted

FALLBACK_CONTEXT_WINDOW = 2048


class _StopWhenAsked(StoppingCriteria):
    """Ends generation at the next token once the person stops or the reader goes away."""

    def __init__(self, cancel: CancelToken, stop: threading.Event) -> None:
        self._cancel = cancel
        self._stop = stop

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **kwargs: Any) -> Any:
        done = self._cancel.cancelled or self._stop.is_set()
        return torch.full((input_ids.shape[0],), done, dtype=torch.bool, device=input_ids.device)


class _EagerStreamer(TextIteratorStreamer):
    """Hands each token's text on at once, not a word at a time.

    ``TextIteratorStreamer`` holds text back until a space, so the first word would only
    show with the second; here only a character still split across tokens waits.
    """

    def put(self, value: torch.Tensor) -> None:
        if value.dim() > 1:
            if value.shape[0] > 1:
                raise ValueError("The chat streamer handles one answer at a time.")
            value = value[0]
        if self.skip_prompt and self.next_tokens_are_prompt:
            self.next_tokens_are_prompt = False
            return
        self.token_cache.extend(value.tolist())
        text = self.tokenizer.decode(self.token_cache, **self.decode_kwargs)
        if text.endswith("\ufffd"):
            return
        piece = text[self.print_len :]
        if text.endswith("\n"):  # start afresh, so decoding stays short on long answers
            self.token_cache, self.print_len = [], 0
        else:
            self.print_len = len(text)
        if piece:
            self.on_finalized_text(piece)


def resolve_source(source: str, models_dir: Path, progress: ProgressFn) -> str:
    """What ``from_pretrained`` should read for *source*: a folder, or a hub id.

    A GGUF file, or a folder holding only a GGUF file, becomes its converted copy; a hub
    model is downloaded first, with progress (offline, its id is left to the library).
    """
    if is_hub_id(source):
        return fetch_from_hub(source, progress)
    path = Path(source).expanduser()
    if path.suffix.lower() == ".gguf":
        return str(ensure_converted(path, models_dir, progress))
    if path.is_dir() and not (path / "config.json").exists():
        ggufs = sorted(path.glob("*.gguf"))
        if ggufs:
            return str(ensure_converted(ggufs[0], models_dir, progress))
    return str(path) if path.exists() else source


class TransformersBackend:
    """A local causal LM with its chat template, streamed token by token."""

    def __init__(
        self,
        source: str,
        device: str = "auto",
        context_window: int = 0,
        models_dir: Path | None = None,
    ) -> None:
        self.source = source
        self._device_preference = device
        self._context_window = context_window
        self._models_dir = models_dir
        self.model: Any = None
        self.tokenizer: Any = None
        self.last_prompt_tokens = 0  # what the last answer's prompt took, as the model saw it

    @property
    def context_window(self) -> int:
        """The window set in settings, or the one the model was trained with."""
        if self._context_window:
            return self._context_window
        config = getattr(self.model, "config", None)
        return int(getattr(config, "max_position_embeddings", 0) or FALLBACK_CONTEXT_WINDOW)

    @property
    def device(self) -> torch.device:
        """Where the model runs (the model registry shows it)."""
        return self.model.device

    def parameters(self) -> Iterator[torch.nn.Parameter]:
        """The model's parameters, so the model registry can measure its memory."""
        return self.model.parameters()

    def load(self, progress: ProgressFn) -> None:
        """Load the tokenizer and the model onto the best device."""
        models_dir = self._models_dir or default_paths().models
        where = resolve_source(self.source, models_dir, progress)
        device = best_device(self._device_preference)
        progress(f"Loading {Path(self.source).name or self.source} on {device}…", 0.95)
        try:
            tokenizer = AutoTokenizer.from_pretrained(where)
            model = AutoModelForCausalLM.from_pretrained(where, dtype=best_dtype(device))
        except OSError as exc:
            raise ChatBackendError(
                f"Could not load the chat model '{self.source}': {exc}. Check the model name, "
                "folder or file in Chat settings."
            ) from exc
        if not tokenizer.chat_template:
            raise ChatBackendError(
                f"The model '{self.source}' has no chat template, so it cannot hold a "
                "conversation. Choose an instruct or chat model in Chat settings."
            )
        self.tokenizer = tokenizer
        self.model = model.to(device).eval()

    def count_tokens(self, text: str | Messages) -> int:
        """Tokens in *text*, or in chat messages with the chat template applied."""
        if isinstance(text, str):
            return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        encoded = self.tokenizer.apply_chat_template(
            list(text), add_generation_prompt=True, tokenize=True, return_dict=True
        )
        return len(encoded["input_ids"])

    def stream(
        self,
        messages: Messages,
        cancel: CancelToken,
        max_new_tokens: int,
        temperature: float,
        images: Sequence[Path] = (),
    ) -> Iterator[str]:
        """The answer to *messages*, piece by piece, from a generation thread."""
        if images:
            raise ChatBackendError(CANNOT_SEE)
        inputs = self._encode(messages)
        self.last_prompt_tokens = int(inputs["input_ids"].shape[1])
        room = self.context_window - self.last_prompt_tokens
        if room < 1:
            raise ChatBackendError(
                "The message is longer than the model's context window. Shorten it, or raise "
                "the context window in Chat settings if the model allows."
            )
        streamer = _EagerStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        stop = threading.Event()
        options = {
            **inputs,
            "streamer": streamer,
            "max_new_tokens": min(max_new_tokens, room),
            "stopping_criteria": StoppingCriteriaList([_StopWhenAsked(cancel, stop)]),
            "pad_token_id": self._pad_token_id(),
            **_sampling(temperature),
        }
        failures: list[BaseException] = []
        thread = threading.Thread(
            target=self._generate, args=(options, streamer, failures), name="chat-generation"
        )
        thread.start()
        try:
            for piece in streamer:
                if piece:
                    yield piece
        finally:
            stop.set()  # when the reader went away early, generation ends at the next token
            thread.join()
        if failures:
            raise ChatBackendError(f"The model failed while answering: {failures[0]}") from (
                failures[0]
            )
        cancel.raise_if_cancelled()

    def _encode(self, messages: Sequence[Any]) -> Any:
        encoded = self.tokenizer.apply_chat_template(
            list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        return encoded.to(self.model.device)

    def _pad_token_id(self) -> int | None:
        pad = self.tokenizer.pad_token_id
        return pad if pad is not None else self.tokenizer.eos_token_id

    def _generate(
        self, options: dict[str, Any], streamer: Any, failures: list[BaseException]
    ) -> None:
        """Run ``generate`` on the generation thread; a failure ends the stream too."""
        try:
            with torch.inference_mode():
                self.model.generate(**options)
        except BaseException as exc:  # handed to the reading thread, which raises it
            failures.append(exc)
            streamer.end()


def _sampling(temperature: float) -> dict[str, Any]:
    """Generation options for *temperature*: greedy at 0, sampling above."""
    if temperature <= 0:
        return {"do_sample": False}
    return {"do_sample": True, "temperature": temperature}
