"""Which device and dtype a model should run on: CUDA, then Apple's MPS, then the CPU."""

from __future__ import annotations

from typing import Any


def best_device(preference: str = "auto") -> str:
    """ "cuda", "mps" or "cpu"; *preference* other than "auto" is taken as given."""
    if preference != "auto":
        return preference
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def best_dtype(device: str) -> Any:
    """Half precision on accelerators, full precision on the CPU where half is slow."""
    import torch

    if device == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "mps":
        return torch.float16
    return torch.float32
