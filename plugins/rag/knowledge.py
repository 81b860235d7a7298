"""The documents a person added, as one object: index them, list them, search them.

:class:`Knowledge` is what the plugin uses to answer and what the UI's Knowledge panel
uses to list, remove and re-index sources (from a worker thread: indexing is long).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.cancel import CancelToken
from assistant.core.models import ModelRegistry
from plugins.rag.embedder import (
    BUILTIN_MODEL_MB,
    Embedder,
    OpenAIEmbedder,
    ProgressFn,
    SentenceTransformerEmbedder,
    api_key,
    load_sentence_transformer,
)
from plugins.rag.indexer import Indexer, IndexProgress, IndexReport, IndexSettings
from plugins.rag.retrieve import Retrieval, Retriever
from plugins.rag.settings import RagSettings
from plugins.rag.store import SqliteVecIndex, VectorIndex


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One indexed file as the Knowledge panel lists it."""

    path: str
    title: str
    chunks: int
    status: str  # "indexed", "failed" or "stale"
    reason: str = ""


def make_embedder(settings: RagSettings, models: ModelRegistry, progress: ProgressFn) -> Embedder:
    """The embedder the settings ask for; a local model loads through the model registry."""
    if settings.embedding_base_url:
        return OpenAIEmbedder(settings.embedding_base_url, settings.embedding_model_name, api_key())
    name = settings.embedding_model
    handle = models.handle(
        name or "all-MiniLM-L6-v2",
        lambda report: load_sentence_transformer(name, report),
        owner="rag",
        approx_mb=BUILTIN_MODEL_MB,
    )

    def get_model() -> Any:
        return handle.get(progress)

    return SentenceTransformerEmbedder(get_model, name)


class Knowledge:
    """The person's indexed documents: indexing, listing, removing and retrieval."""

    def __init__(self, index: VectorIndex, embedder: Embedder, settings: RagSettings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.retriever = Retriever(index, embedder)

    @classmethod
    def open(cls, data_dir: Path, embedder: Embedder, settings: RagSettings) -> Knowledge:
        """The knowledge kept in *data_dir*, searched with *embedder*."""
        store = SqliteVecIndex(
            data_dir / "index.sqlite", dimension=embedder.dimension, model_id=embedder.model_id
        )
        return cls(store, embedder, settings)

    def indexer(self) -> Indexer:
        """An indexer with the current chunking settings."""
        return Indexer(
            self.index,
            self.embedder,
            IndexSettings(
                chunk_size=self.settings.chunk_size,
                chunk_overlap=self.settings.chunk_overlap,
                max_file_bytes=self.settings.max_file_mb * 1_000_000,
            ),
        )

    def add(
        self,
        paths: Iterable[Path],
        progress: Callable[[IndexProgress], None] = lambda p: None,
        cancel: CancelToken | None = None,
        *,
        titles: Mapping[Path, str] | None = None,
    ) -> IndexReport:
        """Index files and folders (skipping what has not changed)."""
        return self.indexer().index(paths, progress, cancel, titles=titles)

    def add_steps(
        self, paths: Iterable[Path], cancel: CancelToken, titles: Mapping[Path, str]
    ) -> Iterator[IndexProgress]:
        """:meth:`add` as a generator of progress that returns the report."""
        return self.indexer().steps(paths, cancel, titles=titles)

    def sources(self) -> list[SourceInfo]:
        """Every file added, by title."""
        records = sorted(self.index.files().values(), key=lambda r: (r.title.lower(), r.path))
        return [SourceInfo(r.path, r.title, r.chunks, r.status, r.reason) for r in records]

    def remove(self, path: str | Path) -> None:
        """Forget a file and its passages."""
        self.index.remove_file(str(path))

    def reindex(
        self,
        progress: Callable[[IndexProgress], None] = lambda p: None,
        cancel: CancelToken | None = None,
    ) -> IndexReport:
        """Bring every known file up to date: changed ones again, deleted ones removed."""
        records = self.index.files()
        titles = {Path(path): record.title for path, record in records.items()}
        return self.add(list(titles), progress, cancel, titles=titles)

    def needs_reindex(self) -> bool:
        """Whether some files must be indexed again (after the embedding model changed)."""
        return any(r.status == "stale" for r in self.index.files().values())

    def retrieve(self, question: str) -> Retrieval:
        """The passages that best answer *question*."""
        return self.retriever.retrieve(question, self.settings.top_k, self.settings.min_similarity)

    def close(self) -> None:
        """Close the store."""
        self.index.close()
