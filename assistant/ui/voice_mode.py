"""Voice mode: a hands-free spoken conversation in the window (the button beside the
microphone, or Ctrl+Shift+V).

The listener hears the microphone on the microphone's own thread; what it tells comes here
as a queued signal. :class:`~assistant.core.voice_loop.VoiceConversation` decides; this
module does what it asks, off the GUI thread: the transcription on the ``stt`` provider's
thread, the speech on the ``tts`` provider's, and it sends each turn's words exactly as
typed text, so the router picks the plugin and the conversation keeps them. The line above
the message box shows the state and the level all the time; its *Timings* shows how long
each stage of the last turns took.

``ASSISTANT_VOICE_ROOM=script.json`` puts voice mode in a simulated room (see
:mod:`assistant.core.room`): the person's recorded clips instead of a microphone, and a
loudspeaker whose sound comes back into it, with no sound card.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut

from assistant.core.messages import TextDelta
from assistant.core.voice_loop import TurnTimings, VoiceConversation, VoiceSettings
from assistant.ui.jobs import Job

if TYPE_CHECKING:
    from assistant.core.audio import AudioInput, AudioOutput
    from assistant.core.engine import Turn
    from assistant.core.listening import Listener
    from assistant.core.messages import Chunk
    from assistant.core.speech import Frames
    from assistant.core.spoken import SpokenAnswer
    from assistant.ui.main_window import MainWindow

SHORTCUT = "Ctrl+Shift+V"
TICK_MS = 50
HOLDING = ("speech_started", "barge_in")  # what silences the speech at once
STATE_PLUGIN = "voice"  # where each turn's timings are kept, per conversation


def tr(text: str) -> str:
    return QCoreApplication.translate("VoiceMode", text)


# assistant.core.vad's and assistant.core.echo's REASONS, written out to be translated
LISTEN_REASONS = (
    "Voice mode needs the Silero voice-activity model: {install}.",
    "The silero-vad package has no {file}; reinstall it: {install}.",
    "Voice mode needs onnxruntime: pip install onnxruntime.",
    "The voice-activity model {name} could not be loaded ({error}).",
    "Echo cancellation needs the livekit package (pip install livekit): {error}.",
    "The echo canceller could not start ({error}).",
    "Echo cancellation failed ({error}).",
)


def reason_text(exc: BaseException) -> str:
    """Why listening (or echo cancellation) cannot run, in the window's language."""
    translated = {text: tr(text) for text in LISTEN_REASONS}
    template = getattr(exc, "template", None)
    if isinstance(template, str) and template in translated:
        try:
            return translated[template].format(**getattr(exc, "values", {}))
        except (KeyError, IndexError):
            pass  # a template changed its fields: the English sentence below
    return str(exc)


def state_text(state: str) -> str:
    return {
        "off": tr("Voice mode is off"),
        "starting": tr("Starting voice mode…"),
        "listening": tr("Listening"),
        "hearing": tr("Hearing you…"),
        "thinking": tr("Thinking…"),
        "speaking": tr("Speaking (talk to interrupt)"),
    }.get(state, state)


def timings_text(timings: TurnTimings) -> str:
    """One turn's stages, as the person reads them."""
    stages = timings.stages()
    parts = [tr("end of speech")]
    for key, label in (
        ("transcript_s", tr("transcript")),
        ("first_token_s", tr("first word")),
        ("first_audio_s", tr("first audio")),
    ):
        value = stages[key]
        parts.append(f"{label} {value:.2f} s" if value is not None else f"{label} –")
    return " → ".join(parts)


def voice_settings(general: Any) -> VoiceSettings:
    """Voice mode's settings from the app's general settings."""
    from assistant.core.listening import ListenSettings

    stops = tuple(w.strip() for w in general.voice_stop_words.split(",") if w.strip())
    return VoiceSettings(
        ListenSettings(
            end_silence_s=general.voice_end_silence_s,
            echo_cancellation=general.voice_echo_cancellation,
        ),
        wake_word=general.voice_wake_word.strip(),
        stop_words=stops,
    )


