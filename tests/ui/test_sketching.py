"""Drawing from the composer and from a picture in the conversation: what is painted is
attached to the next message, the picture first and its mask after it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from assistant.ui.sketch_pad import SketchPad
from tests.ui.test_sketch_pad import _drag


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    Image.fromarray(np.full((120, 160, 3), 90, dtype=np.uint8)).save(path)
    return path


def _paint_when_the_pad_opens(qtbot, strokes: list[tuple[float, float]]) -> list[SketchPad]:
    """Paint *strokes* on the pad as soon as it is open, then save it."""
    opened: list[SketchPad] = []

    def paint() -> None:
        pad = QApplication.activeModalWidget()
        if not isinstance(pad, SketchPad):
            QTimer.singleShot(20, paint)
            return
        opened.append(pad)
        pad.resize(600, 500)
        qtbot.waitExposed(pad)
        _drag(pad, strokes)
        pad.save()

    QTimer.singleShot(0, paint)
    return opened


def test_a_mask_painted_over_the_attached_picture_is_attached_after_it(
    open_window, qtbot, tmp_path: Path
) -> None:
    window = open_window()
    sketching = window.sketching
    sketching._on_menu_about_to_show()
    assert not sketching.mask_action.isEnabled(), "no picture attached: nothing to paint over"

    photo = _photo(tmp_path)
    window.composer.add_files([photo])
    sketching._on_menu_about_to_show()
    assert sketching.mask_action.isEnabled()

    opened = _paint_when_the_pad_opens(qtbot, [(20, 60), (140, 60)])
    sketching.mask_action.trigger()

    assert opened, "the sketch pad opened"
    assert window.composer.files[0] == photo
    assert len(window.composer.files) == 2
    mask = np.asarray(Image.open(window.composer.files[1]).convert("L"))
    assert mask.shape == (120, 160), "the mask has the picture's size"
    assert mask[60, 80] == 255 and mask[5, 80] == 0, "white where painted, black elsewhere"


def test_a_scribble_is_attached_alone(open_window, qtbot) -> None:
    window = open_window()
    opened = _paint_when_the_pad_opens(qtbot, [(100, 100), (400, 400)])
    window.sketching.scribble_action.trigger()

    assert opened
    assert len(window.composer.files) == 1
    scribble = np.asarray(Image.open(window.composer.files[0]).convert("L"))
    assert scribble.max() == 255 and scribble.mean() < 128, "white strokes on black"


def test_a_cancelled_pad_attaches_nothing(open_window, qtbot) -> None:
    window = open_window()

    def cancel() -> None:
        pad = QApplication.activeModalWidget()
        if isinstance(pad, SketchPad):
            pad.reject()
        else:
            QTimer.singleShot(20, cancel)

    QTimer.singleShot(0, cancel)
    window.sketching.scribble_action.trigger()
    assert window.composer.files == []


def test_the_picture_viewer_offers_to_paint_over_its_picture(open_window, qtbot, tmp_path) -> None:
    from assistant.ui.image_viewer import ImageViewer

    window = open_window()
    photo = _photo(tmp_path)
    viewer = ImageViewer(photo, "photo", window)
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.paint_requested) as asked:
        viewer.paint_button.click()
    assert asked.args == [photo]
