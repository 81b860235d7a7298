"""Pictures made by a server with a GPU elsewhere.

The A1111 API (A1111, Forge, SD.Next, sd.cpp's server): ``/sdapi/v1/txt2img`` and
``img2img`` with every parameter and the seed, ``/sdapi/v1/progress`` polled for the step
and its ``current_image`` preview, ``/sdapi/v1/interrupt`` at a Stop. The OpenAI images
API (OpenAI, LocalAI, sd.cpp): ``/images/generations`` (streamed partial pictures for
the gpt-image models) and ``/images/edits`` for a given photo and mask; it takes no seed,
steps or negative prompt, so its pictures cannot be made again exactly, and say so.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.cancel import CancelToken
from assistant.core.messages import Chunk, Preview, Progress, TextDelta
from assistant.core.secrets import get_secret
from plugins.imagegen.metadata import Recipe
from plugins.imagegen.pipelines import CONTROLNETS
from plugins.imagegen.prompt import split_loras
from plugins.imagegen.server_http import (
    SHORT_TIMEOUT_S,
    Call,
    Server,
    ServerProblem,
    image_of,
    multipart,
    png_b64,
    png_bytes,
)

if TYPE_CHECKING:
    from plugins.imagegen.generate import Generation
    from plugins.imagegen.settings import ImageGenSettings

POLL_S = 0.5  # how often the A1111 server is asked how far it has come
KEEP_PREVIEWS = 3


@dataclass
class Made:
    """What a server made: the pictures, their seeds when known, the model it used."""

    images: list[Any]
    seeds: list[int] = field(default_factory=list)
    model: str = ""
    model_hash: str = ""
    text: str = ""  # e.g. the prompt as the server rewrote it


class _Previews:
    """Preview files of one request, the last few kept while the window may read them."""

    def __init__(self, folder: Path | None) -> None:
        self.folder, self._written, self.count = folder, list[Path](), 0

    def write(self, image: Any, caption: str) -> Preview | None:
        if self.folder is None:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        path = self.folder / f"remote-{self.count:03d}.png"
        image.save(path, compress_level=1)
        self._written.append(path)
        while len(self._written) > KEEP_PREVIEWS:
            self._written.pop(0).unlink(missing_ok=True)
        return Preview(path, caption=caption)


def api_key(settings: ImageGenSettings) -> str:
    """The key typed for this session, else the one the keyring keeps for this server."""
    return settings.server_api_key or get_secret(
        "imagegen", "server_api_key", scope=settings.server_url
    )


def make_remote(generation: Generation, prompt: str) -> Iterator[Chunk]:
    """Make the pictures of *generation* on the server the settings name; returns recipes."""
    settings = generation.settings
    mode, inputs = generation.mode_inputs()
    server = Server(settings.server_url, api_key(settings))
    previews = _Previews(generation.previews_dir())
    cancel = generation.context.cancel
    parsed = split_loras(prompt)
    started = time.monotonic()
    if settings.backend == "a1111":
        recipe = generation.recipe(parsed, mode, settings.server_model or "server", "")
        made = yield from A1111(server, settings).generate(
            recipe, generation.batch, inputs, cancel, previews
        )
        summary = None
    else:
        recipe = generation.recipe(parsed, mode, settings.server_model or "server", "")
        recipe = replace(recipe, seed=-1, steps=0, sampler="", guidance=0.0,
                         extra={"backend": "openai"})  # fmt: skip
        made = yield from OpenAIImages(server, settings).generate(
            recipe, generation.batch, inputs, cancel, previews
        )
        summary = " · ".join([
            made.model or "server", f"{recipe.width}×{recipe.height}",
            "the server chooses the seed: this picture cannot be made again exactly",
            f"{time.monotonic() - started:.1f} s",
        ])  # fmt: skip
    recipe = replace(recipe, model=made.model or recipe.model, model_hash=made.model_hash)
    if made.text:
        yield TextDelta(made.text)
    took = time.monotonic() - started
    control_map = inputs.get("control")
    return (yield from generation.save(recipe, made.images, took, control_map,
                                       seeds=made.seeds, summary=summary))  # fmt: skip


class A1111:
    """The A1111 web UI's API (``--api``), as A1111, Forge, SD.Next and sd.cpp serve it."""

    def __init__(self, server: Server, settings: ImageGenSettings) -> None:
        self.server, self.settings = server, settings

    def payload(self, recipe: Recipe, batch: int, inputs: dict[str, Any]) -> dict[str, Any]:
        """The JSON of a txt2img or img2img request for *recipe*."""
        prompt = recipe.prompt + "".join(f" <lora:{n}:{w:g}>" for n, w in recipe.loras)
        payload: dict[str, Any] = {
            "prompt": prompt, "negative_prompt": recipe.negative, "steps": recipe.steps,
            "cfg_scale": recipe.guidance, "seed": recipe.seed, "width": recipe.width,
            "height": recipe.height, "sampler_name": recipe.sampler.replace(" Karras", ""),
            "scheduler": "Karras" if "Karras" in recipe.sampler else "Automatic",
            "batch_size": batch, "n_iter": 1, "send_images": True, "save_images": False,
        }  # fmt: skip
        if self.settings.server_model:
            payload["override_settings"] = {"sd_model_checkpoint": self.settings.server_model}
        if recipe.mode != "txt2img":
            payload["init_images"] = [png_b64(inputs["image"])]
            payload["denoising_strength"] = recipe.strength
        if recipe.mode == "inpaint":
            payload.update(mask=png_b64(inputs["mask_image"]), inpainting_fill=1)
        if recipe.control:
            payload["alwayson_scripts"] = {"controlnet": {"args": [{
                "enabled": True, "image": png_b64(inputs["control"]), "module": "none",
                "model": self._controlnet(recipe.control), "weight": recipe.control_scale,
            }]}}  # fmt: skip
        return payload

    def _controlnet(self, kind: str) -> str:
        chosen = dict(pair.split("=", 1) for pair in self.settings.controlnets.split(",")
                      if "=" in pair)  # fmt: skip
        return chosen.get(kind, CONTROLNETS[kind].rsplit("/", 1)[-1]).strip()

    def generate(self, recipe: Recipe, batch: int, inputs: dict[str, Any], cancel: CancelToken,
                 previews: _Previews) -> Iterator[Chunk]:  # fmt: skip
        """Make the pictures, previewing what the server shows; Stop interrupts it."""
        path = "/sdapi/v1/txt2img" if recipe.mode == "txt2img" else "/sdapi/v1/img2img"
        payload = self.payload(recipe, batch, inputs)
        call = Call(lambda put: self.server.post_json(path, payload))
        shown = [""]

        def poll() -> None:
            for chunk in self._progress(recipe.steps, previews, shown):
                call.put("chunk", chunk)

        finished = False
        made = Made([])
        try:
            for kind, value in call.wait(cancel, poll, POLL_S):
                if kind == "chunk":
                    yield value
                elif kind == "done":
                    finished = True
                    made = self._made(value, batch)
        except ServerProblem:
            finished = True  # it refused or is gone: nothing runs there to stop
            raise
        finally:
            if not finished:
                self._interrupt()
        return made

    def _progress(self, steps: int, previews: _Previews, shown: list[str]) -> list[Chunk]:
        try:
            state = self.server.get_json("/sdapi/v1/progress?skip_current_image=false")
        except ServerProblem:
            return []  # progress is a courtesy: the picture itself will say what went wrong
        step = int(state.get("state", {}).get("sampling_step", 0))
        total = int(state.get("state", {}).get("sampling_steps", 0)) or steps
        fraction = float(state.get("progress") or 0.0)
        eta = float(state.get("eta_relative") or 0.0)
        chunks: list[Chunk] = [Progress(f"Step {step} of {total} · about {eta:.0f} s left "
                                        "(on the server)", min(fraction, 0.999))]  # fmt: skip
        current = state.get("current_image") or ""
        if current and current != shown[0]:
            shown[0] = current
            preview = previews.write(image_of(current), f"step {step}/{total}")
            if preview is not None:
                chunks.append(preview)
        return chunks

    def _interrupt(self) -> None:
        with contextlib.suppress(ServerProblem):  # gone: nothing runs there to stop
            self.server.post_json("/sdapi/v1/interrupt", {}, timeout=SHORT_TIMEOUT_S)

    def _made(self, answer: dict[str, Any], batch: int) -> Made:
        images = [image_of(b64) for b64 in (answer.get("images") or [])[:batch]]
        if not images:
            raise ServerProblem(f"The image server at {self.server.url} sent no picture.")
        try:
            info = json.loads(answer.get("info") or "{}")
        except ValueError:
            info = {}
        seeds = [int(s) for s in info.get("all_seeds", [])[: len(images)]]
        return Made(images, seeds, str(info.get("sd_model_name") or ""),
                    str(info.get("sd_model_hash") or ""))  # fmt: skip


