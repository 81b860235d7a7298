"""Work the window asks of plugins besides answering: their links, reloads, idle unloads.

Each runs on the plugin's own thread (when it has one), like its answers do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from assistant.core.messages import ImageOut, Notice, Progress, TextDelta
from assistant.ui.jobs import Job, JobRunner

if TYPE_CHECKING:
    from assistant.core.engine import Assistant


class PluginJobs(QObject):
    """Starts plugin jobs and reports what they show."""

    image_shown = Signal(object, str)  # Path, title
    message_shown = Signal(str)
    progress_reported = Signal(object)  # Progress, out of band (a download a link started)
    failed = Signal(str)

    def __init__(self, assistant: Assistant, jobs: JobRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.assistant = assistant
        self.jobs = jobs

    def _start(self, job: Job, plugin: str) -> Job:
        return self.jobs.start(job, thread=self.assistant.registry.thread_for(plugin))

    def follow_link(self, plugin: str, target: str) -> Job:
        """Ask *plugin* what one of its links (``plugin:target``) shows."""
        from assistant.core.engine import follow_link

        job = Job(lambda job: follow_link(self.assistant, plugin, target, job.cancel, job.report))
        job.signals.yielded.connect(self._on_link_chunk)
        job.signals.progressed.connect(self.progress_reported)
        job.signals.failed.connect(self.failed)
        return self._start(job, plugin)

    def _on_link_chunk(self, chunk: object) -> None:
        if isinstance(chunk, ImageOut):
            self.image_shown.emit(chunk.path, chunk.caption or chunk.path.name)
        elif isinstance(chunk, Progress):
            self.progress_reported.emit(chunk)
        elif isinstance(chunk, TextDelta | Notice):
            self.message_shown.emit(chunk.text)

    def reload(self, plugin: str) -> Job:
        """Unload *plugin* and its models; it loads again, with its settings, when next asked."""

        def body(job: Job) -> Iterator[None]:
            self.assistant.models.unload_all(owner=plugin)
            self.assistant.registry.unload(plugin)
            return iter(())

        return self._start(Job(body), plugin)

    def unload_idle_models(self) -> None:
        """Unload models unused for a while, each on the thread of the plugin that owns it."""
        models = self.assistant.models
        for owner in models.idle_owners():
            self._start(Job(lambda job, owner=owner: iter(models.sweep(owner=owner))), owner)
