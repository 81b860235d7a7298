"""Analysing photos and answering questions about them, as streams of chunks.

:class:`VisionModels` keeps one lazily-loaded handle per model in the app's registry, and
remembers models that could not be loaded so a missing download is not retried for every
photo. :class:`ImageAnalyst` does one run's work: each part (classes, objects, caption,
answer) runs when its model is available, and says which model is missing when it is not.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.downloads import DownloadFailed, fetch_from_hub, is_hub_id
from assistant.core.messages import (
    Attachment,
    Chunk,
    ImageOut,
    Notice,
    Progress,
    TextDelta,
    guess_mime,
)
from assistant.core.models import ModelHandle, ModelRegistry, ProgressFn, stoppable
from assistant.core.plugin import PluginContext
from plugins.vision.ask_chat import BLIND_CHAT_NOTICE, ask_chat_model
from plugins.vision.classify import ClassScore, is_embedded, load_classifier
from plugins.vision.detect import load_detector
from plugins.vision.drawing import Detection, draw_detections, save_detections
from plugins.vision.hub import ModelUnavailableError
from plugins.vision.images import ImageReadError, PreparedImage, open_image
from plugins.vision.language import load_captioner, load_question_answerer
from plugins.vision.missing import notice_for
from plugins.vision.settings import VisionSettings
from plugins.vision.summary import count_answer, count_labels, counted_thing, summary_markdown

_LOADERS: dict[str, Callable[[str], Any]] = {
    "classifier": load_classifier,
    "detector": load_detector,
    "caption": load_captioner,
    "vqa": load_question_answerer,
}


def _load(role: str, source: str, progress: ProgressFn) -> Any:
    """The *role* model from *source*; a hub model is downloaded first, with progress, and
    loads from its folder in the hub's cache (offline, by its id)."""
    return _LOADERS[role](fetch_from_hub(source, progress) if is_hub_id(source) else source)


_APPROX_MB = {"classifier": 350, "detector": 170, "caption": 990, "vqa": 470}
_RECENT_IMAGES = 4
# The suffixes that name a format the chat shows as is; the first is the one to give it.
_SUFFIXES = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg", ".jpe")}


@dataclass
class Analysis:
    """What one photo showed; *detections* is None when no detector was available."""

    image: PreparedImage
    classes: list[ClassScore] | None
    detections: list[Detection] | None
    caption: str | None
    output: Path


class VisionModels:
    """The plugin's models, as handles in the app's shared :class:`ModelRegistry`."""

    def __init__(self, registry: ModelRegistry) -> None:
        self.registry = registry
        self._handles: dict[tuple[str, str], ModelHandle[Any]] = {}
        self._missing: dict[tuple[str, str], str] = {}
        self.recent: OrderedDict[str, Analysis] = OrderedDict()

    def get(self, role: str, source: str, context: PluginContext) -> Any:
        """The *role* model from *source*; raise :class:`ModelUnavailableError` if missing."""
        key = (role, source.strip())
        if key in self._missing:
            raise ModelUnavailableError(self._missing[key])
        handle = self._handles.get(key)
        if handle is None:
            approx = 20 if role == "classifier" and is_embedded(source) else _APPROX_MB[role]
            handle = self.registry.handle(
                f"vision {role}: {key[1] or 'built-in'}",
                lambda progress: _load(role, key[1], progress),
                owner="vision",
                approx_mb=approx,
            )
            self._handles[key] = handle
        try:
            return handle.get(stoppable(context.progress, context.cancel))
        except DownloadFailed as exc:  # not remembered: the next photo resumes it
            raise ModelUnavailableError(str(exc)) from exc
        except ModelUnavailableError as exc:
            self._missing[key] = str(exc)
            raise

    def remember(self, analysis: Analysis) -> None:
        """Keep *analysis* for follow-up questions about the same photo."""
        self.recent[str(analysis.image.source)] = analysis
        self.recent.move_to_end(str(analysis.image.source))
        while len(self.recent) > _RECENT_IMAGES:
            self.recent.popitem(last=False)

    def forget_missing(self, role: str, source: str) -> None:
        """Try the *role* model from *source* again next time (it was just downloaded)."""
        self._missing.pop((role, source.strip()), None)

    def forget(self) -> None:
        """Unload every model and forget what was missing (settings may have changed)."""
        self.registry.unload_all(owner="vision")
        self._handles.clear()
        self._missing.clear()
        self.recent.clear()