class OpenAIImages:
    """The OpenAI images API, as OpenAI, LocalAI and sd.cpp's server offer it."""

    def __init__(self, server: Server, settings: ImageGenSettings) -> None:
        self.server, self.model = server, settings.server_model.strip()

    @property
    def streams(self) -> bool:
        """The gpt-image models send partial pictures while they draw."""
        return self.model.startswith("gpt-image")

    def fields(self, recipe: Recipe, batch: int) -> dict[str, Any]:
        fields: dict[str, Any] = {"prompt": recipe.prompt, "n": batch,
                                  "size": f"{recipe.width}x{recipe.height}"}  # fmt: skip
        if self.model:
            fields["model"] = self.model
        if self.streams:
            fields.update(stream=True, partial_images=2)
        else:  # gpt-image models refuse it: they always answer in base64
            fields["response_format"] = "b64_json"
        return fields

    def generate(self, recipe: Recipe, batch: int, inputs: dict[str, Any], cancel: CancelToken,
                 previews: _Previews) -> Iterator[Chunk]:  # fmt: skip
        if recipe.control:
            raise ServerProblem(
                "The OpenAI images API has no ControlNet: use an A1111 server or this "
                "computer for --control."
            )
        fields = self.fields(recipe, batch)
        if recipe.mode == "txt2img":
            path, body, kind = (
                "/images/generations",
                json.dumps(fields).encode(),
                "application/json",
            )
        else:
            files = {"image": png_bytes(inputs["image"])}
            if recipe.mode == "inpaint":
                files["mask"] = png_bytes(_transparent_where_white(inputs["mask_image"]))
            path = "/images/edits"
            body, kind = multipart({k: str(v).lower() if isinstance(v, bool) else str(v)
                                    for k, v in fields.items()}, files)  # fmt: skip
        call = Call(lambda put: self._request(path, body, kind, put))
        images: list[Any] = []
        text = ""
        for event, value in call.wait(cancel):
            if event == "partial":
                preview = previews.write(image_of(value), "a first sketch from the server")
                if preview is not None:
                    yield preview
            elif event == "image":
                images.append(value)
            elif event == "done":
                text = value
        if not images:
            raise ServerProblem(f"The image server at {self.server.url} sent no picture.")
        return Made(images, model=self.model, text=text)

    def _request(self, path: str, body: bytes, kind: str, put: Any) -> str:
        """Send the request; put each partial and final picture; the revised prompt."""
        with self.server.open(path, body, kind) as response:
            if "text/event-stream" in response.headers.get("Content-Type", ""):
                return self._stream(response, put)
            answer = json.loads(response.read())
        revised = ""
        for item in answer.get("data") or []:
            put("image", self._picture(item))
            revised = item.get("revised_prompt") or revised
        return f"*The server drew:* {revised}\n\n" if revised else ""

    def _stream(self, response: Any, put: Any) -> str:
        for raw in response:
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith("data:") or line == "data: [DONE]":
                continue
            event = json.loads(line.removeprefix("data:"))
            if event.get("type", "").endswith("partial_image"):
                put("partial", event["b64_json"])
            elif event.get("type", "").endswith("completed"):
                put("image", image_of(event["b64_json"]))
        return ""

    def _picture(self, item: dict[str, Any]) -> Any:
        if item.get("b64_json"):
            return image_of(item["b64_json"])
        if item.get("url"):
            from PIL import Image

            with self.server.open_url(item["url"]) as response, Image.open(response) as image:
                return image.convert("RGB")
        raise ServerProblem(f"The image server at {self.server.url} sent no picture.")


def _transparent_where_white(mask: Any) -> Any:
    """The app's mask (white: paint anew) as OpenAI's: transparent where it paints anew."""
    from PIL import ImageOps

    rgba = mask.convert("RGBA")
    rgba.putalpha(ImageOps.invert(mask.convert("L")))
    return rgba
