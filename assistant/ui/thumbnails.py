"""Pictures in the conversation at the size they are shown (scaled on the worker of
``assistant.ui.drawing``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader


def display_size(path: Path, max_width: int) -> QSize:
    """The size a picture is shown at (at most *max_width* wide), from its header only."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if not size.isValid():
        return QSize(max_width, max_width * 3 // 4)
    if reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90:
        size.transpose()
    if size.width() > max_width:
        size = QSize(max_width, max(1, size.height() * max_width // size.width()))
    return size


def scaled(path: Path, size: QSize) -> QImage:
    """The picture at *path* scaled to *size*, upright (null if it cannot be read)."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    if reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90:
        size = size.transposed()  # Qt scales before it turns the picture upright
    reader.setScaledSize(size)
    return reader.read()