class ImageAnalyst:
    """One run's work on photos, yielding chunks for the conversation."""

    def __init__(self, models: VisionModels, context: PluginContext) -> None:
        self.models = models
        self.context = context
        settings = context.settings
        self.settings = settings if isinstance(settings, VisionSettings) else VisionSettings()
        self._notices: list[Notice] = []
        self._told: set[str] = set()

    def _model(self, role: str, source: str) -> Any | None:
        """The model, or None when turned off (empty source) or missing (noted for later)."""
        if not source.strip() and role != "classifier":
            return None
        try:
            return self.models.get(role, source, self.context)
        except ModelUnavailableError as exc:
            notice = notice_for(role, source, exc)
            if (notice.key or notice.text) not in self._told:
                self._told.add(notice.key or notice.text)
                self._notices.append(notice)
            return None

    def _pending_notices(self) -> Iterator[Chunk]:
        while self._notices:
            yield self._notices.pop(0)

    def analyse(
        self, attachment: Attachment, index: int = 0, total: int = 1
    ) -> Generator[Chunk, None, Analysis | None]:
        """Classes, objects and caption of one photo: an annotated image and a summary."""
        cancel = self.context.cancel
        yield Progress(f"Looking at {attachment.name}…", index / total)
        try:
            image = open_image(attachment.path, attachment.name)
        except ImageReadError as exc:
            yield Notice(str(exc), level="error")
            return None
        cancel.raise_if_cancelled()
        classes = self._classes(image)
        cancel.raise_if_cancelled()
        yield Progress(f"Finding objects in {attachment.name}…", (index + 0.4) / total)
        detections = self.detections(image)
        cancel.raise_if_cancelled()
        caption_model = self._model("caption", self.settings.caption_model)
        if caption_model is not None:
            yield Progress(f"Describing {attachment.name}…", (index + 0.7) / total)
        caption = caption_model.caption(image.display) if caption_model is not None else None
        cancel.raise_if_cancelled()
        yield from self._pending_notices()
        analysis = Analysis(
            image, classes, detections, caption, self._write_output(image, detections)
        )
        self.models.remember(analysis)
        if detections:  # the photo with its boxes; the photo alone is shown with the question
            yield ImageOut(analysis.output, caption=caption or "", mime=_mime(analysis.output))
        yield TextDelta(self._summary(analysis))
        return analysis

    def _classes(self, image: PreparedImage) -> list[ClassScore] | None:
        classifier = self._model("classifier", self.settings.classifier_model)
        if classifier is None:
            return None
        return classifier.classify(image.display, top=self.settings.top_classes)

    def detections(self, image: PreparedImage) -> list[Detection] | None:
        """Objects in *image*, or None when no detector is available."""
        detector = self._model("detector", self.settings.detector_model)
        if detector is None:
            return None
        return detector.detect(
            image.display,
            image.original_size,
            threshold=self.settings.score_threshold,
            max_boxes=self.settings.max_boxes,
        )

    def _write_output(self, image: PreparedImage, detections: list[Detection] | None) -> Path:
        """The image to show: boxed when there are boxes, else the file or a normalised copy.

        A photo with nothing to draw that is already shown as stored is the attachment
        itself, the app's own content-addressed copy that never changes: no reading or
        writing. Under a suffix that misnames its format it is linked under the right one.
        """
        suffixes = _SUFFIXES.get(image.file_format, (".png",))
        if not detections and image.as_stored and image.source.suffix.lower() in suffixes:
            return image.source
        folder = self.context.data_dir / "outputs"
        folder.mkdir(parents=True, exist_ok=True)
        stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in image.source.stem)[:40]
        stem = f"{stem or 'image'}-{uuid.uuid4().hex[:10]}"
        if not detections and image.as_stored:
            target = folder / f"{stem}{suffixes[0]}"
            _link_or_copy(image.source, target)
            return target
        if not detections:
            target = folder / f"{stem}.jpg"
            image.display.save(target, quality=92)
            return target
        base = folder / f"{stem}.base.jpg"
        image.display.save(base, quality=92)
        target = folder / f"{stem}.png"
        draw_detections(image.display, detections, image.scale).save(target, compress_level=1)
        save_detections(target.with_suffix(".json"), detections, image.original_size, base.name)
        return target

    def _summary(self, analysis: Analysis) -> str:
        counts = None if analysis.detections is None else count_labels(analysis.detections)
        classes = [(c.label, c.score) for c in analysis.classes or ()]
        return summary_markdown(
            analysis.image.name,
            caption=analysis.caption,
            counts=counts,
            classes=classes,
            output_name=analysis.output.name,
            threshold=self.settings.score_threshold,
            class_threshold=self.settings.class_threshold,
        )

    def described(self) -> dict[str, list[str]]:
        """What this session's analyses found in each photo (classes, caption), by path."""
        return {
            path: [*(c.label for c in analysis.classes or ()), analysis.caption or ""]
            for path, analysis in self.models.recent.items()
        }

    def answer(self, attachment: Attachment, question: str, about: str = "") -> Iterator[Chunk]:
        """Answer *question* about the photo *attachment*, with what is available; *about*
        (which photo this is) opens the answer, under the question."""
        yield Progress(f"Looking at {attachment.name} for your question…", None)
        analysis = self.models.recent.get(str(attachment.path))
        try:
            image = analysis.image if analysis else open_image(attachment.path, attachment.name)
        except ImageReadError as exc:
            yield Notice(str(exc), level="error")
            return
        self.context.cancel.raise_if_cancelled()
        llm = self.context.services.get("llm")
        if self.settings.ask_chat_model and llm is not None:
            if not llm.sees_images():
                yield BLIND_CHAT_NOTICE
            elif (yield from ask_chat_model(llm, image, question, self.context, about)):
                return
        vqa = self._model("vqa", self.settings.vqa_model)
        reply = vqa.answer(image.display, question) if vqa is not None else None
        self.context.cancel.raise_if_cancelled()
        is_count = counted_thing(question) is not None
        if analysis is None and (is_count or reply is None):
            analysis = self._facts(image, with_caption=reply is None)
        counted = self._counted(question, analysis.detections) if analysis and is_count else None
        yield from self._pending_notices()
        threshold = self.settings.class_threshold
        yield TextDelta(
            _answer_text(question, reply, counted, analysis, about=about, class_threshold=threshold)
        )

    def _facts(self, image: PreparedImage, *, with_caption: bool) -> Analysis:
        """What the other models say about *image*, to answer when VQA cannot."""
        detections = self.detections(image)
        self.context.cancel.raise_if_cancelled()
        caption = None
        if with_caption:
            captioner = self._model("caption", self.settings.caption_model)
            caption = captioner.caption(image.display) if captioner is not None else None
        return Analysis(image, self._classes(image), detections, caption, image.source)

    def _counted(self, question: str, detections: list[Detection] | None) -> str | None:
        if detections is None:
            return None
        detector = self.models.get("detector", self.settings.detector_model, self.context)
        known = detector.model.config.id2label.values()
        return count_answer(question, count_labels(detections), known)


