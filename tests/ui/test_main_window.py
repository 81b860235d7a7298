"""The window driven as a person drives it: typing, dropping, stopping, re-routing."""

from __future__ import annotations

import threading
import warnings
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QToolButton, QWidget

from assistant.core.plugin import Manifest, PluginContext
from assistant.ui.main_window import MainWindow
from tests.fakes import GatedPlugin


def send(qtbot, window: MainWindow, text: str) -> int:
    """Type *text* and press Enter; wait for the answer; return the reply id."""
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, text)
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    return finished.args[0]


def drag_and_drop(window: MainWindow, mime: QMimeData) -> None:
    """Deliver a drag entering the window and its drop, as Qt does for a real drag."""
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():  # Qt 6 keeps only the QPoint form of this constructor
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(
            QPoint(200, 200), Qt.DropAction.CopyAction, mime, buttons, modifiers
        )
    assert QApplication.sendEvent(window, enter) and enter.isAccepted()
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    assert QApplication.sendEvent(window, drop)


def shown_text(window: MainWindow) -> str:
    return window.view.plain_text()


def test_typing_and_enter_sends_and_the_answer_streams_in(qtbot, open_window) -> None:
    window = open_window()
    qtbot.keyClicks(window.composer.editor, "first line")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.composer.editor.toPlainText() == "first line\n"  # Shift+Enter: new line
    window.composer.editor.clear()
    reply = send(qtbot, window, "hello **bold** world")
    stored = window.store.message(reply)
    assert stored is not None and stored.status == "done"
    text = shown_text(window)
    assert "hello bold world" in text  # Markdown rendered: no asterisks left
    assert "Echo · default" in text
    assert window.composer.editor.toPlainText() == ""


def test_a_dropped_file_is_attached_and_sent(qtbot, open_window, tmp_path: Path) -> None:
    from PIL import Image
    from skimage import data

    picture = tmp_path / "coffee.png"
    Image.fromarray(data.coffee()).save(picture)
    window = open_window()
    window.assistant.router.by_kind = {}
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(picture))])
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        drag_and_drop(window, mime)
    reply = window.store.message(finished.args[0])
    assert reply is not None and reply.plugin == "frame" and reply.route_reason == "image attached"
    assert "coffee.png:" in shown_text(window)
    question = window.view.rendered(reply.id - 1)
    assert question[-1] == ("images", ((window.store.message(reply.id - 1).attachments[0].path,
                                        "coffee.png"),))  # fmt: skip
    html = repr(window.view.rendered(reply.id))
    target = html.split('href="frame:')[1].split('"')[0]
    link = QUrl(f"frame:{target}")
    with qtbot.waitSignal(window.plugin_jobs.image_shown, timeout=10_000) as shown:
        window.view.signals.link_requested.emit(link)  # the plugin's own link in its answer
    assert shown.args[1] == "again" and shown.args[0].read_bytes() == picture.read_bytes()


class SlowStart(GatedPlugin):
    """Loads the way a model does, halfway and then ready, before it streams."""

    manifest = Manifest(name="slowstart", title="Slow start", description="Loads, then streams.")

    def __init__(self) -> None:
        super().__init__()
        self.half_loaded = threading.Event()

    def load(self, context: PluginContext) -> None:
        context.progress("Loading the model", 0.5)
        self.half_loaded.wait(10)
        context.progress("The model is ready", 1.0)


def test_the_progress_bar_goes_once_the_work_it_shows_is_done(qtbot, open_window) -> None:
    plugin = SlowStart()
    window = open_window(plugin)
    window.send("start slowly", [], plugin="slowstart")
    try:
        qtbot.waitUntil(window.progress.isVisible, timeout=10_000)
        assert window.progress.value() == 500
        assert window.statusBar().currentMessage() == "Loading the model"
        with qtbot.waitSignal(window.turns.chunks_arrived, timeout=10_000):
            plugin.half_loaded.set()
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "The model is ready")
        assert not window.progress.isVisible()  # the answer streams on: no full bar beside it
        assert window.composer.stop_button.isVisible()
    finally:
        plugin.half_loaded.set()
        with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
            plugin.gate.set()


