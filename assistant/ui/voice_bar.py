"""What a person sees of voice mode: the button beside the microphone and, while voice mode
is on, a line above the message box with its state, a level meter, the note about taking
turns when there is no echo cancellation, and *Timings* (how long the last turns took)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from assistant.ui.progress_bar import ProgressBar
from assistant.ui.voice_mode import SHORTCUT, state_text, timings_text

if TYPE_CHECKING:
    from assistant.ui.voice_mode import VoiceMode

SHOWN_TIMINGS = 3  # turns listed under Timings
STATE_COLOURS = {  # the pill's colour says the state at a glance
    "listening": "#2e7d32",
    "hearing": "#1565c0",
    "thinking": "#8d6e00",
    "speaking": "#6a1b9a",
    "starting": "#616161",
}


def tr(text: str) -> str:
    return QCoreApplication.translate("VoiceBar", text)


class VoiceBar(QObject):
    """The voice-mode button and state line of one composer."""

    def __init__(self, voice: VoiceMode, composer: Any) -> None:
        super().__init__(composer)
        from assistant.ui.icons import icon

        self._voice = voice
        self.button = QPushButton(icon("speaker"), tr("Voice"), composer)
        self.button.setCheckable(True)
        self.button.setToolTip(
            tr("Voice mode: talk, hear the answer, talk over it to interrupt ({key})").format(
                key=SHORTCUT
            )
        )
        self.button.clicked.connect(lambda _checked: voice.toggle())
        composer.add_button(self.button)
        self.row = QWidget(composer)
        line = QHBoxLayout(self.row)
        line.setContentsMargins(0, 0, 0, 0)
        self.pill = QLabel(self.row)
        self.pill.setAlignment(Qt.AlignmentFlag.AlignCenter)
        widest = max(
            self.pill.fontMetrics().horizontalAdvance(state_text(k)) for k in STATE_COLOURS
        )
        self.pill.setFixedWidth(widest + 40)  # the same width in every state: nothing jumps
        self.meter = ProgressBar(self.row)
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(8)
        self.timings = QToolButton(self.row)
        self.timings.setText(tr("Timings"))
        self.timings.setCheckable(True)
        self.timings.setAutoRaise(True)
        self.timings.setToolTip(tr("Show how long each stage of the last spoken turns took"))
        self.timings.toggled.connect(lambda _on: self._on_voice_changed(voice.state))
        line.addWidget(self.pill)
        line.addWidget(self.meter, 1)
        line.addWidget(self.timings)
        self.note = QLabel(composer)
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        composer.add_row(self.row)
        composer.add_row(self.note)
        self.row.hide()
        self.note.hide()
        self._shown: tuple[Any, ...] = ()
        voice.changed_state.connect(self._on_voice_changed)

    def _on_voice_changed(self, state: str) -> None:
        conversation = self._voice.conversation
        level = conversation.level if conversation is not None else 0.0
        self.meter.setValue(int(_loudness(level) * 100))
        noted = (
            (len(conversation.timings), conversation.note, conversation.ignored)
            if conversation
            else ()
        )
        shown = (state, self.timings.isChecked(), noted)
        if shown == self._shown:
            return  # only the level moved (20 times a second): nothing else to redo
        self._shown = shown
        on = state != "off"
        self.button.blockSignals(True)
        self.button.setChecked(on)
        self.button.blockSignals(False)
        self.row.setVisible(on)
        self.pill.setText(state_text(state))
        colour = STATE_COLOURS.get(state, "#616161")
        self.pill.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; border-radius: 9px;"
            " padding: 2px 10px; font-weight: bold; }"
        )
        lines = [self._voice.fallback] if on and self._voice.fallback else []
        if on and conversation is not None and conversation.note == "ignored":
            ignored = tr("Ignored a sound that was not speech ({count} so far).")
            lines.append(ignored.format(count=conversation.ignored))
        if on and self.timings.isChecked():
            lines.extend(self._timing_lines())
        self.note.setText("\n".join(lines))
        self.note.setVisible(bool(lines))

    def _timing_lines(self) -> list[str]:
        conversation = self._voice.conversation
        turns = conversation.timings[-SHOWN_TIMINGS:] if conversation is not None else []
        if not turns:
            return [tr("Timings appear here after your first spoken turn.")]
        return [f"“{t.text[:40]}”: {timings_text(t)}" for t in turns]


def _loudness(rms: float) -> float:
    """*rms* on a meter's scale: -60 dBFS .. 0 dBFS as 0 .. 1."""
    import math

    decibels = 20 * math.log10(max(rms, 1e-6))
    return min(1.0, max(0.0, (decibels + 60) / 60))
