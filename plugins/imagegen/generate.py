"""One picture request, from its words and files to saved PNGs: the prompt (translated,
LoRAs taken out, a follow-up applied), the mode (text, img2img, inpainting, ControlNet),
the seeds, the call with previews, and the metadata.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from assistant.core.cancel import Cancelled
from assistant.core.messages import Attachment, Chunk, ImageOut, Kind, Notice, Request, TextDelta
from assistant.core.plugin import PluginContext
from plugins.imagegen.follow_up import follow_up
from plugins.imagegen.metadata import Recipe, write_png
from plugins.imagegen.pipelines import CONTROLNETS, ModelProblem, Pipelines
from plugins.imagegen.prompt import (
    Prompt,
    choose_seed,
    needs_translation,
    parse_size,
    split_loras,
)
from plugins.imagegen.run import StreamedCall
from plugins.imagegen.samplers import scheduler_for
from plugins.imagegen.settings import ImageGenSettings, ImageOptions

TRANSLATE = (
    "Translate this description of a picture into English for an image generator. Reply "
    "with the English description only."
)


class Generation:
    """Makes the pictures of one request."""

    def __init__(self, request: Request, context: PluginContext, settings: ImageGenSettings,
                 options: ImageOptions, last: dict[str, Any]) -> None:  # fmt: skip
        self.request, self.context, self.settings = request, context, settings
        self.options, self.last = options, last
        self.images = request.attachments_of(Kind.IMAGE)
        self.seed: int | None = options.seed

    # ---- the prompt ----------------------------------------------------------------------

    def prompt(self) -> Iterator[Chunk]:
        """The English prompt to draw (with its LoRA tags), saying any translation."""
        text = self.request.text.strip()
        names = {a.name for a in self.request.attachments}
        text = "" if text in names else text
        wanted = (
            follow_up(text, str(self.last.get("prompt_asked", ""))) if not self.images else None
        )
        if wanted is not None and not self.request.command:
            text = wanted.prompt
            if wanted.same_seed and self.seed is None:
                self.seed = self.last.get("seed")
        self.asked = text
        if text and self.settings.translate_prompts and needs_translation(text):
            text = yield from self._translated(text)
        return text

    def _translated(self, text: str) -> Iterator[Chunk]:
        llm = self.context.services.get("llm")
        if llm is None:
            return text
        messages = [{"role": "system", "content": TRANSLATE}, {"role": "user", "content": text}]
        try:
            english = "".join(llm.stream_chat(messages, self.context.cancel, max_new_tokens=200,
                                              temperature=0.0)).strip().strip('"')  # fmt: skip
        except Cancelled:
            raise
        except Exception as exc:  # the chat model is missing or failed: draw the original
            yield Notice(f"The prompt could not be translated ({exc}); it is used as written.",
                         "warning")  # fmt: skip
            return text
        if english:
            yield TextDelta(f"*Prompt in English:* {english}\n\n")
        return english or text

    # ---- the pictures --------------------------------------------------------------------

    def make(self, pipelines: Pipelines, prompt: str) -> Iterator[Chunk]:
        """Generate, stream the previews, save and show the pictures; returns their recipes."""
        parsed = split_loras(prompt)
        self._loras(pipelines, parsed.loras)
        mode, inputs = self.mode_inputs()
        control = self.options.control or ""
        controlnet = self._controlnet(pipelines, control) if control else None
        pipe = pipelines.pipeline(mode, control, controlnet)
        recipe = self.recipe(parsed, mode, pipelines.source, pipelines.model_hash)
        pipe.scheduler = scheduler_for(recipe.sampler, pipelines.scheduler_config)
        control_map = inputs.get("control")
        kwargs = call_arguments(recipe, self.batch, pipelines.device, inputs)
        call = StreamedCall(pipe, kwargs, self.context.cancel, self.previews_dir(),
                            pipelines.is_xl)  # fmt: skip
        started = time.monotonic()
        yield from call
        images = call.images
        if recipe.mode == "inpaint":
            images = [keep_unpainted(im, inputs["image"], inputs["mask_image"]) for im in images]
        return (yield from self.save(recipe, images, time.monotonic() - started, control_map))

    @property
    def batch(self) -> int:
        return self.options.batch or 1

    def previews_dir(self) -> Path | None:
        """Where this request's previews go (None when previews are off)."""
        if not self.settings.previews:
            return None
        return self.context.data_dir / "previews" / str(self.request.message_id)

    def recipe(self, parsed: Prompt, mode: str, model: str, model_hash: str) -> Recipe:
        """The recipe of the first picture, from the options, the settings and the inputs."""
        settings, options = self.settings, self.options
        control = options.control or ""
        width, height = parse_size(options.size or settings.size)
        if (mode != "txt2img" or control) and options.size is None and self.images:
            # the photo's own size: a ControlNet's map is the photo's, and so is img2img's
            width, height = _image_size(self.images[0])
        return Recipe(
            prompt=parsed.text, negative=options.negative or settings.negative,
            steps=options.steps or settings.steps,
            guidance=settings.guidance if options.guidance is None else options.guidance,
            seed=choose_seed(self.seed), width=width, height=height,
            sampler=options.sampler or settings.sampler, model=model, model_hash=model_hash,
            mode=mode, loras=parsed.loras,
            strength=(settings.strength if options.strength is None else options.strength)
            if mode != "txt2img" else None,
            control=control,
            control_scale=(settings.control_scale if options.control_scale is None
                           else options.control_scale) if control else None,
        )  # fmt: skip

    def save(self, recipe: Recipe, images: list[Any], took: float, control_map: Any = None,
             *, seeds: list[int] | None = None, summary: str | None = None,
             ) -> Iterator[Chunk]:  # fmt: skip
        """Write *images* (picture i made with seed+i, or *seeds*) with their recipes, show
        them and the map they followed; returns the recipes."""
        recipes = []
        outputs = self.context.data_dir / "outputs"
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for index, image in enumerate(images):
            seed = seeds[index] if seeds else recipe.seed + index
            made = replace(recipe, seed=seed)
            path = write_png(image, _unused(outputs / f"{stamp}-{made.seed}.png"), made)
            recipes.append({**asdict(made), "options": made.options(), "prompt_asked": self.asked})
            yield ImageOut(path, caption=f"seed {made.seed}" if made.seed >= 0 else "")
        if control_map is not None:  # beside the result: what it followed
            path = _unused(outputs / f"{stamp}-{recipe.seed}-{recipe.control}.png")
            control_map.save(path)
            yield ImageOut(path, caption=f"{recipe.control} map")
        yield TextDelta(summary or _summary(recipe, len(images) or self.batch, took))
        previews = self.previews_dir()
        for path in previews.glob("*.png") if previews is not None and previews.is_dir() else ():
            path.unlink(missing_ok=True)
        return recipes

    def mode_inputs(self) -> tuple[str, dict[str, Any]]:
        """The pipeline mode and its pictures: one photo → img2img (or the ControlNet's
        source with --control), a photo and a mask → inpainting."""
        from PIL import Image

        pictures = [_open(a) for a in self.images[:2]]
        control = self.options.control
        inputs: dict[str, Any] = {}
        if control and pictures:
            inputs["control"] = _control_map(control, pictures[0])
        if len(pictures) >= 2:
            mask = pictures[1].convert("L").resize(pictures[0].size, Image.Resampling.NEAREST)
            return "inpaint", {**inputs, "image": pictures[0], "mask_image": mask}
        if pictures and not control:
            return "img2img", {"image": pictures[0]}
        if control and not pictures:
            raise ModelProblem(f"--control {control} needs a picture to follow: attach one.")
        return "txt2img", inputs

    def _controlnet(self, pipelines: Pipelines, kind: str) -> Any:
        chosen = dict(
            pair.split("=", 1) for pair in self.settings.controlnets.replace(";", ",").split(",")
            if "=" in pair
        )  # fmt: skip
        source = chosen.get(kind, CONTROLNETS[kind]).strip()
        return pipelines.controlnet(kind, source, self.context.progress)

    def _loras(self, pipelines: Pipelines, loras: tuple[tuple[str, float], ...]) -> None:
        pipe = pipelines.base
        if loras == pipelines.loras:
            return
        if pipelines.loras:
            pipe.unload_lora_weights()
            pipelines.loras = ()
        if not loras:
            return
        folder = Path(self.settings.lora_folder).expanduser()
        names = []
        for name, _weight in loras:
            path = folder / f"{name}.safetensors"
            if not self.settings.lora_folder or not path.is_file():
                raise ModelProblem(
                    f"There is no LoRA “{name}” ({path.name}) in the LoRA folder "
                    f"“{self.settings.lora_folder}”: set it in Settings → Image generation."
                )
            adapter = _adapter_name(name)
            pipe.load_lora_weights(str(folder), weight_name=path.name, adapter_name=adapter)
            names.append(adapter)
        pipe.set_adapters(names, adapter_weights=[w for _, w in loras])
        pipelines.loras = loras


