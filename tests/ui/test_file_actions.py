"""A transcript's .srt (or any file an answer gives) that no program here opens is kept as a
copy where the person chooses, and the window says what happened."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from assistant.ui.file_actions import open_or_keep


@pytest.fixture
def srt(tmp_path: Path) -> Path:
    path = tmp_path / "meeting.srt"
    path.write_text("1\n00:00:00,000 --> 00:00:04,760\nThe birch canoe\n\n", encoding="utf-8")
    return path


def test_a_file_no_program_opens_is_saved_where_the_person_chooses(
    open_window, tmp_path: Path, srt: Path
) -> None:
    window = open_window()
    target = tmp_path / "kept" / "minutes.srt"
    target.parent.mkdir()
    asked: list[str] = []

    def choose(parent, title: str, suggested: str) -> tuple[str, str]:
        asked.append(title)
        assert Path(suggested).name == "meeting.srt"
        return str(target), ""

    kept = open_or_keep(window, QUrl.fromLocalFile(str(srt)), choose, open_url=lambda url: False)
    assert kept == target and target.read_text(encoding="utf-8") == srt.read_text(encoding="utf-8")
    assert asked == ["Save a copy of meeting.srt"]
    assert window.statusBar().currentMessage() == f"Saved {target}"


def test_cancelling_or_a_failed_copy_says_so_and_keeps_the_window(
    open_window, tmp_path: Path, srt: Path
) -> None:
    window = open_window()
    url = QUrl.fromLocalFile(str(srt))
    assert open_or_keep(window, url, lambda *_: ("", ""), open_url=lambda url: False) is None
    assert "choose where to keep a copy" in window.statusBar().currentMessage()
    nowhere = str(tmp_path / "missing folder" / "meeting.srt")
    assert open_or_keep(window, url, lambda *_: (nowhere, ""), open_url=lambda url: False) is None
    assert "meeting.srt could not be saved" in window.statusBar().currentMessage()
    # A program that opens it: nothing is asked.
    assert open_or_keep(window, url, lambda *_: 1 / 0, open_url=lambda url: True) is None
