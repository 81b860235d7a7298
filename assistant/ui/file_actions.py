"""A file an answer links to (a transcript's .srt, a document) opened in another program, or,
where no program here opens it, a copy kept where the person chooses."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

if TYPE_CHECKING:
    from assistant.ui.main_window import MainWindow

ChooseFn = Callable[[QWidget, str, str], tuple[str, str]]


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def open_or_keep(
    window: MainWindow,
    url: QUrl,
    choose: ChooseFn = QFileDialog.getSaveFileName,
    open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
) -> Path | None:
    """Open *url* in the program the system has for it; a local file no program opens is
    offered to be saved as a copy instead (the path of the copy made, if one was)."""
    if open_url(url):
        return None
    if not url.isLocalFile():
        window.show_error(
            tr("No program on this computer opens {link}.").format(link=url.toString())
        )
        return None
    source = Path(url.toLocalFile())
    window.statusBar().showMessage(
        tr("No program on this computer opens {name}: choose where to keep a copy.").format(
            name=source.name
        ),
        10_000,
    )
    target, _ = choose(
        window, tr("Save a copy of {name}").format(name=source.name), str(Path.home() / source.name)
    )
    if not target:
        return None
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        window.show_error(
            tr("{name} could not be saved: {reason}").format(
                name=source.name, reason=exc.strerror or exc
            )
        )
        return None
    window.statusBar().showMessage(tr("Saved {path}").format(path=target), 10_000)
    return Path(target)
