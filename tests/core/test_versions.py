"""Versions instead of deletions: regenerated answers, edited questions and their branches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.bootstrap import open_assistant
from assistant.core.cancel import CancelToken
from assistant.core.engine import Assistant, PluginFailed, Turn
from assistant.core.paths import default_paths
from assistant.core.registry import PluginRegistry
from assistant.core.store import Message, Store
from plugins.help import HelpPlugin
from tests.fakes import EchoPlugin, PictureFrame


@pytest.fixture
def assistant() -> Iterator[Assistant]:
    core = open_assistant(
        default_paths(), PluginRegistry([EchoPlugin(), PictureFrame(), HelpPlugin()])
    )
    core.router.default = "echo"
    yield core
    core.store.close()


def run(core: Assistant, turn: Turn) -> Turn:
    list(core.execute(turn, CancelToken()))
    return turn


def ask(core: Assistant, conversation: int, text: str, files: tuple[Path, ...] = ()) -> Turn:
    return run(core, core.prepare(conversation, text, list(files)))


def path(core: Assistant, conversation: int) -> list[str]:
    """The active path as "content version/versions", which says what a person sees."""
    return [shown(m) for m in core.store.messages(conversation)]


def shown(message: Message) -> str:
    return f"{message.content.strip()} {message.version}/{message.versions}"


def echo_history(core: Assistant, request: int = -1) -> list[str]:
    """The history the echo plugin was given with its last (or *request*-th) request."""
    echo = core.registry.record("echo").plugin  # type: ignore[union-attr]
    return [h.content.strip() for h in echo.requests[request].history]


def test_regenerate_twice_gives_three_versions_and_keeps_the_later_turns(
    assistant: Assistant,
) -> None:
    conversation = assistant.store.create_conversation()
    first = ask(assistant, conversation, "one")
    ask(assistant, conversation, "two")
    second = run(assistant, assistant.regenerate(first.reply_message_id))
    third = run(assistant, assistant.regenerate(second.reply_message_id))
    replies = [first.reply_message_id, second.reply_message_id, third.reply_message_id]
    assert assistant.store.versions_of(second.reply_message_id) == replies
    assert path(assistant, conversation) == ["one 1/1", "one 3/3", "two 1/1", "two 1/1"]
    for number, reply in enumerate(replies, start=1):
        assistant.choose_version(reply)
        messages = assistant.store.messages(conversation)
        assert messages[1].id == reply
        assert path(assistant, conversation)[1:] == [f"one {number}/3", "two 1/1", "two 1/1"]
        assert assistant.store.count_messages(conversation) == 4
    # A regenerated answer hears only what came before its question.
    assert echo_history(assistant) == []
    assert echo_history(assistant, 1) == ["one", "one"]


def test_send_to_another_plugin_keeps_the_first_answer_as_a_version(
    assistant: Assistant,
) -> None:
    conversation = assistant.store.create_conversation()
    first = ask(assistant, conversation, "hello there")
    sent = run(assistant, assistant.regenerate(first.reply_message_id, plugin="help"))
    reply = assistant.store.messages(conversation)[1]
    assert (reply.id, reply.plugin, reply.version, reply.versions) == (
        sent.reply_message_id, "help", 2, 2,
    )  # fmt: skip
    assistant.choose_version(first.reply_message_id)
    reply = assistant.store.messages(conversation)[1]
    assert (reply.plugin, shown(reply)) == ("echo", "hello there 1/2")


def test_an_edited_question_starts_a_branch_and_the_old_branch_stays(
    assistant: Assistant,
) -> None:
    conversation = assistant.store.create_conversation()
    ask(assistant, conversation, "apples")
    pears = ask(assistant, conversation, "pears")
    ask(assistant, conversation, "plums")
    edited = run(assistant, assistant.edit_and_resend(pears.user_message_id, "figs"))
    assert echo_history(assistant) == ["apples", "apples"]  # the branch hears only itself
    ask(assistant, conversation, "dates")
    assert echo_history(assistant) == ["apples", "apples", "figs", "figs"]
    new_branch = ["apples 1/1", "apples 1/1", "figs 2/2", "figs 1/1", "dates 1/1", "dates 1/1"]
    old_branch = ["apples 1/1", "apples 1/1", "pears 1/2", "pears 1/1", "plums 1/1", "plums 1/1"]
    assert path(assistant, conversation) == new_branch
    assistant.choose_version(pears.user_message_id)
    assert path(assistant, conversation) == old_branch
    assistant.choose_version(edited.user_message_id)
    assert path(assistant, conversation) == new_branch
    # A turn added in the old branch stays there.
    assistant.choose_version(pears.user_message_id)
    ask(assistant, conversation, "kiwis")
    assert path(assistant, conversation) == [*old_branch, "kiwis 1/1", "kiwis 1/1"]


def test_editing_the_first_question_makes_a_second_first_question(assistant: Assistant) -> None:
    conversation = assistant.store.create_conversation()
    first = ask(assistant, conversation, "hi")
    ask(assistant, conversation, "more")
    run(assistant, assistant.edit_and_resend(first.user_message_id, "hello"))
    assert echo_history(assistant) == []
    assert path(assistant, conversation) == ["hello 2/2", "hello 1/1"]
    assistant.choose_version(first.user_message_id)
    assert path(assistant, conversation) == ["hi 1/2", "hi 1/1", "more 1/1", "more 1/1"]


def test_an_edited_question_keeps_its_files(assistant: Assistant, tmp_path: Path) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    conversation = assistant.store.create_conversation()
    first = ask(assistant, conversation, "look", (picture,))
    edited = run(assistant, assistant.edit_and_resend(first.user_message_id, "look closer"))
    question = assistant.store.message(edited.user_message_id)
    assert question is not None and [a.name for a in question.attachments] == ["cat.png"]
    assert [a.name for a in edited.request.attachments] == ["cat.png"]
    original = assistant.store.message(first.user_message_id)
    assert original is not None and [a.name for a in original.attachments] == ["cat.png"]


def test_only_an_answer_to_a_question_can_be_regenerated(assistant: Assistant) -> None:
    conversation = assistant.store.create_conversation()
    greeting = assistant.store.add_message(conversation, "assistant", "Welcome!")
    first = ask(assistant, conversation, "hi")
    assert path(assistant, conversation) == ["Welcome! 1/1", "hi 1/1", "hi 1/1"]
    with pytest.raises(PluginFailed, match="no question"):
        assistant.regenerate(greeting)
    with pytest.raises(PluginFailed, match="no question"):
        assistant.regenerate(first.user_message_id)
    with pytest.raises(PluginFailed, match="Only a question"):
        assistant.edit_and_resend(first.reply_message_id, "x")


def test_versions_and_choices_survive_a_restart(assistant: Assistant) -> None:
    conversation = assistant.store.create_conversation()
    first = ask(assistant, conversation, "alpha")
    ask(assistant, conversation, "beta")
    run(assistant, assistant.regenerate(first.reply_message_id))
    edited = run(assistant, assistant.edit_and_resend(first.user_message_id, "gamma"))
    assistant.choose_version(first.user_message_id)
    assistant.choose_version(first.reply_message_id)
    before = assistant.store.messages(conversation)
    assistant.store.close()
    reopened = Store(assistant.store.path)
    try:
        assert reopened.messages(conversation) == before
        assert [shown(m) for m in before] == ["alpha 1/2", "alpha 1/2", "beta 1/1", "beta 1/1"]
        assert reopened.versions_of(edited.user_message_id) == [
            first.user_message_id,
            edited.user_message_id,
        ]
    finally:
        reopened.close()


def test_reveal_brings_a_hidden_branch_onto_the_path(assistant: Assistant) -> None:
    conversation = assistant.store.create_conversation()
    ask(assistant, conversation, "start")
    old = ask(assistant, conversation, "walrus")
    ask(assistant, conversation, "penguin")
    run(assistant, assistant.edit_and_resend(old.user_message_id, "seal"))
    hits = [h.message_id for h in assistant.store.search("penguin")]
    assert hits and all(
        h not in {m.id for m in assistant.store.messages(conversation)} for h in hits
    )
    assistant.store.reveal(hits[0])
    assert path(assistant, conversation) == [
        "start 1/1", "start 1/1", "walrus 1/2", "walrus 1/1", "penguin 1/1", "penguin 1/1",
    ]  # fmt: skip
