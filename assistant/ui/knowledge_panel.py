"""The Documents panel: the files the assistant answers from, and their indexing.

Indexing runs on the documents plugin's own thread, with a progress bar (files, passages,
rate, time left) and a cancel button; the window stays usable meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.jobs import Job, JobRunner
from assistant.ui.progress_bar import ProgressBar

if TYPE_CHECKING:
    from assistant.core.engine import Assistant

PLUGIN = "rag"
PATH = Qt.ItemDataRole.UserRole


def tr(text: str) -> str:
    return QCoreApplication.translate("KnowledgePanel", text)


class KnowledgePanel(QDockWidget):
    """Lists the indexed documents; adds, removes and re-indexes them in the background."""

    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(tr("Documents"), parent)
        self.setObjectName("knowledge")
        self.jobs = jobs
        self.assistant: Assistant | None = None
        self.job: Job | None = None
        body = QWidget(self)
        self.list = QListWidget(body)
        self.status = QLabel(tr("Drop files or folders here, or add them below."), body)
        self.status.setWordWrap(True)
        self.progress = ProgressBar(body)
        self.progress.hide()
        self.cancel_button = QPushButton(tr("Cancel"), body)
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        for label, slot in (
            (tr("Add files…"), self._on_add_files_clicked),
            (tr("Add folder…"), self._on_add_folder_clicked),
            (tr("Remove"), self._on_remove_clicked),
            (tr("Re-index"), self._on_reindex_clicked),
        ):
            button = QPushButton(label, body)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(body)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self.setWidget(body)

    @property
    def available(self) -> bool:
        return self.assistant is not None and PLUGIN in self.assistant.registry

    def attach(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.setEnabled(self.available)
        if not self.available:
            self.status.setText(tr("The documents plugin is not installed."))

    def refresh(self) -> Job | None:
        """List the documents at once, from the index alone; then open the index for
        adding and removing (which loads the embedding model, in the background)."""
        self.show_indexed()
        return self._run(lambda knowledge, job: iter(()))

    def show_indexed(self) -> bool:
        """List what the index holds, read without loading the plugin or its model."""
        if not self.available:
            return False
        assistant = self.assistant
        assert assistant is not None
        record = assistant.registry.record(PLUGIN)
        listing = getattr(record.plugin if record else None, "indexed_sources", None)
        if not callable(listing):
            return False
        try:
            sources = listing(assistant.paths.plugin_data(PLUGIN))
        except (OSError, ValueError) as exc:  # a damaged index: said, and the panel goes on
            self.status.setText(
                tr("The list of documents cannot be read: %1").replace("%1", str(exc))
            )
            return False
        self._show_sources(sources)
        return True

    def add(self, paths: list[Path]) -> Job | None:
        """Index *paths* (files or folders) in the background."""
        return self._run(
            lambda knowledge, job: iter([knowledge.add(paths, job.report, job.cancel)])
        )

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel.cancel()

    def _run(self, work: Callable[[Any, Job], Iterator[Any]]) -> Job | None:
        if not self.available or self.job is not None:
            return None
        assistant = self.assistant
        assert assistant is not None

        def body(job: Job) -> Iterator[object]:
            context = assistant.context_for(PLUGIN, job.cancel, job.report)
            knowledge = assistant.registry.ensure_loaded(PLUGIN, context).knowledge  # type: ignore[attr-defined]
            yield from work(knowledge, job)
            yield knowledge.sources()

        job = Job(body)
        job.signals.progressed.connect(self._on_job_progressed)
        job.signals.yielded.connect(self._on_job_yielded)
        job.signals.failed.connect(self.status.setText)
        job.signals.finished.connect(self._on_job_finished)
        self.job = job
        self.cancel_button.show()
        return self.jobs.start(job, thread=assistant.registry.thread_for(PLUGIN))

    def _on_job_progressed(self, progress: Any) -> None:
        if not hasattr(progress, "files_total"):
            self.status.setText(getattr(progress, "message", ""))  # a model loading
            return
        self.progress.show()
        self.progress.setRange(0, max(progress.files_total, 1))
        self.progress.setValue(progress.files_done)
        eta = f", {progress.eta_s:.0f} s " + tr("left") if progress.eta_s is not None else ""
        self.status.setText(
            f"{progress.current} — {progress.files_done}/{progress.files_total} "
            + tr("files")
            + f", {progress.chunks_done} "
            + tr("passages")
            + f", {progress.rate:.0f}/s{eta}"
        )

    def _on_job_yielded(self, item: Any) -> None:
        if isinstance(item, list):
            self._show_sources(item)
            return
        failed = "; ".join(f"{name}: {reason}" for name, reason in item.failed)
        summary = tr("Indexed %1, unchanged %2, removed %3.")
        for number, value in enumerate((item.indexed, item.skipped, item.removed), 1):
            summary = summary.replace(f"%{number}", str(len(value)))
        if item.cancelled:
            summary += " " + tr("Stopped; what was indexed is kept.")
        self.status.setText(summary + (f"\n{failed}" if failed else ""))

    def _show_sources(self, sources: list[Any]) -> None:
        self.list.clear()
        for source in sources:
            text = f"{source.title} — {source.chunks} " + tr("passages")
            if source.status != "indexed":
                text += (
                    f" ({source.status}: {source.reason})"
                    if source.reason
                    else f" ({source.status})"
                )
            item = QListWidgetItem(text)
            item.setData(PATH, source.path)
            item.setToolTip(source.path)
            self.list.addItem(item)

    def _on_job_finished(self) -> None:
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()

    def _on_add_files_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, tr("Add documents"))
        if names:
            self.add([Path(n) for n in names])

    def _on_add_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Add a folder of documents"))
        if folder:
            self.add([Path(folder)])

    def _on_remove_clicked(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            path = item.data(PATH)

            def remove(knowledge: Any, job: Job) -> Iterator[Any]:
                knowledge.remove(path)
                return iter(())

            self._run(remove)

    def _on_reindex_clicked(self) -> None:
        self._run(lambda knowledge, job: iter([knowledge.reindex(job.report, job.cancel)]))
