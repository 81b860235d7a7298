"""What the buttons under a picture in an answer do: the app's own for every picture (use
it as input, save it, copy it) and the actions the answering plugin declares (see
:mod:`assistant.core.picture_actions`), asked as a new question like any other."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QMimeData, QObject, QUrl
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from assistant.core.picture_actions import PictureActionHandler, plan_picture_action
from assistant.ui.message_parts import PICTURE_ACTION_OFFERED, PICTURE_ACTIONS, PLUGIN_ACTION

if TYPE_CHECKING:
    from assistant.ui.main_window import MainWindow


def tr(text: str) -> str:
    return QCoreApplication.translate("MessageView", text)  # its buttons are the view's


class PictureActions(QObject):
    """Does what a picture's button asks, for the window it belongs to."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        PICTURE_ACTIONS.update({
            m.name: tuple((a.name, a.label, a.tip) for a in m.picture_actions)
            for m in window.assistant.registry.manifests() if m.picture_actions
        })  # fmt: skip
        window.view.signals.picture_action_requested.connect(self._on_view_picture_action)
        PICTURE_ACTION_OFFERED[:] = [self.offered]

    def offered(self, plugin: str, action: str, path: Path) -> bool:
        """Whether *plugin* can do *action* on the picture at *path* (it reads what the
        file says of itself: a map it followed, or a server's picture, has no seed)."""
        record = self.window.assistant.registry.record(plugin)
        handler = record.plugin if record is not None else None
        if not isinstance(handler, PictureActionHandler):
            return False
        return handler.picture_request(action, path) is not None

    def _on_view_picture_action(self, action: str, message_id: int, path: Path) -> None:
        if action == "use-as-input":
            self.window.composer.add_files([path])
            self.window.composer.editor.setFocus()
        elif action == "save-as":
            self.save_as(path)
        elif action == "copy-picture":
            copy_picture(path)
            self.window.statusBar().showMessage(tr("Picture copied"), 3000)
        elif action.startswith(PLUGIN_ACTION):
            self.ask(action.removeprefix(PLUGIN_ACTION), message_id, path)

    def save_as(self, path: Path) -> Path | None:
        """Ask where, and copy the file there as it is (so it keeps how it was made)."""
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, tr("Save the picture"), str(Path.home() / path.name),
            tr("Pictures (*{suffix})").format(suffix=path.suffix or ".png"),
        )  # fmt: skip
        if not chosen:
            return None
        target = Path(chosen)
        try:
            shutil.copyfile(path, target)
        except OSError as exc:
            QMessageBox.warning(self.window, tr("Picture not saved"), str(exc))
            return None
        self.window.statusBar().showMessage(tr("Saved to {path}").format(path=target), 5000)
        return target

    def ask(self, action: str, message_id: int, path: Path) -> None:
        """The plugin's *action* on the picture: its question asked now, or opened in the
        composer with its options to change first."""
        window = self.window
        planned = plan_picture_action(window.assistant, message_id, action, path)
        if planned is None:
            window.statusBar().showMessage(
                tr("This picture does not say how it was made, so that cannot be done."), 8000
            )
            return
        if planned.at_once:
            window.send(planned.text, list(planned.files), planned.chosen, planned.options)
            return
        record = window.assistant.registry.record(planned.plugin)
        manifest = record.manifest if record is not None else None
        window.composer.begin_edit_options(planned.question_id, planned.text, manifest,
                                           planned.options)  # fmt: skip


def copy_picture(path: Path) -> None:
    """The picture on the clipboard, as an image and as its file."""
    mime = QMimeData()
    mime.setImageData(QImage(str(path)))
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    QGuiApplication.clipboard().setMimeData(mime)
