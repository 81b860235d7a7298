"""Cited sources in the real window: grouped by file, a click opens the passage in the
viewer, highlighted, and "Open file" says so when the system has no viewer for it."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from assistant.core.bootstrap import open_assistant
from assistant.core.messages import Source
from assistant.core.registry import PluginRegistry
from assistant.ui.main_window import MainWindow
from assistant.ui.message_parts import SourcesBox
from assistant.ui.source_viewer import SourceViewer
from plugins.help import HelpPlugin
from plugins.rag import RagPlugin
from tests.fakes import EchoPlugin

DATA = Path(__file__).resolve().parents[1] / "plugins" / "rag" / "data"
QUESTION = "/docs Under the Apache license, do I have to include a NOTICE file?"


def send(qtbot, window: MainWindow, text: str) -> int:
    """Type *text*, press Enter, wait for the whole answer (a model may load first)."""
    window.composer.editor.setFocus()
    qtbot.keyClicks(window.composer.editor, text)
    with qtbot.waitSignal(window.turns.turn_finished, timeout=120_000) as finished:
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    return int(finished.args[0])


def _viewers() -> list[SourceViewer]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, SourceViewer) and w.isVisible()
    ]


def test_a_cited_source_opens_at_its_passage_highlighted(qtbot, tmp_path: Path) -> None:
    licenses = tmp_path / "licenses"
    licenses.mkdir()
    for name in ("LICENSE-APACHE-2.0.txt", "LICENSE-MPL-2.0.txt"):
        shutil.copyfile(DATA / name, licenses / name)
    assistant = open_assistant(registry=PluginRegistry([RagPlugin(), EchoPlugin(), HelpPlugin()]))
    window = MainWindow(assistant)
    qtbot.addWidget(window)
    window.show()
    try:
        with qtbot.waitSignal(window.knowledge.add([licenses]).signals.finished, timeout=120_000):  # type: ignore[union-attr]
            pass
        reply = send(qtbot, window, QUESTION)
        stored = window.store.message(reply)
        assert stored is not None and stored.status == "done", stored
        assert '> (d) If the Work includes a "NOTICE" text file' in stored.content
        boxes = window.view.findChildren(SourcesBox)
        assert len(boxes) == 1
        box = boxes[0]
        assert [s.title for s in box.sources] == ["LICENSE-APACHE-2.0.txt"]
        assert box.label.text().count("LICENSE-APACHE-2.0.txt") == 1  # the file once, as a heading
        assert "4. Redistribution, line" in box.label.text()
        box.label.linkActivated.emit("source:0")
        qtbot.waitUntil(lambda: len(_viewers()) == 1)
        viewer = _viewers()[0]
        text = viewer.text.toPlainText()
        assert text == (licenses / "LICENSE-APACHE-2.0.txt").read_text(encoding="utf-8")
        assert viewer.span is not None
        start, end = viewer.span
        assert text[start:end] == box.sources[0].passage
        marks = viewer.text.extraSelections()
        assert len(marks) == 1 and marks[0].cursor.selectedText().startswith(
            text[start : start + 20]
        )
        # The passage is in view, not the top of the file.
        top = viewer.text.cursorForPosition(viewer.text.viewport().rect().topLeft()).position()
        bottom = viewer.text.cursorForPosition(
            viewer.text.viewport().rect().bottomLeft()
        ).position()
        assert top <= start <= bottom, (top, start, bottom)
        viewer.close()
    finally:
        window.close()
        assert window.jobs.shutdown(10_000)
        assistant.store.close()


def test_open_file_says_when_no_program_opens_it(qtbot, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Plants\n\nWater the fern on Sundays.\n", encoding="utf-8")
    source = Source(
        "notes.md",
        str(notes),
        None,
        "Water the fern…",
        1,
        "Plants, line 3",
        10,
        "Water the fern on Sundays.",
    )
    asked: list[QUrl] = []
    viewer = SourceViewer(source, open_url=lambda url: asked.append(url) or False)
    qtbot.addWidget(viewer)
    assert viewer.span == (10, 36)
    viewer.open_button.click()
    assert asked == [QUrl.fromLocalFile(str(notes))]
    assert "No program on this system opens notes.md" in viewer.status.text()
    assert str(notes) in viewer.status.text()


def test_a_source_whose_file_is_gone_shows_the_indexed_passage(qtbot, tmp_path: Path) -> None:
    gone = tmp_path / "gone.txt"
    source = Source("gone.txt", str(gone), None, "…the fern…", 2, "", 0, "Water the fern.")
    viewer = SourceViewer(source)
    qtbot.addWidget(viewer)
    assert viewer.text.toPlainText() == "Water the fern."
    assert "no longer at" in viewer.status.text() and not viewer.open_button.isEnabled()


def test_sources_are_grouped_by_file(qtbot) -> None:
    from assistant.ui.message_parts import ViewSignals

    signals = ViewSignals()
    sources = (
        Source("a.md", "/x/a.md", None, "one…", 1, "Intro, line 2", 0, "one"),
        Source("b.pdf", "/x/b.pdf", 3, "two…", 2, "", 0, "two"),
        Source("a.md", "/x/a.md", None, "three…", 4, "End, line 9", 50, "three"),
    )
    box = SourcesBox(sources, signals, None)  # type: ignore[arg-type]
    qtbot.addWidget(box)
    text = box.plain_text()
    assert text.count("a.md") == 1 and text.index("[4]") < text.index("b.pdf")
    assert "[2] page 3" in text
    with qtbot.waitSignal(signals.source_requested) as opened:
        box.label.linkActivated.emit("source:2")
    assert opened.args == [sources[2]]
