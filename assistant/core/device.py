"""Which device and dtype a model should run on: CUDA, then Apple's MPS, then the CPU."""

from __future__ import annotations

import ctypes.util
import platform
import sys
from pathlib import Path
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


def available_devices() -> list[str]:
    """The devices a model can run on here, for the settings form: cheap, without importing
    torch (unless it already is): a CUDA device needs NVIDIA's driver, MPS an Apple chip."""
    torch = sys.modules.get("torch")
    devices = ["auto", "cpu"]
    if torch is not None:
        has_cuda = bool(torch.cuda.is_available())
    else:
        has_cuda = Path("/proc/driver/nvidia/version").exists() or bool(
            ctypes.util.find_library("cuda") or ctypes.util.find_library("nvcuda")
        )
    if has_cuda:
        devices.append("cuda")
    if sys.platform == "darwin" and platform.machine() == "arm64":
        devices.append("mps")
    return devices


def best_dtype(device: str) -> Any:
    """Half precision on accelerators, full precision on the CPU where half is slow."""
    import torch

    if device == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "mps":
        return torch.float16
    return torch.float32
