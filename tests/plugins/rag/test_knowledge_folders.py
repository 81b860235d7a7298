"""Folders the person added are remembered: a re-index picks up the files new in them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.core.messages import Request
from assistant.core.plugin import PluginContext
from plugins.rag import RagPlugin
from plugins.rag.embedder import SentenceTransformerEmbedder
from plugins.rag.knowledge import Knowledge
from plugins.rag.settings import RagSettings


def note(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def knowledge(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> Iterator[Knowledge]:
    opened = Knowledge.open(tmp_path / "data", embedder, RagSettings(chunk_size=300))
    yield opened
    opened.close()


def titles(knowledge: Knowledge) -> list[str]:
    return [s.title for s in knowledge.sources()]


def test_a_reindex_finds_files_added_to_a_folder_later(
    tmp_path: Path, embedder: SentenceTransformerEmbedder, knowledge: Knowledge
) -> None:
    folder = tmp_path / "notes"
    note(folder / "ferry.txt", "The ferry leaves at noon on Sundays.")
    single = note(tmp_path / "loose" / "bus.txt", "The bus stops at the harbour.")
    knowledge.add([folder, single])
    assert knowledge.folders() == [str(folder)]

    note(folder / "tram.md", "The tram runs every ten minutes.")
    note(folder / "deep" / "boat.txt", "The boat to the island takes an hour.")
    note(folder / ".hidden" / "secret.txt", "Hidden files are never indexed.")
    note(tmp_path / "loose" / "taxi.txt", "Not in an added folder: only bus.txt was added.")
    report = knowledge.reindex()

    assert sorted(report.indexed) == ["boat.txt", "tram.md"]
    assert sorted(report.skipped) == ["bus.txt", "ferry.txt"]
    assert titles(knowledge) == ["boat.txt", "bus.txt", "ferry.txt", "tram.md"]
    assert knowledge.retrieve("how often does the tram run?").passages[0].chunk.title == "tram.md"

    knowledge.close()  # the folders are remembered with the index
    again = Knowledge.open(tmp_path / "data", embedder, RagSettings(chunk_size=300))
    try:
        note(folder / "plane.txt", "The plane leaves at dawn.")
        assert again.reindex().indexed == ["plane.txt"]
    finally:
        again.close()


def test_a_removed_file_stays_out_until_it_is_added_again(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    folder = tmp_path / "notes"
    ferry = note(folder / "ferry.txt", "The ferry leaves at noon on Sundays.")
    note(folder / "tram.txt", "The tram runs every ten minutes.")
    knowledge.add([folder])

    knowledge.remove(ferry)
    assert knowledge.reindex().indexed == []
    assert titles(knowledge) == ["tram.txt"]

    knowledge.add([ferry])  # named again: it is wanted after all
    assert titles(knowledge) == ["ferry.txt", "tram.txt"]
    knowledge.remove(ferry)
    knowledge.add([folder])  # the whole folder added again: everything in it
    assert titles(knowledge) == ["ferry.txt", "tram.txt"]


def test_a_removed_folder_is_forgotten_with_its_files(tmp_path: Path, knowledge: Knowledge) -> None:
    folder = tmp_path / "notes"
    note(folder / "ferry.txt", "The ferry leaves at noon on Sundays.")
    knowledge.add([folder])
    knowledge.remove(folder)
    note(folder / "tram.txt", "The tram runs every ten minutes.")

    assert knowledge.reindex().indexed == []
    assert knowledge.sources() == [] and knowledge.folders() == []


def test_a_folder_gone_for_now_is_kept_for_later(tmp_path: Path, knowledge: Knowledge) -> None:
    folder = tmp_path / "usb-stick"
    ferry = note(folder / "ferry.txt", "The ferry leaves at noon on Sundays.")
    knowledge.add([folder])
    ferry.unlink()
    folder.rmdir()  # unplugged

    report = knowledge.reindex()

    assert report.removed == ["ferry.txt"] and report.failed == []
    assert knowledge.folders() == [str(folder)]


def test_a_folder_indexed_with_the_command_is_walked_again(
    tmp_path: Path, make_context: Callable[..., PluginContext]
) -> None:
    folder = tmp_path / "notes"
    note(folder / "ferry.txt", "The ferry leaves at noon on Sundays.")
    plugin = RagPlugin()
    try:
        list(plugin.run(Request(str(folder), command="index"), make_context(RagSettings())))
        note(folder / "tram.txt", "The tram runs every ten minutes.")
        assert plugin.knowledge is not None
        assert plugin.knowledge.reindex().indexed == ["tram.txt"]
    finally:
        plugin.unload()
