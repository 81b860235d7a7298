"""The composer's Options: the form for the plugin the message being written will go to.

While the person types, :class:`OptionsPanel` follows the text (a slash command, plain
words, the files waiting to go) to the plugin that would answer, with the rules that need
no model, and shows that plugin's options form; a plugin without options has none to show.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from assistant.core.engine import Assistant
    from assistant.core.messages import Attachment
    from assistant.core.plugin import Manifest
    from assistant.ui.options_form import OptionsForm

FOLLOW_MS = 250  # typing pauses this long before the form follows the text


def tr(text: str) -> str:
    return QCoreApplication.translate("OptionsPanel", text)


class OptionsPanel(QWidget):
    """The options form of the plugin the composer's message goes to (hidden until asked)."""

    available_changed = Signal(str)  # the plugin whose options can be set, "" for none

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant: Assistant | None = None
        self.plugin = ""
        self.form: OptionsForm | None = None
        self.title = QLabel(self)
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 4)
        self._column.addWidget(self.title)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FOLLOW_MS)
        self._pending: tuple[str, list[Path]] = ("", [])
        self._timer.timeout.connect(lambda: self.follow_now(*self._pending))
        self.hide()

    def follow(self, text: str, files: list[Path]) -> None:
        """Follow the message being written, once typing pauses."""
        self._pending = (text, list(files))
        self._timer.start()

    def follow_now(self, text: str, files: list[Path]) -> None:
        """Show the options of the plugin *text* with *files* would go to."""
        manifest = self._manifest_for(text, files)
        self.show_plugin(manifest)

    def show_plugin(self, manifest: Manifest | None, values: dict[str, Any] | None = None):
        """Show *manifest*'s options form (kept, with its values, if it is shown already)."""
        name = manifest.name if manifest is not None and manifest.options else ""
        if name != self.plugin or self.form is None or values is not None:
            if self.form is not None:
                self._column.removeWidget(self.form)
                self.form.deleteLater()
                self.form = None
            if manifest is not None and manifest.options is not None:
                from assistant.ui.options_form import OptionsForm

                self.form = OptionsForm(manifest.options, self)
                self._column.addWidget(self.form)
                self.title.setText(tr("Options for {plugin}").format(plugin=manifest.title))
                if values:
                    self.form.set_values(values)
            changed = name != self.plugin
            self.plugin = name
            if changed:
                self.available_changed.emit(name)
        if not name:
            self.hide()

    def take(self) -> dict[str, Any] | None:
        """The options to send with the message, or None when they are wrong (the form
        says why); the form is cleared for the next message."""
        if self.form is None:
            return {}
        try:
            values = self.form.values()
        except ValueError as exc:  # OptionsError
            self.form.show_error(str(exc))
            self.show()
            return None
        self.form.clear()
        return values

    def _manifest_for(self, text: str, files: list[Path]) -> Manifest | None:
        if self.assistant is None:
            return None
        registry = self.assistant.registry
        from assistant.core.intents import KeywordIntentClassifier
        from assistant.core.router import Router

        router = Router(
            registry.manifests,
            classifier=KeywordIntentClassifier(),
            default=self.assistant.router.default,
            by_kind=self.assistant.router.by_kind,
        )  # fmt: skip: the rules only: no model loads while the person types
        attachments = [_attachment(p) for p in files]
        route = router.route(text, [a for a in attachments if a is not None])
        record = registry.record(route.plugin)
        return record.manifest if record is not None else None


def _attachment(path: Path) -> Attachment | None:
    from assistant.core.messages import Attachment, Kind, guess_mime, kind_of

    mime = guess_mime(path)
    kind = kind_of(mime, path.suffix)
    return Attachment(path, kind, mime, path.name) if isinstance(kind, Kind) else None