def call_arguments(recipe: Recipe, batch: int, device: str, inputs: dict[str, Any]):
    """The pipeline's arguments for *recipe*: picture i of a batch comes from its own
    generator seeded seed+i, so it equals a single picture made with that seed."""
    import torch

    generators = [torch.Generator("cpu").manual_seed(recipe.seed + i) for i in range(batch)]
    kwargs: dict[str, Any] = {
        "prompt": recipe.prompt, "negative_prompt": recipe.negative or None,
        "num_inference_steps": recipe.steps, "guidance_scale": recipe.guidance,
        "num_images_per_prompt": batch, "generator": generators, "output_type": "pil",
    }  # fmt: skip
    control = inputs.pop("control", None)
    kwargs.update(inputs)
    if recipe.mode == "txt2img":
        kwargs.update(width=recipe.width, height=recipe.height)
        if control is not None:
            kwargs["image"] = control
    else:
        kwargs["strength"] = recipe.strength
        if recipe.mode == "inpaint":
            kwargs.update(width=recipe.width, height=recipe.height)
        if control is not None:
            kwargs["control_image"] = control
    if recipe.control:
        kwargs["controlnet_conditioning_scale"] = recipe.control_scale
    return kwargs


def keep_unpainted(made: Any, photo: Any, mask: Any) -> Any:
    """*made* where the mask is painted and the *photo* itself elsewhere, blended over a
    few pixels at the edge (as A1111 does): the VAE's round trip would otherwise soften
    and shift the colours of the part nobody asked to change."""
    from PIL import Image, ImageFilter

    size = made.size
    edge = mask.convert("L").resize(size, Image.Resampling.NEAREST)
    edge = edge.filter(ImageFilter.GaussianBlur(2))
    return Image.composite(made, photo.convert("RGB").resize(size), edge)


