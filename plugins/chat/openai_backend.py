"""Chat with any OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, LM Studio, …).

Every failure becomes a :class:`ChatBackendError` whose message says what happened and what
to check. Rate limits and server errors are retried a couple of times with a growing wait
that a stop interrupts; an answer cut halfway keeps the text that came.
"""

from __future__ import annotations

import base64
import math
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import openai  # noqa: TID253

from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.network import transport_errors
from plugins.chat.backend import AnswerCutOff, ChatBackendError, Messages, ProgressFn

DEFAULT_CONTEXT_WINDOW = 8192
# The picture formats the API takes (the system's MIME table may name JPEG otherwise).
PICTURE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
MAX_RETRY_WAIT_S = 10.0


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Errors the HTTP layer under the openai client raises while a stream is read."""
    return (openai.APIError, *transport_errors())


def with_images(messages: Messages, images: Sequence[Path]) -> list[Mapping[str, Any]]:
    """*messages* with *images* beside the last one's text, as the API takes pictures: each
    as a data URL of the file's own bytes."""
    *earlier, last = messages
    parts: list[dict[str, Any]] = [{"type": "text", "text": last["content"]}]
    for image in images:
        kind = PICTURE_TYPES.get(image.suffix.lower(), "image/jpeg")
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        parts.append({"type": "image_url", "image_url": {"url": f"data:{kind};base64,{data}"}})
    return [*earlier, {"role": last["role"], "content": parts}]


