"""Opening a photo the person gave, whatever its format, as a light RGB copy to work on.

Every format Pillow reads comes out the same way: EXIF orientation applied, alpha laid over
white, grayscale/CMYK/16-bit turned into 8-bit RGB, and at most ``DISPLAY_SIDE`` pixels on
its longest side. The original size is kept, so boxes found on the copy can be given in
the original's coordinates. Anything that cannot be read raises :class:`ImageReadError`
with a sentence naming the file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that. Its default (~89 MP)
# would refuse ordinary 100 MP camera photos, so allow up to 200 MP and refuse the rest
# ourselves with a clear message.
MAX_PIXELS = 200_000_000
if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS

DISPLAY_SIDE = 2048
_DRAFT_MIN_SIDE = 1600
_ORIENTATION_TAG = 0x0112
_SWAPPING_ORIENTATIONS = frozenset({5, 6, 7, 8})
_HIGH_DEPTH_MODES = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I", "F"})
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
_SHOWN_AS_STORED = frozenset({"PNG", "JPEG"})
READABLE = "PNG, JPEG, WebP, BMP, GIF or TIFF"


class ImageReadError(ValueError):
    """A file the person gave could not be read as an image; the message names it."""


@dataclass(frozen=True)
class PreparedImage:
    """A photo ready for the models: an RGB copy and the size of the original."""

    name: str
    source: Path
    original_size: tuple[int, int]
    display: Image.Image
    # The display copy holds exactly the file's pixels, so the file itself can be shown.
    as_stored: bool = False
    file_format: str = ""  # Pillow's name of the file's format: "PNG", "JPEG"…

    @property
    def scale(self) -> tuple[float, float]:
        """Display pixels per original pixel, horizontally and vertically."""
        return (
            self.display.width / self.original_size[0],
            self.display.height / self.original_size[1],
        )


def open_image(path: Path, name: str = "") -> PreparedImage:
    """Read *path* as a :class:`PreparedImage`; raise :class:`ImageReadError` if it isn't one."""
    name = name or path.name
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise _too_big(name, image.size)
            stored = (image.format, image.mode, image.size, "transparency" in image.info)
            display, orientation = _display_image(image)
    except ImageReadError:
        raise
    except FileNotFoundError as exc:
        raise ImageReadError(f"“{name}” is no longer there; it may have been moved.") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageReadError(
            f"“{name}” claims to be larger than {MAX_PIXELS // 1_000_000} megapixels, which "
            "is more than this app opens (it may be a decompression bomb)."
        ) from exc
    except UnidentifiedImageError as exc:
        raise _unreadable(path, name) from exc
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise ImageReadError(
            f"“{name}” could not be read: the file looks truncated or damaged ({exc})."
        ) from exc
    file_format, mode, (width, height), transparent = stored
    original = (height, width) if orientation in _SWAPPING_ORIENTATIONS else (width, height)
    as_stored = (
        file_format in _SHOWN_AS_STORED
        and mode == "RGB"
        and not transparent
        and orientation == 1
        and display.size == (width, height)
    )
    return PreparedImage(name, path, original, display, as_stored, file_format or "")


def _display_image(image: Image.Image) -> tuple[Image.Image, int]:
    """*image* decoded as RGB, upright, at most ``DISPLAY_SIDE`` on its longest side.

    Returns it with the file's EXIF orientation. Big JPEGs decode at 1/2…1/8 scale for free
    (``draft``), and shrinking happens before the colour conversion so that it runs on fewer
    pixels; Pillow does both without the GIL, which keeps the GUI thread responsive while a
    worker opens a large photo.
    """
    longest = max(image.size)
    if longest > DISPLAY_SIDE:
        factor = _DRAFT_MIN_SIDE / longest
        image.draft("RGB", (math.ceil(image.width * factor), math.ceil(image.height * factor)))
    image.load()
    # Read after decoding: a PNG may keep its EXIF after the pixels.
    orientation = image.getexif().get(_ORIENTATION_TAG, 1)
    upright = ImageOps.exif_transpose(image) if orientation != 1 else image
    if max(upright.size) > DISPLAY_SIDE:
        ratio = DISPLAY_SIDE / max(upright.size)
        size = (max(1, round(upright.width * ratio)), max(1, round(upright.height * ratio)))
        upright = upright.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    rgb = to_rgb(upright)
    # Leaving ``with Image.open(...)`` closes the file, not the decoded pixels, so an RGB
    # file needs no copy; only pixels memory-mapped from the file (never RGB in today's
    # Pillow) would go with it.
    if rgb is image and getattr(image, "map", None) is not None:
        rgb = rgb.copy()
    return rgb, orientation


def to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB: alpha laid over white, 16-bit and float stretched to their own range."""
    if image.mode in _HIGH_DEPTH_MODES:
        return _stretch_to_8bit(image).convert("RGB")
    has_alpha = image.mode in _ALPHA_MODES or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def _stretch_to_8bit(image: Image.Image) -> Image.Image:
    """Map the values a deep image actually uses onto 0…255, so that it is visible.

    16-bit scans and microscope images often use only part of the range (12 bits, say);
    dividing by 65535 would leave them black.
    """
    values = np.asarray(image, dtype=np.float32)
    low, high = float(values.min()), float(values.max())
    if high <= low:
        return Image.new("L", image.size, 0 if high <= 0 else 255)
    scaled = (values - low) * (255.0 / (high - low))
    return Image.fromarray(scaled.clip(0, 255).astype(np.uint8), "L")


def _too_big(name: str, size: tuple[int, int]) -> ImageReadError:
    megapixels = size[0] * size[1] / 1_000_000
    return ImageReadError(
        f"“{name}” is {size[0]} × {size[1]} pixels ({megapixels:.0f} megapixels), more than "
        f"the {MAX_PIXELS // 1_000_000} megapixels this app opens (it may be a decompression "
        "bomb)."
    )


def _unreadable(path: Path, name: str) -> ImageReadError:
    try:
        empty = path.stat().st_size == 0
    except OSError:
        empty = False
    if empty:
        return ImageReadError(f"“{name}” is empty (0 bytes), so there is no picture to look at.")
    return ImageReadError(f"“{name}” is not an image this app can read ({READABLE}).")