def test_stop_mid_stream_keeps_the_partial_answer(qtbot, open_window) -> None:
    window = open_window()
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, "open the gates")
    with qtbot.waitSignal(window.turns.chunks_arrived, timeout=10_000):
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    assert window.composer.stop_button.isVisible()
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    reply = window.store.message(finished.args[0])
    assert reply is not None and (reply.status, reply.content) == ("stopped", "first part")
    assert "stopped" in shown_text(window)
    assert not window.composer.stop_button.isVisible()


def test_stop_while_a_plugin_is_between_chunks_keeps_every_word_shown(qtbot, open_window) -> None:
    window = open_window()
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, "/count")
    with qtbot.waitSignal(window.turns.chunks_arrived, timeout=10_000):
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "w20 " in shown_text(window), timeout=10_000)
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        window.stop()
    reply = window.store.message(finished.args[0])
    assert reply is not None and reply.status == "stopped"
    assert reply.content == window.view.streamed_text(reply.id)  # nothing shown was lost
    assert "answering…" not in shown_text(window)
    assert "stopped" in shown_text(window)


def test_a_plugin_that_raises_is_explained_and_the_app_goes_on(qtbot, open_window) -> None:
    window = open_window()
    failed_reply = send(qtbot, window, "/break please")
    assert "The broken plugin broke" in shown_text(window)
    assert window.store.message(failed_reply).status == "error"  # type: ignore[union-attr]
    send(qtbot, window, "still alive")
    assert "still alive" in shown_text(window)


def test_send_to_another_plugin(qtbot, open_window) -> None:
    window = open_window()
    reply = send(qtbot, window, "what can you do")
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        window.reroute(reply, "help")
    rerouted = window.store.message(finished.args[0])
    assert rerouted is not None and rerouted.plugin == "help"
    assert "sent to help by you" in shown_text(window)
    kept = window.store.message(reply)  # the first answer stays, as the other version
    assert kept is not None and (kept.version, kept.versions) == (1, 2)
    assert [m.id for m in window.store.messages(window.conversation_id)][-1] == rerouted.id


def test_regenerate_and_edit_and_resend_through_the_action_links(qtbot, open_window) -> None:
    window = open_window()
    reply = send(qtbot, window, "alpha beta")
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
        window.view.action_requested.emit("regenerate", reply)
    question = window.store.messages(window.conversation_id)[0]
    window.view.action_requested.emit("edit", question.id)
    assert window.composer.editor.toPlainText() == "alpha beta"
    window.composer.editor.clear()
    qtbot.keyClicks(window.composer.editor, "gamma")
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    contents = [m.content for m in window.store.messages(window.conversation_id)]
    assert contents == ["gamma", "gamma "]
    assert "alpha" not in shown_text(window)


def test_search_finds_an_old_message(qtbot, open_window) -> None:
    window = open_window()
    send(qtbot, window, "the zanzibar archive")
    window.new_conversation()
    send(qtbot, window, "something else entirely")
    with qtbot.waitSignal(window.sidebar.search_changed, timeout=5_000):
        qtbot.keyClicks(window.sidebar.search, "zanzibar")
    items = [window.sidebar.list.item(i) for i in range(window.sidebar.list.count())]
    assert any("zanzibar" in item.text() for item in items)
    window.sidebar.list.itemClicked.emit(items[0])
    assert "the zanzibar archive" in shown_text(window)


def test_history_is_there_after_a_restart(qtbot, open_window) -> None:
    window = open_window()
    send(qtbot, window, "remember this sentence")
    window.close()
    window.jobs.shutdown()
    again = open_window()
    assert "remember this sentence" in shown_text(again)
    assert again.sidebar.listed() == [(again.conversation_id, 0)]