def _open(attachment: Attachment) -> Any:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(attachment.path) as image:
            return image.convert("RGB")
    except (OSError, UnidentifiedImageError) as exc:
        raise ModelProblem(f"“{attachment.name}” is not a picture that can be read.") from exc


def _image_size(attachment: Attachment) -> tuple[int, int]:
    from PIL import Image

    with Image.open(attachment.path) as image:
        return max(8, image.width // 8 * 8), max(8, image.height // 8 * 8)


def _control_map(kind: str, picture: Any) -> Any:
    try:
        from plugins.imagegen.control_maps import make_map
    except ImportError as exc:
        raise ModelProblem(
            "ControlNet maps are not part of this version of the app (control_maps is "
            "missing), so --control cannot be used yet."
        ) from exc
    return make_map(kind, picture)


def _adapter_name(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)


def _summary(recipe: Recipe, batch: int, took: float) -> str:
    seeds = f"{recipe.seed}" if batch == 1 else f"{recipe.seed}–{recipe.seed + batch - 1}"
    if recipe.seed < 0:
        seeds = "chosen by the server"
    parts = [f"Seed **{seeds}**", f"{recipe.steps} steps", recipe.sampler,
             f"CFG {recipe.guidance:g}", f"{recipe.width}×{recipe.height}"]  # fmt: skip
    if recipe.strength is not None:
        parts.append(f"strength {recipe.strength:g}")
    if recipe.control:
        parts.append(f"ControlNet {recipe.control}")
    parts.append(f"{took:.1f} s")
    return " · ".join(parts)


def _unused(path: Path) -> Path:
    """*path*, or *path* with ``-2``, ``-3``… before its suffix when that file exists:
    two pictures made within the same second with the same seed (an img2img then an
    inpainting, "another one" then "make it bluer") must not overwrite each other."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate
