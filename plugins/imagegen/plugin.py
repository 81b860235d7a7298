"""The image generation plugin: its manifest, and how a request becomes pictures.

``/imagine a lighthouse at dusk --steps 25 --seed 7``, "draw me…", a photo with "make
this a watercolor" (img2img), a photo and a mask (inpainting), ``--control canny`` (a
ControlNet), "another one" after a picture. The diffusers code lives in backend modules
that :meth:`ImageGenPlugin.load` imports, so importing this module is instant.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from assistant.core.app_links import settings_link
from assistant.core.messages import (
    Chunk,
    ImageOut,
    Kind,
    Notice,
    NoticeAction,
    Request,
    TextDelta,
)
from assistant.core.picture_actions import PictureAction, PictureRequest
from assistant.core.plugin import Command, Manifest, ModelSpec, PluginContext
from plugins.imagegen.intents import INTENTS, PLUGIN
from plugins.imagegen.settings import DEFAULT_MODEL, ImageGenSettings, ImageOptions

if TYPE_CHECKING:
    from assistant.core.models import ModelHandle
    from plugins.imagegen.pipelines import Pipelines

MANIFEST = Manifest(
    name=PLUGIN,
    title="Image generation",
    description=(
        "Makes pictures with Stable Diffusion from words, changes a given photo, paints "
        "into a masked part, or follows a sketch or a photo's edges (ControlNet); every "
        "picture carries how it was made, to make it again."
    ),
    accepts=frozenset({Kind.TEXT, Kind.IMAGE}),
    commands=(
        Command(
            "imagine",
            "Make a picture from a description",
            usage="/imagine a lighthouse at dusk, watercolor --steps 25 --seed 7 --size 768x512",
        ),
    ),
    intents=INTENTS,
    settings=ImageGenSettings,
    options=ImageOptions,
    models=(ModelSpec("image model", DEFAULT_MODEL, 5200),),
    picture_actions=(
        PictureAction(
            "same-seed", "Same seed", "Make this picture again: same seed, same settings"
        ),
        PictureAction("vary", "Vary", "Another picture like this one, with a new seed"),
        PictureAction(
            "parameters",
            "Edit parameters",
            "Change how this picture is made, then make it again",
            at_once=False,
        ),
    ),
)
LAST = "last"  # conversation state: the last picture's recipe, as JSON


class ImageGenPlugin:
    """Makes pictures; the base model is loaded once and shared by every mode."""

    manifest = MANIFEST

    def __init__(self) -> None:
        self._handle: ModelHandle[Pipelines] | None = None
        self._key: tuple[str, str, str] = ("", "", "")

    def load(self, context: PluginContext) -> None:
        """Import diffusers (seconds); the model itself loads with the first picture."""
        import plugins.imagegen.generate  # noqa: F401

    def pipelines(self, context: PluginContext) -> Pipelines:
        """The loaded base model for the current settings (loaded on first use)."""
        from plugins.imagegen.pipelines import load_pipelines

        settings = _settings(context)
        key = (settings.model, settings.single_file_config, settings.device)
        if self._handle is None or key != self._key:
            if self._handle is not None:
                self._handle.unload()
            self._key = key
            self._handle = context.models.handle(
                "image model",
                lambda report: load_pipelines(*key, report),
                owner=PLUGIN,
                approx_mb=MANIFEST.models[0].approx_mb,
            )
        return self._handle.get(context.progress)

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        """Make the pictures *request* asks for, with a preview at every step."""
        from plugins.imagegen.generate import Generation
        from plugins.imagegen.pipelines import ModelProblem

        settings = _settings(context)
        shown = yield from _how_made(request)
        if shown:
            return
        options = ImageOptions.model_validate(dict(request.options))
        last = json.loads(context.state.get(LAST) or "{}")
        try:
            generation = Generation(request, context, settings, options, last)
            prompt = yield from generation.prompt()
            if not prompt:
                yield TextDelta("What should the picture show? For example: "
                                "`/imagine a lighthouse at dusk, watercolor`.")  # fmt: skip
                return
            if settings.backend == "local":
                recipes = yield from generation.make(self.pipelines(context), prompt)
            else:
                from plugins.imagegen.remote import make_remote

                recipes = yield from make_remote(generation, prompt)
        except ModelProblem as exc:
            yield _problem_notice(str(exc), settings)
            return
        if recipes:
            context.state.set(LAST, json.dumps(recipes[0]))

    def picture_request(self, action: str, picture: Path) -> PictureRequest | None:
        """The question that makes *picture* again (``same-seed``), with a new seed
        (``vary``), or with its options to change (``parameters``); from the recipe the
        picture carries, so None for one this app did not make."""
        from plugins.imagegen.prompt import choose_seed
        from plugins.imagegen.reuse import how_made

        made = how_made(picture)
        if made is None or (action == "same-seed" and "seed" not in made.options):
            return None
        options = {**made.options, "batch": 1}
        if action == "vary":
            options["seed"] = choose_seed(None)
        return PictureRequest(f"/imagine {made.prompt}", options)

    def unload(self) -> None:
        if self._handle is not None:
            self._handle.unload()
        self._handle = None

    def missing_models(self, settings: BaseModel) -> list[ModelSpec]:
        """The chosen model, when it is neither a file, a folder nor in the hub's cache."""
        from assistant.core.downloads import missing_model, model_present

        chosen = settings if isinstance(settings, ImageGenSettings) else ImageGenSettings()
        if chosen.backend != "local" or model_present(chosen.model):
            return []
        return missing_model("image model", chosen.model, MANIFEST.models[0].approx_mb)


def _how_made(request: Request) -> Iterator[Chunk]:
    """A picture given alone (or with "make this again") that says how it was made, by
    this app or another tool: it is shown with its parameters, for Same seed or Edit
    parameters under it. Returns whether it was."""
    from plugins.imagegen.reuse import asks_how_it_was_made, described, how_made

    images = request.attachments_of(Kind.IMAGE)
    if len(images) != 1:
        return False
    text = request.text.strip()
    if not asks_how_it_was_made("" if text == images[0].name else text):
        return False
    made = how_made(images[0].path)
    if made is None:
        return False
    yield ImageOut(images[0].path, caption=images[0].name)
    yield TextDelta(described(made))
    return True


def _settings(context: PluginContext) -> ImageGenSettings:
    settings = context.settings
    return settings if isinstance(settings, ImageGenSettings) else ImageGenSettings()


def _problem_notice(text: str, settings: ImageGenSettings) -> Notice:
    if settings.backend != "local":  # said each time: the server may be back the next
        actions = (NoticeAction("Settings", settings_link(PLUGIN, "server_url")),)
        return Notice(text, "error", actions=actions)
    actions = (NoticeAction("Settings", settings_link(PLUGIN, "model")),)
    key = f"{PLUGIN}.missing-model/{settings.model.strip()}"
    return Notice(text, "warning", key=key, actions=actions)


def options_of(recipe: dict[str, Any]) -> dict[str, Any]:
    """The request options that make the picture of *recipe* again."""
    names = ImageOptions.model_fields
    return {k: v for k, v in recipe.get("options", {}).items() if k in names}
