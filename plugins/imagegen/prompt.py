"""What a prompt says besides the picture: LoRA tags, and whether it is in English.

Pure text work, no model code.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

_LORA = re.compile(r"<lora:([^:>]+)(?::(-?\d+(?:\.\d+)?))?>", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
MAX_SEED = 2**32 - 1


@dataclass(frozen=True, slots=True)
class Prompt:
    """The prompt without its LoRA tags, and the LoRAs it asks for (name → weight)."""

    text: str
    loras: tuple[tuple[str, float], ...] = ()


def split_loras(prompt: str) -> Prompt:
    """``"a fox <lora:ink:0.8>"`` → ``Prompt("a fox", (("ink", 0.8),))`` (weight 1 if none)."""
    loras = tuple((m.group(1).strip(), float(m.group(2) or 1.0)) for m in _LORA.finditer(prompt))
    text = re.sub(r"\s{2,}", " ", _LORA.sub(" ", prompt)).strip(" ,")
    return Prompt(text, loras)


def needs_translation(text: str) -> bool:
    """Whether most letters of *text* are not Latin (Chinese, Cyrillic, Arabic…): CLIP,
    which encodes the prompt, only knows English well."""
    letters = _LETTERS.findall(text)
    if not letters:
        return False
    foreign = sum(1 for c in letters if ord(c) > 0x24F)
    return foreign / len(letters) > 0.3


def choose_seed(seed: int | None) -> int:
    """*seed*, or a random one when none was given (it is always shown, to make it again)."""
    return secrets.randbelow(MAX_SEED + 1) if seed is None else seed


def parse_size(size: str) -> tuple[int, int]:
    """``"768x512"`` → (768, 512), each rounded down to a multiple of 8."""
    width, _, height = size.lower().partition("x")
    return max(8, int(width) // 8 * 8), max(8, int(height) // 8 * 8)
