"""How a picture was made, written into its PNG so that this app and others can read it.

A1111's ``parameters`` text (read by A1111, Forge, ComfyUI's importer, Civitai, InvokeAI)
with the ``Negative prompt:`` line always present, and this app's own ``assistant`` JSON
chunk with everything needed to make the picture again exactly.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

APP_CHUNK = "assistant"
VERSION = "assistant 0.1"
_NEEDS_QUOTES = re.compile(r"[,:\n]")


@dataclass(frozen=True, slots=True)
class Recipe:
    """Everything one picture was made from."""

    prompt: str
    negative: str
    steps: int
    guidance: float
    seed: int
    width: int
    height: int
    sampler: str
    model: str
    model_hash: str = ""
    mode: str = "txt2img"  # "img2img", "inpaint"; ControlNet adds control
    strength: float | None = None
    control: str = ""
    control_scale: float | None = None
    loras: tuple[tuple[str, float], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def options(self) -> dict[str, Any]:
        """The request options that make this picture again."""
        options: dict[str, Any] = {
            "negative": self.negative, "steps": self.steps, "guidance": self.guidance,
            "seed": self.seed, "size": f"{self.width}x{self.height}", "sampler": self.sampler,
        }  # fmt: skip
        if self.strength is not None:
            options["strength"] = self.strength
        if self.control:
            options["control"] = self.control
            options["control_scale"] = self.control_scale
        return options


def _quoted(value: object) -> str:
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if _NEEDS_QUOTES.search(text) else text


def a1111_text(recipe: Recipe) -> str:
    """The ``parameters`` text A1111 writes for *recipe*."""
    prompt = recipe.prompt + "".join(f" <lora:{n}:{w:g}>" for n, w in recipe.loras)
    pairs: list[tuple[str, object]] = [
        ("Steps", recipe.steps),
        ("Sampler", recipe.sampler.replace(" Karras", "")),
    ]
    if "Karras" in recipe.sampler:
        pairs.append(("Schedule type", "Karras"))
    pairs += [
        ("CFG scale", f"{recipe.guidance:g}"),
        ("Seed", recipe.seed),
        ("Size", f"{recipe.width}x{recipe.height}"),
    ]
    if recipe.model_hash:
        pairs.append(("Model hash", recipe.model_hash))
    pairs.append(("Model", Path(recipe.model).stem if recipe.model else "unknown"))
    if recipe.strength is not None:
        pairs.append(("Denoising strength", f"{recipe.strength:g}"))
    if recipe.control:
        pairs.append(("ControlNet 0", f"Module: {recipe.control}, Weight: {recipe.control_scale}"))
    pairs.append(("Version", VERSION))
    last = ", ".join(f"{key}: {_quoted(value)}" for key, value in pairs)
    return f"{prompt}\nNegative prompt: {recipe.negative}\n{last}"


def parse_a1111(text: str) -> dict[str, str]:
    """A1111 ``parameters`` text as a dict: ``prompt``, ``negative`` and each ``Key: value``."""
    lines = text.strip().split("\n")
    result: dict[str, str] = {}
    if lines and re.search(r"\w+: ", lines[-1]) and lines[-1].count(":") >= 3:
        for match in re.finditer(r'\s*([\w ./-]+):\s*("(?:\\.|[^"])*"|[^,]*)(?:,|$)', lines.pop()):
            value = match.group(2).strip()
            result[match.group(1).strip()] = json.loads(value) if value[:1] == '"' else value
    negative = [i for i, line in enumerate(lines) if line.startswith("Negative prompt:")]
    if negative:
        index = negative[0]
        result["negative"] = "\n".join(lines[index:]).removeprefix("Negative prompt:").strip()
        lines = lines[:index]
    result["prompt"] = "\n".join(lines).strip()
    return result


def write_png(image: Any, path: Path, recipe: Recipe) -> Path:
    """Save the PIL *image* to *path* with *recipe* in its text chunks."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    parameters = a1111_text(recipe)
    latin = all(ord(c) < 256 for c in parameters)
    info.add_text("parameters", parameters, zip=False) if latin else info.add_itxt(
        "parameters", parameters
    )
    info.add_itxt(APP_CHUNK, json.dumps(asdict(recipe), ensure_ascii=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, pnginfo=info)
    return path


def read_png(path: Path) -> dict[str, Any]:
    """What a PNG says about how it was made: ``{"tool": ..., ...}``; empty when nothing.

    This app's own chunk, A1111/Forge/Fooocus ``parameters``, ComfyUI's ``prompt`` graph
    and InvokeAI's ``invokeai_metadata``.
    """
    from PIL import Image

    with Image.open(path) as image:
        chunks = {str(k): v for k, v in image.info.items() if isinstance(v, str)}
    if APP_CHUNK in chunks:
        return {"tool": "assistant", **json.loads(chunks[APP_CHUNK])}
    if "invokeai_metadata" in chunks:
        data = json.loads(chunks["invokeai_metadata"])
        return {"tool": "InvokeAI", "prompt": data.get("positive_prompt", ""),
                "negative": data.get("negative_prompt", ""), "seed": data.get("seed"),
                "steps": data.get("steps"), "guidance": data.get("cfg_scale")}  # fmt: skip
    if "parameters" in chunks:
        parsed = parse_a1111(chunks["parameters"])
        tool = "Fooocus" if "fooocus_scheme" in chunks else "A1111"
        return {"tool": tool, **parsed}
    if "prompt" in chunks:
        return {"tool": "ComfyUI", **_comfy(json.loads(chunks["prompt"]))}
    return {}


def read_recipe(path: Path) -> Recipe | None:
    """The recipe this app wrote into *path*, or None (another tool's, none, unreadable)."""
    from dataclasses import fields

    try:
        data = read_png(path)
    except (OSError, ValueError):
        return None
    if data.get("tool") != "assistant":
        return None
    names = {f.name for f in fields(Recipe)}
    values = {k: v for k, v in data.items() if k in names}
    values["loras"] = tuple((str(n), float(w)) for n, w in values.get("loras", ()))
    try:
        return Recipe(**values)
    except TypeError:  # a recipe of another version, missing a field
        return None


def _comfy(graph: dict[str, Any]) -> dict[str, Any]:
    """The prompts, seed and steps of a ComfyUI API graph (its KSampler and text nodes)."""
    texts = {k: n["inputs"].get("text", "") for k, n in graph.items()
             if n.get("class_type") == "CLIPTextEncode"}  # fmt: skip
    for node in graph.values():
        if str(node.get("class_type", "")).startswith("KSampler"):
            inputs = node["inputs"]
            positive = texts.get(str(inputs.get("positive", [""])[0]), "")
            negative = texts.get(str(inputs.get("negative", [""])[0]), "")
            return {"prompt": positive, "negative": negative, "seed": inputs.get("seed"),
                    "steps": inputs.get("steps"), "guidance": inputs.get("cfg")}  # fmt: skip
    return {}


def file_hash(path: Path) -> str:
    """A1111's model hash: the first 10 hex digits of the file's SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:10]
