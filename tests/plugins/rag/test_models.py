"""The built-in MiniLM is in memory once, and its loads report to the caller at hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.core.messages import Chunk, Progress, Request
from assistant.core.models import ModelRegistry
from assistant.core.plugin import PluginContext
from plugins.chat import ChatPlugin
from plugins.rag import RagPlugin
from plugins.rag.settings import RagSettings

MakeContext = Callable[..., PluginContext]


def _note(tmp_path: Path) -> Path:
    path = tmp_path / "ferry.txt"
    path.write_text("The ferry leaves at noon on Sundays.", encoding="utf-8")
    return path


def test_routing_and_indexing_share_one_minilm(tmp_path: Path, make_context: MakeContext) -> None:
    registry = ModelRegistry()
    plugin = RagPlugin()
    classifier = plugin.intent_classifier(registry)
    manifests = [RagPlugin.manifest, ChatPlugin.manifest]
    try:
        match = classifier.classify("what does the contract I uploaded say?", manifests)
        assert match is not None and match.plugin == "rag"
        context = make_context(RagSettings(), models=registry)
        list(plugin.run(Request(str(_note(tmp_path)), command="index"), context))
        assert plugin.knowledge is not None and len(plugin.knowledge.sources()) == 1
    finally:
        plugin.unload()

    assert [m.name for m in registry.snapshot()] == ["all-MiniLM-L6-v2"]


def _loading(chunks: list[Chunk]) -> list[str]:
    return [c.message for c in chunks if isinstance(c, Progress) and "all-MiniLM" in c.message]


def test_a_reload_after_an_idle_unload_reports_to_the_run_that_needs_it(
    tmp_path: Path, make_context: MakeContext
) -> None:
    registry = ModelRegistry()
    first: list[Chunk] = []
    second: list[Chunk] = []
    plugin = RagPlugin()
    try:
        plugin.load(make_context(RagSettings(), models=registry, report=first.append))
        assert _loading(first)  # the first load told its own caller
        first.clear()
        registry.unload_all(owner="rag")  # idle: the app's sweep unloaded it

        context = make_context(RagSettings(), models=registry, report=second.append)
        list(plugin.run(Request(str(_note(tmp_path)), command="index"), context))
    finally:
        plugin.unload()

    assert first == []
    assert _loading(second)[0].startswith("Loading all-MiniLM-L6-v2")
