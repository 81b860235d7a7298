"""Push to talk: hold the microphone button (or F2), speak, let go; the words land in the
message box (or are sent at once, a setting). Esc while recording throws the recording away.

The microphone delivers 16 kHz frames on its own thread; a level meter shows them. The
recording goes to the ``stt`` service (the transcribe plugin) on that plugin's own thread,
where the speech model stays loaded between utterances.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from assistant.core.microphone import MicrophoneUnavailable, input_devices, open_microphone
from assistant.core.services import Services
from assistant.core.speech import SAMPLE_RATE
from assistant.ui import settings_editors
from assistant.ui.jobs import Job, JobRunner

if TYPE_CHECKING:
    from assistant.core.audio import AudioInput
    from assistant.core.engine import Assistant

MIN_SECONDS = 0.3  # shorter than this is a slip of the finger, not speech
# A held key repeats; on X11 each repeat can arrive as a release and a press that Qt does not
# mark as repeats (seen under Xvfb: every 40 ms). A release counts once no press follows it
# within this time.
RELEASE_GRACE_MS = 80

# assistant.core.microphone.REASONS, written out so that they are extracted and translated.
MICROPHONE_REASONS = (
    "The microphone needs the PortAudio library, which is not installed "
    "(Debian and Ubuntu: sudo apt install libportaudio2; Fedora and Arch: portaudio).",
    "The microphone needs the sounddevice package: pip install 'assistant[voice]'.",
    "No microphone was found: this computer has no sound input device, or no sound "
    "server is running.",
    "The microphone “{device}” is not connected; choose another in Settings → General.",
    "The microphone could not be opened ({error}). It may be in use by another app, or this "
    "app may not be allowed to use it (check the system's privacy settings).",
    "The microphone file {name} must be a 16 kHz mono 16-bit WAV.",
    "The microphone file {name} cannot be read ({error}).",
)


def tr(text: str) -> str:
    return QCoreApplication.translate("Dictation", text)


def why_no_microphone(exc: MicrophoneUnavailable) -> str:
    """Why there is no microphone, in the person's language."""
    for reason in MICROPHONE_REASONS:
        if reason == exc.template:
            return tr(reason).format(**exc.values)
    return str(exc)


