"""Starting the window: Qt, translations, theme, error path, then the core."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtWidgets import QApplication

from assistant.core.bootstrap import open_assistant
from assistant.core.store import StoreError
from assistant.ui.errors import ErrorBridge
from assistant.ui.main_window import MainWindow
from assistant.ui.theme import apply_theme

I18N = Path(__file__).resolve().parents[2] / "resources" / "i18n"


def install_translations(app: QApplication, language: str) -> list[QTranslator]:
    """Load the app's and Qt's own translations for *language* ("system" = the locale's)."""
    locale = QLocale.system() if language == "system" else QLocale(language)
    translators = []
    for folder, name in (
        (I18N, "assistant"),
        (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), "qtbase"),
    ):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", str(folder)):
            app.installTranslator(translator)
            translators.append(translator)
    return translators


class _FirstPaint(QObject):
    """Prints the time to the window's first paint, for ``bench.startup``."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            print(f"first-paint {time.time():.4f}", flush=True)
            watched.removeEventFilter(self)
        return False


def run_app() -> int:
    """Open the window and run until it closes; returns the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Assistant")
    app.setOrganizationName("assistant")
    try:
        assistant = open_assistant()
    except StoreError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Assistant", str(exc))
        return 1
    install_translations(app, assistant.settings.general.language)
    apply_theme(app, assistant.settings.general.theme)
    window = MainWindow(assistant)
    bridge = ErrorBridge(window)
    bridge.error_raised.connect(window.show_error)
    bridge.install()
    if os.environ.get("ASSISTANT_REPORT_STARTUP"):
        probe = _FirstPaint(window)
        window.installEventFilter(probe)
    window.show()
    status = app.exec()
    assistant.store.close()
    return status
