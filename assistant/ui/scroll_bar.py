"""A scroll bar that is painted again only when what it shows has changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QAbstractSlider, QScrollBar, QWidget


class ScrollBar(QScrollBar):
    """A :class:`QScrollBar` that skips the paint of changes nobody could see.

    Qt paints a scroll bar again at every change of its range or value. A conversation that
    follows an answer being written changes both at every frame (the range grows, then the
    value follows it to the end), yet its handle mostly stays where it was: at the bottom,
    as long as it was. Painting the bar took a millisecond of each frame. The changes made
    together (:meth:`changes_together`) are painted once, afterwards, and only when the
    handle has moved or changed length, or an end was reached or left (an arrow is drawn
    enabled or not). Any other change is painted as Qt does.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent=parent)  # (by name: an orientation is not looked for)
        self._drawn: tuple[object, ...] = ()  # what it showed when last painted, if known
        self._held = 0  # changes_together() blocks open

    @contextmanager
    def changes_together(self) -> Iterator[None]:
        """Changes of range and value inside are painted once, afterwards, if they show."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held:
                shown = self._shown()
                if shown != self._drawn:
                    self._drawn = shown
                    self.update()

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:
        if not self._held:
            self._drawn = ()  # painted as Qt does; what it shows is not followed
            super().sliderChange(change)

    def _shown(self) -> tuple[object, ...]:
        """What the bar shows: its handle's place and the ends it is at."""
        from PySide6.QtWidgets import QStyle, QStyleOptionSlider  # not before the first paint

        option = QStyleOptionSlider()
        self.initStyleOption(option)
        handle = self.style().subControlRect(
            QStyle.ComplexControl.CC_ScrollBar,
            option,
            QStyle.SubControl.SC_ScrollBarSlider,
            self,
        )
        value, low, high = self.value(), self.minimum(), self.maximum()
        return (handle, value == low, value == high, low == high)
