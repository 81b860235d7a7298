"""Versions instead of deletions, driven through the window's own buttons: Regenerate and
Edit keep what was there, ‹ › flips between versions, and a restart finds them all."""

from __future__ import annotations

from PySide6.QtCore import Qt

from assistant.ui.main_window import MainWindow
from tests.ui.test_main_window import send, shown_text


def click(qtbot, window: MainWindow, message_id: int, action: str) -> None:
    widget = window.view.widget_of(message_id)
    assert widget is not None, f"message {message_id} is not shown"
    button = widget.button(action)
    assert button is not None and button.isEnabled(), f"no {action} button"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_and_wait(qtbot, window: MainWindow, message_id: int, action: str) -> int:
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        click(qtbot, window, message_id, action)
    return finished.args[0]


def shown_replies(window: MainWindow) -> list[str]:
    return [
        m.content for m in window.store.messages(window.conversation_id) if m.role == "assistant"
    ]


def test_regenerate_twice_keeps_every_answer_and_every_later_turn(qtbot, open_window) -> None:
    window = open_window()
    first = send(qtbot, window, "first question")
    later = send(qtbot, window, "a later question")
    second = click_and_wait(qtbot, window, first, "regenerate")
    third = click_and_wait(qtbot, window, second, "regenerate")
    assert "a later question" in shown_text(window)  # nothing later disappeared
    widget = window.view.widget_of(third)
    assert widget is not None and (widget.version, widget.versions) == (3, 3)
    assert "3/3" in shown_text(window)
    click(qtbot, window, third, "older")
    click(qtbot, window, second, "older")
    assert window.view.is_shown(first) and not window.view.is_shown(third)
    assert "1/3" in shown_text(window) and window.view.is_shown(later)
    click(qtbot, window, first, "newer")
    assert window.view.is_shown(second) and "2/3" in shown_text(window)
    assert {first, second, third} <= {m.id for m in _every_message(window)}


def test_editing_a_question_with_later_turns_makes_a_branch(qtbot, open_window) -> None:
    window = open_window()
    send(qtbot, window, "alpha")
    send(qtbot, window, "beta")
    question = window.store.messages(window.conversation_id)[0]
    click(qtbot, window, question.id, "edit")
    assert window.composer.editor.toPlainText() == "alpha"
    window.composer.editor.clear()
    qtbot.keyClicks(window.composer.editor, "gamma")
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    assert [m.content for m in window.store.messages(window.conversation_id)] == [
        "gamma", "gamma "
    ]  # fmt: skip
    assert "beta" not in shown_text(window) and "2/2" in shown_text(window)
    edited = window.store.messages(window.conversation_id)[0]
    click(qtbot, window, edited.id, "older")  # back to the first branch, with its later turn
    assert shown_replies(window) == ["alpha ", "beta "]
    assert "alpha" in shown_text(window) and "beta" in shown_text(window)


def test_versions_are_there_after_a_restart(qtbot, open_window) -> None:
    window = open_window()
    reply = send(qtbot, window, "remember me")
    newer = click_and_wait(qtbot, window, reply, "regenerate")
    window.close()
    window.jobs.shutdown()
    again = open_window()
    widget = again.view.widget_of(newer)
    assert widget is not None and (widget.version, widget.versions) == (2, 2)
    click(qtbot, again, newer, "older")
    assert again.view.is_shown(reply)


def _every_message(window: MainWindow) -> list:
    return [window.store.message(i) for i in range(1, 100) if window.store.message(i) is not None]


def test_a_search_hit_in_a_version_not_shown_is_brought_into_view(qtbot, open_window) -> None:
    window = open_window()
    send(qtbot, window, "the zanzibar question")
    question = window.store.messages(window.conversation_id)[0]
    click(qtbot, window, question.id, "edit")
    window.composer.editor.clear()
    qtbot.keyClicks(window.composer.editor, "another question")
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    assert "zanzibar" not in shown_text(window)
    window.open_conversation(window.conversation_id, question.id)  # as a search hit does
    assert window.view.is_shown(question.id) and "zanzibar" in shown_text(window)