class VoiceMode(QObject):
    """Voice mode for one window: the conversation's effects, run with the window's jobs."""

    changed_state = Signal(str)
    failed = Signal(str)
    _heard = Signal(object)  # a list of ListenEvents, from the microphone's thread

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.conversation: VoiceConversation | None = None
        self.microphone: AudioInput | None = None
        self.output: AudioOutput | None = None
        self.room: Any = None  # the SimulatedRoom, when voice mode runs in one
        self.room_factory: Callable[[], Any] | None = None  # makes one (else ASSISTANT_VOICE_ROOM)
        self.fallback = ""  # why the microphone closes while the assistant speaks, if it does
        self.reply = 0  # the answer being spoken
        self.starting = False
        self._unkept: dict[tuple[int, int], TurnTimings] = {}
        self._heard.connect(self._on_listener_heard)
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._on_ticker_timeout)
        turns = window.turns
        turns.turn_opened.connect(self._on_turn_opened)
        turns.chunks_arrived.connect(self._on_turn_chunks_arrived)
        turns.turn_finished.connect(self._on_turn_finished)
        turns.turn_failed.connect(self._on_turn_failed)

    @property
    def on(self) -> bool:
        return self.starting or self.conversation is not None

    @property
    def state(self) -> str:
        if self.starting:
            return "starting"
        return self.conversation.state if self.conversation is not None else "off"

    # ---- on and off -------------------------------------------------------------------

    def toggle(self) -> None:
        self.stop() if self.on else self.start()

    def start(self) -> None:
        """Turn voice mode on: load the listener off the GUI thread, then listen."""
        if self.on:
            return
        from assistant.core.cancel import CancelToken
        from assistant.core.services import Services

        services = Services(self._window.assistant, "", CancelToken(), lambda _c: None)
        if services.provider("stt") is None:
            self.failed.emit(
                tr("Voice mode needs the Transcribe plugin: turn it on in the plugin manager.")
            )
            self.changed_state.emit("off")
            return
        self.starting = True
        self.changed_state.emit(self.state)
        settings = voice_settings(self._window.assistant.settings.general)
        job = Job(lambda job: iter([self._prepare(settings)]))
        job.signals.yielded.connect(lambda ready: self._on_prepared(ready, settings))
        job.signals.failed.connect(self._on_prepare_failed)
        self._window.jobs.start(job)

    def _prepare(self, settings: VoiceSettings) -> tuple[Listener, AudioInput, Any] | str:
        """On a worker: Silero, the echo canceller, the microphone (or the room); or why
        not, as a sentence to show."""
        from assistant.core.listening import Listener
        from assistant.core.microphone import MicrophoneUnavailable, open_microphone
        from assistant.core.room import RoomScriptError, room_from_env
        from assistant.core.vad import VoiceActivityUnavailable

        try:
            listener = Listener(settings.listen)
            room = self.room_factory() if self.room_factory else room_from_env()
            if room is not None:
                room.speaker.on_played = listener.played
                return listener, room, room
            microphone = open_microphone(self._window.assistant.settings.general.microphone)
        except (VoiceActivityUnavailable, RoomScriptError, MicrophoneUnavailable) as exc:
            return reason_text(exc)
        return listener, microphone, None

    def _on_prepare_failed(self, message: str) -> None:
        self.starting = False
        self.failed.emit(tr("Voice mode cannot start: {reason}").format(reason=message))
        self.changed_state.emit("off")

    def _on_prepared(
        self, ready: tuple[Listener, AudioInput, Any], settings: VoiceSettings
    ) -> None:
        listener, microphone, room = ready
        if not self.starting:  # turned off while it loaded
            return
        self.starting = False
        self.room = room
        self.output = room.speaker if room is not None else self._window.view.signals.audio
        if room is None and self.output is not None and hasattr(self.output, "on_played"):
            self.output.on_played = listener.played  # the echo to take out of the microphone
        self.fallback = ""
        if not listener.echo_cancelling:
            error = listener.echo_error
            self.fallback = tr(
                "No echo cancellation{why}: the microphone is closed while I speak; "
                "press Esc to interrupt."
            ).format(why=f" ({reason_text(error).rstrip('.')})" if error else "")
        self.conversation = VoiceConversation(listener, self.output, self, settings)
        self.conversation.start()
        if hasattr(self._window, "read_aloud"):
            self._window.read_aloud.stop()  # one voice at a time
        try:
            microphone.start(lambda frames: self._on_frames(listener, frames))
        except Exception as exc:  # MicrophoneUnavailable, or the device failing to open
            self.conversation = None
            self.failed.emit(tr("Voice mode cannot start: {reason}").format(reason=exc))
            self.changed_state.emit("off")
            return
        self.microphone = microphone
        self._ticker.start()
        self.changed_state.emit(self.state)

    def stop(self) -> None:
        """Turn voice mode off (an answer being written goes on, in writing)."""
        self.starting = False
        microphone, self.microphone = self.microphone, None
        if microphone is not None:
            microphone.stop()
        if self.conversation is not None:
            self.conversation.stop()
        self.conversation = None
        self.reply = 0
        self._ticker.stop()
        self._flush_timings()
        self.changed_state.emit("off")

    def interrupt(self) -> None:
        """Esc: stop speaking and writing the answer, and listen."""
        if self.conversation is not None:
            self.conversation.interrupt()

    # ---- hearing ----------------------------------------------------------------------

    def _on_frames(self, listener: Listener, frames: Frames) -> None:
        events = listener.hear(frames)  # on the microphone's thread: Silero runs here
        conversation = self.conversation
        if conversation is not None and any(e.kind in HOLDING for e in events):
            conversation.hold_now()  # silence the speech now, not when the GUI gets to it
        if events:
            self._heard.emit(events)

    def _on_listener_heard(self, events: list[Any]) -> None:
        if self.conversation is not None:
            self.conversation.heard(events)

    def _on_ticker_timeout(self) -> None:
        if self.conversation is not None:
            self.conversation.tick()

    # ---- VoiceEffects -----------------------------------------------------------------

    def transcribe(self, audio: Frames, timings: TurnTimings) -> None:
        from assistant.core.services import Services

        def body(job: Job) -> Iterator[tuple[str, list[Any]]]:
            stt = Services(self._window.assistant, "", job.cancel, job.report)["stt"]
            segments = list(stt.transcribe(audio, job.cancel))
            yield " ".join(s.text.strip() for s in segments), segments

        job = Job(body)
        result: list[tuple[str, list[Any]]] = []
        job.signals.yielded.connect(result.append)
        job.signals.failed.connect(self.failed)
        job.signals.finished.connect(lambda: self._on_transcribed(timings, result))
        thread = Services(self._window.assistant, "", job.cancel, job.report).thread_for("stt")
        self._window.jobs.start(job, thread)

    def _on_transcribed(self, timings: TurnTimings, result: list[tuple[str, list[Any]]]) -> None:
        if self.conversation is not None:
            text, segments = result[0] if result else ("", [])
            self.conversation.transcribed(timings, text, segments)

    def submit(self, text: str) -> None:
        self._window.send(text, [])

    def cancel_answer(self) -> None:
        self._window.turns.stop(self.reply or None)

    def synthesize(self, spoken: SpokenAnswer) -> None:
        from assistant.core.services import Services

        assistant = self._window.assistant
        services = Services(assistant, "", spoken.cancel, lambda _c: None)
        if services.provider("tts") is None:
            spoken.cancel.cancel()  # nothing speaks: the answer is there to read
            QTimer.singleShot(0, self, lambda: self._on_sentences_done(spoken))
            return
        folder = assistant.paths.cache / "voice"
        name = uuid.uuid4().hex[:8]

        def body(job: Job) -> Iterator[Path]:
            from assistant.core.spoken import write_wav

            voice = Services(assistant, "", job.cancel, job.report)["tts"]
            for sentence in spoken.sentences_spoken(voice):
                path = folder / f"{name}-{sentence.index}.wav"
                write_wav(path, sentence.speech)
                yield path

        job = Job(body, spoken.cancel)
        job.signals.yielded.connect(lambda path: self._on_sentence_ready(spoken, path))
        job.signals.failed.connect(self.failed)
        job.signals.finished.connect(lambda: self._on_sentences_done(spoken))
        self._window.jobs.start(job, services.thread_for("tts"))

    def _on_sentence_ready(self, spoken: SpokenAnswer, path: Path) -> None:
        if self.conversation is not None:
            self.conversation.sentence_ready(spoken, path)

    def _on_sentences_done(self, spoken: SpokenAnswer) -> None:
        if self.conversation is not None:
            self.conversation.sentences_done(spoken)

    def changed(self) -> None:
        if self._unkept and self.state in ("listening", "hearing", "off"):
            self._flush_timings()
        self.changed_state.emit(self.state)

    # ---- the answer, as the window's turns report it ----------------------------------

    def _on_turn_opened(self, turn: Turn) -> None:
        conversation = self.conversation
        if conversation is None or turn.conversation_id != self._window.conversation_id:
            return
        if conversation.answer_opened():
            self.reply = turn.reply_message_id
            self._keep_timings(turn.conversation_id, turn.user_message_id)

    def _on_turn_chunks_arrived(self, reply: int, chunks: list[Chunk]) -> None:
        if reply == self.reply and self.conversation is not None:
            for chunk in chunks:
                if isinstance(chunk, TextDelta):
                    self.conversation.answer_text(chunk.text)

    def _on_turn_finished(self, reply: int) -> None:
        if reply == self.reply and self.conversation is not None:
            self.reply = 0
            self.conversation.answer_finished()

    def _on_turn_failed(self, reply: int, _message: str) -> None:
        conversation = self.conversation
        if not reply and conversation is not None and conversation.answer_opened():
            conversation.answer_finished()  # the question could not be stored: listen on

    def _keep_timings(self, conversation_id: int, question_id: int) -> None:
        """Keep the turn's timings with the conversation, once the turn has been spoken."""
        conversation = self.conversation
        if conversation is not None and conversation.timings:
            self._unkept[(conversation_id, question_id)] = conversation.timings[-1]

    def _flush_timings(self) -> None:
        store = self._window.assistant.store
        for (conversation_id, question_id), timings in self._unkept.items():
            value = json.dumps(timings.stages())
            store.set_state(conversation_id, STATE_PLUGIN, f"timings/{question_id}", value)
        self._unkept.clear()


def attach_voice_mode(window: MainWindow) -> VoiceMode:
    """Give *window* voice mode: the button, Ctrl+Shift+V, the state line."""
    from assistant.ui.voice_bar import VoiceBar

    voice = VoiceMode(window)
    window.voice_bar = VoiceBar(voice, window.composer)
    shortcut = QShortcut(QKeySequence(SHORTCUT), window)
    shortcut.activated.connect(voice.toggle)
    voice.failed.connect(window.show_error)
    return voice
