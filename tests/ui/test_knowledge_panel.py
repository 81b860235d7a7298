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
