"""The app's icons: small stroke drawings in ``resources/icons``, in any colour.

Each SVG draws with ``currentColor``; :func:`icon` puts a colour in its place (by default
the palette's text colour, so the same files serve light and dark themes) and renders it
once, sharp at the usual sizes and at the screens' pixel ratios (Qt scales for any other).
Icons are cached per name and
colour. QtSvg is imported here, so import this module after the window's first paint
(``tests/ui/test_app_start.py``). After a theme change call :func:`icon` again: the new
palette's colour makes a new icon.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"
NAMES = (
    "copy", "check", "regenerate", "send-to", "edit", "chevron-left", "chevron-right",
    "stop", "send", "attach", "mic", "speaker", "play", "pause", "download", "folder",
    "image", "file", "warning", "info", "error", "close", "search", "plus", "settings",
    "terminal",
)  # fmt: skip
DISABLED_OPACITY = 0.4


class UnknownIcon(KeyError):
    """There is no icon of that name in ``resources/icons``."""


@cache
def _svg(name: str) -> str:
    path = ICONS / f"{name}.svg"
    if not path.is_file():
        raise UnknownIcon(f"There is no icon called “{name}” in {ICONS}.")
    return path.read_text(encoding="utf-8")


SIZES = (16, 18, 20, 24, 32)  # the sizes widgets ask for; Qt scales the rest


def _render(renderer: QSvgRenderer, side: int, ratio: float, mode: QIcon.Mode) -> QPixmap:
    pixmap = QPixmap(round(side * ratio), round(side * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if mode == QIcon.Mode.Disabled:
        painter.setOpacity(DISABLED_OPACITY)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    return pixmap


def _pixmap_icon(svg: bytes) -> QIcon:
    """An icon of pixmaps drawn once, at every usual size and at the screens' pixel ratios,
    normal and faded: painting it never calls back into Python (a Python ``QIconEngine``
    would be asked for a pixmap at every repaint of every button showing it)."""
    renderer = QSvgRenderer(QByteArray(svg))
    ratios = {screen.devicePixelRatio() for screen in QApplication.screens()} or {1.0}
    result = QIcon()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Disabled):
        for side in SIZES:
            for ratio in ratios:
                result.addPixmap(_render(renderer, side, ratio, mode), mode, QIcon.State.Off)
    return result


def text_colour() -> QColor:
    """The colour icons take by default: the application palette's window text."""
    return QApplication.palette().color(QPalette.ColorRole.WindowText)


def icon(name: str, color: QColor | None = None) -> QIcon:
    """The icon *name* (see :data:`NAMES`) drawn in *color*, by default the palette's text
    colour; raises :class:`UnknownIcon` for a name that has no file."""
    return _icon(name, (color or text_colour()).name(QColor.NameFormat.HexArgb))


@cache
def _icon(name: str, argb: str) -> QIcon:
    colour = QColor(argb)
    opacity = f'stroke-opacity="{colour.alphaF():.3f}" ' if colour.alpha() < 255 else ""
    svg = _svg(name).replace('stroke="currentColor"', f'{opacity}stroke="{colour.name()}"')
    return _pixmap_icon(svg.replace("currentColor", colour.name()).encode())
