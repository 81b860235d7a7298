"""The conversation list as a person uses it: dates, the one open at quit, renaming, the
command line's mark, search hits that lead to their message, and export."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, datetime, time, timedelta
from pathlib import Path
from threading import Event, current_thread, main_thread

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication

from assistant.core.export import read_json
from assistant.core.store import Conversation, SearchHit
from assistant.ui import flash as flash_module
from assistant.ui.flash import Flash
from assistant.ui.main_window import MainWindow
from assistant.ui.rename_dialog import RenameDialog
from assistant.ui.sidebar_rows import ROW_ROLE, group_label, snippet_html
from tests.illustrator import Illustrator


def send(qtbot, window: MainWindow, text: str, plugin: str | None = None) -> int:
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        window.send(text, [], plugin)
    return finished.args[0]


def rows(window: MainWindow) -> list[object]:
    sidebar = window.sidebar.list
    return [sidebar.item(i).data(ROW_ROLE) for i in range(sidebar.count())]


def set_updated(window: MainWindow, conversation: int, when: datetime) -> None:
    """Move a conversation's last write back in time, past the store's API."""
    with closing(sqlite3.connect(window.store.path)) as conn, conn:
        conn.execute(
            "UPDATE conversations SET updated = ? WHERE id = ?", (when.timestamp(), conversation)
        )


def row_image(window: MainWindow, row: int) -> QImage:
    sidebar = window.sidebar.list
    rect = sidebar.visualItemRect(sidebar.item(row))
    return sidebar.viewport().grab(rect).toImage()


def test_conversations_are_grouped_by_date_each_with_its_time(qtbot, open_window) -> None:
    window = open_window()
    today = date.today()
    ages = {"today": 0, "yesterday": 1, "this week": 4, "long ago": 70}
    ids = {}
    for title, days in ages.items():
        ids[title] = window.store.create_conversation(title)
        window.store.add_message(ids[title], "user", f"said {title}")
        set_updated(window, ids[title], datetime.combine(today - timedelta(days=days), time(12)))
    window.refresh_conversations()
    old = today - timedelta(days=70)
    listed = rows(window)
    assert [r for r in listed if isinstance(r, str)] == [
        "Today", "Yesterday", "Previous 7 days", group_label((old.year, old.month)),
    ]  # fmt: skip
    assert [r.title for r in listed if isinstance(r, Conversation)] == list(ages)
    # Headings are not rows a person can choose or select.
    sidebar = window.sidebar.list
    heading = sidebar.item(0)
    assert not heading.flags() & Qt.ItemFlag.ItemIsSelectable
    window.open_conversation(ids["yesterday"])
    sidebar.itemClicked.emit(heading)
    assert window.conversation_id == ids["yesterday"]  # still the one it had open
    # Each row shows its time: drawn right of the title, and in full in its tooltip.
    for index in range(sidebar.count()):
        if isinstance(listed[index], Conversation):
            assert "1 message" in sidebar.item(index).toolTip()
            assert row_image(window, index).width() > 0


def test_the_conversation_open_at_quit_is_reopened_and_highlighted(qtbot, open_window) -> None:
    window = open_window()
    made = []
    for text in ("first topic", "second topic", "third topic"):
        window.new_conversation()
        send(qtbot, window, text)
        made.append(window.conversation_id)
    sidebar = window.sidebar.list
    middle = next(
        sidebar.item(i) for i in range(sidebar.count())
        if isinstance(rows(window)[i], Conversation) and rows(window)[i].id == made[1]
    )  # fmt: skip
    sidebar.itemClicked.emit(middle)
    assert window.conversation_id == made[1]
    window.close()
    window.jobs.shutdown()
    again = open_window()
    assert again.conversation_id == made[1]
    assert "second topic" in again.view.plain_text()
    current = again.sidebar.list.currentItem()
    assert current is not None and current.isSelected()
    assert current.data(ROW_ROLE).id == made[1]
    # The newest conversation stays on top: opening the middle one did not move it.
    assert [r.id for r in rows(again) if isinstance(r, Conversation)] == made[::-1]


def test_the_rename_dialog_shows_its_whole_title(qtbot, open_window) -> None:
    window = open_window()
    conversation = window.store.create_conversation("a title")
    window.refresh_conversations()
    row = next(i for i, r in enumerate(rows(window)) if isinstance(r, Conversation))
    menu = window.sidebar.context_menu(window.sidebar.list.item(row))
    assert menu is not None
    [rename] = [a for a in menu.actions() if a.text() == "Rename…"]
    seen: list[tuple[int, int, str]] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RenameDialog)
        title_width = dialog.fontMetrics().horizontalAdvance(dialog.windowTitle())
        seen.append((dialog.width(), title_width, dialog.title()))
        dialog.editor.setText("  a new title ")
        dialog.accept()

    QTimer.singleShot(0, answer)
    rename.trigger()
    [(width, title_width, shown)] = seen
    assert width >= title_width + 150  # room for the window manager's buttons beside it
    assert shown == "a title"
    renamed = window.store.conversation(conversation)
    assert renamed is not None and renamed.title == "a new title"


def test_conversations_from_the_command_line_are_marked(qtbot, open_window) -> None:
    window = open_window()
    # Two conversations alike but for where they were started, written at the same time.
    plain = window.store.create_conversation("same title")
    marked = window.store.create_conversation("same title", meta={"origin": "cli"})
    moment = datetime.now().replace(second=0, microsecond=0)
    for conversation in (plain, marked):
        window.store.add_message(conversation, "user", "hello")
        set_updated(window, conversation, moment)
    window.refresh_conversations()
    listed = rows(window)
    index = {r.id: i for i, r in enumerate(listed) if isinstance(r, Conversation)}
    tips = {c: window.sidebar.list.item(i).toolTip() for c, i in index.items()}
    assert "Started from the command line" in tips[marked]
    assert "command line" not in tips[plain]
    window.sidebar.list.clearSelection()
    window.sidebar.list.setCurrentRow(-1)
    # The marked row draws something more: its terminal icon.
    assert row_image(window, index[marked]) != row_image(window, index[plain])


def test_search_hits_are_plain_text_with_the_word_highlighted(qtbot, open_window) -> None:
    window = open_window()
    window.store.add_message(
        window.store.create_conversation("Trip"),
        "user",
        "Book the **ferry** to [Zanzibar](https://example.com) in *June*",
    )
    with qtbot.waitSignal(window.sidebar.search_changed, timeout=5_000):
        qtbot.keyClicks(window.sidebar.search, "zanzi")
    [hit] = [r for r in rows(window) if isinstance(r, SearchHit)]
    assert hit.snippet == "Book the ferry to Zanzibar in June"
    html = snippet_html(hit, "#ffffff", "#0000ff")
    assert ">Zanzibar</span>" in html and "**" not in html and "[" not in html
    # The hit row paints the palette's highlight colour behind the word found.
    highlight = window.sidebar.palette().color(QPalette.ColorRole.Highlight)
    image = row_image(window, 0)
    colours = {
        image.pixelColor(x, y).rgb() for x in range(image.width()) for y in range(image.height())
    }
    assert highlight.rgb() in colours


def test_opening_a_hit_scrolls_to_its_message_and_highlights_it(
    qtbot, open_window, monkeypatch
) -> None:
    monkeypatch.setattr(flash_module, "FLASH_MS", 300)
    window = open_window()
    window.resize(900, 500)
    long = window.store.create_conversation("long")
    needle = 0
    for number in range(60):
        text = "the zanzibar archive" if number == 5 else f"message number {number} " * 8
        message = window.store.add_message(long, "user", text)
        needle = message if number == 5 else needle
    window.new_conversation()
    send(qtbot, window, "something else")
    with qtbot.waitSignal(window.sidebar.search_changed, timeout=5_000):
        qtbot.keyClicks(window.sidebar.search, "zanzibar")
    hit_row = next(i for i, r in enumerate(rows(window)) if isinstance(r, SearchHit))
    window.sidebar.list.itemClicked.emit(window.sidebar.list.item(hit_row))
    assert window.conversation_id == long
    widget = window.view.widget_of(needle)
    assert widget is not None
    flashes = widget.findChildren(Flash)
    assert len(flashes) == 1 and flashes[0].isVisible()

    def in_view() -> bool:
        top = widget.mapTo(window.view.viewport(), QPoint(0, 0)).y()
        return 0 <= top < window.view.viewport().height()

    qtbot.waitUntil(in_view, timeout=3_000)
    qtbot.waitUntil(lambda: not widget.findChildren(Flash), timeout=3_000)  # it fades away
    assert in_view()


def choose_file(monkeypatch, path: Path, chosen_filter: str = "") -> list[tuple[str, str]]:
    """Answer the export's file dialog with *path*; returns what the dialog was asked."""
    asked: list[tuple[str, str]] = []

    def answer(_parent, _title, proposed, filters, selected=""):
        asked.append((proposed, filters))
        return str(path), chosen_filter or selected

    monkeypatch.setattr("assistant.ui.export_actions.QFileDialog.getSaveFileName", answer)
    return asked