def test_long_conversations_are_paged(qtbot, open_window) -> None:
    window = open_window()
    conversation = window.store.create_conversation("long")
    for number in range(250):
        window.store.add_message(conversation, "user", f"message {number}")
    window.open_conversation(conversation)
    assert len(window.view.message_ids()) == 100
    assert "Show earlier messages" in shown_text(window)
    window.view.earlier_requested.emit()
    assert len(window.view.message_ids()) == 200
    assert "message 150" in shown_text(window) and "message 49" not in shown_text(window)


def _pictures(window: MainWindow, message_id: int) -> list:
    from assistant.ui.message_parts import ImageGrid

    shown = window.view.widget_of(message_id)
    assert shown is not None
    shown.build()
    return [p for grid in shown.findChildren(ImageGrid) for p in grid.pictures]


def _store_photo(window: MainWindow, photo: Path, title: str) -> int:
    conversation = window.store.create_conversation(title)
    message = window.store.add_message(conversation, "user", "look")
    window.store.add_attachment(
        message, kind="image", mime="image/jpeg", name=photo.name, sha256="",
        path=str(photo), size=photo.stat().st_size,
    )  # fmt: skip
    window.open_conversation(conversation)
    return message


def test_large_pictures_are_scaled_off_the_gui_thread(qtbot, open_window, tmp_path: Path) -> None:
    from PIL import Image

    photo = tmp_path / "big.jpg"
    Image.new("RGB", (4000, 3000), (200, 30, 30)).save(photo, quality=80)
    window = open_window()
    [picture] = _pictures(window, _store_photo(window, photo, "photos"))
    assert (picture.width(), picture.height()) == (480, 360)  # its room, kept meanwhile
    assert picture.pixmap().isNull()  # not scaled on the GUI thread
    qtbot.waitUntil(lambda: not picture.pixmap().isNull(), timeout=10_000)
    assert (picture.pixmap().width(), picture.pixmap().height()) == (480, 360)


def test_a_phone_photo_is_turned_upright_and_not_squashed(
    qtbot, open_window, tmp_path: Path
) -> None:
    from PIL import Image

    photo = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to show upright", as phones write it
    Image.new("RGB", (800, 400), (20, 120, 200)).save(photo, exif=exif)
    window = open_window()
    [picture] = _pictures(window, _store_photo(window, photo, "phone"))
    assert (picture.width(), picture.height()) == (400, 800)  # upright: taller than wide
    qtbot.waitUntil(lambda: not picture.pixmap().isNull(), timeout=10_000)
    assert (picture.pixmap().width(), picture.pixmap().height()) == (400, 800)


def test_the_question_shows_at_once_and_is_replaced_by_the_stored_one(qtbot, open_window) -> None:
    window = open_window()
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, "quick question")
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
        assert "quick question" in shown_text(window) and "sending…" in shown_text(window)
    assert "sending…" not in shown_text(window)
    assert shown_text(window).count("quick question") == 2  # the question and its echo


def test_switching_away_and_back_mid_answer_loses_no_text(qtbot, open_window) -> None:
    window = open_window()
    window.send("elsewhere", [])
    qtbot.waitUntil(lambda: not window.turns.busy, timeout=10_000)
    other = window.conversation_id
    window.new_conversation()
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, "/count")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "w30 " in shown_text(window), timeout=10_000)
    counting = window.conversation_id
    window.open_conversation(other)
    assert "w30" not in shown_text(window)
    qtbot.waitUntil(lambda: "w60 " in window.turns.text_so_far(window.turns.answering()[0]))
    window.open_conversation(counting)
    reply = window.turns.answering()[0]
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
        window.stop()
    stored = window.store.message(reply)
    assert stored is not None and stored.status == "stopped"
    assert window.view.streamed_text(reply) == stored.content
    assert "w0 w1 w2 " in shown_text(window)
    assert shown_text(window).count("Counting slowly, as asked.") == 1  # notices come back too


