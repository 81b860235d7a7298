"""Pictures in the conversation, scaled on a worker thread so that opening a conversation
full of large photos never stalls the window."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader

from assistant.ui.jobs import Job, JobRunner


def display_size(path: Path, max_width: int) -> QSize:
    """The size a picture is shown at (at most *max_width* wide), from its header only."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if not size.isValid():
        return QSize(max_width, max_width * 3 // 4)
    if reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90:
        size.transpose()
    if size.width() > max_width:
        size = QSize(max_width, max(1, size.height() * max_width // size.width()))
    return size


class Thumbnailer(QObject):
    """Scales pictures one after another on a worker; each arrives with its key."""

    ready = Signal(str, QImage)  # key, the scaled picture (null if it could not be read)

    def __init__(self, jobs: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._lock = threading.Lock()
        self._waiting: list[tuple[str, Path, QSize]] = []
        self._job: Job | None = None
        self._keys = itertools.count(1)

    def request(self, path: Path, size: QSize) -> str:
        """Queue *path* to be scaled to *size*; returns the key its picture will carry."""
        key = f"thumbnail:{next(self._keys)}"
        with self._lock:
            self._waiting.append((key, path, size))
        self._start_if_idle()
        return key

    def _start_if_idle(self) -> None:
        with self._lock:
            if self._job is not None or not self._waiting:
                return
        self._job = Job(self._scale_all)
        self._job.signals.yielded.connect(lambda item: self.ready.emit(*item))
        self._job.signals.finished.connect(self._on_job_finished)
        self._jobs.start(self._job, thread="thumbnails")  # never holds a shared worker

    def _scale_all(self, job: Job) -> Iterator[tuple[str, QImage]]:
        while not job.cancel.cancelled:
            with self._lock:
                if not self._waiting:
                    return
                key, path, size = self._waiting.pop(0)
            reader = QImageReader(str(path))
            reader.setAutoTransform(True)
            if reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90:
                size = size.transposed()  # Qt scales before it turns the picture upright
            reader.setScaledSize(size)
            yield key, reader.read()

    def cancel(self) -> None:
        """Forget the pictures still waiting (their conversation is no longer shown)."""
        with self._lock:
            self._waiting.clear()
        if self._job is not None:
            self._job.cancel.cancel()

    def _on_job_finished(self) -> None:
        cancelled = self._job is not None and self._job.cancel.cancelled
        self._job = None
        if not cancelled:
            self._start_if_idle()  # pictures asked for while the last job was ending
