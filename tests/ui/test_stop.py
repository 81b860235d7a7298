"""Stop acts at once, even while a plugin is stuck in a model load that cannot be stopped."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from assistant.core.registry import PluginState
from tests.fakes import SlowLoader
from tests.ui.test_main_window import send, shown_text


def test_stop_during_a_model_load_finishes_the_answer_at_once(qtbot, open_window) -> None:
    slow = SlowLoader()
    window = open_window(slow)
    try:
        window.composer.editor.setFocus()
        qtbot.keyClicks(window.composer.editor, "/slowload hello")
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
        qtbot.waitUntil(slow.loading.is_set, timeout=10_000)
        assert window.composer.stop_button.isVisible()
        started = time.monotonic()
        with qtbot.waitSignal(window.turns.turn_finished, timeout=500) as finished:
            qtbot.keyClick(window, Qt.Key.Key_Escape)
        assert time.monotonic() - started < 0.5
        reply = window.store.message(finished.args[0])
        assert reply is not None and (reply.status, reply.content) == ("stopped", "")
        assert "stopped" in shown_text(window)
        assert not window.composer.stop_button.isVisible()
        assert not slow.loaded  # still loading, in the background
        # The person goes on while the load goes on.
        answer = send(qtbot, window, "and now something else")
        stored = window.store.message(answer)
        assert stored is not None and stored.status == "done"
        assert "and now something else" in shown_text(window)
    finally:
        slow.gate.set()
    record = window.assistant.registry.record("slowload")
    assert record is not None
    qtbot.waitUntil(lambda: record.state is PluginState.LOADED, timeout=10_000)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10_000)  # its job has ended
    reply = window.store.message(finished.args[0])
    assert reply is not None and (reply.status, reply.content) == ("stopped", "")
    assert "loaded and ready" not in shown_text(window)  # nothing after the stop is shown
    # The model it loaded is kept: the next request answers without loading again.
    window.composer.editor.setFocus()
    again = send(qtbot, window, "/slowload again")
    stored = window.store.message(again)
    assert stored is not None and (stored.status, stored.content) == ("done", "loaded and ready ")


def test_stop_mid_stream_still_ends_by_itself(qtbot, open_window) -> None:
    window = open_window()
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, "/count")
    with qtbot.waitSignal(window.turns.chunks_arrived, timeout=10_000):
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "w5 " in shown_text(window), timeout=10_000)
    with qtbot.waitSignal(window.turns.turn_finished, timeout=500) as finished:
        window.stop()
    reply = window.store.message(finished.args[0])
    assert reply is not None and reply.status == "stopped"
    assert reply.content == window.view.streamed_text(reply.id)
