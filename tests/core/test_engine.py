"""The path of a message through the core: stored, routed, answered, kept."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from assistant.core import engine
from assistant.core.bootstrap import open_assistant
from assistant.core.cancel import CancelToken
from assistant.core.engine import Assistant, PluginFailed
from assistant.core.messages import ImageOut, Notice, TextDelta
from assistant.core.paths import default_paths
from assistant.core.registry import PluginRegistry
from plugins.help import HelpPlugin
from tests.fakes import BrokenPlugin, EchoPlugin, GatedPlugin, PictureFrame


@pytest.fixture
def assistant() -> Assistant:
    plugins = PluginRegistry(
        [EchoPlugin(), GatedPlugin(), BrokenPlugin(), PictureFrame(), HelpPlugin()]
    )
    core = open_assistant(default_paths(), plugins)
    core.router.default = "echo"
    yield core
    core.store.close()


def answer(core: Assistant, text: str, files=(), plugin=None, conversation=0):
    conversation = conversation or core.store.create_conversation()
    turn = core.prepare(conversation, text, list(files), plugin=plugin)
    chunks = list(core.execute(turn, CancelToken()))
    return turn, chunks


def test_question_and_answer_are_stored_with_route_and_title(assistant: Assistant) -> None:
    turn, chunks = answer(assistant, "hello big world")
    assert "".join(c.text for c in chunks if isinstance(c, TextDelta)) == "hello big world "
    reply = assistant.store.message(turn.reply_message_id)
    assert reply is not None
    assert (reply.content, reply.status, reply.plugin, reply.route_reason) == (
        "hello big world ",
        "done",
        "echo",
        "default",
    )
    conversation = assistant.store.conversation(turn.conversation_id)
    assert conversation is not None and conversation.title == "hello big world"


def test_a_failing_plugin_keeps_the_partial_answer_and_says_why(assistant: Assistant) -> None:
    conversation = assistant.store.create_conversation()
    turn = assistant.prepare(conversation, "/break now")
    with pytest.raises(PluginFailed, match="broke"):
        list(assistant.execute(turn, CancelToken()))
    reply = assistant.store.message(turn.reply_message_id)
    assert reply is not None
    assert (reply.status, reply.content) == ("error", "partial ")
    assert "broke" in reply.error
    _, chunks = answer(assistant, "still here", conversation=conversation)
    assert chunks  # the conversation goes on


def test_stop_keeps_what_was_said_and_marks_it_stopped(assistant: Assistant) -> None:
    conversation = assistant.store.create_conversation()
    turn = assistant.prepare(conversation, "tell me about gates")
    assert turn.route.plugin == "gated"
    cancel = CancelToken()
    stream = assistant.execute(turn, cancel)
    assert next(stream) == TextDelta("first part")
    cancel.cancel()
    assert list(stream) == []
    reply = assistant.store.message(turn.reply_message_id)
    assert reply is not None and (reply.status, reply.content) == ("stopped", "first part")


def test_text_is_checkpointed_while_it_streams(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "CHECKPOINT_INTERVAL_S", 0.0)
    conversation = assistant.store.create_conversation()
    turn = assistant.prepare(conversation, "gates please")
    gate = assistant.registry.record("gated").plugin.gate  # type: ignore[union-attr]
    stream = assistant.execute(turn, CancelToken())
    next(stream)
    done = threading.Event()
    opener = threading.Thread(target=lambda: (done.wait(5), gate.set()))
    opener.start()
    # While the plugin waits, the first part must already be safe on disk.
    reply = assistant.store.message(turn.reply_message_id)
    assert reply is not None
    assert (reply.status, reply.content) == ("streaming", "first part")
    done.set()
    list(stream)
    opener.join()
    final = assistant.store.message(turn.reply_message_id)
    assert final is not None and final.content == "first part and the rest"


def test_image_goes_to_the_image_plugin_and_outputs_are_recorded(
    assistant: Assistant, tmp_path: Path
) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    assistant.router.by_kind = {}
    turn, chunks = answer(assistant, "", [picture])
    assert (turn.route.plugin, turn.route.reason) == ("frame", "image attached")
    assert any(isinstance(c, ImageOut) for c in chunks)
    reply = assistant.store.message(turn.reply_message_id)
    assert reply is not None and [a.kind for a in reply.attachments] == ["image"]
    question = assistant.store.message(turn.user_message_id)
    assert question is not None and question.attachments[0].name == "cat.png"


@pytest.mark.parametrize("case", ["folder-empty", "broken-link", "vanished", "huge", "unknown"])
def test_bad_attachments_are_explained_and_nothing_is_lost(
    assistant: Assistant, tmp_path: Path, case: str
) -> None:
    path = tmp_path / case
    if case == "folder-empty":
        path.mkdir()
    elif case == "broken-link":
        os.symlink(tmp_path / "nowhere", path)
    elif case == "huge":
        path = tmp_path / "huge.txt"
        with path.open("wb") as sparse:
            sparse.truncate(2 * 1024**3)
    elif case == "unknown":
        path = tmp_path / "program.exe"
        path.write_bytes(b"MZ")
    turn, chunks = answer(assistant, "", [path])
    notices = [c for c in chunks if isinstance(c, Notice)]
    assert notices and notices[0].level == "error"
    assert path.name in notices[0].text or "folder" in notices[0].text
    reply = assistant.store.message(turn.reply_message_id)
    assert reply is not None and reply.status == "error"
    assert reply.meta["notices"][0]["text"] == notices[0].text


def test_regenerate_and_edit_and_resend_add_versions(assistant: Assistant) -> None:
    first, _ = answer(assistant, "one two")
    conversation = first.conversation_id
    again = assistant.regenerate(first.reply_message_id, plugin="help")
    list(assistant.execute(again, CancelToken()))
    messages = assistant.store.messages(conversation)
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[1].plugin == "help" and messages[1].route_reason == "sent to help by you"
    assert (messages[1].version, messages[1].versions) == (2, 2)
    edited = assistant.edit_and_resend(first.user_message_id, "three four")
    list(assistant.execute(edited, CancelToken()))
    messages = assistant.store.messages(conversation)
    assert [m.content for m in messages] == ["three four", "three four "]
    assert assistant.store.message(first.user_message_id) is not None  # kept, as version 1


def test_history_reaches_the_plugin(assistant: Assistant) -> None:
    first, _ = answer(assistant, "remember apples")
    answer(assistant, "and pears", conversation=first.conversation_id)
    echo = assistant.registry.record("echo").plugin  # type: ignore[union-attr]
    history = echo.requests[-1].history
    assert [(h.role, h.content) for h in history] == [
        ("user", "remember apples"),
        ("assistant", "remember apples "),
    ]


def test_help_lists_plugins_and_their_commands(assistant: Assistant) -> None:
    _, chunks = answer(assistant, "/help")
    text = "".join(c.text for c in chunks if isinstance(c, TextDelta))
    assert "**Echo**" in text and "`/echo`" in text and "`/break`" in text


def test_other_plugins_learn_whether_the_chat_model_sees_without_loading_it() -> None:
    from plugins.chat import ChatPlugin, ChatSettings

    core = open_assistant(default_paths(), PluginRegistry([ChatPlugin(), PictureFrame()]))
    try:
        llm = core.context_for("frame", CancelToken(), lambda chunk: None).services["llm"]
        assert llm.sees_images() is False  # the built-in model runs on this computer
        core.settings.update_section("chat", ChatSettings(backend="openai"))
        assert llm.sees_images() is True  # a server may see; it says so when it cannot
        record = core.registry.record("chat")
        assert record is not None and record.state.value == "available"  # never loaded
    finally:
        core.store.close()
