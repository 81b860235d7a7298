"""A window that shows one image at a readable size, e.g. one class's boxes highlighted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget


class ImageViewer(QDialog):
    """Shows *path* scaled to fit most of the screen."""

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
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        self.resize(self.image.pixmap().size().grownBy(self.contentsMargins()) * 1.05)
