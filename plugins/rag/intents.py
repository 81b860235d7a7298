"""An intent classifier that compares meanings, not keywords.

Each plugin's intent examples are embedded once per set of manifests and averaged into one
centroid per intent; a request goes to the intent whose centroid is most similar to it,
when that similarity passes a threshold; otherwise to the default plugin (None). Centroids
beat the single nearest example on held-out sentences: one example that happens to share a
word ("sky", "picture") no longer outvotes the sense of all the others. It implements
:class:`assistant.core.intents.IntentClassifier` and replaces the keyword classifier when
an embedding model is at hand.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.intents import IntentMatch, cued
from assistant.core.messages import Kind
from assistant.core.plugin import Intent, Manifest

if TYPE_CHECKING:
    import numpy as np

    from assistant.core.models import ModelHandle

EmbedFn = Callable[[Sequence[str]], "np.ndarray"]

DEFAULT_THRESHOLD = 0.3


class LightFirstEmbed:
    """Embeds with the numpy MiniLM (:mod:`plugins.rag.light_embedder`: no torch, loads in
    a tenth of a second); when its files cannot be read, with *fallback* instead (the
    sentence-transformers model, which gives the same vectors, only later)."""

    def __init__(self, fallback: EmbedFn, folder: Path | None = None) -> None:
        self._fallback = fallback
        self._folder = folder
        self._lock = threading.Lock()
        self._embed: EmbedFn | None = None
        self.light_error = ""  # why the light path could not load, if it could not

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return self.resolve()(texts)

    def resolve(self) -> EmbedFn:
        """The embedding function, loading the light model the first time."""
        with self._lock:
            if self._embed is None:
                from plugins.rag.light_embedder import LightEmbedder, LightEmbedderError

                try:
                    self._embed = LightEmbedder(self._folder).embed
                except (LightEmbedderError, ImportError) as exc:
                    self.light_error = str(exc)
                    self._embed = self._fallback
            return self._embed


def embed_with_handle(handle: ModelHandle[Any]) -> EmbedFn:
    """An embedding function over a SentenceTransformer handle, loaded on first use."""

    def embed(texts: Sequence[str]) -> np.ndarray:
        model = handle.get()
        return model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)

    return embed


class _Centroids:
    """The unit centroid of each intent's embedded examples, for one set of manifests."""

    def __init__(self, owners: list[tuple[str, Intent]], vectors: np.ndarray) -> None:
        self.owners = owners  # (plugin name, intent) per row of *vectors*
        self.vectors = vectors


class EmbeddingIntentClassifier:
    """Routes plain-words requests by similarity to the intents' example sentences.

    *embed* is a function from texts to unit vectors, or a model handle of a
    SentenceTransformer (so the model loads on the first request, not at start-up).

    With a *cache* folder the centroids are kept there, under a name made of *model* (what
    embeds: the vectors of another model differ) and every intent's examples, so a launch
    after the first reads them instead of embedding a few hundred sentences: the window
    idles without having run the model (nor touched its weights) before the first request.
    """

    def __init__(
        self,
        embed: EmbedFn | ModelHandle[Any],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        cache: Path | None = None,
        model: str = "",
    ) -> None:
        self._embed: EmbedFn = embed if callable(embed) else embed_with_handle(embed)
        self.threshold = threshold
        self._folder = cache  # where centroids are kept between launches
        self._model = model
        self._lock = threading.Lock()
        self._cache: dict[tuple[tuple[str, tuple[Intent, ...]], ...], _Centroids] = {}

    def classify(
        self, text: str, manifests: Sequence[Manifest], recent: Collection[Kind | str] = ()
    ) -> IntentMatch | None:
        """The closest intent to *text* above the threshold, or None."""
        if not text.strip():
            return None
        centroids = self._centroids(manifests)
        if not centroids.owners:
            return None
        import numpy as np

        query = np.asarray(self._embed([text]), dtype=np.float32)[0]
        scores = centroids.vectors @ query
        for row in np.argsort(-scores):
            plugin, intent = centroids.owners[int(row)]
            if intent.follows is not None and intent.follows not in recent:
                continue
            if not cued(intent, text):
                continue
            score = float(scores[row])
            if score < self.threshold:
                return None
            return IntentMatch(plugin, intent.label, score)
        return None

    def warm_up(self, manifests: Sequence[Manifest]) -> None:
        """Load the model and embed the intents of *manifests* now, so that the first
        request does not wait for it (the window calls it after its first paint)."""
        resolve = getattr(self._embed, "resolve", None)
        if callable(resolve):
            resolve()
        self._centroids(manifests)

    def _centroids(self, manifests: Sequence[Manifest]) -> _Centroids:
        key = tuple((m.name, m.intents) for m in manifests)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            import numpy as np

            owners = [
                (m.name, intent) for m in manifests for intent in m.intents if intent.examples
            ]
            stored = self._stored_file(owners)
            vectors = _read_vectors(stored, len(owners))
            if vectors is None:
                rows = []
                for _, intent in owners:
                    embedded = np.asarray(self._embed(intent.examples), dtype=np.float32)
                    mean = embedded.mean(axis=0)
                    rows.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
                vectors = np.stack(rows) if rows else np.zeros((0, 1), dtype=np.float32)
                _write_vectors(stored, vectors)
            centroids = _Centroids(owners, vectors)
            self._cache = {key: centroids}  # one manifest set at a time is the normal case
            return centroids

    def _stored_file(self, owners: list[tuple[str, Intent]]) -> Path | None:
        """Where the centroids of *owners* are kept (None: nowhere)."""
        if self._folder is None or not self._model:
            return None
        described = json.dumps(
            [self._model, [(name, intent.label, list(intent.examples)) for name, intent in owners]]
        )
        digest = hashlib.sha256(described.encode()).hexdigest()[:24]
        return self._folder / f"intents-{digest}.npy"


def _read_vectors(path: Path | None, rows: int) -> np.ndarray | None:
    """The centroids kept at *path*, if they are there, readable and *rows* of them."""
    if path is None:
        return None
    import numpy as np

    try:
        vectors = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None  # not made yet, or damaged: made again
    if vectors.ndim != 2 or vectors.shape[0] != rows or vectors.dtype != np.float32:
        return None
    return vectors


def _write_vectors(path: Path | None, vectors: np.ndarray) -> None:
    """Keep *vectors* at *path* for the next launch; a cache that cannot be written only
    means they are made again then."""
    if path is None:
        return
    import numpy as np

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        with partial.open("wb") as file:
            np.save(file, vectors, allow_pickle=False)
        os.replace(partial, path)  # whole or not at all, should two launches race
    except OSError as exc:
        logging.getLogger(__name__).info("Routing centroids not kept in %s: %s", path, exc)
