"""A converted copy of a GGUF model, so that only the first load pays for parsing it.

transformers reads a GGUF file by dequantizing every tensor (about 26 s for SmolLM2 on two
cores); the same weights saved as safetensors load in well under a second. The copy is kept
in the models folder under the GGUF file's name and size, and written into a temporary
folder that is renamed into place only when complete, so a crash never leaves half a copy.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from assistant.core.models import ProgressFn

COMPLETE_MARKER = "conversion-complete"


def cache_key(gguf: Path) -> str:
    """The folder name of *gguf*'s converted copy: its name and size in bytes."""
    return f"{gguf.stem}-{gguf.stat().st_size}"


def converted_dir(gguf: Path, models_dir: Path) -> Path:
    """Where the converted copy of *gguf* lives (whether or not it exists yet)."""
    return models_dir / "chat" / cache_key(gguf)


def is_complete(folder: Path) -> bool:
    """Whether *folder* holds a finished conversion."""
    return (folder / COMPLETE_MARKER).is_file() and (folder / "config.json").is_file()


def ensure_converted(gguf: Path, models_dir: Path, progress: ProgressFn) -> Path:
    """The folder of *gguf*'s converted copy, converting it first when there is none."""
    target = converted_dir(gguf, models_dir)
    if is_complete(target):
        return target
    if not gguf.is_file():
        raise FileNotFoundError(f"The model file {gguf} does not exist. Check Chat settings.")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        _convert(gguf, scratch, progress)
        (scratch / COMPLETE_MARKER).write_text(f"{gguf.name}\n")
        if target.exists() and not is_complete(target):
            shutil.rmtree(target)  # left by an older, interrupted layout
        try:
            os.rename(scratch, target)
        except OSError:
            if not is_complete(target):  # not just another process finishing first
                raise
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def _convert(gguf: Path, out: Path, progress: ProgressFn) -> None:
    """Dequantize *gguf* with transformers and save it as safetensors into *out*."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    progress(f"Preparing {gguf.name} (first run only, about half a minute)…", 0.05)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    progress(f"Reading the weights of {gguf.name}…", 0.15)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    progress("Saving a converted copy for faster starts…", 0.8)
    # The weights are plain floats now; a GGUF quantizer left attached would make
    # save_pretrained refuse, or write a config that asks for the GGUF file again.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    progress("Converted copy saved", 0.9)
