"""Answers read aloud: an answer's *Read aloud* button, and the conversation's "read answers
aloud" switch, which speaks each answer sentence by sentence while it is written.

The voice is whatever plugin provides the ``tts`` service; it runs on that plugin's own
thread, fed through :class:`assistant.core.spoken.SpokenAnswer`. Each sentence is played
as soon as it is synthesised (where there is a sound output), and the whole answer's
speech is kept with the message as a sound, shown in its player, there after a restart.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QToolButton

from assistant.core.cancel import CancelToken
from assistant.core.messages import AudioOut, TextDelta
from assistant.core.spoken import SpokenAnswer, write_wav
from assistant.ui.jobs import Job

if TYPE_CHECKING:
    from assistant.core.audio import AudioOutput
    from assistant.core.engine import Assistant, Turn
    from assistant.core.messages import Chunk
    from assistant.ui.main_window import MainWindow

SERVICE = "tts"
STATE_KEY = "read_aloud"  # kept per conversation, under the providing plugin's name
CAPTION = "Read aloud"
TICK_MS = 100


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)  # the window's own strings


def tts_provider(assistant: Assistant) -> str | None:
    """The plugin that provides the ``tts`` service and is not turned off, if any."""
    from assistant.core.services import Services

    return Services(assistant, "", CancelToken(), lambda _chunk: None).provider(SERVICE)


class ReadAloud(QObject):
    """Reads answers aloud for one window."""

    speech_saved = Signal(int, object)  # message id, the stored WAV's Path
    sentence_spoken = Signal(int, object)  # message id, SpokenSentence
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.assistant = window.assistant
        self._live: dict[int, tuple[SpokenAnswer, Job]] = {}  # message id -> its speech
        self._player = SentenceQueue(self)
        if window.view.signals.audio is None:
            self._open_speaker()
        self.switch = QToolButton(window)
        self.switch.setCheckable(True)
        self.switch.setText(tr("Read answers aloud"))
        self.switch.setToolTip(tr("Speak each answer in this conversation while it is written"))
        self.switch.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.switch.setAutoRaise(True)
        from assistant.ui.icons import icon

        self.switch.setIcon(icon("speaker"))
        self.switch.toggled.connect(self._on_switch_toggled)
        window.statusBar().addPermanentWidget(self.switch)
        window.turns.turn_opened.connect(self._on_turn_opened)
        window.turns.chunks_arrived.connect(self._on_turn_chunks_arrived)
        window.turns.turn_finished.connect(self._on_turn_finished)
        window.sidebar.conversation_selected.connect(lambda *_: self.refresh())
        window.sidebar.new_requested.connect(self.refresh)
        self.speech_saved.connect(self._on_speech_saved)
        self.failed.connect(window.show_error)
        self.refresh()

    def _open_speaker(self) -> None:
        """Find the sound output off the GUI thread (PortAudio and numpy take a while to
        load); the players shown meanwhile get it when it is found."""
        from assistant.core.speaker import open_speaker

        job = Job(lambda job: iter([open_speaker()]))
        job.signals.yielded.connect(self._on_speaker_opened)
        self._window.jobs.start(job)

    def _on_speaker_opened(self, speaker: AudioOutput | None) -> None:
        from assistant.ui.audio_player import AudioPlayer

        view = self._window.view
        if speaker is None or view.signals.audio is not None:
            return
        view.signals.audio = speaker
        for player in view.findChildren(AudioPlayer):
            player.use_output(speaker)

    # ---- the switch ------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the switch as the current conversation has it."""
        self.switch.blockSignals(True)
        self.switch.setChecked(self.is_on(self._window.conversation_id))
        self.switch.blockSignals(False)

    def is_on(self, conversation_id: int) -> bool:
        if not conversation_id:
            return self.switch.isChecked()  # a conversation not yet stored takes the switch
        return self.assistant.store.get_state(conversation_id, SERVICE, STATE_KEY) == "on"

    def _on_switch_toggled(self, on: bool) -> None:
        conversation = self._window.conversation_id
        if conversation:
            self.assistant.store.set_state(conversation, SERVICE, STATE_KEY, "on" if on else "")
        if not on:
            self.stop()

    # ---- answers while they are written ----------------------------------------------

    def _on_turn_opened(self, turn: Turn) -> None:
        if self.switch.isChecked() and turn.conversation_id == self._window.conversation_id:
            # (a new conversation's switch may have been set before the conversation existed)
            self.assistant.store.set_state(turn.conversation_id, SERVICE, STATE_KEY, "on")
        voice_mode = getattr(self._window, "voice_mode", None)
        if voice_mode is not None and voice_mode.on:
            return  # voice mode speaks its answers itself
        if self.is_on(turn.conversation_id) and turn.route.plugin != tts_provider(self.assistant):
            self._speak(turn.reply_message_id, None)

    def _on_turn_chunks_arrived(self, reply: int, chunks: list[Chunk]) -> None:
        live = self._live.get(reply)
        if live is not None:
            for chunk in chunks:
                if isinstance(chunk, TextDelta):
                    live[0].feed(chunk.text)

    def _on_turn_finished(self, reply: int) -> None:
        live = self._live.get(reply)
        if live is not None:
            live[0].finish()

    # ---- an answer's Read aloud ------------------------------------------------------

    def read(self, message_id: int) -> Job | None:
        """Read one stored answer aloud (again: its kept recording, where it has one)."""
        message = self.assistant.store.message(message_id)
        if message is None or message_id in self._live:
            return None
        kept = [a for a in message.attachments if a.kind == "audio" and a.name == CAPTION]
        if kept and Path(kept[-1].path).is_file():
            if self._output() is not None:
                self._player.play_file(Path(kept[-1].path))
            else:
                self._window.statusBar().showMessage(
                    tr("This answer has been read aloud already: its recording is under it."),
                    5000,
                )
            return None
        return self._speak(message_id, message.content)

    def stop(self) -> None:
        """Stop speaking: every answer being read, and what plays."""
        for _, job in list(self._live.values()):
            job.cancel.cancel()
        self._player.stop()

    @property
    def speaking(self) -> list[int]:
        """The messages being read aloud now."""
        return list(self._live)

    def _speak(self, message_id: int, text: str | None) -> Job | None:
        provider = tts_provider(self.assistant)
        if provider is None:
            self.failed.emit(
                tr("No plugin reads answers aloud: turn on Spoken replies in the plugin manager.")
            )
            return None
        spoken = SpokenAnswer(CancelToken())
        if text is not None:
            spoken.feed(text)
            spoken.finish()
        job = Job(lambda job: self._body(job, provider, message_id, spoken), spoken.cancel)
        job.signals.yielded.connect(lambda item: self._on_job_yielded(message_id, item))
        job.signals.failed.connect(self.failed)
        job.signals.finished.connect(lambda: self._live.pop(message_id, None))
        self._live[message_id] = (spoken, job)
        thread = self.assistant.registry.thread_for(provider)
        return self._window.jobs.start(job, thread=thread)

    def _body(
        self, job: Job, provider: str, message_id: int, spoken: SpokenAnswer
    ) -> Iterator[Any]:
        """On the voice's thread: each sentence spoken (and written for the player), then
        all of them kept with the message."""
        assistant = self.assistant
        from assistant.core.services import Services

        voice = Services(assistant, "", job.cancel, job.report)[SERVICE]
        folder = assistant.paths.plugin_data(provider) / "speech"
        name = f"{message_id}-{uuid.uuid4().hex[:8]}"
        playing = self._output() is not None
        for sentence in spoken.sentences_spoken(voice):
            if playing:
                path = assistant.paths.cache / "speech" / f"{name}-{sentence.index}.wav"
                write_wav(path, sentence.speech)
                yield (sentence, path)
            else:
                yield (sentence, None)
        path = spoken.save(folder / f"{name}.wav")
        if path is None:
            return
        assistant.store.add_attachment(
            message_id, kind="audio", mime="audio/wav", name=CAPTION, sha256="",
            path=str(path), size=path.stat().st_size,
        )  # fmt: skip
        yield path

    def _on_job_yielded(self, message_id: int, item: object) -> None:
        if isinstance(item, Path):
            self.speech_saved.emit(message_id, item)
        elif isinstance(item, tuple):
            sentence, path = item
            if path is not None:
                self._player.enqueue(path)
            self.sentence_spoken.emit(message_id, sentence)

    def _on_speech_saved(self, message_id: int, path: Path) -> None:
        view = self._window.view
        shown = view.is_shown(message_id) and any(
            part[:2] == ("audio", str(path)) for part in view.rendered(message_id)
        )  # a view rebuilt from the store meanwhile already shows it
        if view.is_shown(message_id) and not shown:
            view.add_chunk(message_id, AudioOut(path, CAPTION))

    def _output(self) -> AudioOutput | None:
        return self._window.view.signals.audio


class SentenceQueue(QObject):
    """Plays sentence after sentence on the window's sound output, as they come."""

    def __init__(self, owner: ReadAloud) -> None:
        super().__init__(owner)
        self._owner = owner
        self._waiting: list[Path] = []
        self._current: Path | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)

    def enqueue(self, path: Path) -> None:
        self._waiting.append(path)
        self._on_tick()

    def play_file(self, path: Path) -> None:
        self.stop()
        self.enqueue(path)

    def stop(self) -> None:
        self._waiting.clear()
        output = self._owner._output()
        if self._current is not None and output is not None:
            output.stop()
        self._current = None
        self._timer.stop()

    def _on_tick(self) -> None:
        output = self._owner._output()
        if output is None or output.playing():
            return
        if not self._waiting:
            self._current = None
            self._timer.stop()
            return
        self._current = self._waiting.pop(0)
        output.play(self._current)
        self._timer.start()