def _answer_text(
    question: str,
    reply: str | None,
    counted: str | None,
    analysis: Analysis | None,
    *,
    about: str = "",
    class_threshold: float = 0.0,
) -> str:
    """The answer's Markdown: the VQA model's reply, the detector's count, or what is known;
    after the question, *about* says which photo it is about."""
    lines = [f"> {question.strip()}"]
    if about:
        lines.append(about)
    if reply:
        lines.append(f"**{reply[:1].upper() + reply[1:]}**")
    if counted:
        lines.append(counted)
    if not reply and not counted:
        lines.append("I cannot answer that exactly without a question-answering model.")
        if analysis is not None:
            facts = _known_facts(analysis, class_threshold)
            lines.append("What I can tell: " + "; ".join(facts) + ".")
    return "\n\n".join(lines) + "\n"


def _known_facts(analysis: Analysis, class_threshold: float) -> list[str]:
    facts = []
    if analysis.caption:
        facts.append(analysis.caption)
    if analysis.detections:
        facts.append(
            ", ".join(f"{n} {label}" for label, n in count_labels(analysis.detections).items())
        )
    sure = [c.label for c in analysis.classes or () if c.score >= class_threshold]
    unsure = [c.label for c in analysis.classes or () if c.score < class_threshold]
    if sure:
        facts.append("probably " + ", ".join(sure[:3]))
    elif unsure:
        facts.append("perhaps " + " or ".join(unsure[:3]) + ", but I am not sure")
    return facts or ["nothing yet"]


def _mime(path: Path) -> str:
    return guess_mime(path)


def _link_or_copy(source: Path, target: Path) -> None:
    """*source* under the name *target*: a hard link, or a copy where links cannot be made.

    Attachments never change, so a link is as good as a copy; copy on another file system,
    FAT or a network drive.
    """
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
