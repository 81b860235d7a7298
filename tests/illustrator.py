"""A plugin for tests whose answer has every kind of stored part: a notice, text, a picture
of its own, more text and sources. It *is* a Plugin (the real contract)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

from assistant.core.messages import (
    Chunk,
    ImageOut,
    Kind,
    Notice,
    Request,
    Source,
    Sources,
    TextDelta,
)
from assistant.core.plugin import Manifest, PluginContext

NOTICE = Notice("The detector is not installed; only labels.", "warning")
SOURCE = Source("guide.pdf", "/docs/guide.pdf", 3, "red squares are common")


def png(path: Path, rgb: tuple[int, int, int], size: tuple[int, int] = (8, 6)) -> Path:
    """Write a real PNG of one colour (no imaging library needed)."""
    width, height = size
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )  # fmt: skip
    return path


class Illustrator:
    """Answers with a notice, text, a blue picture, text citing [1], and one source."""

    manifest = Manifest(
        name="illustrator",
        title="Illustrator",
        description="Draws a square and cites a guide.",
        accepts=frozenset({Kind.IMAGE, Kind.TEXT}),
    )

    def __init__(self) -> None:
        self.answers = 0

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        self.answers += 1
        yield NOTICE
        yield TextDelta("It shows a *red* square ")
        yield TextDelta("on **white**.\n\n")
        yield ImageOut(png(context.data_dir / "boxes.png", (0, 0, 255)), caption="boxes.png")
        yield TextDelta(f"See [1] about {request.text.split()[-1]} (answer {self.answers}).")
        yield Sources((SOURCE,))
