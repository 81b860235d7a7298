"""Putting the core together: folders, settings, store, plugins and the assistant."""

from __future__ import annotations

from assistant.core.engine import Assistant
from assistant.core.paths import Paths, default_paths
from assistant.core.registry import PluginRegistry
from assistant.core.settings import SettingsStore
from assistant.core.store import Store


def open_assistant(paths: Paths | None = None, registry: PluginRegistry | None = None) -> Assistant:
    """An assistant on the user's folders (or *paths*), with the installed plugins.

    Nothing heavy happens here: plugins are imported (cheaply) but load their models only
    when first asked.
    """
    paths = paths or default_paths()
    for folder in (paths.config, paths.data, paths.attachments, paths.outputs):
        folder.mkdir(parents=True, exist_ok=True)
    settings = SettingsStore(paths.settings_file)
    store = Store(paths.database)
    store.mark_interrupted()
    if registry is None:
        registry = PluginRegistry.discover(disabled=settings.general.disabled_plugins)
    return Assistant(paths, settings, registry, store)
