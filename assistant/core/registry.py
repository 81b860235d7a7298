"""The plugin registry: finds plugins by entry point and keeps each one's failures its own.

Built-in plugins are registered exactly like third-party ones, under the entry-point group
``assistant.plugins``. A plugin that fails to import, to construct or to load is listed
with its error; the others work on.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.metadata import entry_points

from assistant.core.cancel import Cancelled
from assistant.core.plugin import Manifest, Plugin, PluginContext, PluginInfo

ENTRY_POINT_GROUP = "assistant.plugins"


class PluginState(StrEnum):
    """Where a plugin is in its life."""

    AVAILABLE = "available"  # imported, nothing loaded yet
    LOADING = "loading"
    LOADED = "loaded"
    FAILED = "failed"  # could not be imported or loaded; see the error
    DISABLED = "disabled"


class PluginUnavailable(Exception):
    """A request went to a plugin that cannot run; the message says why."""


@dataclass
class PluginRecord:
    """One plugin as the app knows it."""

    name: str
    plugin: Plugin | None
    state: PluginState
    error: str = ""
    details: str = ""  # the traceback, for the plugin manager's "details" view
    origin: str = ""  # the entry point, e.g. "plugins.chat:ChatPlugin"
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def manifest(self) -> Manifest | None:
        return self.plugin.manifest if self.plugin is not None else None


class PluginRegistry:
    """Every plugin the app found, by name."""

    def __init__(self, plugins: Iterable[Plugin] = (), disabled: Iterable[str] = ()) -> None:
        self._records: dict[str, PluginRecord] = {}
        self._disabled = set(disabled)
        for plugin in plugins:
            self.add(plugin)

    @classmethod
    def discover(cls, disabled: Iterable[str] = ()) -> PluginRegistry:
        """Find the installed plugins through their entry points."""
        registry = cls(disabled=disabled)
        for point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                factory = point.load()
                plugin = factory()
            except Exception as exc:  # any failure of a plugin's import is that plugin's alone
                registry._records[point.name] = PluginRecord(
                    point.name,
                    None,
                    PluginState.FAILED,
                    error=f"{point.name} could not be imported: {exc}",
                    details=traceback.format_exc(),
                    origin=point.value,
                )
                continue
            registry.add(plugin, origin=point.value)
        return registry

    def add(self, plugin: Plugin, origin: str = "") -> None:
        """Register a plugin object (tests and embedders use this directly)."""
        name = plugin.manifest.name
        state = PluginState.DISABLED if name in self._disabled else PluginState.AVAILABLE
        self._records[name] = PluginRecord(name, plugin, state, origin=origin)

    def __contains__(self, name: object) -> bool:
        return name in self._records

    def record(self, name: str) -> PluginRecord | None:
        return self._records.get(name)

    def records(self) -> list[PluginRecord]:
        return list(self._records.values())

    def manifests(self) -> list[Manifest]:
        """Manifests of the plugins that can take requests: imported and not turned off.

        A plugin whose load failed still takes them, and each one tries the load again:
        the missing model may have been installed, the settings fixed, the server started.
        """
        return [
            r.plugin.manifest
            for r in self._records.values()
            if r.plugin is not None and r.state is not PluginState.DISABLED
        ]

    def infos(self) -> list[PluginInfo]:
        return [
            PluginInfo(r.plugin.manifest, r.state.value, r.error)
            for r in self._records.values()
            if r.plugin is not None
        ]

    def thread_for(self, name: str) -> str | None:
        """The name of the one thread *name* must run on, or None for any worker thread."""
        record = self._records.get(name)
        manifest = record.manifest if record is not None else None
        return name if manifest is not None and manifest.single_thread else None

    def set_enabled(self, name: str, enabled: bool) -> None:
        """Turn a plugin on or off; a plugin turned off takes no requests (and is unloaded
        when the app next reloads it on its own thread)."""
        record = self._records[name]
        with record.lock:
            if enabled and record.state is PluginState.DISABLED:
                record.state = PluginState.AVAILABLE
            elif not enabled and record.plugin is not None:
                record.state = PluginState.DISABLED

    def ensure_loaded(self, name: str, context: PluginContext) -> Plugin:
        """The plugin, loaded; its ``load`` runs once, in the calling (worker) thread."""
        record = self._records.get(name)
        if record is None:
            raise PluginUnavailable(f"There is no plugin called “{name}”.")
        with record.lock:
            if record.plugin is None:
                raise PluginUnavailable(record.error)
            if record.state is PluginState.DISABLED:
                raise PluginUnavailable(
                    f"The {record.plugin.manifest.title} plugin is turned off; "
                    "turn it on in the plugin manager."
                )
            if record.state is not PluginState.LOADED:
                record.state = PluginState.LOADING
                try:
                    record.plugin.load(context)
                except Cancelled:  # the person stopped it (a download, say): no failure
                    record.state = PluginState.AVAILABLE
                    raise
                except Exception as exc:
                    record.state = PluginState.FAILED
                    record.error = str(exc) or type(exc).__name__
                    record.details = traceback.format_exc()
                    raise
                record.state = PluginState.LOADED
                record.error = ""
            return record.plugin

    def unload(self, name: str) -> None:
        """Free what a plugin loaded; it loads again on its next request."""
        record = self._records[name]
        with record.lock:
            if record.plugin is not None and record.state in (
                PluginState.LOADED,
                PluginState.DISABLED,
            ):
                record.plugin.unload()
                if record.state is PluginState.LOADED:
                    record.state = PluginState.AVAILABLE
