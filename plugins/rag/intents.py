"""An intent classifier that compares meanings, not keywords.

Each plugin's intent examples are embedded once per set of manifests; a request goes to the
intent whose closest example is most similar to it, when that similarity passes a
threshold; otherwise to the default plugin (None). It implements
:class:`assistant.core.intents.IntentClassifier` and replaces the keyword classifier when
an embedding model is at hand.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any

from assistant.core.intents import IntentMatch
from assistant.core.messages import Kind
from assistant.core.plugin import Intent, Manifest

if TYPE_CHECKING:
    import numpy as np

    from assistant.core.models import ModelHandle

EmbedFn = Callable[[Sequence[str]], "np.ndarray"]

DEFAULT_THRESHOLD = 0.5


def embed_with_handle(handle: ModelHandle[Any]) -> EmbedFn:
    """An embedding function over a SentenceTransformer handle, loaded on first use."""

    def embed(texts: Sequence[str]) -> np.ndarray:
        model = handle.get()
        return model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)

    return embed


class _Examples:
    """The embedded examples of one set of manifests."""

    def __init__(self, owners: list[tuple[str, Intent]], vectors: np.ndarray) -> None:
        self.owners = owners  # (plugin name, intent) per row of *vectors*
        self.vectors = vectors


class EmbeddingIntentClassifier:
    """Routes plain-words requests by similarity to the intents' example sentences.

    *embed* is a function from texts to unit vectors, or a model handle of a
    SentenceTransformer (so the model loads on the first request, not at start-up).
    """

    def __init__(
        self, embed: EmbedFn | ModelHandle[Any], *, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        self._embed: EmbedFn = embed if callable(embed) else embed_with_handle(embed)
        self.threshold = threshold
        self._lock = threading.Lock()
        self._cache: dict[tuple[tuple[str, tuple[Intent, ...]], ...], _Examples] = {}

    def classify(
        self, text: str, manifests: Sequence[Manifest], recent: Collection[Kind] = ()
    ) -> IntentMatch | None:
        """The closest intent to *text* above the threshold, or None."""
        if not text.strip():
            return None
        examples = self._examples(manifests)
        if not examples.owners:
            return None
        import numpy as np

        query = np.asarray(self._embed([text]), dtype=np.float32)[0]
        scores = examples.vectors @ query
        for row in np.argsort(-scores):
            plugin, intent = examples.owners[int(row)]
            if intent.follows is not None and intent.follows not in recent:
                continue
            score = float(scores[row])
            if score < self.threshold:
                return None
            return IntentMatch(plugin, intent.label, score)
        return None

    def _examples(self, manifests: Sequence[Manifest]) -> _Examples:
        key = tuple((m.name, m.intents) for m in manifests)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            owners = [
                (m.name, intent, example)
                for m in manifests
                for intent in m.intents
                for example in intent.examples
            ]
            import numpy as np

            if owners:
                vectors = np.asarray(self._embed([o[2] for o in owners]), dtype=np.float32)
            else:
                vectors = np.zeros((0, 1), dtype=np.float32)
            examples = _Examples([(o[0], o[1]) for o in owners], vectors)
            self._cache = {key: examples}  # one manifest set at a time is the normal case
            return examples