def test_export_from_the_context_menu_and_the_file_menu(
    qtbot, open_window, monkeypatch, tmp_path: Path
) -> None:
    window = open_window(Illustrator())
    send(qtbot, window, "draw a square for June", plugin="illustrator")
    conversation = window.conversation_id
    sidebar = window.sidebar.list
    row = next(i for i, r in enumerate(rows(window)) if isinstance(r, Conversation))
    menu = window.sidebar.context_menu(sidebar.item(row))
    assert menu is not None
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert {"Rename…", "Export as Markdown…", "Export as JSON…", "Delete"} <= set(actions)
    asked = choose_file(monkeypatch, tmp_path / "out" / "square")  # no suffix typed
    actions["Export as Markdown…"].trigger()
    markdown = tmp_path / "out" / "square.md"
    assert asked[0][0].endswith("draw a square for June.md")
    text = markdown.read_text(encoding="utf-8")
    assert "It shows a *red* square on **white**." in text
    assert "![boxes.png](square_files/boxes.png)" in text
    assert (tmp_path / "out" / "square_files" / "boxes.png").is_file()
    assert str(markdown) in window.statusBar().currentMessage()
    # The File menu exports the open conversation; a .json name makes it JSON.
    file_menu = window.menuBar().actions()[0].menu()
    [export] = [a for a in file_menu.actions() if a.text() == "&Export conversation…"]
    choose_file(monkeypatch, tmp_path / "out" / "square.json")
    export.trigger()
    data = read_json(tmp_path / "out" / "square.json")
    assert data["conversation"]["id"] == conversation
    parts = [p["type"] for m in data["messages"] for p in m["parts"]]
    assert parts == ["text", "notice", "text", "image", "text", "sources"]


