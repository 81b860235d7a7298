"""Words about a photo: a one-line caption, and answers to questions about it.

Captioning uses an image-to-text model (BLIP by default); questions go to a visual
question answering model: ViLT picks its answer from a fixed answer list, BLIP-style
models generate one.
"""

from __future__ import annotations

from typing import Any

import torch  # noqa: TID253 - backend module, imported by load()
from PIL import Image

from plugins.vision.hub import load_processor_and_model

_MAX_NEW_TOKENS = 30


class Captioner:
    """An image-to-text model with its processor."""

    def __init__(self, model: Any, processor: Any) -> None:
        self.model = model
        self.processor = processor

    def caption(self, image: Image.Image) -> str:
        """One line saying what *image* shows."""
        inputs = self.processor(images=image, return_tensors="pt").to(self.model.device)
        with torch.inference_mode():
            tokens = self.model.generate(**inputs, max_new_tokens=_MAX_NEW_TOKENS)
        text = self.processor.batch_decode(tokens, skip_special_tokens=True)[0]
        return " ".join(text.split())

    def parameters(self) -> Any:
        """The model's tensors, so the model registry can count its memory."""
        return self.model.parameters()


class QuestionAnswerer:
    """A visual question answering model with its processor."""

    def __init__(self, model: Any, processor: Any) -> None:
        self.model = model
        self.processor = processor
        # ViLT-style models classify over a fixed set of answers; the others generate.
        self.answers_from_list = not model.can_generate()

    def answer(self, image: Image.Image, question: str) -> str:
        """The model's answer to *question* about *image*."""
        inputs = self.processor(
            images=image, text=question, return_tensors="pt", truncation=True
        ).to(self.model.device)
        with torch.inference_mode():
            if self.answers_from_list:
                logits = self.model(**inputs).logits[0]
                return str(self.model.config.id2label[int(logits.argmax())])
            tokens = self.model.generate(**inputs, max_new_tokens=_MAX_NEW_TOKENS)
        text = self.processor.batch_decode(tokens, skip_special_tokens=True)[0]
        return " ".join(text.split())

    def parameters(self) -> Any:
        """The model's tensors, so the model registry can count its memory."""
        return self.model.parameters()


def load_captioner(source: str) -> Captioner:
    """A captioning model from a hub id or folder."""
    from transformers import AutoModelForImageTextToText, AutoProcessor

    processor, model = load_processor_and_model(
        AutoProcessor, AutoModelForImageTextToText, source, task="Captions", setting="caption_model"
    )
    return Captioner(model, processor)


def load_question_answerer(source: str) -> QuestionAnswerer:
    """A visual question answering model from a hub id or folder."""
    from transformers import AutoModelForVisualQuestionAnswering, AutoProcessor

    processor, model = load_processor_and_model(
        AutoProcessor,
        AutoModelForVisualQuestionAnswering,
        source,
        task="Answering questions about photos",
        setting="vqa_model",
    )
    return QuestionAnswerer(model, processor)
