"""Object detection with a transformers detector (DETR by default).

The detector runs on the display copy of a photo; its boxes are asked for in the original
photo's size, so they can be stored once and drawn on any copy.
"""

from __future__ import annotations

from typing import Any

import torch  # noqa: TID253 - backend module, imported by load()
from PIL import Image

from plugins.vision.drawing import Detection
from plugins.vision.hub import load_processor_and_model


class Detector:
    """An ``AutoModelForObjectDetection`` with its image processor."""

    def __init__(self, model: Any, processor: Any) -> None:
        self.model = model
        self.processor = processor

    def detect(
        self,
        image: Image.Image,
        original_size: tuple[int, int],
        *,
        threshold: float = 0.7,
        max_boxes: int = 50,
    ) -> list[Detection]:
        """Objects in *image*, most certain first, boxed in *original_size* coordinates."""
        inputs = self.processor(images=image, return_tensors="pt").to(self.model.device)
        with torch.inference_mode():
            outputs = self.model(**inputs)
        width, height = original_size
        result = self.processor.post_process_object_detection(
            outputs, threshold=threshold, target_sizes=[(height, width)]
        )[0]
        id2label = self.model.config.id2label
        found = [
            Detection(
                str(id2label.get(int(label), f"class {int(label)}")),
                float(score),
                _clamped(box.tolist(), width, height),
            )
            for score, label, box in zip(
                result["scores"], result["labels"], result["boxes"], strict=True
            )
        ]
        found.sort(key=lambda d: d.score, reverse=True)
        return found[:max_boxes]

    def parameters(self) -> Any:
        """The model's tensors, so the model registry can count its memory."""
        return self.model.parameters()


def _clamped(box: list[float], width: int, height: int) -> tuple[float, float, float, float]:
    """A box kept inside the photo: detectors may reach a little past its edges."""
    left, top, right, bottom = box
    return (
        min(max(left, 0.0), width),
        min(max(top, 0.0), height),
        min(max(right, 0.0), width),
        min(max(bottom, 0.0), height),
    )


def load_detector(source: str) -> Detector:
    """A detector from a hub id or folder."""
    from transformers import AutoImageProcessor, AutoModelForObjectDetection

    processor, model = load_processor_and_model(
        AutoImageProcessor,
        AutoModelForObjectDetection,
        source,
        task="Object detection",
        setting="detector_model",
    )
    return Detector(model, processor)
