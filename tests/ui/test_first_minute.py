"""A new user's first minute: a welcome instead of a blank page, one banner for a missing
model (not one per answer), and code that can be copied."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from assistant.core.messages import Chunk, Notice, NoticeAction, Request, TextDelta
from assistant.core.plugin import Command, Manifest, PluginContext
from tests.ui.test_main_window import send, shown_text

MISSING = Notice(
    "The object detector (DETR, about 160 MB) is not on this computer.",
    "warning",
    key="lens.missing-model.detector",
    actions=(NoticeAction("Choose a folder…", "app:choose-folder/lens/detector_model"),),
)


class LensPlugin:
    """Answers every request, and says each time that a model of its is missing."""

    manifest = Manifest(
        name="lens", title="Lens", description="Looks.", commands=(Command("lens", "Look"),)
    )

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        yield MISSING
        yield TextDelta(f"Looked at {request.text}.")


def _notices(window, reply: int) -> list[tuple]:
    return [part for part in window.view.rendered(reply) if part[0] == "notice"]


def test_an_empty_conversation_welcomes_with_prompts_to_try(qtbot, open_window) -> None:
    from assistant.ui.welcome import WelcomeView

    window = open_window()
    [welcome] = window.findChildren(WelcomeView)
    assert welcome.isVisible()
    with qtbot.waitSignal(welcome.example_chosen) as chosen:
        welcome.example_chosen.emit("What can you do?")  # as a click on a prompt does
    assert window.composer.editor.toPlainText() == chosen.args[0]
    window.composer.editor.clear()
    send(qtbot, window, "hello")
    assert not welcome.isVisible()
    window.new_conversation()
    assert welcome.isVisible()


def test_a_missing_model_is_one_banner_per_conversation(qtbot, open_window) -> None:
    window = open_window(LensPlugin())
    first = send(qtbot, window, "/lens the sky")
    second = send(qtbot, window, "/lens the sea")
    assert _notices(window, first) == [("notice", "warning", MISSING.text)]
    assert _notices(window, second) == []  # said once, not in every answer
    assert shown_text(window).count("is not on this computer") == 1
    window.open_conversation(window.conversation_id)  # reloaded: still once
    assert shown_text(window).count("is not on this computer") == 1
    window.new_conversation()
    third = send(qtbot, window, "/lens the hills")  # another conversation is told again
    assert _notices(window, third) == [("notice", "warning", MISSING.text)]


def test_a_code_block_copies_its_code(qtbot, open_window) -> None:
    from assistant.ui.message_parts import CodeBlock

    window = open_window()
    window.composer.editor.setPlainText("```python\nprint('hi')\n```\nafter")
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    reply = finished.args[0]
    widget = window.view.widget_of(reply)
    assert widget is not None
    [code] = widget.findChildren(CodeBlock)
    qtbot.mouseClick(code.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "print('hi')\n"
    assert code.copy_button.text() == "Copied"
