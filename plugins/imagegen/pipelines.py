"""The base model loaded once, and every pipeline made from it with ``from_pipe``.

Text-to-image, img2img and inpainting, each with or without a ControlNet, share the base
model's UNet, VAE and text encoders: switching costs milliseconds and never loads a
second copy. Each run gets a scheduler of its own (a scheduler object is shared
otherwise). Imports diffusers: loaded by the plugin off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant.core.device import best_device, best_dtype
from plugins.imagegen.metadata import file_hash

SINGLE_FILE_SUFFIXES = (".safetensors", ".ckpt")
# lllyasviel's ControlNet 1.1 for SD 1.5, by condition map.
CONTROLNETS = {
    "canny": "lllyasviel/control_v11p_sd15_canny",
    "scribble": "lllyasviel/control_v11p_sd15_scribble",
    "lineart": "lllyasviel/control_v11p_sd15_lineart",
    "shuffle": "lllyasviel/control_v11e_sd15_shuffle",
    "mlsd": "lllyasviel/control_v11p_sd15_mlsd",
    "tile": "lllyasviel/control_v11f1e_sd15_tile",
}
ProgressFn = Callable[[str, float | None], None]


class ModelProblem(ValueError):
    """The image model cannot be had as the settings say; the message says what to do."""


class Pipelines:
    """A loaded base pipeline and the pipelines made from it, by mode and ControlNet."""

    def __init__(self, base: Any, source: str, device: str, model_hash: str = "") -> None:
        self.base, self.source, self.device, self.model_hash = base, source, device, model_hash
        self.scheduler_config = base.scheduler.config
        self._made: dict[tuple[str, str], Any] = {("txt2img", ""): base}
        self._controlnets: dict[str, Any] = {}
        self.loras: tuple[tuple[str, float], ...] = ()

    @property
    def is_xl(self) -> bool:
        return "XL" in type(self.base).__name__

    def parameters(self) -> Iterator[Any]:
        """Every tensor the base model holds (for the model registry's memory count)."""
        for name in ("unet", "vae", "text_encoder", "text_encoder_2"):
            module = getattr(self.base, name, None)
            if module is not None:
                yield from module.parameters()
        for controlnet in self._controlnets.values():
            yield from controlnet.parameters()

    def pipeline(self, mode: str, control: str = "", controlnet: Any = None) -> Any:
        """The pipeline for *mode* ("txt2img", "img2img", "inpaint") with the ControlNet
        *controlnet* for *control* (made once, from the base, sharing its model)."""
        key = (mode, control)
        if key not in self._made:
            from diffusers import (
                AutoPipelineForImage2Image,
                AutoPipelineForInpainting,
                AutoPipelineForText2Image,
            )

            auto = {"txt2img": AutoPipelineForText2Image, "img2img": AutoPipelineForImage2Image,
                    "inpaint": AutoPipelineForInpainting}[mode]  # fmt: skip
            extra = {"controlnet": controlnet} if control else {}
            self._made[key] = auto.from_pipe(self.base, **extra)
        return self._made[key]

    def controlnet(self, kind: str, source: str, progress: ProgressFn) -> Any:
        """The ControlNet for *kind* from *source* (loaded once)."""
        if kind not in self._controlnets:
            from diffusers import ControlNetModel

            progress(f"Loading the {kind} ControlNet ({source})…", None)
            try:
                model = ControlNetModel.from_pretrained(source, dtype=self.base.unet.dtype)
            except (OSError, ValueError) as exc:
                raise ModelProblem(
                    f"The {kind} ControlNet “{source}” is not on this computer or cannot be "
                    f"read ({_first_line(exc)}). Download it, or name its folder in Settings → "
                    "Image generation → ControlNet models."
                ) from exc
            self._controlnets[kind] = model.to(self.device)
        return self._controlnets[kind]


def load_pipelines(source: str, config: str, device: str, progress: ProgressFn) -> Pipelines:
    """Load the base model from a hub id, a diffusers folder or one checkpoint file."""
    import torch

    source = source.strip()
    if not source:
        raise ModelProblem("No image model is chosen: set one in Settings → Image generation.")
    device = best_device(device)
    dtype = best_dtype(device) if device != "cpu" else torch.float32
    path = Path(source).expanduser()
    common: dict[str, Any] = {
        "dtype": dtype, "safety_checker": None, "feature_extractor": None,
        "requires_safety_checker": False,
    }  # fmt: skip
    progress(f"Loading the image model {path.name or source}…", None)
    if path.suffix.lower() in SINGLE_FILE_SUFFIXES:
        base, model_hash = _single_file(path, config, common), file_hash(path)
    else:
        base, model_hash = _pretrained(source, path, common), _folder_hash(path)
    base.set_progress_bar_config(disable=True)
    base = base.to(device)
    if device != "cpu":
        base.enable_attention_slicing()
    return Pipelines(base, source, device, model_hash)


def _pretrained(source: str, path: Path, common: dict[str, Any]) -> Any:
    from diffusers import AutoPipelineForText2Image

    try:
        return AutoPipelineForText2Image.from_pretrained(str(path) if path.is_dir() else source,
                                                         **_for_kind(path, common))  # fmt: skip
    except (OSError, ValueError, KeyError) as exc:
        where = f"the folder “{path}”" if path.is_dir() else f"“{source}”"
        raise ModelProblem(
            f"The image model {where} is not on this computer or is not a diffusers model "
            f"({_first_line(exc)}). Download it, or choose a model folder or a .safetensors "
            "file in Settings → Image generation."
        ) from exc


def _for_kind(path: Path, common: dict[str, Any]) -> dict[str, Any]:
    """SDXL pipelines take no safety checker."""
    index = path / "model_index.json"
    if index.is_file() and "XL" in index.read_text(encoding="utf-8"):
        return {"dtype": common["dtype"]}
    return common


def _single_file(path: Path, config: str, common: dict[str, Any]) -> Any:
    from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline

    if not path.is_file():
        raise ModelProblem(f"The model file “{path}” does not exist.")
    if not config or not Path(config).expanduser().is_dir():
        raise ModelProblem(
            f"To load “{path.name}” without the hub, name a diffusers folder of the same kind "
            "of model in Settings → Image generation → Config folder for one file."
        )
    xl = _is_xl_file(path)
    pipeline = StableDiffusionXLPipeline if xl else StableDiffusionPipeline
    kwargs = {"dtype": common["dtype"]} if xl else common
    try:
        return pipeline.from_single_file(
            str(path), config=str(Path(config).expanduser()), local_files_only=True, **kwargs
        )
    except Exception as exc:  # a torn or foreign file fails anywhere in the conversion
        raise ModelProblem(
            f"“{path.name}” could not be read as a Stable Diffusion checkpoint "
            f"({_first_line(exc)})."
        ) from exc


def _is_xl_file(path: Path) -> bool:
    if path.suffix.lower() != ".safetensors":
        return False
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as file:
            return any(k.startswith("conditioner.embedders.1") for k in file.keys())  # noqa: SIM118
    except Exception as exc:  # not a safetensors file at all
        raise ModelProblem(f"“{path.name}” is not a readable .safetensors file ({exc}).") from exc


def _folder_hash(path: Path) -> str:
    weights = path / "unet" / "diffusion_pytorch_model.safetensors"
    return file_hash(weights) if weights.is_file() else ""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
