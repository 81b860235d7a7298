"""The embedded CTranslate2 Whisper weights as an openai-whisper checkpoint, built once.

A CTranslate2 ``model.bin`` is a flat list of named tensors. openai-whisper keeps the same
numbers under other names: the fused query/key/value of self-attention is split (the key
has no bias), cross-attention's key/value come from ``linear_1``, and the layer norms'
gamma/beta are weight/bias. The result is saved where ``whisper.load_model`` reads it.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
_LAYER = re.compile(r"(encoder|decoder)/layer_(\d+)/(.+)")
_ATTENTION = {"self_attention": "attn", "attention": "cross_attn"}


class ConversionError(Exception):
    """The weights are not a CTranslate2 Whisper model this converter knows."""


def _string(file: IO[bytes]) -> str:
    (length,) = struct.unpack("<H", file.read(2))
    return file.read(length)[:-1].decode("utf-8")


def read_ct2(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Every tensor of a CTranslate2 model file, by name (aliases resolved)."""
    import numpy as np

    tensors: dict[str, npt.NDArray[Any]] = {}
    with path.open("rb") as file:
        (version,) = struct.unpack("<I", file.read(4))
        if version < 5:
            raise ConversionError(f"{path} is in an old CTranslate2 format ({version}).")
        spec = _string(file)
        if spec != "WhisperSpec":
            raise ConversionError(f"{path} is a {spec}, not a Whisper model.")
        file.read(4)  # the spec's revision
        (count,) = struct.unpack("<I", file.read(4))
        for _ in range(count):
            name = _string(file)
            rank = file.read(1)[0]
            shape = struct.unpack(f"<{rank}I", file.read(4 * rank))
            dtype = _DTYPES[file.read(1)[0]]
            (size,) = struct.unpack("<I", file.read(4))
            data = file.read(size)
            if dtype == "bfloat16":
                raise ConversionError("bfloat16 weights cannot be converted.")
            tensors[name] = np.frombuffer(data, dtype=dtype).reshape(shape)
        (aliases,) = struct.unpack("<I", file.read(4))
        for _ in range(aliases):
            alias, target = _string(file), _string(file)
            tensors[alias] = tensors[target]
    return tensors


def _block_name(side: str, index: str, rest: str) -> list[tuple[str, str]]:
    """The openai names of one CTranslate2 layer tensor (several for a fused one)."""
    part, *tail = rest.split("/")
    prefix = f"{side}.blocks.{index}"
    leaf = {"gamma": "weight", "beta": "bias", "weight": "weight", "bias": "bias"}[tail[-1]]
    if part == "ffn":
        module = {"layer_norm": "mlp_ln", "linear_0": "mlp.0", "linear_1": "mlp.2"}[tail[0]]
        return [(f"{prefix}.{module}.{leaf}", "")]
    attention = _ATTENTION[part]
    if tail[0] == "layer_norm":
        return [(f"{prefix}.{attention}_ln.{leaf}", "")]
    fused = {
        ("attn", "linear_0"): ("query", "key", "value"),
        ("attn", "linear_1"): ("out",),
        ("cross_attn", "linear_0"): ("query",),
        ("cross_attn", "linear_1"): ("key", "value"),
        ("cross_attn", "linear_2"): ("out",),
    }[(attention, tail[0])]
    return [(f"{prefix}.{attention}.{name}.{leaf}", str(len(fused))) for name in fused]


def state_dict(tensors: dict[str, npt.NDArray[Any]]) -> tuple[dict[str, Any], dict[str, int]]:
    """The openai-whisper state dict (float32 torch tensors) and model dimensions."""
    import numpy as np
    import torch

    state: dict[str, npt.NDArray[np.float32]] = {}
    for name, value in tensors.items():
        match = _LAYER.fullmatch(name)
        if match is None:
            continue
        targets = _block_name(*match.groups())
        pieces = np.split(value, len(targets)) if len(targets) > 1 else [value]
        for (target, _), piece in zip(targets, pieces, strict=True):
            if target.endswith(".key.bias"):
                continue  # Whisper's key projection has no bias (CTranslate2 stores zeros)
            state[target] = piece
    simple = {
        "encoder.conv1.weight": "encoder/conv1/weight", "encoder.conv1.bias": "encoder/conv1/bias",
        "encoder.conv2.weight": "encoder/conv2/weight", "encoder.conv2.bias": "encoder/conv2/bias",
        "encoder.positional_embedding": "encoder/position_encodings/encodings",
        "encoder.ln_post.weight": "encoder/layer_norm/gamma",
        "encoder.ln_post.bias": "encoder/layer_norm/beta",
        "decoder.token_embedding.weight": "decoder/embeddings/weight",
        "decoder.positional_embedding": "decoder/position_encodings/encodings",
        "decoder.ln.weight": "decoder/layer_norm/gamma",
        "decoder.ln.bias": "decoder/layer_norm/beta",
    }  # fmt: skip
    for target, source in simple.items():
        if source not in tensors:
            raise ConversionError(f"The weights have no {source}.")
        state[target] = tensors[source]
    dims = _dimensions(tensors)
    torch_state = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()}
    return torch_state, dims


def _dimensions(tensors: dict[str, npt.NDArray[Any]]) -> dict[str, int]:
    def layers(side: str) -> int:
        found = {int(m.group(2)) for n in tensors if (m := _LAYER.fullmatch(n)) and m[1] == side}
        return max(found) + 1

    vocabulary, text_state = tensors["decoder/embeddings/weight"].shape
    audio_ctx, audio_state = tensors["encoder/position_encodings/encodings"].shape
    return {
        "n_mels": int(tensors["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(audio_ctx),
        "n_audio_state": int(audio_state),
        "n_audio_head": int(tensors["encoder/num_heads"]),
        "n_audio_layer": layers("encoder"),
        "n_vocab": int(vocabulary),
        "n_text_ctx": int(tensors["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(text_state),
        "n_text_head": int(tensors["decoder/num_heads"]),
        "n_text_layer": layers("decoder"),
    }


def openai_checkpoint(ct2_folder: Path, cache: Path, name: str) -> Path:
    """The openai-whisper checkpoint of the CTranslate2 model in *ct2_folder*, converted
    into *cache* (as *name*) the first time and read from there after."""
    import torch

    target = cache / f"{name}-openai.pt"
    source = ct2_folder / "model.bin"
    if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    state, dims = state_dict(read_ct2(source))
    cache.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    torch.save({"dims": dims, "model_state_dict": state}, partial)
    partial.replace(target)
    return target