def test_sending_is_said_only_until_the_answer_starts(qtbot, open_window) -> None:
    window = open_window()
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, "hello")
    with qtbot.waitSignal(window.turns.turn_opened, timeout=10_000):
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
        assert window.statusBar().currentMessage() == "Sending…"
    assert window.statusBar().currentMessage() != "Sending…"


def test_files_wait_as_chips_that_can_be_taken_off(qtbot, open_window, tmp_path: Path) -> None:
    first, second = tmp_path / "notes.txt", tmp_path / "coffee.png"
    for path in (first, second):
        path.write_bytes(b"x")
    window = open_window()
    chips = window.composer.chips
    window.composer.add_files([first, second])
    assert chips.isVisible()
    assert [chip.text() for chip in chips.names] == ["notes.txt", "coffee.png"]
    assert all(not chip.icon().isNull() for chip in chips.names)  # an icon, not an emoji
    remove = [b for b in chips.findChildren(QToolButton) if b.toolTip() == "Remove notes.txt"]
    remove[0].click()
    assert window.composer.files == [second]
    assert [chip.text() for chip in chips.names] == ["coffee.png"]
    assert len([b for b in chips.findChildren(QToolButton) if b.isVisible()]) == 2


def test_a_question_shown_before_it_is_stored_becomes_the_stored_one(qtbot, open_window) -> None:
    window = open_window()
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, "what is **new**?")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    (key,) = window._pending  # shown at once, before the store has it
    shown = window.view.widget_of(key)
    assert shown is not None and "sending…" in shown.plain_text()
    assert shown.button("copy") is None  # nothing to copy or edit before it is stored
    qtbot.waitUntil(lambda: not window.turns.busy, timeout=10_000)

    question = window.store.messages(window.conversation_id)[0]
    kept = window.view.widget_of(question.id)
    assert kept is shown and window.view.widget_of(key) is None  # the same, not rebuilt
    assert window.view.message_ids()[:1] == [question.id]
    assert "sending…" not in kept.plain_text()
    assert kept.button("copy") is not None and kept.button("edit") is not None
    live = window.view.rendered(question.id)
    window.open_conversation(window.conversation_id)  # as it is shown after a reload
    assert window.view.rendered(question.id) == live


class Waiting(GatedPlugin):
    """Streams its first words at once (nothing to load), then waits for the gate."""

    manifest = Manifest(name="waiting", title="Waiting", description="Streams, then waits.")

    def load(self, context: PluginContext) -> None:
        """Nothing to load, so no progress in the answer."""


def test_an_answer_keeps_its_place_and_height_when_it_ends(qtbot, open_window) -> None:
    """The buttons an answer shows once it has ended fit in the room its footer line kept
    while it streamed: nothing moves at its end (seen under Xvfb: the footer grew 11 px and
    the whole page was drawn again)."""
    plugin = Waiting()
    window = open_window(plugin)
    with qtbot.waitSignal(window.turns.chunks_arrived, timeout=10_000):
        window.send("wait", [], plugin="waiting")
    reply = window.store.messages(window.conversation_id)[-1].id
    widget = window.view.widget_of(reply)
    assert widget is not None
    qtbot.waitUntil(lambda: "first part" in widget.plain_text(), timeout=5000)
    streaming = widget.height()
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
        window.stop()
    copy = widget.button("copy")
    assert copy is not None and copy.isVisible()
    assert widget.height() == streaming


