"""Drawing for image generation, from the composer and from any picture: a scribble to
follow (ControlNet), or a mask painted over a picture to say what inpainting changes.

What is drawn is attached to the next message like a dropped file: a scribble alone, or the
picture followed by its mask (image generation takes a second picture as the mask).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton, QWidget

from assistant.ui.composer import Composer

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


def tr(text: str) -> str:
    return QCoreApplication.translate("Sketching", text)


class Sketching(QObject):
    """The composer's *Draw* button and the viewer's *Paint a mask* action."""

    def __init__(self, composer: Composer, parent: QWidget) -> None:
        super().__init__(parent)
        self._composer = composer
        self._window = parent
        self.button = QPushButton(tr("Draw"), composer)
        self.button.setToolTip(tr("Draw a scribble, or paint a mask over the attached picture"))
        menu = QMenu(self.button)
        self.scribble_action = QAction(tr("Draw a scribble…"), menu)
        self.scribble_action.triggered.connect(lambda: self.draw(None))
        self.mask_action = QAction(tr("Paint a mask over the attached picture…"), menu)
        self.mask_action.triggered.connect(self._on_mask_triggered)
        menu.addAction(self.scribble_action)
        menu.addAction(self.mask_action)
        menu.aboutToShow.connect(self._on_menu_about_to_show)
        self.button.setMenu(menu)
        composer.add_button(self.button)

    def attached_picture(self) -> Path | None:
        """The last picture attached to the next message, if any."""
        pictures = [p for p in self._composer.files if p.suffix.lower() in IMAGE_SUFFIXES]
        return pictures[-1] if pictures else None

    def draw(self, picture: Path | None) -> Path | None:
        """Open the sketch pad (over *picture* to paint a mask); attach what was saved."""
        from assistant.ui.sketch_pad import SketchPad

        try:
            pad = SketchPad(picture, parent=self._window)
        except ValueError as exc:
            QMessageBox.warning(self._window, tr("Draw"), str(exc))
            return None
        if not pad.exec():
            return None
        drawn = pad.mask_path()
        if drawn is None:
            return None
        self._composer.add_files([picture, drawn] if picture is not None else [drawn])
        self._composer.editor.setFocus()
        return drawn

    def _on_mask_triggered(self) -> None:
        picture = self.attached_picture()
        if picture is not None:
            self.draw(picture)

    def _on_menu_about_to_show(self) -> None:
        self.mask_action.setEnabled(self.attached_picture() is not None)
