"""Boxes on photos: one colour per class, a label on each box, and highlighting one class.

Detections are kept in the original photo's coordinates and drawn on a smaller display
copy, so the same JSON file next to an output image serves both the drawing and a later
click on a label (:func:`highlight`).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Distinct, saturated colours that stay readable on photos (Kelly's list, minus greys).
PALETTE: tuple[tuple[int, int, int], ...] = (
    (255, 179, 0),
    (128, 62, 117),
    (255, 104, 0),
    (166, 189, 215),
    (193, 0, 32),
    (206, 162, 98),
    (0, 125, 52),
    (246, 118, 142),
    (0, 83, 138),
    (255, 122, 92),
    (83, 55, 122),
    (255, 142, 0),
    (179, 40, 81),
    (244, 200, 0),
    (127, 24, 13),
    (147, 170, 0),
    (89, 51, 21),
    (241, 58, 19),
    (35, 44, 22),
)


@dataclass(frozen=True, slots=True)
class Detection:
    """One object found in a photo; *box* is (left, top, right, bottom) in original pixels."""

    label: str
    score: float
    box: tuple[float, float, float, float]


def class_colour(label: str) -> tuple[int, int, int]:
    """The colour of a class: the same label always gets the same colour."""
    return PALETTE[zlib.crc32(label.encode("utf-8")) % len(PALETTE)]


def line_width_for(size: tuple[int, int]) -> int:
    """A box outline that reads at any size: about 0.3 % of the longest side, at least 2 px."""
    return max(2, round(max(size) / 330))


def draw_detections(
    image: Image.Image,
    detections: Sequence[Detection],
    scale: tuple[float, float] = (1.0, 1.0),
    *,
    width: int | None = None,
    with_labels: bool = True,
) -> Image.Image:
    """A copy of *image* with each detection boxed; *scale* maps original → image pixels."""
    canvas = image.copy()
    draw = ImageDraw.Draw(canvas)
    width = width or line_width_for(canvas.size)
    font = ImageFont.load_default(size=max(10, width * 5))
    for detection in detections:
        box = _scaled(detection.box, scale)
        colour = class_colour(detection.label)
        draw.rectangle(box, outline=colour, width=width)
        if with_labels:
            _draw_tag(draw, box, f"{detection.label} {detection.score:.2f}", colour, font)
    return canvas


def _scaled(
    box: tuple[float, float, float, float], scale: tuple[float, float]
) -> tuple[int, int, int, int]:
    left, top, right, bottom = box
    sx, sy = scale
    return round(left * sx), round(top * sy), round(right * sx), round(bottom * sy)


def _draw_tag(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    text: str,
    colour: tuple[int, int, int],
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
) -> None:
    """The label on a filled tag above the box, or inside its top when there is no room."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    tag_h = bottom - top + 4
    y = box[1] - tag_h if box[1] >= tag_h else box[1]
    draw.rectangle((box[0], y, box[0] + right - left + 4, y + tag_h), fill=colour)
    ink = (0, 0, 0) if sum(colour) > 380 else (255, 255, 255)
    draw.text((box[0] + 2 - left, y + 2 - top), text, fill=ink, font=font)


def save_detections(
    json_path: Path,
    detections: Sequence[Detection],
    original_size: tuple[int, int],
    base: str = "",
) -> None:
    """Write detections next to an output image; *base* names its box-free copy."""
    payload = {
        "original_size": list(original_size),
        "base": base,
        "detections": [asdict(d) for d in detections],
    }
    json_path.write_text(json.dumps(payload, indent=1), encoding="utf-8")


def load_detections(json_path: Path) -> tuple[list[Detection], tuple[int, int], str]:
    """Detections, original size and box-free copy's name, as :func:`save_detections` wrote."""
    payload = json.loads(json_path.read_text(encoding="utf-8"))
    detections = [
        Detection(d["label"], float(d["score"]), tuple(d["box"]))  # type: ignore[arg-type]
        for d in payload["detections"]
    ]
    width, height = payload["original_size"]
    return detections, (int(width), int(height)), str(payload.get("base", ""))


def highlight(image_path: Path, detections_json_path: Path, label: str) -> Path:
    """Draw only *label*'s boxes, thicker, and return the new image's path.

    *image_path* is an output image of the plugin and *detections_json_path* the JSON
    written beside it (``image_path.with_suffix(".json")``). The boxes go on the box-free
    copy that JSON names when it exists, so other classes' boxes do not clutter the view.
    """
    detections, original_size, base = load_detections(detections_json_path)
    source = image_path.parent / base if base else image_path
    if not source.is_file():
        source = image_path
    chosen = [d for d in detections if d.label == label]
    with Image.open(source) as opened:
        image = opened.convert("RGB")
    scale = (image.width / original_size[0], image.height / original_size[1])
    drawn = draw_detections(image, chosen, scale, width=2 * line_width_for(image.size))
    slug = "".join(c if c.isalnum() else "-" for c in label) or "label"
    target = image_path.with_name(f"{image_path.stem}.highlight-{slug}.png")
    drawn.save(target, compress_level=1)
    return target
