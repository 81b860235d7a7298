"""Starting the window: Qt, translations, theme, error path, then the core."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from assistant.core.paths import default_paths
from assistant.ui.errors import ErrorBridge
from assistant.ui.main_window import MainWindow
from assistant.ui.platform_check import platform_hint
from assistant.ui.theme import apply_theme

I18N = Path(__file__).resolve().parents[2] / "resources" / "i18n"
# How long a thread may keep the interpreter lock while another waits for it. Python's 5 ms
# default means that each time the window's thread comes back from Qt into Python while a
# plugin's thread computes in Python, it may wait 5 ms: a frame that does so a few dozen
# times is a visible stall. At 0.5 ms the window waits a tenth as long; the plugin's thread
# loses a little to the extra switches (measured by bench.ui_stall, which runs with this).
SWITCH_INTERVAL_S = 0.0005


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


class _AfterFirstPaint(QObject):
    """Runs *then* right after the window's first paint, so the person sees the window
    before anything else is built; with ``ASSISTANT_REPORT_STARTUP`` set it also prints
    when that paint happened, for ``bench.startup``."""

    def __init__(self, then: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._then = then
        self._report = bool(os.environ.get("ASSISTANT_REPORT_STARTUP"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            if self._report:
                print(f"first-paint {time.time():.4f}", flush=True)
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def _appearance(settings_file: Path) -> tuple[str, str]:
    """Language and theme, read straight from the settings file (before the core loads)."""
    try:
        general = json.loads(settings_file.read_text(encoding="utf-8")).get("general", {})
    except (OSError, ValueError, AttributeError):
        general = {}
    return str(general.get("language", "system")), str(general.get("theme", "system"))


def _attach_core(window: MainWindow) -> None:
    """Open the store and find the plugins, once the window is on screen."""
    from PySide6.QtWidgets import QMessageBox

    from assistant.core.audio import start_sound_library
    from assistant.core.bootstrap import open_assistant
    from assistant.core.store import StoreError

    start_sound_library()  # before any worker thread: it silences standard error meanwhile
    try:
        assistant = open_assistant()
        window.attach(assistant)
    except StoreError as exc:
        QMessageBox.critical(window, "Assistant", str(exc))
        window.close()
    except Exception as exc:  # any failure to start must be shown, not leave a dead window
        QMessageBox.critical(window, "Assistant", f"The assistant could not start: {exc}")
        window.close()
    else:
        _warm_up(window)
        states = ", ".join(f"{r.name} ({r.state.value})" for r in assistant.registry.records())
        logging.getLogger("assistant").info("Ready; plugins: %s", states)


def _warm_up(window: MainWindow) -> None:
    """Off the GUI thread, now that the window is up: load the router's model, so that the
    first message is routed at once (a message sent meanwhile waits only for the rest). The
    window makes ready what draws messages itself."""
    from assistant.core.bootstrap import warm_up_routing
    from assistant.ui.jobs import Job

    def body(job: Job) -> Iterator[None]:
        warm_up_routing(window.assistant)
        yield from ()

    window.jobs.start(Job(body))


def keep_window_responsive() -> None:
    """Let the window's thread take the interpreter back quickly from busy plugin threads."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def create_application(argv: list[str]) -> QApplication:
    """The application, in the Fusion style on every platform (the dark palette needs a
    style that draws with the palette). Chosen on the command line, which Qt reads, so
    that start-up never builds PySide's ``QStyle`` type; a ``-style`` in *argv* wins."""
    keep_window_responsive()
    return QApplication([*argv[:1], "-style", "Fusion", *argv[1:]])


def run_app() -> int:
    """Open the window and run until it closes; returns the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if QApplication.instance() is None and (hint := platform_hint()):
        print(hint, file=sys.stderr, flush=True)  # before Qt stops with its own words
    app = QApplication.instance() or create_application(sys.argv)
    app.setApplicationName("Assistant")
    app.setOrganizationName("assistant")
    language, theme = _appearance(default_paths().settings_file)
    install_translations(app, language)  # type: ignore[arg-type]
    if language != "system":  # dates and times in the chosen language too (the list's)
        QLocale.setDefault(QLocale(language))
    apply_theme(app, theme)  # type: ignore[arg-type]
    window = MainWindow()
    bridge = ErrorBridge(window)
    bridge.error_raised.connect(window.show_error)
    bridge.install()
    after_paint = _AfterFirstPaint(lambda: _attach_core(window), window)
    window.installEventFilter(after_paint)
    window.show()
    status = app.exec()
    if not hasattr(window, "assistant"):
        return status
    if getattr(window, "finished_cleanly", True):
        window.assistant.store.close()
        return status
    # A worker is stuck in a call that cannot be interrupted (a model load, a download's
    # read): waiting for it could take minutes, and Qt's thread pools would wait for it
    # when destroyed. What the answers said is stored (every write is committed, and the
    # database is in WAL mode), so the process ends now, without waiting for that thread.
    _exit_now(status)
    return status  # not reached


def _exit_now(status: int) -> None:
    """End the process at once, after flushing what it printed and logged."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to say
            stream.flush()
    os._exit(status)