class OpenAIBackend:
    """A model behind an OpenAI-compatible ``/v1/chat/completions`` endpoint."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        *,
        context_window: int = 0,
        timeout_s: float = 60.0,
        retries: int = 2,
        backoff_s: float = 1.0,
    ) -> None:
        self.base_url = base_url
        self.model = model
        self._api_key = api_key
        self._context_window = context_window or DEFAULT_CONTEXT_WINDOW
        self._timeout_s = timeout_s
        self._retries = retries
        self._backoff_s = backoff_s
        self._client: Any = None

    @property
    def context_window(self) -> int:
        """From settings; the API does not say, so 8192 when not set."""
        return self._context_window

    def load(self, progress: ProgressFn) -> None:
        """Create the client; the server is first contacted by the first answer."""
        # The client's own retries are off: ours are cancellable and explain themselves.
        self._client = openai.OpenAI(
            base_url=self.base_url,
            api_key=self._api_key or "no-key",
            max_retries=0,
            timeout=self._timeout_s,
        )
        # The model registry unloads a backend by dropping it: the client's pooled
        # connections must then be closed, not left for the garbage collector to find open.
        weakref.finalize(self, self._client.close)

    def count_tokens(self, text: str | Messages) -> int:
        """An estimate on the safe side: the server's tokenizer is unknown.

        Three UTF-8 bytes a token over-counts English a little (about four characters a
        token) and does not under-count scripts of many bytes a character.
        """
        if isinstance(text, str):
            return math.ceil(len(text.encode()) / 3)
        return sum(self.count_tokens(m["content"]) + 4 for m in text) + 4

    def stream(
        self,
        messages: Messages,
        cancel: CancelToken,
        max_new_tokens: int,
        temperature: float,
        images: Sequence[Path] = (),
    ) -> Iterator[str]:
        """The server's answer, piece by piece; *images* go with the last message (a server
        whose model cannot see answers with an error, which is explained)."""
        sent = with_images(messages, images) if images else list(messages)
        response = self._open(sent, cancel, max_new_tokens, temperature)
        finished = False
        try:
            for chunk in response:
                cancel.raise_if_cancelled()
                for choice in chunk.choices:
                    finished = finished or choice.finish_reason is not None
                    if choice.delta and choice.delta.content:
                        yield choice.delta.content
        except _transport_errors() as exc:
            raise AnswerCutOff(self._cut_off_message(str(exc))) from exc
        finally:
            response.close()
        cancel.raise_if_cancelled()
        if not finished:
            raise AnswerCutOff(self._cut_off_message("the connection closed early"))

    def _open(
        self,
        messages: Sequence[Mapping[str, Any]],
        cancel: CancelToken,
        max_new_tokens: int,
        temperature: float,
    ) -> Any:
        """Start a streamed completion, retrying rate limits and server errors."""
        model = self.model or self._first_model()
        for attempt in range(self._retries + 1):
            cancel.raise_if_cancelled()
            try:
                return self._client.chat.completions.create(
                    model=model,
                    messages=list(messages),
                    stream=True,
                    max_tokens=max_new_tokens,
                    temperature=temperature,
                )
            except (openai.RateLimitError, openai.InternalServerError) as exc:
                if attempt == self._retries:
                    raise self._explain(exc, model, attempts=attempt + 1) from exc
                if cancel.wait(self._retry_wait(exc, attempt)):
                    raise Cancelled from exc
            except openai.OpenAIError as exc:
                raise self._explain(exc, model) from exc
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _first_model(self) -> str:
        """The first model the server lists, for when settings name none."""
        try:
            models = list(self._client.models.list())
        except openai.OpenAIError as exc:
            raise self._explain(exc, "") from exc
        if not models:
            raise ChatBackendError(
                f"The server at {self.base_url} offers no models. Load a model in the server, "
                "or name one in Chat settings."
            )
        self.model = models[0].id
        return self.model

    def _retry_wait(self, exc: openai.APIStatusError, attempt: int) -> float:
        """Seconds before the next try: the server's Retry-After, else a doubling wait."""
        header = exc.response.headers.get("retry-after", "") if exc.response else ""
        try:
            wait = float(header)
        except ValueError:
            wait = self._backoff_s * 2**attempt
        return min(max(wait, 0.0), MAX_RETRY_WAIT_S)

    def _key_refused(self, status: str) -> str:
        """What to do about a refused key; keys are kept per server, hence the second part."""
        url = self.base_url
        if not self._api_key:
            return (
                f"The server at {url} needs an API key ({status}). Enter the key for this "
                "server in Chat settings: a key is kept for the server it was entered for, so "
                "after changing the base URL it must be entered again."
            )
        return (
            f"The server at {url} refused the API key ({status}). Enter the key for this "
            "server again in Chat settings."
        )

    def _cut_off_message(self, why: str) -> str:
        return (
            f"The answer was cut off: the connection to {self.base_url} broke before the "
            f"answer was complete ({why}). The text above is what arrived; try again."
        )

    def _explain(self, exc: openai.OpenAIError, model: str, attempts: int = 1) -> ChatBackendError:
        """A sentence for the person: what went wrong and what to check."""
        url = self.base_url
        if isinstance(exc, openai.APITimeoutError):
            text = f"The server at {url} did not answer in time. Check that it is not overloaded."
        elif isinstance(exc, openai.APIConnectionError):
            text = (
                f"Could not connect to the language model server at {url}. Check that the "
                "server is running and that the base URL in Chat settings is right."
            )
        elif isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            text = self._key_refused(_status(exc))
        elif isinstance(exc, openai.NotFoundError):
            text = (
                f"The server at {url} has no model named '{model}' (404). Check the model "
                "name in Chat settings."
            )
        elif isinstance(exc, openai.RateLimitError):
            text = (
                f"The server at {url} is limiting requests (429) and refused {attempts} tries. "
                "Wait a minute and try again, or check the limits of your account."
            )
        elif isinstance(exc, openai.InternalServerError):
            text = (
                f"The server at {url} failed ({_status(exc)}) {attempts} times. Check the "
                "server's log."
            )
        else:
            text = f"The server at {url} could not answer: {exc}"
        return ChatBackendError(text)


def _status(exc: openai.OpenAIError) -> str:
    code = getattr(exc, "status_code", None)
    return str(code) if code else "error"
