"""The sketch pad, driven with the mouse: what is painted on screen is what the mask holds."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from assistant.ui.sketch_pad import SketchPad

Left = Qt.MouseButton.LeftButton
NoKeys = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    """A 300 × 200 picture, not square, so that the fitting shows."""
    path = tmp_path / "photo.png"
    gradient = np.linspace(0, 255, 300, dtype=np.uint8)[None, :, None].repeat(200, 0).repeat(3, 2)
    Image.fromarray(gradient).save(path)
    return path


@pytest.fixture
def open_pad(qtbot, tmp_path: Path) -> Callable[..., SketchPad]:
    def build(image: Path | None = None) -> SketchPad:
        pad = SketchPad(image, folder=tmp_path / "sketches")
        qtbot.addWidget(pad)
        pad.resize(700, 560)
        pad.show()
        qtbot.waitExposed(pad)
        return pad

    return build


def _on_screen(pad: SketchPad, x: float, y: float) -> QPoint:
    """Where image pixel (x, y) is on the canvas: the image fitted and centred."""
    canvas, mask = pad.canvas, pad.canvas.mask_image
    scale = min(canvas.width() / mask.width(), canvas.height() / mask.height())
    left = (canvas.width() - mask.width() * scale) / 2
    top = (canvas.height() - mask.height() * scale) / 2
    return QPoint(round(left + x * scale), round(top + y * scale))


def _drag(pad: SketchPad, points: list[tuple[float, float]]) -> None:
    screen = [_on_screen(pad, x, y) for x, y in points]
    QTest.mousePress(pad.canvas, Left, NoKeys, screen[0])
    for start, end in pairwise(screen):
        for step in range(1, 5):  # the pointer passes through, as a hand moves it
            QTest.mouseMove(pad.canvas, start + (end - start) * step / 4)
    QTest.mouseRelease(pad.canvas, Left, NoKeys, screen[-1])


def _saved_mask(pad: SketchPad) -> np.ndarray:
    pad.buttons.button(pad.buttons.StandardButton.Save).click()
    path = pad.mask_path()
    assert path is not None and path.exists()
    return np.asarray(Image.open(path).convert("L"))


def test_a_drag_paints_along_its_path_in_the_saved_mask(open_pad, photo: Path, qtbot) -> None:
    pad = open_pad(photo)
    assert not pad.buttons.button(pad.buttons.StandardButton.Save).isEnabled()  # nothing yet
    _drag(pad, [(40, 100), (150, 100), (260, 100)])
    with qtbot.waitSignal(pad.saved) as saved:
        mask = _saved_mask(pad)
    assert saved.args == [pad.mask_path()]
    assert mask.shape == (200, 300)  # the image's size, not the widget's
    assert (mask[100, 45:255] > 127).all()  # along the path
    assert (mask[:70, :] == 0).all() and (mask[130:, :] == 0).all()  # nowhere else
    assert (mask[:, :25] == 0).all() and (mask[:, 275:] == 0).all()
    assert pad.result() == pad.DialogCode.Accepted


def test_undo_removes_the_last_stroke_and_redo_brings_it_back(open_pad, photo: Path) -> None:
    pad = open_pad(photo)
    _drag(pad, [(40, 50), (260, 50)])
    _drag(pad, [(40, 150), (260, 150)])
    pad.undo_button.click()
    assert pad.redo_button.isEnabled()
    undone = pad.canvas.mask_image.copy()
    pad.redo_button.click()
    pad.undo_button.click()
    mask = _saved_mask(pad)
    assert (mask[50, 50:250] > 127).all()  # the first stroke stays
    assert (mask[120:, :] == 0).all()  # the second is gone
    assert undone == pad.canvas.mask_image


def test_redo_after_undo_gives_the_same_mask(open_pad, photo: Path) -> None:
    pad = open_pad(photo)
    _drag(pad, [(40, 50), (200, 150), (260, 60)])
    drawn = pad.canvas.mask_image.copy()
    pad.undo_button.click()
    assert pad.canvas.is_blank()
    pad.redo_button.click()
    assert pad.canvas.mask_image == drawn  # replayed strokes paint what the live stroke painted


def test_the_eraser_clears_what_it_passes_over(open_pad, photo: Path) -> None:
    pad = open_pad(photo)
    _drag(pad, [(40, 100), (260, 100)])
    pad.eraser_button.click()
    pad.size_slider.setValue(80)
    _drag(pad, [(120, 100), (180, 100)])
    mask = _saved_mask(pad)
    assert (mask[100, 45:90] > 127).all() and (mask[100, 210:255] > 127).all()
    assert (mask[80:120, 120:180] == 0).all()


def test_clear_empties_the_canvas_and_undo_restores_it(open_pad, photo: Path) -> None:
    pad = open_pad(photo)
    _drag(pad, [(40, 100), (260, 100)])
    drawn = pad.canvas.mask_image.copy()
    pad.clear_button.click()
    assert pad.canvas.is_blank()
    assert not pad.buttons.button(pad.buttons.StandardButton.Save).isEnabled()
    pad.undo_button.click()
    assert pad.canvas.mask_image == drawn


def test_the_brush_size_is_what_the_screen_shows(open_pad, photo: Path) -> None:
    pad = open_pad(photo)
    pad.size_slider.setValue(60)
    assert pad.size_label.text() == "Size: 60 px"
    _drag(pad, [(40, 100), (260, 100)])
    mask = _saved_mask(pad)
    scale = pad.canvas._target().width() / 300
    thickness = (mask[:, 150] > 127).sum()
    assert abs(thickness - 60 / scale) <= 3  # 60 screen px wide, in the image's pixels


def test_a_scribble_is_white_strokes_on_a_black_square(open_pad) -> None:
    pad = open_pad()
    assert pad.windowTitle() == "Draw a scribble"
    _drag(pad, [(100, 100), (400, 400)])
    mask = _saved_mask(pad)
    assert mask.shape == (512, 512)
    assert pad.mask_path().name.startswith("scribble-")
    assert all(mask[v, v] > 127 for v in range(110, 390))
    assert mask[400, 100] == 0 and mask[100, 400] == 0
    assert (mask > 127).mean() < 0.1


def test_cancel_writes_nothing(open_pad, photo: Path, tmp_path: Path) -> None:
    pad = open_pad(photo)
    _drag(pad, [(40, 100), (260, 100)])
    pad.buttons.button(pad.buttons.StandardButton.Cancel).click()
    assert pad.mask_path() is None
    assert not (tmp_path / "sketches").exists()


def test_an_unreadable_image_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    with pytest.raises(ValueError, match="not an image"):
        SketchPad(broken)


def test_a_folder_that_cannot_be_written_keeps_the_drawing_open(
    open_pad, photo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pad = open_pad(photo)
    blocker = tmp_path / "a file"
    blocker.write_text("in the way")
    pad.folder = blocker / "sketches"  # a folder inside a file: mkdir fails
    warnings: list[str] = []
    monkeypatch.setattr(
        "assistant.ui.sketch_pad.QMessageBox.warning",
        lambda parent, title, text: warnings.append(text),
    )
    _drag(pad, [(40, 100), (260, 100)])
    pad.buttons.button(pad.buttons.StandardButton.Save).click()
    assert warnings and "Could not save" in warnings[0]
    assert pad.isVisible() and pad.mask_path() is None


def test_what_the_pad_shows_while_painting_is_what_the_mask_holds(open_pad, photo: Path) -> None:
    """The brush paints the shown tint piece by piece; undo and redo build the tint again
    from the mask: the two pictures agree."""
    pad = open_pad(photo)
    _drag(pad, [(40, 60), (150, 150), (260, 60)])
    pad.eraser_button.click()
    _drag(pad, [(150, 40), (150, 180)])
    live = np.asarray(Image.fromqimage(pad.canvas.grab().toImage()).convert("RGB")).astype(int)
    pad.undo_button.click()
    pad.redo_button.click()
    rebuilt = np.asarray(Image.fromqimage(pad.canvas.grab().toImage()).convert("RGB")).astype(int)
    difference = np.abs(live - rebuilt).max(axis=2)
    assert (difference > 40).mean() < 0.002  # at most a stroke's antialiased rim
    tinted = live[:, :, 0] - live[:, :, 2]  # the photo is grey: red shows the paint
    assert (tinted > 30).mean() > 0.01
