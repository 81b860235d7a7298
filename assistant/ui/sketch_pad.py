"""A sketch pad: draw a scribble (white strokes on black) for ControlNet, or paint the part
of an image that inpainting should change (a white-on-black mask of the image's size).

The pad keeps the strokes, not pictures of the canvas: undo and redo replay them, so a
long session over a large photo costs a list of points rather than a copy per stroke.
Brush widths are in screen pixels, as the person sees them, and stored in the image's
pixels, so what is painted on screen is what the mask holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from assistant.core.paths import default_paths

SCRIBBLE_SIZE = QSize(512, 512)
MASK_TINT = QColor(255, 40, 40, 140)  # painted areas over the photo: red, half see-through


def tr(text: str) -> str:
    return QCoreApplication.translate("SketchPad", text)


@dataclass
class Stroke:
    """One press-drag-release of the brush or eraser, in image pixels; or a clearing."""

    width: float
    erase: bool = False
    clear: bool = False
    points: list[QPointF] = field(default_factory=list)


def _pen(stroke: Stroke) -> QPen:
    colour = Qt.GlobalColor.black if stroke.erase else Qt.GlobalColor.white
    return QPen(
        colour,
        stroke.width,
        Qt.PenStyle.SolidLine,
        Qt.PenCapStyle.RoundCap,
        Qt.PenJoinStyle.RoundJoin,
    )


class SketchCanvas(QWidget):
    """The drawing surface: the mask (or scribble) at the image's size, shown scaled to fit,
    over the image when there is one."""

    changed = Signal()  # a stroke was drawn, undone, redone or cleared

    def __init__(self, size: QSize, image: QImage | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMouseTracking(True)  # the brush outline follows the pointer
        self.setMinimumSize(256, 256)
        self.image = QPixmap.fromImage(image) if image is not None else None
        self.mask_image = QImage(size, QImage.Format.Format_Grayscale8)
        self.mask_image.fill(0)
        self.strokes: list[Stroke] = []
        self.undone: list[Stroke] = []
        self.brush = 24  # screen pixels
        self.erasing = False
        self._current: Stroke | None = None
        self._pointer: QPointF | None = None
        # the picture and the tinted mask at the size shown, made again after a resize or
        # an undo, so that a move of the brush paints only its new piece
        self._view: QPixmap | None = None
        self._tint: QImage | None = None

    def sizeHint(self) -> QSize:
        return self.mask_image.size().scaled(QSize(720, 720), Qt.AspectRatioMode.KeepAspectRatio)

    # ---- geometry -------------------------------------------------------------------
    def _target(self) -> QRectF:
        """Where the image sits in the widget: as large as fits, centred."""
        fitted = self.mask_image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        left = (self.width() - fitted.width()) / 2
        top = (self.height() - fitted.height()) / 2
        return QRectF(left, top, fitted.width(), fitted.height())

    def _scale(self) -> float:
        return self._target().width() / max(1, self.mask_image.width())

    def to_image(self, position: QPointF) -> QPointF:
        """A widget position in image pixels."""
        target = self._target()
        return (position - target.topLeft()) / self._scale()

    # ---- strokes --------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._current = Stroke(self.brush / self._scale(), erase=self.erasing)
        self._extend(self.to_image(event.position()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._pointer = event.position()
        if self._current is not None:
            self._extend(self.to_image(event.position()))
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._current is None:
            return
        self._extend(self.to_image(event.position()))
        self.strokes.append(self._current)
        self.undone.clear()
        self._current = None
        self.changed.emit()

    def resizeEvent(self, event: object) -> None:
        self._view = self._tint = None

    def leaveEvent(self, event: object) -> None:
        self._pointer = None
        self.update()

    def _extend(self, point: QPointF) -> None:
        """Paint the current stroke on to *point* (just the new piece: no replay)."""
        stroke = self._current
        assert stroke is not None
        previous = stroke.points[-1] if stroke.points else point
        stroke.points.append(point)
        painter = QPainter(self.mask_image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(_pen(stroke))
        painter.drawLine(previous, point)
        painter.end()
        if self._tint is not None:
            self._paint_tint(stroke, previous, point)
        self.update()

    def _paint_tint(self, stroke: Stroke, previous: QPointF, point: QPointF) -> None:
        assert self._tint is not None
        scale = self._scale()
        pen = _pen(stroke)
        pen.setWidthF(stroke.width * scale)
        pen.setColor(QColor(0, 0, 0, 0) if stroke.erase else MASK_TINT)
        painter = QPainter(self._tint)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.setPen(pen)
        painter.drawLine(previous * scale, point * scale)
        painter.end()

    def _replay(self) -> None:
        self.mask_image.fill(0)
        painter = QPainter(self.mask_image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        cleared = [number for number, stroke in enumerate(self.strokes) if stroke.clear]
        for stroke in self.strokes[cleared[-1] + 1 if cleared else 0 :]:
            painter.setPen(_pen(stroke))
            # piece by piece, as the live stroke was painted, so redo gives the same pixels
            starts = [*stroke.points[:1], *stroke.points[:-1]]
            for previous, point in zip(starts, stroke.points, strict=True):
                painter.drawLine(previous, point)
        painter.end()
        self._tint = None
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self.strokes:
            self.undone.append(self.strokes.pop())
            self._replay()

    def redo(self) -> None:
        if self.undone:
            self.strokes.append(self.undone.pop())
            self._replay()

    def clear(self) -> None:
        """Clear the canvas; undo brings the strokes back."""
        if self.strokes and not self.strokes[-1].clear:
            self.strokes.append(Stroke(0, clear=True))
            self.undone.clear()
            self._replay()

    def is_blank(self) -> bool:
        """Whether nothing is painted (all strokes undone, erased or cleared)."""
        return not np.frombuffer(self.mask_image.constBits(), np.uint8).any()

    # ---- drawing --------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        target = self._target()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self.image is None:
            painter.drawImage(target, self.mask_image)
        else:
            if self._view is None:
                self._view = self.image.scaled(
                    target.size().toSize(),
                    Qt.AspectRatioMode.IgnoreAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            painter.drawPixmap(target.topLeft(), self._view)
            painter.drawImage(target.topLeft(), self._tinted(target.size().toSize()))
        if self._pointer is not None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(128, 128, 128), 1))
            painter.drawEllipse(self._pointer, self.brush / 2, self.brush / 2)
        painter.end()

    def _tinted(self, size: QSize) -> QImage:
        """The mask as a see-through colour at *size*, made from the mask after a resize or
        an undo (and painted on stroke by stroke in between)."""
        if self._tint is None:
            shown = self.mask_image.scaled(
                size,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            tint = QImage(size, QImage.Format.Format_ARGB32)
            tint.fill(MASK_TINT)
            tint.setAlphaChannel(shown)
            painter = QPainter(tint)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationIn)
            painter.fillRect(tint.rect(), QColor(0, 0, 0, MASK_TINT.alpha()))
            painter.end()
            self._tint = tint
        return self._tint


class SketchPad(QDialog):
    """Draw a scribble (no *image*) or paint an inpainting mask over *image*; Save writes the
    mask as a white-on-black PNG of the image's size into *folder*, emits :attr:`saved`
    and accepts, after which :meth:`mask_path` tells where it is."""

    saved = Signal(Path)

    def __init__(
        self,
        image: Path | None = None,
        *,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        picture = QImage(str(image)) if image is not None else None
        if picture is not None and picture.isNull():
            raise ValueError(f"{image} is not an image this app can open")
        self.setWindowTitle(tr("Paint a mask") if picture is not None else tr("Draw a scribble"))
        self.folder = folder or default_paths().cache / "sketches"
        self._saved: Path | None = None
        size = picture.size() if picture is not None else SCRIBBLE_SIZE
        self.canvas = SketchCanvas(size, picture, self)
        self.canvas.changed.connect(self._on_canvas_changed)
        layout = QVBoxLayout(self)
        if picture is not None:
            layout.addWidget(QLabel(tr("Paint over the part of the picture to change."), self))
        layout.addWidget(self.canvas, 1)
        layout.addLayout(self._tools())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for keys, slot in (
            (QKeySequence.StandardKey.Undo, self.canvas.undo),
            (QKeySequence.StandardKey.Redo, self.canvas.redo),
        ):
            QShortcut(keys, self, slot)
        self._on_canvas_changed()

    def _tools(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.brush_button = QPushButton(tr("Brush"), self)
        self.eraser_button = QPushButton(tr("Eraser"), self)
        group = QButtonGroup(self)
        for button in (self.brush_button, self.eraser_button):
            button.setCheckable(True)
            group.addButton(button)
            row.addWidget(button)
        self.brush_button.setChecked(True)
        self.eraser_button.toggled.connect(self._on_eraser_button_toggled)
        self.size_label = QLabel(self)
        self.size_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.size_slider.setRange(2, 160)
        self.size_slider.setValue(self.canvas.brush)
        self.size_slider.valueChanged.connect(self._on_size_slider_value_changed)
        self._on_size_slider_value_changed(self.canvas.brush)
        row.addWidget(self.size_label)
        row.addWidget(self.size_slider, 1)
        self.undo_button = QPushButton(tr("Undo"), self)
        self.redo_button = QPushButton(tr("Redo"), self)
        self.clear_button = QPushButton(tr("Clear"), self)
        for button, slot in (
            (self.undo_button, self.canvas.undo),
            (self.redo_button, self.canvas.redo),
            (self.clear_button, self.canvas.clear),
        ):
            button.clicked.connect(slot)
            row.addWidget(button)
        return row

    def _on_eraser_button_toggled(self, erasing: bool) -> None:
        self.canvas.erasing = erasing

    def _on_size_slider_value_changed(self, value: int) -> None:
        self.canvas.brush = value
        self.size_label.setText(tr("Size: %1 px").replace("%1", str(value)))

    def _on_canvas_changed(self) -> None:
        self.undo_button.setEnabled(bool(self.canvas.strokes))
        self.redo_button.setEnabled(bool(self.canvas.undone))
        blank = self.canvas.is_blank()
        self.clear_button.setEnabled(not blank)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not blank)

    def save(self) -> None:
        """Write the mask (white where painted) and close; a folder that cannot be
        written is said, and the drawing stays open."""
        path = (
            self.folder
            / f"{'mask' if self.canvas.image else 'scribble'}-{uuid.uuid4().hex[:8]}.png"
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            written = self.canvas.mask_image.save(str(path))
        except OSError:
            written = False
        if not written:
            QMessageBox.warning(
                self,
                self.windowTitle(),
                tr("Could not save the drawing in %1.").replace("%1", str(self.folder)),
            )
            return
        self._saved = path
        self.saved.emit(path)
        self.accept()

    def mask_path(self) -> Path | None:
        """The PNG that Save wrote, or None (cancelled, or not saved yet)."""
        return self._saved
