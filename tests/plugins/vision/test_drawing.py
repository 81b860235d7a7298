"""Boxes drawn where they belong, in their class colour, and highlighting one class."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from plugins.vision.drawing import (
    PALETTE,
    Detection,
    class_colour,
    draw_detections,
    highlight,
    line_width_for,
    load_detections,
    save_detections,
)

WHITE = (255, 255, 255)


def test_a_box_is_drawn_on_its_edges_only() -> None:
    blank = Image.new("RGB", (200, 200), WHITE)
    person = Detection("person", 0.9, (50.0, 60.0, 150.0, 160.0))
    drawn = draw_detections(blank, [person], width=3)
    colour = class_colour("person")
    # Left, right and bottom edges (the label tag sits above the top edge).
    for point in [(50, 110), (52, 110), (150, 110), (148, 140), (100, 160), (100, 158)]:
        assert drawn.getpixel(point) == colour, point
    for inside in [(100, 110), (54, 110), (146, 110), (100, 155)]:
        assert drawn.getpixel(inside) == WHITE, inside
    for outside in [(10, 10), (47, 110), (153, 110), (100, 163), (190, 190)]:
        assert drawn.getpixel(outside) == WHITE, outside
    assert blank.getpixel((50, 110)) == WHITE, "the original image is left alone"


def test_the_label_tag_sits_above_the_box_in_its_colour() -> None:
    drawn = draw_detections(
        Image.new("RGB", (200, 200), WHITE), [Detection("dog", 0.5, (50, 60, 150, 160))]
    )
    tag = [drawn.getpixel((x, y)) for x in range(50, 60) for y in range(45, 59)]
    assert class_colour("dog") in tag


def test_boxes_are_scaled_from_original_to_display_pixels() -> None:
    display = Image.new("RGB", (100, 50), WHITE)  # a 1000 × 500 original at a tenth
    drawn = draw_detections(
        display,
        [Detection("car", 0.8, (200, 100, 800, 400))],
        (0.1, 0.1),
        width=1,
        with_labels=False,
    )
    colour = class_colour("car")
    assert drawn.getpixel((20, 25)) == colour == drawn.getpixel((80, 25))
    assert drawn.getpixel((50, 25)) == WHITE


def test_each_class_keeps_one_colour_and_lines_grow_with_the_image() -> None:
    assert class_colour("person") == class_colour("person") in PALETTE
    assert len({class_colour(name) for name in ("person", "dog", "car", "cat", "bicycle")}) >= 4
    assert line_width_for((300, 200)) == 2
    assert line_width_for((4000, 3000)) > line_width_for((1000, 800)) > 2


def test_highlight_draws_only_that_class_thicker_on_the_box_free_copy(tmp_path: Path) -> None:
    base = tmp_path / "photo.base.jpg"
    Image.new("RGB", (100, 100), WHITE).save(base, quality=100)
    shown = tmp_path / "photo.png"
    detections = [
        Detection("person", 0.9, (40, 40, 360, 360)),
        Detection("dog", 0.8, (80, 80, 160, 160)),
    ]
    with Image.open(base) as clean:
        draw_detections(clean, detections, (0.25, 0.25)).save(shown)
    save_detections(shown.with_suffix(".json"), detections, (400, 400), base.name)
    assert load_detections(shown.with_suffix(".json")) == (detections, (400, 400), base.name)

    result = highlight(shown, shown.with_suffix(".json"), "person")

    assert result.parent == tmp_path and result != shown
    with Image.open(result) as opened:
        image = opened.convert("RGB")
    thick = 2 * line_width_for((100, 100))
    person = class_colour("person")
    for x in range(10, 10 + thick):  # the whole thickness of the left edge
        assert _close(image.getpixel((x, 60)), person), x
    assert _close(image.getpixel((50, 50)), WHITE), "inside stays clear"
    assert not any(_close(image.getpixel((20, y)), class_colour("dog")) for y in range(20, 41))


def _close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))