def test_a_question_with_files_is_shown_once_as_it_is_kept(
    qtbot, open_window, tmp_path: Path
) -> None:
    """A question sent with a photo and a recording shows them at once as the stored question
    will (a picture, a player), and keeps its widget when stored: it was built again when the
    turn opened (a file chip became a player, 8-13 ms of the turn's first frame in
    bench.voice), and it opens the kept copies from then on, as it does after a reload."""
    from PIL import Image
    from skimage import data

    from assistant.ui.audio_player import AudioPlayer
    from assistant.ui.message_parts import ImageGrid
    from tests.plugins.transcribe.media import samples, write_wav

    picture, sound = tmp_path / "coffee.png", tmp_path / "memo.wav"
    Image.fromarray(data.coffee()).save(picture)
    write_wav(sound, samples(seconds=1.0))
    window = open_window()
    window.send("What is in these?", [picture, sound], plugin="echo")
    asked = window.view.widget_of(window._pending[0])
    assert asked is not None
    kinds = [type(w) for w in asked._widgets]
    assert ImageGrid in kinds and AudioPlayer in kinds  # as the stored question shows them
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        pass
    question = window.store.message(finished.args[0] - 1)
    assert question is not None and question.role == "user"
    assert window.view.widget_of(question.id) is asked, "the question was not built again"
    kept = {a.name: Path(a.path) for a in question.attachments}
    assert kept["coffee.png"] != picture and kept["memo.wav"] != sound
    live = window.view.rendered(question.id)
    assert [w.path for w in asked._widgets if isinstance(w, AudioPlayer)] == [kept["memo.wav"]]
    window.open_conversation(window.conversation_id)
    assert window.view.rendered(question.id) == live  # the same as reloaded


def test_a_conversation_with_pictures_opens_no_wider_than_the_window(
    qtbot, open_window, tmp_path: Path
) -> None:
    """Reopened (after a restart), a question with a photo took its bubble's room before the
    photo's cell was shown, when Qt counts it as nothing: its bubble was pushed right by a
    margin for a question without a picture, and the whole conversation became wider than
    the window, cut off at its right edge (seen under Xvfb)."""
    from PIL import Image
    from skimage import data

    from assistant.ui.message_widget import MessageWidget

    picture = tmp_path / "coffee.png"
    Image.fromarray(data.coffee()).save(picture)
    window = open_window()
    window.resize(1100, 760)
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000):
        window.send("What is in this photo?", [picture], plugin="echo")
    view = window.view

    def shown() -> list[MessageWidget]:
        return [w for w in map(view.widget_of, view.message_ids()) if w is not None]

    for opened in range(2):  # as it was asked, then as it opens again
        if opened:
            window.open_conversation(window.conversation_id)
        qtbot.waitUntil(lambda: len(shown()) == 2 and all(w.built for w in shown()))
        QApplication.processEvents()  # what Qt shows of its own accord, from the event loop
        assert view.widget().width() <= view.viewport().width()
        assert max(w.geometry().right() for w in shown()) < view.viewport().width()


def test_the_composer_is_a_text_box_with_its_buttons_in_a_row_under_it(open_window) -> None:
    """Send sat in a column of seven buttons beside the text box, above it and apart from it
    (seen under Xvfb), and the column took the conversation's room: the buttons are one row
    under the text box now, what goes with a message on the left, Stop and Send on the
    right, and the composer is no taller than the two."""
    window = open_window()
    window.resize(1100, 760)
    window.composer.set_busy(True)
    QApplication.processEvents()
    composer, editor = window.composer, window.composer.editor
    buttons = [
        b for b in composer.findChildren(QWidget)
        if isinstance(b, QAbstractButton) and b.isVisible() and b.parentWidget() is composer
    ]  # fmt: skip
    assert {composer.send_button, composer.stop_button} <= set(buttons) and len(buttons) >= 5
    below = editor.geometry().bottom()
    assert all(b.geometry().top() > below for b in buttons), "every button under the text box"
    tops = {b.geometry().center().y() for b in buttons}
    assert max(tops) - min(tops) <= 2, "in one row"
    rightmost = max(buttons, key=lambda b: b.geometry().right())
    assert rightmost is composer.send_button
    assert abs(composer.send_button.geometry().right() - editor.geometry().right()) <= 2
    assert composer.stop_button.geometry().right() < composer.send_button.geometry().left()
    row = max(b.geometry().bottom() for b in buttons) - editor.geometry().top()
    assert composer.height() <= row + 40
