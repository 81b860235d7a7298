"""Keyed notices: said once per conversation, live and stored, with their actions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.core.bootstrap import open_assistant
from assistant.core.cancel import CancelToken
from assistant.core.engine import Assistant
from assistant.core.messages import Chunk, Notice, NoticeAction, Request, TextDelta
from assistant.core.notices import notices_from_meta
from assistant.core.paths import default_paths
from assistant.core.plugin import Manifest, PluginContext
from assistant.core.registry import PluginRegistry

MISSING = Notice(
    "The object detector (DETR, about 160 MB) is not on this computer.",
    "warning",
    key="warner.missing-model.detector",
    actions=(
        NoticeAction("Download (about 160 MB)", "warner:download/detector"),
        NoticeAction("Choose a folder…", "app:choose-folder/warner/detector_model"),
    ),
)


class WarnerPlugin:
    """Says the same keyed notice (twice) and a plain one with every answer, as a plugin
    whose model is missing does."""

    manifest = Manifest(name="warner", title="Warner", description="Warns every time.")

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        yield MISSING
        yield TextDelta("an answer")
        yield MISSING
        yield Notice("said every time")


@pytest.fixture
def assistant() -> Iterator[Assistant]:
    core = open_assistant(default_paths(), PluginRegistry([WarnerPlugin()]))
    core.router.default = "warner"
    yield core
    core.store.close()


def ask(core: Assistant, conversation: int) -> tuple[int, list[Notice]]:
    turn = core.prepare(conversation, "what is there?")
    chunks = list(core.execute(turn, CancelToken()))
    return turn.reply_message_id, [c for c in chunks if isinstance(c, Notice)]


def stored(core: Assistant, reply_id: int) -> list[Notice]:
    message = core.store.message(reply_id)
    assert message is not None
    return notices_from_meta(message.meta)


def test_a_keyed_notice_is_said_once_per_conversation(assistant: Assistant) -> None:
    conversation = assistant.store.create_conversation()
    first, live = ask(assistant, conversation)
    assert live == [MISSING, Notice("said every time")]  # once, even within one answer
    assert stored(assistant, first) == live  # with its key and actions
    second, live = ask(assistant, conversation)
    assert live == [Notice("said every time")]
    assert stored(assistant, second) == live

    other = assistant.store.create_conversation()
    _, live = ask(assistant, other)
    assert MISSING in live


def test_after_a_reload_the_notice_is_there_once_and_still_not_repeated() -> None:
    core = open_assistant(default_paths(), PluginRegistry([WarnerPlugin()]))
    core.router.default = "warner"
    conversation = core.store.create_conversation()
    ask(core, conversation)
    ask(core, conversation)
    core.store.close()

    again = open_assistant(default_paths(), PluginRegistry([WarnerPlugin()]))
    again.router.default = "warner"
    try:
        messages = again.store.messages(conversation)
        shown = [n for m in messages for n in notices_from_meta(m.meta) if n.key]
        assert shown == [MISSING]
        _, live = ask(again, conversation)
        assert MISSING not in live
    finally:
        again.store.close()


def test_regenerating_the_answer_that_said_it_says_it_again(assistant: Assistant) -> None:
    conversation = assistant.store.create_conversation()
    first, _ = ask(assistant, conversation)
    turn = assistant.regenerate(first)
    live = [c for c in assistant.execute(turn, CancelToken()) if isinstance(c, Notice)]
    assert MISSING in live  # the answer that said it is gone


def test_notices_stored_before_they_had_keys_still_load() -> None:
    meta = {"notices": [{"text": "old", "level": "warning"}, "garbage", {"text": "x"}]}
    assert notices_from_meta(meta) == [Notice("old", "warning"), Notice("x")]
    assert notices_from_meta({}) == []
