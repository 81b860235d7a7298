"""A sound in the conversation: play, pause, stop, seek, speed, and how long it is.

Playback goes through :class:`assistant.core.audio.AudioOutput`; where the window has none
(no sound library, no device) the player says so and offers to open the file instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QTimer, QUrl
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from assistant.core.audio import clock, duration_s

if TYPE_CHECKING:
    from assistant.core.audio import AudioOutput
    from assistant.ui.message_parts import ViewSignals

TICK_MS = 200
SPEEDS = (0.75, 1.0, 1.25, 1.5, 2.0)


def tr(text: str) -> str:
    return QCoreApplication.translate("MessageView", text)


class AudioPlayer(QWidget):
    """Play and pause, stop, a position slider, the time, the speed, and Open."""

    def __init__(
        self, path: Path, name: str, signals: ViewSignals, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path, self.name = path, name or path.name
        self._output: AudioOutput | None = signals.audio
        self.length = duration_s(path)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.play_button = QToolButton(self)
        self.play_button.setText(tr("Play"))
        self.play_button.clicked.connect(self._on_play_clicked)
        self.stop_button = QToolButton(self)
        self.stop_button.setText(tr("Stop"))
        self.stop_button.setToolTip(tr("Stop and go back to the start"))
        self.stop_button.clicked.connect(self._on_stop_clicked)
        self.speed = QComboBox(self)
        for rate in SPEEDS:
            self.speed.addItem(f"{rate:g}×", rate)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip(tr("Playback speed"))
        self.speed.currentIndexChanged.connect(self._on_speed_changed)
        self.slider = QSlider(self)
        self.slider.setOrientation(QtCore.Qt.Orientation.Horizontal)
        self.slider.setRange(0, int((self.length or 0) * 1000))
        self.slider.sliderReleased.connect(self._on_slider_released)
        self.time = QLabel(self)
        self.title = QLabel(self.name, self)
        open_button = QToolButton(self)
        open_button.setText(tr("Open"))
        open_button.setToolTip(tr("Open {name} in another program").format(name=self.name))
        open_button.clicked.connect(
            lambda: signals.link_requested.emit(QUrl.fromLocalFile(str(self.path)))
        )
        widgets = (self.play_button, self.stop_button, self.title, self.slider, self.time)
        for widget in (*widgets, self.speed, open_button):
            row.addWidget(widget, 1 if widget is self.slider else 0)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self.use_output(self._output)
        self._show_time(0.0)

    def use_output(self, output: AudioOutput | None) -> None:
        """Play through *output*; None: there is none, and the controls say so."""
        self._output = output
        why = tr("There is no sound output on this computer; Open plays it elsewhere.")
        tips = {
            self.stop_button: tr("Stop and go back to the start"),
            self.speed: tr("Playback speed"),
        }
        for widget in (self.play_button, self.stop_button, self.slider, self.speed):
            widget.setEnabled(output is not None)
            widget.setToolTip(why if output is None else tips.get(widget, ""))

    def _on_play_clicked(self) -> None:
        if self._output is None:
            return
        if self._output.playing():
            self._output.pause()
            self._timer.stop()
            self.play_button.setText(tr("Play"))
        else:
            self._output.set_speed(self.speed.currentData())
            self._output.play(self.path, self.slider.value() / 1000)
            self._timer.start()
            self.play_button.setText(tr("Pause"))

    def _on_stop_clicked(self) -> None:
        if self._output is None:
            return
        self._output.stop()
        self._timer.stop()
        self.play_button.setText(tr("Play"))
        self.slider.setValue(0)
        self._show_time(0.0)

    def _on_speed_changed(self) -> None:
        if self._output is not None and self._output.playing():
            self._output.set_speed(self.speed.currentData())

    def _on_slider_released(self) -> None:
        if self._output is not None and self._output.playing():
            self._output.play(self.path, self.slider.value() / 1000)

    def _on_tick(self) -> None:
        assert self._output is not None
        position = self._output.position_s()
        if not self._output.playing():
            self._timer.stop()
            self.play_button.setText(tr("Play"))
        if not self.slider.isSliderDown():
            self.slider.setValue(int(position * 1000))
        self._show_time(position)

    def _show_time(self, position: float) -> None:
        total = clock(self.length) if self.length is not None else "?"
        self.time.setText(f"{clock(position)} / {total}")

    def rendered(self) -> tuple[Any, ...]:
        return ("audio", str(self.path), self.name)

    def plain_text(self) -> str:
        return self.name