class Dictation(QObject):
    """Records while asked to, then turns the recording into text."""

    availability_changed = Signal(str)  # "" when dictation can be used, else why not
    state_changed = Signal(str)  # "idle", "recording" or "transcribing"
    level_changed = Signal(float)  # 0..1, while recording
    text_ready = Signal(str)
    failed = Signal(str)
    progress_reported = Signal(object)
    _heard = Signal(float)

    def __init__(self, assistant: Assistant, jobs: JobRunner, parent: QObject | None = None):
        super().__init__(parent)
        self._assistant, self._jobs = assistant, jobs
        self.state = "idle"
        self.unavailable = tr("Checking the microphone…")
        self._microphone: AudioInput | None = None
        self._frames: list[Any] = []
        self._lock = threading.Lock()
        self._job: Job | None = None
        self._heard.connect(self.level_changed)  # queued: frames arrive on the audio thread

    # ---- can it be used? ------------------------------------------------------------------

    def check(self) -> Job:
        """Find out, off the GUI thread, whether there is a microphone and a speech model."""
        device = self._assistant.settings.general.microphone

        def body(job: Job) -> Iterator[str]:
            yield self._why_not(device)

        job = Job(body)
        job.signals.yielded.connect(self._set_unavailable)
        return self._jobs.start(job)

    def _why_not(self, device: str) -> str:
        if self._services().provider("stt") is None:
            return tr(
                "Dictation needs the Transcribe plugin: turn it on in the plugin manager "
                "(or install the voice extra)."
            )
        try:
            open_microphone(device)
        except MicrophoneUnavailable as exc:
            return why_no_microphone(exc)
        return ""

    def _set_unavailable(self, reason: str) -> None:
        self.unavailable = reason
        self.availability_changed.emit(reason)

    def _services(self) -> Services:
        from assistant.core.cancel import CancelToken

        # The window asks as no plugin in particular.
        return Services(self._assistant, "", CancelToken(), lambda chunk: None)

    # ---- recording ------------------------------------------------------------------------

    def start(self) -> None:
        """Start recording (the button or the key went down)."""
        if self.unavailable and self.state == "idle":
            self.failed.emit(self.unavailable)
        if self.state != "idle" or self.unavailable:
            return
        try:
            microphone = open_microphone(self._assistant.settings.general.microphone)
            with self._lock:
                self._frames = []
            microphone.start(self._on_frames)
        except MicrophoneUnavailable as exc:
            self._set_unavailable(why_no_microphone(exc))
            self.failed.emit(why_no_microphone(exc))
            return
        self._microphone = microphone
        self._set_state("recording")

    def _on_frames(self, frames: Any) -> None:
        import numpy as np

        with self._lock:
            self._frames.append(frames)
        rms = float(np.sqrt(np.mean(np.square(frames)))) if len(frames) else 0.0
        decibels = 20 * np.log10(max(rms, 1e-6))
        self._heard.emit(min(1.0, max(0.0, (decibels + 60) / 60)))  # -60 dBFS .. 0 dBFS

    def finish(self) -> None:
        """Stop recording and transcribe what was said (the button or the key came up)."""
        if self.state != "recording":
            return
        audio = self._stop_microphone()
        if len(audio) < MIN_SECONDS * SAMPLE_RATE:
            self._set_state("idle")
            self.failed.emit(tr("Hold the microphone button (or F2) while you speak."))
            return
        self._transcribe(audio)

    def cancel(self) -> None:
        """Throw the recording (or its transcription) away."""
        if self.state == "recording":
            self._stop_microphone()
        if self._job is not None:
            self._job.cancel.cancel()
            self._job = None
        self._set_state("idle")

    def _stop_microphone(self) -> Any:
        import numpy as np

        microphone, self._microphone = self._microphone, None
        if microphone is not None:
            microphone.stop()
        with self._lock:
            frames, self._frames = self._frames, []
        self.level_changed.emit(0.0)
        return np.concatenate(frames) if frames else np.zeros(0, np.float32)

    # ---- transcribing ---------------------------------------------------------------------

    def _transcribe(self, audio: Any) -> None:
        from assistant.core.cancel import CancelToken

        def body(job: Job) -> Iterator[str]:
            stt = Services(self._assistant, "", job.cancel, job.report)["stt"]
            for segment in stt.transcribe(audio, job.cancel):
                yield segment.text

        job = Job(body, CancelToken())
        services = self._services()
        pieces: list[str] = []
        job.signals.yielded.connect(pieces.append)
        job.signals.progressed.connect(self.progress_reported)
        job.signals.failed.connect(self.failed)
        job.signals.finished.connect(lambda: self._on_job_finished(job, pieces))
        self._job = job
        self._set_state("transcribing")
        self._jobs.start(job, services.thread_for("stt"))

    def _on_job_finished(self, job: Job, pieces: list[str]) -> None:
        if job is not self._job:
            return  # cancelled: its words are not wanted
        self._job = None
        self._set_state("idle")
        text = " ".join(p.strip() for p in pieces if p.strip())
        if text:
            self.text_ready.emit(text)
        elif not job.cancel.cancelled:
            self.failed.emit(tr("No speech was heard."))

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)


