"""A picture made by this app or another tool (A1111, Forge, Fooocus, ComfyUI, InvokeAI):
how it was made, as the prompt and options that make it again here.

Pure text work on what :func:`plugins.imagegen.metadata.read_png` reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plugins.imagegen.metadata import read_png, read_recipe
from plugins.imagegen.settings import SAMPLERS

_AGAIN = re.compile(
    r"^\s*(/imagine\s*)?((make|draw|do|paint|generate)\s+(this|it|that)\s+(again|once more)|"
    r"again|same|reuse( (it|this))?|how was (this|it) made\??|what are its (settings|parameters)\??"
    r"|再画一次|再来一次|重新生成)?\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Made:
    """Who made a picture, and the prompt and options that make it again."""

    tool: str
    prompt: str
    options: dict[str, Any] = field(default_factory=dict)


def asks_how_it_was_made(text: str) -> bool:
    """Whether *text* (with a picture) asks to make it again or how it was made, or is
    empty: "make this again", "same", "again", ``/imagine`` alone."""
    return bool(_AGAIN.match(text))


def how_made(path: Path) -> Made | None:
    """How the picture at *path* was made, or None when it does not say."""
    recipe = read_recipe(path)
    if recipe is not None:
        loras = "".join(f" <lora:{n}:{w:g}>" for n, w in recipe.loras)
        options = recipe.options()
        if recipe.seed < 0:  # a server chose the seed and the rest: none of it to keep
            options = {k: v for k, v in options.items()
                       if k not in ("seed", "steps", "sampler", "guidance")}  # fmt: skip
        return Made("this app", recipe.prompt + loras, options)
    try:
        data = read_png(path)
    except (OSError, ValueError):
        return None
    if not data.get("prompt"):
        return None
    options: dict[str, Any] = {}
    if data.get("negative"):
        options["negative"] = str(data["negative"])
    for key, name, kind in (("Steps", "steps", int), ("steps", "steps", int),
                            ("CFG scale", "guidance", float), ("guidance", "guidance", float),
                            ("Seed", "seed", int), ("seed", "seed", int),
                            ("Denoising strength", "strength", float)):  # fmt: skip
        value = data.get(key)
        if value not in (None, ""):
            try:
                options[name] = kind(value)
            except (TypeError, ValueError):
                continue
    if re.fullmatch(r"\d{2,4}x\d{2,4}", str(data.get("Size", ""))):
        options["size"] = data["Size"]
    sampler = _sampler(str(data.get("Sampler", "")), str(data.get("Schedule type", "")))
    if sampler:
        options["sampler"] = sampler
    return Made(str(data["tool"]), str(data["prompt"]), options)


def _sampler(name: str, schedule: str) -> str:
    """A1111's sampler name (newer ones put "Karras" in a schedule of its own)."""
    if schedule.lower() == "karras" and f"{name} Karras" in SAMPLERS:
        return f"{name} Karras"
    return name if name in SAMPLERS else ""


def described(made: Made) -> str:
    """How it was made, in Markdown, and what to do to make it again."""
    rows = [f"**Made with {made.tool}.** Prompt: {made.prompt}"]
    names = {"negative": "Negative prompt", "steps": "Steps", "guidance": "CFG scale",
             "seed": "Seed", "size": "Size", "sampler": "Sampler",
             "strength": "Denoising strength"}  # fmt: skip
    for key, title in names.items():
        if key in made.options:
            rows.append(f"- {title}: {made.options[key]}")
    rows.append(
        "\n**Same seed** under the picture makes it again here; **Edit parameters** opens "
        "them to change first. (Another model makes another picture from the same seed.)"
    )
    return "\n".join(rows)
