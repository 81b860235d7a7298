"""The documents a person added, as one object: index them, list them, search them.

:class:`Knowledge` is what the plugin uses to answer and what the UI's Knowledge panel
uses to list, remove and re-index sources (from a worker thread: indexing is long).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.cancel import CancelToken
from assistant.core.models import ModelHandle, ModelRegistry
from plugins.rag.embedder import (
    BUILTIN_MODEL_MB,
    BUILTIN_MODEL_TITLE,
    Embedder,
    OpenAIEmbedder,
    SentenceTransformerEmbedder,
    api_key,
    load_sentence_transformer,
)
from plugins.rag.indexer import Indexer, IndexProgress, IndexReport, IndexSettings, expand
from plugins.rag.retrieve import Retrieval, Retriever
from plugins.rag.settings import RagSettings
from plugins.rag.store import FileRecord, SqliteVecIndex, VectorIndex, read_file_records

INDEX_FILE = "index.sqlite"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One indexed file as the Knowledge panel lists it."""

    path: str
    title: str
    chunks: int
    status: str  # "indexed", "failed" or "stale"
    reason: str = ""


def source_list(records: Iterable[FileRecord]) -> list[SourceInfo]:
    """The files of *records* as the Knowledge panel lists them, by title."""
    ordered = sorted(records, key=lambda r: (r.title.lower(), r.path))
    return [SourceInfo(r.path, r.title, r.chunks, r.status, r.reason) for r in ordered]


def indexed_sources(data_dir: Path) -> list[SourceInfo]:
    """The files indexed in *data_dir*, read from the index alone (no model loads)."""
    return source_list(read_file_records(data_dir / INDEX_FILE).values())


def sentence_transformer_handle(models: ModelRegistry, name: str) -> ModelHandle[Any]:
    """A lazily loaded handle of sentence-transformers model *name* ("" for the built-in)."""
    return models.handle(
        name or BUILTIN_MODEL_TITLE,
        lambda report: load_sentence_transformer(name, report),
        owner="rag",
        approx_mb=BUILTIN_MODEL_MB,
    )


def make_embedder(settings: RagSettings, handle: ModelHandle[Any] | None) -> Embedder:
    """The embedder the settings ask for: a server's, or the local model of *handle*.

    The local model (re)loads through ``handle.get()`` without progress reports: a caller
    that can show progress loads it first with its own (as :class:`RagPlugin` does at the
    start of every run), since the embedder outlives any one caller.
    """
    if settings.embedding_base_url:
        return OpenAIEmbedder(
            settings.embedding_base_url,
            settings.embedding_model_name,
            api_key(settings.embedding_base_url),
        )
    if handle is None:
        raise ValueError("A local embedding model needs a model handle.")
    return SentenceTransformerEmbedder(handle.get, settings.embedding_model)


class BuiltinQuestionEmbedder:
    """Questions to the built-in MiniLM's index, embedded by the numpy copy of the model
    (:mod:`plugins.rag.light_embedder`): the same vectors, in half the time, with no wait
    behind torch's threads (measured by ``bench.rag``: after a search's matrix product,
    sentence-transformers took 120 ms at p95 for one question, numpy 20 ms). Falls back
    to *documents*, the embedder that indexed them, when the numpy copy cannot load.
    """

    def __init__(self, documents: Embedder) -> None:
        self.model_id, self.dimension = documents.model_id, documents.dimension
        self._documents = documents
        self._embed: Callable[[Sequence[str]], Any] | None = None

    def embed(self, texts: Sequence[str]) -> Any:
        if self._embed is None:
            from plugins.rag.light_embedder import LightEmbedder, LightEmbedderError

            try:
                self._embed = LightEmbedder().embed
            except (LightEmbedderError, ImportError):
                self._embed = self._documents.embed
        return self._embed(texts)


def question_embedder(settings: RagSettings, documents: Embedder) -> Embedder:
    """What embeds a question: the numpy MiniLM for the built-in model, else *documents*."""
    if settings.embedding_base_url or settings.embedding_model:
        return documents
    return BuiltinQuestionEmbedder(documents)


def _inside(path: str, folder: str) -> bool:
    return Path(folder) in Path(path).parents


class Knowledge:
    """The person's indexed documents: indexing, listing, removing and retrieval."""

    def __init__(self, index: VectorIndex, embedder: Embedder, settings: RagSettings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.retriever = Retriever(index, question_embedder(settings, embedder))

    @classmethod
    def open(cls, data_dir: Path, embedder: Embedder, settings: RagSettings) -> Knowledge:
        """The knowledge kept in *data_dir*, searched with *embedder*."""
        store = SqliteVecIndex(
            data_dir / INDEX_FILE, dimension=embedder.dimension, model_id=embedder.model_id
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
        return self.indexer().index(self._remember(paths), progress, cancel, titles=titles)

    def add_steps(
        self, paths: Iterable[Path], cancel: CancelToken, titles: Mapping[Path, str]
    ) -> Iterator[IndexProgress]:
        """:meth:`add` as a generator of progress that returns the report."""
        return self.indexer().steps(self._remember(paths), cancel, titles=titles)

    def _remember(self, paths: Iterable[Path]) -> list[Path]:
        """Note the folders among *paths*, and let in again files the person names anew."""
        given = [Path(p).absolute() for p in paths]
        excluded = self.index.excluded()
        for path in given:
            if path.is_dir():
                self.index.set_folder(str(path), True)
                for file in excluded:
                    if _inside(file, str(path)):
                        self.index.set_excluded(file, False)
            elif str(path) in excluded:
                self.index.set_excluded(str(path), False)
        return given

    def folders(self) -> list[str]:
        """The folders the person added, whose new files a re-index picks up."""
        return sorted(self.index.folders())

    def sources(self) -> list[SourceInfo]:
        """Every file added, by title."""
        return source_list(self.index.files().values())

    def remove(self, path: str | Path) -> None:
        """Forget a file and its passages, or an added folder and every file in it.

        A file removed from an added folder stays out when the folder is re-indexed.
        """
        key = str(path)
        folders = self.index.folders()
        if key in folders:
            self.index.set_folder(key, False)
            for file in self.index.files():
                if _inside(file, key):
                    self.index.remove_file(file)
            for file in self.index.excluded():
                if _inside(file, key):
                    self.index.set_excluded(file, False)
            return
        self.index.remove_file(key)
        if any(_inside(key, folder) for folder in folders):
            self.index.set_excluded(key, True)

    def reindex(
        self,
        progress: Callable[[IndexProgress], None] = lambda p: None,
        cancel: CancelToken | None = None,
    ) -> IndexReport:
        """Bring every known file up to date (changed ones again, deleted ones removed), and
        index the files that appeared since in the folders the person added."""
        records = self.index.files()
        titles = {Path(path): record.title for path, record in records.items()}
        excluded = self.index.excluded()
        # A folder that is gone (an unplugged drive) is kept for later, not walked now.
        folders = [Path(f) for f in sorted(self.index.folders()) if Path(f).is_dir()]
        new = [f for f in expand(folders) if f not in titles and str(f) not in excluded]
        return self.indexer().index([*titles, *new], progress, cancel, titles=titles)

    def needs_reindex(self) -> bool:
        """Whether some files must be indexed again (after the embedding model changed)."""
        return any(r.status == "stale" for r in self.index.files().values())

    def retrieve(self, question: str) -> Retrieval:
        """The passages that best answer *question*."""
        return self.retriever.retrieve(question, self.settings.top_k, self.settings.min_similarity)

    def close(self) -> None:
        """Close the store."""
        self.index.close()
