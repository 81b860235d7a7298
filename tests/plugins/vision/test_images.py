"""Opening what people drop: every common format, odd pixel modes, and files that are not."""

from __future__ import annotations

import struct
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from plugins.vision.images import DISPLAY_SIDE, ImageReadError, open_image


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A valid PNG header claiming *width* × *height*, with almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )
    return path


def gradient(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """An RGB image whose pixels differ, so that orientation and frames can be told apart."""
    x = np.linspace(0, 255, size[0], dtype=np.uint8)
    pixels = np.stack(
        np.broadcast_arrays(x[None, :], 40 * np.ones((size[1], 1), np.uint8), 200), -1
    )
    return Image.fromarray(np.ascontiguousarray(pixels.astype(np.uint8)), "RGB")


@pytest.mark.parametrize(
    ("suffix", "options"),
    [
        (".png", {}),
        (".jpg", {"quality": 95}),
        (".webp", {"quality": 95}),
        (".bmp", {}),
        (".tiff", {}),
    ],
)
def test_common_formats_open_as_rgb_of_the_same_size(
    tmp_path: Path, suffix: str, options: dict[str, int]
) -> None:
    path = tmp_path / f"photo{suffix}"
    gradient().save(path, **options)
    prepared = open_image(path)
    assert prepared.display.mode == "RGB"
    assert prepared.original_size == (64, 48) == prepared.display.size
    # Left is dark, right is bright, whatever the codec did to the pixels in between.
    assert prepared.display.getpixel((2, 10))[0] < 40 < 215 < prepared.display.getpixel((61, 10))[0]


def test_gif_uses_its_first_frame(tmp_path: Path) -> None:
    path = tmp_path / "anim.gif"
    red, blue = Image.new("RGB", (20, 20), (255, 0, 0)), Image.new("RGB", (20, 20), (0, 0, 255))
    red.save(path, save_all=True, append_images=[blue], duration=100, loop=0)
    pixel = open_image(path).display.getpixel((10, 10))
    assert pixel[0] > 200 and pixel[2] < 50


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show rotated 90° clockwise
    gradient((64, 48)).save(path, exif=exif, quality=95)
    prepared = open_image(path)
    assert prepared.original_size == (48, 64) == prepared.display.size
    # The bright right edge of the stored pixels ends at the bottom once upright.
    assert prepared.display.getpixel((24, 61))[0] > 215 > 40 > prepared.display.getpixel((24, 2))[0]


def test_alpha_is_laid_over_white(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    image = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    image.putpixel((5, 5), (255, 0, 0, 255))
    image.save(path)
    display = open_image(path).display
    assert display.getpixel((0, 0)) == (255, 255, 255)
    assert display.getpixel((5, 5)) == (255, 0, 0)


@pytest.mark.parametrize("mode", ["L", "CMYK", "P", "1", "LA"])
def test_other_modes_become_rgb(tmp_path: Path, mode: str) -> None:
    path = tmp_path / f"{mode}.tiff"
    gradient().convert(mode).save(path)
    display = open_image(path).display
    assert display.mode == "RGB" and display.size == (64, 48)


def test_sixteen_bit_is_stretched_to_its_own_range(tmp_path: Path) -> None:
    path = tmp_path / "scan16.png"
    # A 12-bit scan: values 0…4095 in a 16-bit file; dividing by 65535 would give black.
    values = np.tile(np.linspace(0, 4095, 64).astype(np.uint16), (16, 1))
    Image.fromarray(values).save(path)
    with Image.open(path) as saved:
        assert saved.mode.startswith("I")
    display = open_image(path).display
    assert display.mode == "RGB"
    assert display.getpixel((0, 5)) == (0, 0, 0)
    assert display.getpixel((63, 5)) == (255, 255, 255)


def test_huge_jpeg_is_decoded_small_and_keeps_its_original_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.jpg"
    Image.new("L", (12_000, 9_000), 90).save(path, quality=80)
    prepared = open_image(path)
    assert prepared.original_size == (12_000, 9_000)
    assert max(prepared.display.size) == DISPLAY_SIDE
    assert prepared.scale == pytest.approx((DISPLAY_SIDE / 12_000, 1536 / 9_000))


def test_far_too_large_claims_are_refused(tmp_path: Path) -> None:
    path = png_header_only(tmp_path / "bomb.png", 30_000, 30_000)
    with pytest.raises(ImageReadError, match=r"“bomb\.png”.*decompression bomb"):
        open_image(path)


def test_too_large_is_refused_when_pillow_only_warns(tmp_path: Path) -> None:
    # Between 200 and 400 MP Pillow only warns; the plugin refuses all the same.
    path = png_header_only(tmp_path / "big.png", 15_000, 15_000)
    with pytest.raises(ImageReadError, match=r"“big\.png”.*decompression bomb"):
        open_image(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with pytest.raises(ImageReadError, match=r"“big\.png” is 15000 × 15000 pixels"):
            open_image(path)


def _truncated(path: Path, suffix: str) -> Path:
    gradient((300, 200)).save(path.with_suffix(suffix))
    data = path.with_suffix(suffix).read_bytes()
    path.with_suffix(suffix).write_bytes(data[: len(data) // 2])
    return path.with_suffix(suffix)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: _truncated(p, ".jpg"), r"“bad\.jpg” could not be read: .*truncated or damaged"),
        (lambda p: _truncated(p, ".png"), r"“bad\.png” could not be read: .*truncated or damaged"),
        (
            lambda p: (p.with_suffix(".png").write_bytes(b""), p.with_suffix(".png"))[1],
            r"“bad\.png” is empty \(0 bytes\)",
        ),
        (
            lambda p: (p.with_suffix(".jpg").write_text("meeting notes"), p.with_suffix(".jpg"))[1],
            r"“bad\.jpg” is not an image this app can read \(PNG, JPEG",
        ),
        (lambda p: p.with_suffix(".webp"), r"“bad\.webp” is no longer there"),
    ],
    ids=["truncated-jpeg", "truncated-png", "zero-bytes", "text-named-jpg", "missing"],
)
def test_unreadable_files_get_a_message_naming_them(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path / "bad")
    with pytest.raises(ImageReadError, match=message):
        open_image(path)


def test_only_untouched_png_and_jpeg_count_as_shown_as_stored(tmp_path: Path) -> None:
    def saved(name: str, image: Image.Image, **options: object) -> Path:
        image.save(tmp_path / name, **options)
        return tmp_path / name

    turned = Image.Exif()
    turned[0x0112] = 6
    assert open_image(saved("a.png", gradient())).as_stored
    assert open_image(saved("a.jpg", gradient())).as_stored
    assert not open_image(saved("turned.jpg", gradient(), exif=turned)).as_stored
    assert not open_image(saved("alpha.png", gradient().convert("RGBA"))).as_stored
    assert not open_image(saved("gray.png", gradient().convert("L"))).as_stored
    assert not open_image(saved("a.bmp", gradient())).as_stored
    assert not open_image(saved("big.png", gradient((3000, 20)))).as_stored
