"""The Documents panel indexes in the background with the real documents plugin."""

from __future__ import annotations

from pathlib import Path

from assistant.core.bootstrap import open_assistant
from assistant.core.registry import PluginRegistry
from assistant.ui.main_window import MainWindow
from plugins.rag import RagPlugin


def test_files_are_indexed_listed_and_removed(qtbot, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "garden.md").write_text("# Garden\n\nThe tomatoes were planted on the ninth of May.")
    (notes / "broken.txt").write_bytes(b"\x00\xff\x00\xfe" * 200)
    window = MainWindow(open_assistant(registry=PluginRegistry([RagPlugin()])))
    qtbot.addWidget(window)
    panel = window.knowledge
    panel.show()
    with qtbot.waitSignal(panel.add([notes]).signals.finished, timeout=120_000):  # type: ignore[union-attr]
        pass
    items = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert any(text.startswith("garden.md — 1 passages") for text in items), items
    assert "broken.txt" in panel.status.text()  # reported by name, the rest went on
    panel.list.setCurrentRow(next(i for i, t in enumerate(items) if t.startswith("garden")))
    panel._on_remove_clicked()
    qtbot.waitUntil(lambda: panel.job is None, timeout=30_000)
    remaining = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert not any(text.startswith("garden.md") for text in remaining)
    window.close()
    assert window.jobs.shutdown(10_000)
    window.assistant.store.close()


def test_the_panel_lists_the_index_the_moment_it_opens(qtbot, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "garden.md").write_text("# Garden\n\nThe tomatoes were planted in May.")
    first = MainWindow(open_assistant(registry=PluginRegistry([RagPlugin()])))
    qtbot.addWidget(first)
    with qtbot.waitSignal(first.knowledge.add([notes]).signals.finished, timeout=120_000):  # type: ignore[union-attr]
        pass
    first.close()
    assert first.jobs.shutdown(10_000)
    first.assistant.store.close()
    # A new start: the list is there as the panel opens, before any model has loaded.
    window = MainWindow(open_assistant(registry=PluginRegistry([RagPlugin()])))
    qtbot.addWidget(window)
    record = window.assistant.registry.record("rag")
    assert record is not None and record.plugin.knowledge is None  # type: ignore[attr-defined]
    assert window.knowledge.show_indexed()
    listed = [window.knowledge.list.item(i).text() for i in range(window.knowledge.list.count())]
    assert listed == ["garden.md — 1 passages"]
    assert record.plugin.knowledge is None  # type: ignore[attr-defined]  # the index alone
    # Opening the panel lists at once, and opens the index for changes in the background.
    window.knowledge.list.clear()
    job = window.knowledge.refresh()
    assert window.knowledge.list.count() == 1
    with qtbot.waitSignal(job.signals.finished, timeout=120_000):  # type: ignore[union-attr]
        pass
    assert window.knowledge.list.count() == 1
    window.close()
    assert window.jobs.shutdown(10_000)
    window.assistant.store.close()
