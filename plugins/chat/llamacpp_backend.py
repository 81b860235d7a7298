"""Chat with a GGUF model through llama.cpp (the optional ``llamacpp`` extra).

llama.cpp reads GGUF files directly: it loads SmolLM2 in a fraction of a second and
generates about five times faster than transformers on a CPU, so the ``auto`` engine uses it
for GGUF models whenever ``llama_cpp`` is installed.

The prompt is the GGUF's own chat template rendered and tokenized here, so ``count_tokens``
counts exactly the tokens the model will see. Tokens come from ``Llama.generate`` one at a
time on the caller's thread: a stop is noticed between two tokens and no thread is left.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import llama_cpp  # noqa: TID253 (a backend module, imported by load())
import psutil
from llama_cpp import Llama  # noqa: TID253
from llama_cpp.llama_chat_format import Jinja2ChatFormatter  # noqa: TID253

from assistant.core.cancel import CancelToken
from plugins.chat.backend import CANNOT_SEE, ChatBackendError, Messages, ProgressFn

MAX_DEFAULT_WINDOW = 8192  # enough for long chats; larger costs key/value cache memory
TOP_K, TOP_P, MIN_P = 40, 0.95, 0.05  # llama.cpp's usual sampling when temperature > 0
# A small model left alone loops ("He welcomed them. He welcomed them. …", seen with the
# embedded SmolLM2 under xapp); a mild penalty on the last 64 tokens, as LM Studio and
# GPT4All (1.18) apply by default, keeps it moving. Greedy decoding (tests, benchmarks)
# stays unpenalised, so that it is the same run on every machine.
REPEAT_PENALTY = 1.1


def trained_context(gguf: Path) -> int:
    """The context length *gguf* was trained with, read from its metadata; 0 if unknown.

    Only the vocabulary is loaded, which takes a tenth of a second even for SmolLM2.
    """
    # Llama(verbose=False) sets this logger too; before the first Llama it would print all.
    logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)
    params = llama_cpp.llama_model_default_params()
    params.vocab_only = True
    model = llama_cpp.llama_model_load_from_file(str(gguf).encode(), params)
    if not model:
        raise ChatBackendError(f"llama.cpp could not read {gguf.name}: is it a GGUF model file?")
    try:
        architecture = _metadata(model, "general.architecture")
        return int(_metadata(model, f"{architecture}.context_length") or 0)
    finally:
        llama_cpp.llama_model_free(model)


def _metadata(model: Any, key: str) -> str:
    buffer = ctypes.create_string_buffer(256)
    found = llama_cpp.llama_model_meta_val_str(model, key.encode(), buffer, len(buffer))
    return buffer.value.decode() if found >= 0 else ""


def physical_cores() -> int:
    """CPU cores without hyper-threads: llama.cpp gets slower with more threads than that."""
    return psutil.cpu_count(logical=False) or psutil.cpu_count() or 1


def generation_threads() -> int:
    """llama.cpp's threads: every core but one, which stays with the window and the rest of
    the app. Its threads wait for each other at every step by spinning; when one of them
    has no core (the window repaints, another program runs) the others spin for nothing:
    on two busy cores two threads took 11 s to the first token and one thread 0.2 s."""
    return max(1, physical_cores() - 1)


class LlamaCppBackend:
    """A GGUF model run by llama-cpp-python, with the chat template the file carries."""

    def __init__(self, gguf: Path, context_window: int = 0, device: str = "auto") -> None:
        self.gguf = gguf
        self._requested_window = context_window
        self._device_preference = device
        self._llm: Any = None
        self._window = 0
        self._template: Any = None
        self._vocab: Any = None
        self._lock = threading.Lock()  # llama.cpp's context holds one generation at a time
        self.device = "cpu"  # "gpu" once layers are offloaded (the model registry shows it)
        self.last_prompt_tokens = 0  # what the last answer's prompt took, as the model saw it

    @property
    def context_window(self) -> int:
        """The window llama.cpp was opened with (the setting, else the trained one ≤ 8192)."""
        return self._window or self._requested_window

    def load(self, progress: ProgressFn) -> None:
        """Open the GGUF file; on a GPU build every layer is offloaded unless cpu is asked."""
        if not self.gguf.is_file():
            raise ChatBackendError(
                f"The model file {self.gguf} does not exist. Check the model in Chat settings."
            )
        progress(f"Loading {self.gguf.name} with llama.cpp…", 0.3)
        trained = trained_context(self.gguf)
        window = self._requested_window or min(trained or MAX_DEFAULT_WINDOW, MAX_DEFAULT_WINDOW)
        offload = self._device_preference != "cpu" and llama_cpp.llama_supports_gpu_offload()
        threads = generation_threads()
        try:
            with plain_cpu_buffers():
                llm = Llama(
                    model_path=str(self.gguf),
                    n_ctx=window,
                    n_gpu_layers=-1 if offload else 0,
                    n_threads=threads,
                    n_threads_batch=threads,
                    verbose=False,
                )
        except ValueError as exc:  # what llama-cpp-python raises when llama.cpp refuses
            raise ChatBackendError(
                f"llama.cpp could not load {self.gguf.name} ({exc}). The model may be too new "
                "for the installed llama-cpp-python, or too big for this computer's memory."
            ) from exc
        self._template = _chat_template(llm, self.gguf)
        self._vocab = llama_cpp.llama_model_get_vocab(llm.model)
        progress(f"Warming up {self.gguf.name}…", 0.8)
        # llama.cpp's first decode is slow (buffers, weights paged in); pay it while loading,
        # not in the first answer's wait.
        llm.eval([max(llm.token_bos(), 0)])
        llm.reset()
        # llama.cpp rounds its window up (to 256s), but llama-cpp-python keeps room for the
        # tokens of only the window it was asked for.
        self._window = min(window, llm.n_ctx())
        self._llm, self.device = llm, "gpu" if offload else "cpu"

    def count_tokens(self, text: str | Messages) -> int:
        """Tokens in *text*, or in chat messages with the chat template applied.

        Safe while another thread generates: tokenizing only reads the vocabulary.
        """
        if isinstance(text, str):
            return len(self._llm.tokenize(text.encode(), add_bos=False, special=False))
        return len(self._encode(text))

    def stream(
        self,
        messages: Messages,
        cancel: CancelToken,
        max_new_tokens: int,
        temperature: float,
        images: Sequence[Path] = (),
    ) -> Iterator[str]:
        """The answer to *messages*, piece by piece; raises Cancelled when *cancel* is set."""
        if images:
            raise ChatBackendError(CANNOT_SEE)
        prompt = self._encode(messages)
        self.last_prompt_tokens = len(prompt)
        room = self.context_window - len(prompt)
        if room < 1:
            raise ChatBackendError(
                "The message is longer than the model's context window. Shorten it, or raise "
                "the context window in Chat settings if the model allows."
            )
        with self._lock:
            yield from self._generate(prompt, cancel, min(max_new_tokens, room), temperature)
        cancel.raise_if_cancelled()

    def _generate(
        self, prompt: list[int], cancel: CancelToken, max_new_tokens: int, temperature: float
    ) -> Iterator[str]:
        """Decoded pieces of up to *max_new_tokens* tokens after *prompt*.

        A character split across tokens waits for its last byte.
        """
        cancel.raise_if_cancelled()
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        tokens = self._llm.generate(prompt, **_sampling(temperature))
        try:
            for count, token in enumerate(tokens, start=1):
                if llama_cpp.llama_vocab_is_eog(self._vocab, token):  # EOS, <|im_end|>…
                    break
                piece = decoder.decode(self._llm.detokenize([token]))
                if piece:
                    yield piece
                if count >= max_new_tokens:
                    break
                cancel.raise_if_cancelled()  # before the next token is computed
        finally:
            tokens.close()  # llama.cpp's state stays consistent for the next answer's cache

    def _encode(self, messages: Messages) -> list[int]:
        """The prompt's tokens: the GGUF's chat template, ready for the answer."""
        try:
            rendered = self._template(messages=[dict(m) for m in messages]).prompt
        except ValueError as exc:  # the template's raise_exception, e.g. roles out of order
            raise ChatBackendError(f"The model's chat template refused the chat: {exc}") from exc
        # The template writes the special tokens (BOS included) itself, as text.
        return self._llm.tokenize(rendered.encode(), add_bos=False, special=True)


_params_lock = threading.Lock()


@contextlib.contextmanager
def plain_cpu_buffers() -> Iterator[None]:
    """Llama() opens the model without llama.cpp's AMX weight buffers where the CPU has
    AMX: on such CPUs (a Xeon under a hypervisor here) a prompt of more than a few tokens
    crashed the process in llama.cpp's AMX matrix product. ``Llama`` has no option for
    it, so its default model parameters are swapped for the time of the load."""
    if b"AMX_INT8 = 1" not in llama_cpp.llama_print_system_info():
        yield
        return
    module = llama_cpp.llama_cpp
    default = module.llama_model_default_params

    def without_extra_buffers() -> Any:
        params = default()
        params.use_extra_bufts = False
        return params

    with _params_lock:
        module.llama_model_default_params = without_extra_buffers
        try:
            yield
        finally:
            module.llama_model_default_params = default


def _chat_template(llm: Llama, gguf: Path) -> Jinja2ChatFormatter:
    """The chat template stored in the GGUF file, with its own BOS and EOS texts."""
    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        raise ChatBackendError(
            f"The model '{gguf.name}' has no chat template, so it cannot hold a conversation. "
            "Choose an instruct or chat model in Chat settings."
        )
    eos, bos = llm.token_eos(), llm.token_bos()
    return Jinja2ChatFormatter(
        template=template,
        eos_token=_token_text(llm, eos),
        bos_token=_token_text(llm, bos),
        stop_token_ids=[eos],
    )


def _token_text(llm: Llama, token: int) -> str:
    if token < 0:  # the model has no such token
        return ""
    return llm.detokenize([token], special=True).decode("utf-8", errors="replace")


def _sampling(temperature: float) -> dict[str, Any]:
    """``Llama.generate`` options for *temperature*: greedy at 0, sampling above."""
    if temperature <= 0:
        return {"temp": 0.0, "top_k": 1, "repeat_penalty": 1.0}
    return {
        "temp": temperature,
        "top_k": TOP_K,
        "top_p": TOP_P,
        "min_p": MIN_P,
        "repeat_penalty": REPEAT_PENALTY,
    }
