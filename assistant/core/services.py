"""What one plugin offers the others, handed out through ``PluginContext.services``.

A plugin says in its manifest what it provides (``provides=("stt",)``) and hands each
service out through ``service(name, context)``. ``services[name]`` is a lazy handle: every
call on it builds the provider's context afresh (its settings as they are now, the
caller's progress reporting) and the provider loads itself on first use, in the thread that
calls. The window uses the same handles (dictation, reading aloud) from a job on the
provider's own thread (:meth:`Services.thread_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from assistant.core.cancel import CancelToken
from assistant.core.messages import Chunk
from assistant.core.plugin import ServiceProvider
from assistant.core.registry import PluginState, PluginUnavailable

if TYPE_CHECKING:
    from assistant.core.engine import Assistant


class Services(Mapping[str, Any]):
    """The services the enabled plugins provide, by name, as seen by *requester*.

    A plugin never gets its own services through this (it has them at hand); a name no
    enabled plugin provides is missing (``services.get("tts")`` is None).
    """

    def __init__(
        self,
        assistant: Assistant,
        requester: str,
        cancel: CancelToken,
        report: Callable[[Chunk], None],
    ) -> None:
        self._assistant, self._requester = assistant, requester
        self._cancel, self._report = cancel, report

    def provider(self, name: str) -> str | None:
        """The plugin that provides *name*, or None."""
        for record in self._assistant.registry.records():
            manifest = record.manifest
            if (
                manifest is not None
                and name in manifest.provides
                and record.name != self._requester
                and record.state is not PluginState.DISABLED
                and isinstance(record.plugin, ServiceProvider)
            ):
                return record.name
        return None

    def thread_for(self, name: str) -> str | None:
        """The thread the provider of *name* must be used on (None: any worker thread)."""
        provider = self.provider(name)
        return self._assistant.registry.thread_for(provider) if provider else None

    def __getitem__(self, name: str) -> LazyService:
        provider = self.provider(name)
        if provider is None:
            raise KeyError(name)
        return LazyService(self._assistant, provider, name, self._cancel, self._report)

    def __iter__(self) -> Iterator[str]:
        names: dict[str, None] = {}
        for record in self._assistant.registry.records():
            for name in record.manifest.provides if record.manifest is not None else ():
                names[name] = None
        return iter([name for name in names if self.provider(name) is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)


class LazyService:
    """One service of one provider; each method call asks the provider anew, so its settings
    are the current ones and a provider unloaded meanwhile loads again on use."""

    def __init__(
        self,
        assistant: Assistant,
        provider: str,
        name: str,
        cancel: CancelToken,
        report: Callable[[Chunk], None],
    ) -> None:
        self.provider, self.name = provider, name
        self._assistant, self._cancel, self._report = assistant, cancel, report

    def resolve(self) -> object:
        """The provider's service object, for a context built now."""
        assistant = self._assistant
        record = assistant.registry.record(self.provider)
        plugin = record.plugin if record is not None else None
        if not isinstance(plugin, ServiceProvider):
            raise PluginUnavailable(f"No plugin provides “{self.name}” now.")
        context = assistant.context_for(self.provider, self._cancel, self._report)
        return plugin.service(self.name, context)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("_"):
            raise AttributeError(attribute)

        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(self.resolve(), attribute)(*args, **kwargs)

        return call
