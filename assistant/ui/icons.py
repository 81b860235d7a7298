"""The app's icons: small stroke drawings in ``resources/icons``, in any colour.

Each SVG draws with ``currentColor``; :func:`icon` puts a colour in its place (by default
the palette's text colour, so the same files serve light and dark themes) and renders it
sharp at whatever size and pixel ratio a widget asks for. Icons are cached per name and
colour. QtSvg is imported here, so import this module after the window's first paint
(``tests/ui/test_app_start.py``). After a theme change call :func:`icon` again: the new
palette's colour makes a new icon.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPalette, QPixmap
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


class _SvgIconEngine(QIconEngine):
    """Draws one SVG, in one colour, at any size; faded when the widget is disabled."""

    def __init__(self, svg: bytes) -> None:
        super().__init__()
        self._svg = svg
        self._renderer = QSvgRenderer(QByteArray(svg))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        if mode == QIcon.Mode.Disabled:
            painter.setOpacity(DISABLED_OPACITY)
        side = min(rect.width(), rect.height())
        square = QRectF(
            rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2, side, side
        )
        self._renderer.render(painter, square)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._svg)


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
    return QIcon(_SvgIconEngine(svg.replace("currentColor", colour.name()).encode()))
