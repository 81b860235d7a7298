"""Exporting a conversation: JSON with every version and part, Markdown with its pictures
beside it, both read back from disk."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import unquote

import pytest

from assistant.core import export
from assistant.core.bootstrap import open_assistant
from assistant.core.cancel import CancelToken
from assistant.core.engine import Assistant
from assistant.core.messages import Chunk
from assistant.core.registry import PluginRegistry
from assistant.core.store import Store, StoreError
from tests.illustrator import Illustrator, png


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Assistant]:
    assistant = open_assistant(registry=PluginRegistry([Illustrator()]))
    yield assistant
    assistant.store.close()


@pytest.fixture
def store(core: Assistant) -> Store:
    return core.store


def ask(core: Assistant, conversation: int, text: str, files: Sequence[Path] = ()) -> list[Chunk]:
    turn = core.prepare(conversation, text, list(files), plugin="illustrator")
    return list(core.execute(turn, CancelToken()))


@pytest.fixture
def conversation(core: Assistant, tmp_path: Path) -> int:
    """A question with a photo, answered twice by the Illustrator (the second shown)."""
    store = core.store
    conversation = store.create_conversation("Photos & plans: June", meta={"origin": "cli"})
    ask(
        core,
        conversation,
        "What is in **this** photo?",
        [png(tmp_path / "my photo.png", (255, 0, 0))],
    )
    [reply] = [m.id for m in store.messages(conversation) if m.role != "user"]
    list(core.execute(core.regenerate(reply), CancelToken()))
    return conversation


def test_json_holds_every_version_and_part_and_reads_back(
    store: Store, conversation: int, tmp_path: Path
) -> None:
    path = export.export_json(store, conversation, tmp_path / "out" / "trip.json")
    data = export.read_json(path)
    assert data["format"] == export.FORMAT
    assert data["conversation"]["title"] == "Photos & plans: June"
    assert data["conversation"]["origin"] == "cli"
    messages = data["messages"]
    assert [m["id"] for m in messages] == [m.id for m in store.all_messages(conversation)]
    question, first, second = messages
    assert (first["version"], second["version"], first["versions"]) == (1, 2, 2)
    assert (first["shown"], second["shown"], question["shown"]) == (False, True, True)
    assert [p["type"] for p in question["parts"]] == ["text", "image"]
    assert [p["type"] for p in second["parts"]] == ["notice", "text", "image", "text", "sources"]
    assert second["parts"][0] == {
        "type": "notice", "level": "warning", "key": "",
        "text": "The detector is not installed; only labels.",
    }  # fmt: skip
    assert second["parts"][4]["items"] == [
        {"title": "guide.pdf", "path": "/docs/guide.pdf", "page": 3,
         "snippet": "red squares are common"},
    ]  # fmt: skip
    # Every picture is copied beside the export, linked relatively, byte for byte.
    for message, stored in zip(
        (question, second), (store.all_messages(conversation)[i] for i in (0, 2)), strict=True
    ):
        [image] = [p for p in message["parts"] if p["type"] == "image"]
        copy = path.parent / image["path"]
        assert not Path(image["path"]).is_absolute() and copy.is_file()
        original = Path(stored.attachments[0].path).read_bytes()
        assert hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(original).digest()
    # What was written is what the store holds: content of each message, as stored.
    assert [m["content"] for m in messages] == [m.content for m in store.all_messages(conversation)]
    assert json.loads(path.read_text(encoding="utf-8")) == data


def test_markdown_shows_the_shown_versions_with_pictures_beside_it(
    store: Store, conversation: int, tmp_path: Path
) -> None:
    path = export.export_markdown(store, conversation, tmp_path / "out" / "trip.md")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Photos & plans: June\n")
    assert "(answer 1)" not in text and "(answer 2)" in text  # the shown version only
    assert "## You ·" in text and "## Assistant (illustrator) ·" in text
    assert "version 2 of 2" in text
    assert "What is in **this** photo?" in text  # the person's Markdown, as written
    assert "> **Warning:** The detector is not installed; only labels." in text
    assert "1. guide.pdf, page 3 — red squares are common" in text
    links = re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", text)
    assert [caption for caption, _link in links] == ["my photo.png", "boxes.png"]
    for _caption, link in links:
        assert not link.startswith("/") and (path.parent / unquote(link)).is_file()
    assert text.index("red* square") < text.index("boxes.png") < text.index("See [1]")


def test_a_picture_gone_from_disk_is_said_and_the_rest_exported(
    store: Store, conversation: int, tmp_path: Path
) -> None:
    for message in store.all_messages(conversation):
        for attachment in message.attachments:
            Path(attachment.path).unlink(missing_ok=True)
    text = export.export_markdown(store, conversation, tmp_path / "gone.md").read_text()
    assert "*(image no longer on disk: my photo.png)*" in text
    data = export.read_json(export.export_json(store, conversation, tmp_path / "gone.json"))
    images = [p for m in data["messages"] for p in m["parts"] if p["type"] == "image"]
    assert images and all(p["path"] is None for p in images)


def test_a_file_that_is_not_an_export_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    with pytest.raises(StoreError, match="not a conversation exported"):
        export.read_json(other)
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(StoreError, match="cannot be read"):
        export.read_json(broken)


def test_an_unwritable_place_is_a_clear_error(
    store: Store, conversation: int, tmp_path: Path
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="Could not"):
        export.export_markdown(store, conversation, blocker / "inside.md")