class PushToTalkKey(QObject):
    """Holding F2 anywhere in the window records; Esc while recording cancels.

    The press is a shortcut, which Qt matches without Python; only while recording does an
    application-wide filter watch for the release (and Esc). A filter there all the time
    would be called from Qt for every event of every widget, each call waiting for the
    interpreter lock that a busy plugin thread holds.
    """

    def __init__(self, dictation: Dictation, window: QWidget) -> None:
        super().__init__(window)
        self._dictation, self._window = dictation, window
        self._watching = False
        self._release = QTimer(self)
        self._release.setSingleShot(True)
        self._release.setInterval(RELEASE_GRACE_MS)
        self._release.timeout.connect(dictation.finish)
        shortcut = QShortcut(QKeySequence(QtCore.Qt.Key.Key_F2), window)
        shortcut.setAutoRepeat(False)
        shortcut.activated.connect(self.press)
        dictation.state_changed.connect(self._on_state_changed)

    def press(self) -> None:
        self._watch(True)
        self._dictation.start()
        if self._dictation.state == "idle":  # it could not start (no microphone)
            self._watch(False)

    def _watch(self, on: bool) -> None:
        application = QApplication.instance()
        if application is None or on == self._watching:
            return
        self._watching = on
        if on:
            application.installEventFilter(self)
        else:
            application.removeEventFilter(self)

    def _on_state_changed(self, state: str) -> None:
        if state == "idle":
            self._release.stop()
            self._watch(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride):
            return False
        key = event.key()  # type: ignore[attr-defined]
        Qt = QtCore.Qt
        escape = key == Qt.Key.Key_Escape and self._dictation.state != "idle"
        if not escape and key != Qt.Key.Key_F2:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes to us as a key press, not to a shortcut (Stop)
        elif escape:
            if kind == QEvent.Type.KeyPress:
                self._dictation.cancel()
        elif kind == QEvent.Type.KeyPress:
            self._release.stop()  # the key is still held: that release was a repeat
        elif not event.isAutoRepeat():  # type: ignore[attr-defined]
            self._release.start()
        return True


def microphone_choices() -> list[tuple[str, Any]]:
    """(label, value) of each microphone, for the settings' picker."""
    return [(tr("System default"), ""), *((name, name) for name in input_devices())]


settings_editors.RUNTIME_CHOICES["microphones"] = microphone_choices


class VoiceControls(QObject):
    """The microphone button, the level meter and the line under them, in the composer."""

    def __init__(self, dictation: Dictation, composer: Any) -> None:
        super().__init__(composer)
        from PySide6.QtGui import QPalette
        from PySide6.QtWidgets import QLabel, QPushButton

        from assistant.ui.icons import icon
        from assistant.ui.progress_bar import ProgressBar

        self._dictation = dictation
        self.button = QPushButton(icon("mic"), tr("Talk"), composer)
        self.button.setEnabled(False)
        self.button.pressed.connect(dictation.start)
        self.button.released.connect(dictation.finish)
        self.meter = ProgressBar(composer)
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(6)
        self.meter.hide()
        self.note = QLabel(composer)
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note.hide()
        composer.add_button(self.button)
        composer.add_row(self.meter)
        composer.add_row(self.note)
        dictation.availability_changed.connect(self._on_dictation_availability_changed)
        dictation.state_changed.connect(self._on_dictation_state_changed)
        dictation.level_changed.connect(lambda level: self.meter.setValue(int(level * 100)))
        self._on_dictation_availability_changed(dictation.unavailable)

    def _on_dictation_availability_changed(self, reason: str) -> None:
        self.button.setEnabled(not reason)
        self.button.setToolTip(
            reason or tr("Hold to talk (or hold F2); let go to stop, Esc cancels")
        )
        self._on_dictation_state_changed(self._dictation.state)

    def _on_dictation_state_changed(self, state: str) -> None:
        self.meter.setVisible(state == "recording")
        text = {
            "recording": tr("Listening… let go to stop, Esc cancels"),
            "transcribing": tr("Writing down what you said…"),
        }.get(state, "")
        # Why dictation is off is the button's tooltip, and what F2 says when pressed: not a
        # line under every conversation of a computer that has no microphone.
        self.note.setText(text)
        self.note.setVisible(bool(text))


def attach_dictation(window: Any) -> Dictation:
    """Give *window*'s composer push to talk: the button, F2, Esc, the level meter."""
    dictation = Dictation(window.assistant, window.jobs, window)
    window.voice_controls = VoiceControls(dictation, window.composer)
    window.push_to_talk = PushToTalkKey(dictation, window)

    def heard(text: str) -> None:
        if window.assistant.settings.general.dictation_sends:
            window.send(text, [])
        else:
            window.composer.insert_text(text)

    dictation.text_ready.connect(heard)
    dictation.failed.connect(lambda message: window.statusBar().showMessage(message, 8000))
    dictation.progress_reported.connect(
        lambda progress: window.statusBar().showMessage(progress.message, 4000)
    )
    dictation.check()
    return dictation
