"""Turns in flight: each request is prepared on the shared pool, then answered on its
plugin's own thread, and its chunks are delivered to the GUI thread a frame at a time.

A stop is cooperative, but a library call (a model load, a download's blocking read)
cannot be interrupted: an answer that has not ended ``STOP_GRACE_MS`` after its stop is
let go. It is stored as stopped and its turn finishes at once, so the person can go on;
its job ends in the background (a model it was loading stays loaded for the next
request) and nothing it still sends reaches the window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from assistant.core.messages import Chunk, Progress, TextDelta
from assistant.ui.jobs import Job, JobRunner
from assistant.ui.relay import Relay

if TYPE_CHECKING:
    from assistant.core.engine import Assistant, Turn

STOP_GRACE_MS = 200  # a stopped answer that has not ended by then is let go


class TurnRunner(QObject):
    """Starts turns and reports what happens to them."""

    turn_opened = Signal(object)  # Turn: the question is stored and the answer begins
    progress_reported = Signal(int, object)  # reply message id, Progress (out of band)
    turn_failed = Signal(int, str)  # reply message id (0 before the reply exists), message
    turn_finished = Signal(int)  # reply message id; always last
    busy_changed = Signal(bool)

    def __init__(self, assistant: Assistant, runner: JobRunner, parent: QObject | None = None):
        super().__init__(parent)
        # Reply message id, chunks (in order, a frame's worth): at every frame of a stream,
        # so a plain call rather than a Qt signal (see assistant.ui.relay).
        self.chunks_arrived = Relay("TurnRunner.chunks_arrived")
        self.assistant = assistant
        self.runner = runner
        self._answering: dict[int, Job] = {}  # reply message id -> its job
        self._conversations: dict[int, int] = {}  # reply message id -> its conversation
        self._streamed: dict[int, list[Chunk]] = {}  # reply message id -> its chunks so far
        self._preparing = 0

    @property
    def busy(self) -> bool:
        return bool(self._answering) or self._preparing > 0

    def answering(self) -> list[int]:
        return list(self._answering)

    def ask(
        self,
        conversation_id: int,
        text: str,
        files: list[Any],
        plugin: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        """Store and answer a new question (with *options* given apart from its text)."""
        self._open(
            lambda: self.assistant.prepare(
                conversation_id, text, files, plugin=plugin, options=options
            )
        )

    def regenerate(self, reply_id: int, plugin: str | None = None) -> None:
        self._open(lambda: self.assistant.regenerate(reply_id, plugin=plugin))

    def edit_and_resend(
        self, message_id: int, text: str, options: dict[str, Any] | None = None
    ) -> None:
        self._open(lambda: self.assistant.edit_and_resend(message_id, text, options))

    def stop(self, reply_id: int | None = None) -> None:
        """Stop one answer, or all of them."""
        for job_reply, job in list(self._answering.items()):
            if reply_id is None or job_reply == reply_id:
                job.cancel.cancel()
                QTimer.singleShot(
                    STOP_GRACE_MS, self, lambda r=job_reply, j=job: self._let_go(r, j)
                )

    def let_go_all(self) -> None:
        """Store every answer still being written as stopped, with what it said, and end
        its turn (the app is closing and will not wait for it)."""
        for reply, job in list(self._answering.items()):
            job.cancel.cancel()
            self._let_go(reply, job)

    def _let_go(self, reply: int, job: Job) -> None:
        """End a stopped answer whose job is stuck in a call that cannot be interrupted."""
        if self._answering.get(reply) is not job or job.ended:
            return  # it ended by itself (it stored its own ending; its finished follows)
        job.signals.deliver_waiting()  # what it streamed before the stop is shown and kept
        self.assistant.store.finish_message(reply, self.text_so_far(reply), "stopped")
        self._on_answer_finished(reply, job)

    def stop_conversation(self, conversation_id: int) -> None:
        """Stop every answer being written in one conversation."""
        for reply, conversation in list(self._conversations.items()):
            if conversation == conversation_id:
                self.stop(reply)

    def _open(self, prepare: Callable[[], Turn]) -> None:
        def body(job: Job) -> Iterator[Turn]:
            yield prepare()

        job = Job(body)
        job.signals.yielded.connect(self._on_prepare_yielded)
        job.signals.failed.connect(lambda message: self.turn_failed.emit(0, message))
        job.signals.finished.connect(self._on_prepare_finished)
        self._preparing += 1
        self.busy_changed.emit(True)
        self.runner.start(job)

    def _on_prepare_finished(self) -> None:
        self._preparing -= 1
        if not self.busy:
            self.busy_changed.emit(False)

    def _on_prepare_yielded(self, turn: Turn) -> None:
        self.turn_opened.emit(turn)
        reply = turn.reply_message_id

        def body(job: Job) -> Iterator[Chunk]:
            return self.assistant.execute(turn, job.cancel, job.report)

        job = Job(body)
        self._streamed[reply] = []
        job.signals.batch.connect(lambda chunks: self._on_chunks(reply, chunks, job))
        job.signals.progressed.connect(lambda chunk: self._on_progress(reply, chunk, job))
        job.signals.failed.connect(lambda message: self._on_failed(reply, message, job))
        job.signals.finished.connect(lambda: self._on_answer_finished(reply, job))
        self._answering[reply] = job
        self._conversations[reply] = turn.conversation_id
        self.runner.start(job, thread=self.assistant.registry.thread_for(turn.route.plugin))

    def _on_chunks(self, reply: int, chunks: list[Chunk], job: Job) -> None:
        if self._answering.get(reply) is not job:
            return  # let go after a stop: nothing more of it is shown
        self._streamed[reply].extend(c for c in chunks if not isinstance(c, Progress))
        self.chunks_arrived.emit(reply, chunks)

    def streamed(self, reply: int) -> list[Chunk]:
        """Everything an answer still being written has streamed so far, in order."""
        return list(self._streamed.get(reply, ()))

    def text_so_far(self, reply: int) -> str:
        """All the text an answer still being written has streamed, up to now."""
        return "".join(c.text for c in self.streamed(reply) if isinstance(c, TextDelta))

    def _on_progress(self, reply: int, chunk: Progress, job: Job) -> None:
        if self._answering.get(reply) is job:
            self.progress_reported.emit(reply, chunk)

    def _on_failed(self, reply: int, message: str, job: Job) -> None:
        if self._answering.get(reply) is job:
            self.turn_failed.emit(reply, message)

    def _on_answer_finished(self, reply: int, job: Job) -> None:
        if not isValid(self):
            return  # the window has gone meanwhile (its end is told between frames)
        if self._answering.get(reply) is not job:
            return  # let go after a stop: its turn has already finished
        self._answering.pop(reply, None)
        self._streamed.pop(reply, None)
        self._conversations.pop(reply, None)
        self.turn_finished.emit(reply)
        if not self.busy:
            self.busy_changed.emit(False)
