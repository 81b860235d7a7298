"""A window that shows one image at a readable size, e.g. one class's boxes highlighted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget


def tr(text: str) -> str:
    return QCoreApplication.translate("ImageViewer", text)


class ImageViewer(QDialog):
    """Shows *path* scaled to fit most of the screen, with *Paint a mask…* to change part of
    it by image generation (:attr:`paint_requested`)."""

    paint_requested = Signal(Path)

    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        pixmap = QPixmap(str(path))
        screen = QGuiApplication.primaryScreen().availableSize()
        fitted = pixmap.scaled(
            int(screen.width() * 0.8),
            int(screen.height() * 0.8),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.image = QLabel(self)
        self.image.setPixmap(fitted if pixmap.width() > fitted.width() else pixmap)
        scroll = QScrollArea(self)
        scroll.setWidget(self.image)
        scroll.setWidgetResizable(True)
        self.paint_button = QPushButton(tr("Paint a mask…"), self)
        self.paint_button.setToolTip(tr("Paint the part to change; both are attached"))
        self.paint_button.clicked.connect(lambda: self.paint_requested.emit(path))
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.paint_button, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(self.image.pixmap().size().grownBy(self.contentsMargins()) * 1.05)
