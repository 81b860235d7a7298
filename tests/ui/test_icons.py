"""Every icon loads, and draws visibly in the colour asked for, light and dark."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon

from assistant.ui.icons import ICONS, NAMES, UnknownIcon, icon


def _drawn(image_icon: QIcon, size: int = 24) -> list[QColor]:
    image = image_icon.pixmap(QSize(size, size)).toImage()
    return [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    ]


def _near(drawn: QColor, wanted: QColor) -> bool:
    """The same colour, but for rounding where antialiased edges overlap."""
    pairs = zip(drawn.getRgb()[:3], wanted.getRgb()[:3], strict=True)
    return all(abs(a - b) <= 12 for a, b in pairs)


def test_every_file_is_a_named_icon_and_every_name_has_a_file() -> None:
    assert sorted(p.stem for p in ICONS.glob("*.svg")) == sorted(NAMES)


@pytest.mark.parametrize("colour", ["#202124", "#e8eaed"], ids=["light-theme", "dark-theme"])
@pytest.mark.parametrize("name", NAMES)
def test_each_icon_draws_in_the_colour_asked_for(qtbot, name: str, colour: str) -> None:
    drawn = _drawn(icon(name, QColor(colour)))
    assert len(drawn) >= 8, f"{name} draws (almost) nothing"
    assert all(_near(c, QColor(colour)) for c in drawn), f"{name} is not all in {colour}"


def test_by_default_icons_take_the_palette_text_colour_and_are_cached(qtbot) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    text = QApplication.palette().color(QPalette.ColorRole.WindowText)
    assert all(_near(c, text) for c in _drawn(icon("copy")))
    assert icon("copy").cacheKey() == icon("copy").cacheKey()
    assert icon("copy", QColor("#ff0000")).cacheKey() != icon("copy").cacheKey()
    assert not icon("send").pixmap(QSize(64, 64)).isNull()  # any size, sharp


def test_an_unknown_name_says_so(qtbot) -> None:
    with pytest.raises(UnknownIcon, match="no icon called"):
        icon("no-such-icon")
