"""Putting the core together: folders, settings, store, plugins and the assistant."""

from __future__ import annotations

from assistant.core.engine import Assistant
from assistant.core.intents import (
    IntentClassifier,
    LayeredIntentClassifier,
)
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
    assistant = Assistant(paths, settings, registry, store)
    offered = _offered_classifier(assistant)
    if offered is not None:
        assistant.router.classifier = LayeredIntentClassifier(offered)
    return assistant


def warm_up_routing(assistant: Assistant) -> None:
    """Load the intent classifier's model and embed the plugins' intents now (slow-ish:
    call it off the GUI thread), so that the first message is routed at once."""
    warm = getattr(assistant.router.classifier, "warm_up", None)
    if callable(warm):
        warm(assistant.registry.manifests())


def _offered_classifier(assistant: Assistant) -> IntentClassifier | None:
    """An intent classifier a plugin offers (the documents plugin brings an embedding one).

    A plugin offers one through a method ``intent_classifier(models, cache)``; the model it
    uses loads on the first request that needs it, never at start-up, and what it works
    out once for all requests it may keep in the folder *cache*, for the next launch.
    """
    for manifest in assistant.registry.manifests():
        record = assistant.registry.record(manifest.name)
        offer = getattr(record.plugin if record else None, "intent_classifier", None)
        if callable(offer):
            cache = assistant.paths.cache / "routing" / manifest.name
            classifier: IntentClassifier = offer(assistant.models, cache)
            return classifier
    return None
