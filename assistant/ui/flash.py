"""A brief highlight over a widget, fading out: where a search hit took the person."""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QEvent, QObject, Qt, QVariantAnimation
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QWidget

FLASH_MS = 1800
PEAK_ALPHA = 90  # of 255: the message stays readable under it


class Flash(QWidget):
    """Covers its parent with the palette's highlight colour, fading from *PEAK_ALPHA* to
    nothing in *duration_ms*, then deletes itself. Clicks go through to the parent."""

    def __init__(self, parent: QWidget, duration_ms: int) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.alpha = PEAK_ALPHA
        self.setGeometry(parent.rect())
        parent.installEventFilter(self)
        self.animation = QVariantAnimation(self)
        self.animation.setStartValue(PEAK_ALPHA)
        self.animation.setEndValue(0)
        self.animation.setDuration(duration_ms)
        self.animation.setEasingCurve(QEasingCurve.Type.InQuad)
        self.animation.valueChanged.connect(self._on_animation_value_changed)
        self.animation.finished.connect(self.deleteLater)
        self.show()
        self.raise_()
        self.animation.start()

    def _on_animation_value_changed(self, value: int) -> None:
        self.alpha = int(value)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.parent():
            self.setGeometry(self.parentWidget().rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        colour.setAlpha(self.alpha)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), 8, 8)
        painter.end()


def flash(widget: QWidget, duration_ms: int | None = None) -> Flash:
    """Highlight *widget* briefly, for *duration_ms* (default ``FLASH_MS``); a flash
    already on it starts again."""
    for old in widget.findChildren(Flash):
        old.animation.stop()
        old.deleteLater()
    return Flash(widget, FLASH_MS if duration_ms is None else duration_ms)