def test_exporting_nothing_open_says_so(qtbot, open_window, monkeypatch, tmp_path) -> None:
    window = open_window()
    window.new_conversation()
    asked = choose_file(monkeypatch, tmp_path / "never.md")
    file_menu = window.menuBar().actions()[0].menu()
    [export] = [a for a in file_menu.actions() if a.text() == "&Export conversation…"]
    export.trigger()
    assert asked == [] and not (tmp_path / "never.md").exists()
    assert "Open a conversation" in window.statusBar().currentMessage()


def test_a_right_click_leaves_the_open_conversation_selected(qtbot, open_window) -> None:
    window = open_window()
    first = window.store.create_conversation("first")
    second = window.store.create_conversation("second")
    window.refresh_conversations()
    window.open_conversation(first)
    index = {r.id: i for i, r in enumerate(rows(window)) if isinstance(r, Conversation)}
    sidebar = window.sidebar.list
    sidebar.setCurrentRow(index[second])  # what the right button's press does
    point = sidebar.visualItemRect(sidebar.item(index[second])).center()
    QTimer.singleShot(0, lambda: QApplication.activePopupWidget().close())
    window.sidebar._on_list_context_menu(point)  # the menu opens, and is closed unused
    assert sidebar.currentRow() == index[first] and window.conversation_id == first


def test_after_a_turn_the_list_catches_up_and_an_older_reading_never_wins(
    qtbot, open_window, monkeypatch
) -> None:
    window = open_window()
    older = window.store.create_conversation("older")
    window.open_conversation(older)
    window.new_conversation()
    reply = send(qtbot, window, "a question that starts a new conversation")
    newest = window.store.message(reply).conversation_id  # type: ignore[union-attr]
    listed = lambda: [r for r in rows(window) if isinstance(r, Conversation)]  # noqa: E731
    # The list is read on a worker after the turn: it shows the new conversation first.
    qtbot.waitUntil(lambda: [r.id for r in listed()][:2] == [newest, older], timeout=5000)

    # A reading on the worker that saw the list before a rename and arrives after it.
    before, read, arrive = window.store.conversations(), window.store.conversations, Event()

    def conversations() -> list[Conversation]:
        if current_thread() is main_thread():
            return read()
        arrive.wait(5)
        return before

    monkeypatch.setattr(window.store, "conversations", conversations)
    window.sidebar_refresh.start()
    qtbot.waitUntil(lambda: not window.sidebar_refresh.isActive(), timeout=5000)
    window.store.rename_conversation(older, "renamed while a reading was on its way")
    window.refresh_conversations()
    arrive.set()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=5000)
    titles = {r.id: r.title for r in listed()}
    assert titles[older] == "renamed while a reading was on its way"
