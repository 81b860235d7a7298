"""The vision plugin: what it offers (its manifest) and how a request becomes an answer.

A photo dropped into the conversation is analysed (classes, objects, caption); a question
without a photo is about the last photo the person gave. The models live in backend
modules that :meth:`VisionPlugin.load` imports, so importing this module is instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from assistant.core.messages import (
    Attachment,
    Chunk,
    HistoryMessage,
    ImageOut,
    Kind,
    Request,
    TextDelta,
)
from assistant.core.plugin import Command, Intent, Manifest, ModelSpec, PluginContext
from plugins.vision.missing import DOWNLOAD, download_model, download_source, missing_models
from plugins.vision.settings import TITLE, VisionSettings

if TYPE_CHECKING:
    from plugins.vision.analysis import VisionModels

NO_IMAGE = (
    "There is no photo in this conversation yet. Drop or paste one into the window, then "
    "ask about it."
)

QUESTION_INTENT = Intent(
    label="question about the last image",
    examples=(
        "how many people are there?",
        "what colour is the car?",
        "what is in this picture?",
        "is there a dog in the photo?",
        "what is this?",
        "what is in the first photo?",
        "and in the other picture?",
        "was this photo taken at night?",
        "does the second picture show a cat?",
    ),
    keywords=(
        r"\b(this|the|that|my) (image|photo|picture|pic|screenshot|shot)\b",
        r"\bhow many\b",
        r"\bwhat colou?rs?\b",
        r"\bin (it|the (image|photo|picture|pic))\b",
        r"\bwhat is (this|that|it)\b",
        r"\bwhat('s| is) (in|on) (it|there|this|that)\b",
        r"\bdescribe (it|this|that)\b",
        r"\b(first|second|third|last|latest|previous|earlier|older|other) "
        r"(image|photo|picture|pic|one)s?\b",
    ),
    follows=Kind.IMAGE,
)

MANIFEST = Manifest(
    name="vision",
    title=TITLE,
    description=(
        "Looks at photos: boxes and names the objects in them, lists what they most likely "
        "show, writes a caption, and answers questions about the last photo."
    ),
    accepts=frozenset({Kind.IMAGE, Kind.TEXT}),
    commands=(
        Command(
            "vision",
            "Analyse the last photo, or ask a question about it",
            usage="/vision [question], e.g. /vision how many people?",
        ),
    ),
    intents=(QUESTION_INTENT,),
    settings=VisionSettings,
    models=(
        ModelSpec("image classifier", "efficientnet-lite0 (built in)", 18, offline=True),
        ModelSpec("object detector", "facebook/detr-resnet-50", 160),
        ModelSpec("captions", "Salesforce/blip-image-captioning-base", 990),
        ModelSpec("questions about photos", "dandelin/vilt-b32-finetuned-vqa", 470),
    ),
)


def question_of(request: Request) -> str:
    """The person's question, or "" when the text only names the attached files."""
    text = request.text.strip()
    names = {a.name for a in request.attachments} | {a.path.name for a in request.attachments}
    return "" if text in names else text


def last_image(history: Iterable[HistoryMessage]) -> Attachment | None:
    """The newest photo the person gave (history runs oldest first); None if there is none.

    Images the assistant made are not attachments of user messages, so they never count.
    """
    for message in reversed(tuple(history)):
        if message.role != "user":
            continue
        for attachment in reversed(message.attachments):
            if attachment.kind is Kind.IMAGE:
                return attachment
    return None


class VisionPlugin:
    """Analyses photos and answers questions about the last one."""

    manifest = MANIFEST

    def __init__(self) -> None:
        self._models: VisionModels | None = None

    def load(self, context: PluginContext) -> None:
        """Import the model code (torch, transformers); models load on first use."""
        self._models_for(context)

    def _models_for(self, context: PluginContext) -> VisionModels:
        from plugins.vision.analysis import VisionModels

        if self._models is None or self._models.registry is not context.models:
            self._models = VisionModels(context.models)
        return self._models

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        """Analyse attached photos, then answer the question, if any, about the photo it
        points at (see :mod:`plugins.vision.which_photo`), saying which one that is."""
        from plugins.vision.analysis import ImageAnalyst
        from plugins.vision.which_photo import about_line, choose_photo

        analyst = ImageAnalyst(self._models_for(context), context)
        question = question_of(request)
        images = request.attachments_of(Kind.IMAGE)
        history = request.history
        if images:
            analysed = []
            for index, attachment in enumerate(images):
                if (yield from analyst.analyse(attachment, index, len(images))) is not None:
                    analysed.append(attachment)
            if not question or not analysed:
                return
            sent = HistoryMessage("user", request.text, attachments=tuple(analysed))
            history = (*history, sent)
        choice = choose_photo(question, history, analyst.described())
        if choice is None:
            yield TextDelta(NO_IMAGE)
        elif question:
            yield from analyst.answer(choice.photo.attachment, question, about_line(choice))
        else:
            yield from analyst.analyse(choice.photo.attachment)

    def handle_link(self, target: str, context: PluginContext) -> Iterator[Chunk]:
        """``highlight/<output image>/<label>``: that image with only *label*'s boxes;
        ``download/<role>``: download the hub model that role uses, with progress."""
        from urllib.parse import unquote

        from plugins.vision.drawing import highlight

        action, _, rest = target.partition("/")
        if action == DOWNLOAD:
            yield from self._download(rest, context)
            return
        name, _, label = rest.partition("/")
        image = context.data_dir / "outputs" / Path(unquote(name)).name
        if action != "highlight" or not image.is_file():
            raise ValueError("That picture is no longer there to highlight.")
        label = unquote(label)
        yield ImageOut(highlight(image, image.with_suffix(".json"), label), caption=label)

    def _download(self, role: str, context: PluginContext) -> Iterator[Chunk]:
        settings = context.settings
        source = download_source(role, settings if isinstance(settings, VisionSettings) else None)
        yield from download_model(role, source, context)
        self._models_for(context).forget_missing(role, source)  # the next photo uses it

    def missing_models(self, settings: BaseModel) -> list[ModelSpec]:
        """The models *settings* choose that are not on this computer (no network)."""
        chosen = settings if isinstance(settings, VisionSettings) else VisionSettings()
        return missing_models(chosen)

    def unload(self) -> None:
        """Unload the models and forget which were missing (the settings may change)."""
        if self._models is not None:
            self._models.forget()
            self._models = None
