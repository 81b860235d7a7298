"""ControlNet maps made with OpenCV: each shows what its ControlNet reads, at a size the
pipelines accept."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from skimage import data

from plugins.imagegen.control_maps import (
    CONTROLNET_MODELS,
    ESTIMATED_KINDS,
    MAP_KINDS,
    make_map,
    map_size,
)


def _square(size: int = 128, inset: int = 32) -> Image.Image:
    """A white square on black, its border at *inset* px from each side."""
    picture = Image.new("RGB", (size, size), "black")
    ImageDraw.Draw(picture).rectangle([inset, inset, size - inset - 1, size - inset - 1], "white")
    return picture


def _white(picture: Image.Image) -> np.ndarray:
    return np.asarray(picture.convert("L")) > 127


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    return Image.fromarray(data.astronaut())


@pytest.fixture(scope="module")
def coffee() -> Image.Image:
    return Image.fromarray(data.coffee())


def test_canny_of_a_square_is_its_outline() -> None:
    edges = _white(make_map("canny", _square()))
    border = np.zeros_like(edges)
    border[30:98, 30:98] = True
    border[35:93, 35:93] = False  # a ring a few px either side of the square's edge
    assert edges[border].sum() >= 4 * 60  # every side is traced
    assert not edges[~border].any()  # nothing inside the square or out in the black


def test_canny_thresholds_above_the_contrast_find_nothing() -> None:
    faint = Image.new("RGB", (64, 64), (100, 100, 100))
    ImageDraw.Draw(faint).rectangle([16, 16, 47, 47], (120, 120, 120))
    assert _white(make_map("canny", faint, low=5, high=10)).any()
    assert not _white(make_map("canny", faint, low=200, high=250)).any()


@pytest.mark.parametrize("kind", MAP_KINDS)
def test_every_map_is_rgb_at_multiples_of_8(kind: str, coffee: Image.Image) -> None:
    assert coffee.size == (600, 400)
    made = make_map(kind, coffee, size=(301, 203))
    assert made.mode == "RGB"
    assert made.size == (304, 200)
    assert make_map(kind, coffee.crop((0, 0, 333, 250))).size == (336, 248)


def test_sizes_round_to_the_nearest_multiple_of_8() -> None:
    assert map_size((513, 509)) == (512, 512)
    assert map_size((600, 400), (3, 900)) == (8, 904)
    with pytest.raises(ValueError, match="positive"):
        map_size((0, 10))


def test_an_unknown_kind_names_the_valid_ones(astronaut: Image.Image) -> None:
    with pytest.raises(ValueError, match="canny, scribble, lineart, shuffle, mlsd, tile"):
        make_map("sobel", astronaut)
    with pytest.raises(ValueError, match="depth needs a model"):
        make_map("depth", astronaut)


def test_a_parameter_of_the_wrong_kind_is_a_clear_error(astronaut: Image.Image) -> None:
    with pytest.raises(ValueError, match="low <= high"):
        make_map("canny", astronaut, low=200, high=100)
    with pytest.raises(ValueError, match="tile"):
        make_map("tile", astronaut, factor=0.5)


def test_shuffle_is_fixed_by_its_seed(astronaut: Image.Image) -> None:
    first = np.asarray(make_map("shuffle", astronaut, seed=7))
    again = np.asarray(make_map("shuffle", astronaut, seed=7))
    other = np.asarray(make_map("shuffle", astronaut, seed=8))
    assert np.array_equal(first, again)
    assert np.abs(first.astype(int) - other).mean() > 10
    # the content moved, and only the image's own colours were used to paint it
    original = np.asarray(astronaut)
    assert np.abs(first.astype(int) - original).mean() > 20
    assert abs(first.mean() - original.mean()) < 40


def test_line_segments_find_the_lines_drawn(astronaut: Image.Image) -> None:
    picture = Image.new("RGB", (256, 256), "white")
    pen = ImageDraw.Draw(picture)
    pen.line([(20, 40), (230, 40)], "black", 3)  # horizontal
    pen.line([(60, 70), (60, 230)], "black", 3)  # vertical
    pen.line([(100, 100), (220, 220)], "black", 3)  # diagonal
    found = _white(make_map("mlsd", picture))
    assert found[36:45, 30:220].any(axis=0).mean() > 0.9
    assert found[80:220, 55:66].any(axis=1).mean() > 0.9
    diagonal = [found[y - 4 : y + 5, y - 4 : y + 5].any() for y in range(110, 210)]
    assert np.mean(diagonal) > 0.9
    away = found.copy()
    away[30:50, :] = away[:, 50:70] = False
    away[np.abs(np.subtract.outer(np.arange(256), np.arange(256))) < 8] = False
    assert away.mean() < 0.002  # nothing where there were no lines
    assert not _white(make_map("mlsd", Image.new("RGB", (128, 128), "gray"))).any()


def test_a_drawn_scribble_passes_through_white_on_black() -> None:
    drawing = Image.new("RGB", (128, 128), "white")
    ImageDraw.Draw(drawing).line([(10, 64), (118, 64)], "black", 6)  # pen on paper
    strokes = _white(make_map("scribble", drawing))
    assert strokes[62:66, 10:118].all()
    assert strokes.mean() < 0.06  # the paper became the black background
    inverted = Image.eval(drawing, lambda v: 255 - v)  # already white on black: unchanged
    assert np.array_equal(_white(make_map("scribble", inverted)), strokes)


def test_a_scribble_from_a_photo_is_bold_binary_strokes(astronaut: Image.Image) -> None:
    made = np.asarray(make_map("scribble", astronaut).convert("L"))
    assert set(np.unique(made)) <= {0, 255}
    assert 0.03 < (made == 255).mean() < 0.4
    thin = np.asarray(make_map("scribble", astronaut, thickness=1).convert("L"))
    assert (made == 255).sum() > 1.5 * (thin == 255).sum()  # thickened


def test_lineart_draws_lines_at_edges_and_leaves_flat_areas_black() -> None:
    made = np.asarray(make_map("lineart", _square()).convert("L"))
    assert made[:, 20:30].max() > 200 or made[20:30, :].max() > 200  # by the square's edge
    assert made[50:78, 50:78].max() == 0  # the square's flat inside
    assert made[:16, :16].max() == 0  # the flat black outside


def test_lineart_of_a_photo_is_sparse(coffee: Image.Image) -> None:
    made = np.asarray(make_map("lineart", coffee).convert("L"))
    assert 0.01 < (made > 127).mean() < 0.2


def test_tile_keeps_the_colours_and_loses_the_detail(astronaut: Image.Image) -> None:
    original = np.asarray(astronaut).astype(float)
    blurred = np.asarray(make_map("tile", astronaut, factor=8)).astype(float)
    assert abs(blurred.mean() - original.mean()) < 2

    def detail(values: np.ndarray) -> float:
        return float(np.abs(np.diff(values, axis=1)).mean())

    assert detail(blurred) < 0.5 * detail(original)


def test_every_kind_has_its_controlnet() -> None:
    for kind in (*MAP_KINDS, *ESTIMATED_KINDS):
        assert CONTROLNET_MODELS[kind].startswith("lllyasviel/control_v11")
    assert CONTROLNET_MODELS["canny"] == "lllyasviel/control_v11p_sd15_canny"
