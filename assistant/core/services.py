"""What one plugin offers the others, handed out through ``PluginContext.services``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.cancel import CancelToken
from assistant.core.messages import Chunk
from assistant.core.registry import PluginUnavailable

if TYPE_CHECKING:
    from assistant.core.engine import Assistant

CHAT_PLUGIN = "chat"


class LazyChatModel:
    """The chat plugin's language model, loaded the first time another plugin asks for it.

    Document answers thus use whatever backend the person chose for chatting.
    """

    def __init__(self, assistant: Assistant, report: Callable[[Chunk], None]) -> None:
        self._assistant = assistant
        self._report = report  # the calling job's: loading progress goes to its answer

    def sees_images(self) -> bool:
        """Asked of the chat plugin with its settings, without loading its model."""
        record = self._assistant.registry.record(CHAT_PLUGIN)
        check = getattr(record.plugin if record else None, "sees_images", None)
        if check is None:
            return False
        context = self._assistant.context_for(CHAT_PLUGIN, CancelToken(), self._report)
        return bool(check(context.settings))

    def stream_chat(
        self,
        messages: Sequence[Mapping[str, str]],
        cancel: CancelToken,
        *,
        max_new_tokens: int = 512,
        temperature: float | None = None,
        progress: Callable[[str, float | None], None] | None = None,
        images: Sequence[Path] = (),
    ) -> Iterator[str]:
        """Stream the chat model's reply to *messages* (and *images*, to a model that sees)."""
        context = self._assistant.context_for(CHAT_PLUGIN, cancel, self._report)
        plugin = self._assistant.registry.ensure_loaded(CHAT_PLUGIN, context)
        stream = getattr(plugin, "stream_chat", None)
        if stream is None:
            raise PluginUnavailable("The chat plugin offers no language model to other plugins.")
        yield from stream(
            messages,
            cancel,
            max_new_tokens=max_new_tokens,
            temperature=temperature,
            progress=progress or context.progress,
            images=images,
        )
