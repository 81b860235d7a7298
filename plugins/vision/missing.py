"""What the vision plugin says when a model is not on this computer: one short notice per
missing model, said once per conversation, with buttons to download it or choose its folder.

Pure data and strings: no model code, so the plugin manager's cheap check lives here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from assistant.core.app_links import choose_folder_link, settings_link
from assistant.core.downloads import (
    DownloadFailed,
    can_download,
    fetch_from_hub,
    is_hub_id,
    model_present,
)
from assistant.core.messages import Chunk, Notice, NoticeAction, Progress
from assistant.core.models import stoppable
from assistant.core.plugin import ModelSpec, PluginContext
from plugins.vision.settings import EMBEDDED_CLASSIFIER, VisionSettings

PLUGIN = "vision"
DOWNLOAD = "download"  # the link target prefix: "vision:download/<role>"


@dataclass(frozen=True, slots=True)
class Role:
    """One job a vision model does: what it is called, its settings field, what is lost."""

    name: str
    field: str
    approx_mb: int
    without: str  # what the person misses while it is missing


ROLES = {
    "classifier": Role("image classifier", "classifier_model", 350, "photos are not classified"),
    "detector": Role("object detector", "detector_model", 160, "photos get no boxes"),
    "caption": Role("caption model", "caption_model", 990, "photos get no caption"),
    "vqa": Role("question-answering model", "vqa_model", 470, "questions get short answers"),
}
# The defaults, by the names people know them by.
SHORT_NAMES = {
    "facebook/detr-resnet-50": "DETR",
    "Salesforce/blip-image-captioning-base": "BLIP",
    "dandelin/vilt-b32-finetuned-vqa": "ViLT",
}


def notice_key(role: str, source: str) -> str:
    """The notice's identity: one per model, so choosing another model says it anew."""
    return f"{PLUGIN}.missing-model.{role}/{source.strip()}"


def download_link(role: str) -> str:
    """The plugin link that downloads the model *role* uses now."""
    return f"{PLUGIN}:{DOWNLOAD}/{role}"


def missing_notice(role: str, source: str, *, downloadable: bool) -> Notice:
    """One sentence saying the *role* model is missing and what is lost, with what to do:
    Download (when the hub can be reached and *source* is a hub id), choose a folder, or
    open Settings at the field."""
    info = ROLES[role]
    source = source.strip()
    actions: list[NoticeAction] = []
    if is_hub_id(source):
        name = SHORT_NAMES.get(source, source)
        text = (
            f"The {info.name} ({name}, about {info.approx_mb} MB) is not on this computer, "
            f"so {info.without}."
        )
        if downloadable:
            actions.append(
                NoticeAction(f"Download (about {info.approx_mb} MB)", download_link(role))
            )
    else:
        text = f"The {info.name} in the folder “{source}” could not be loaded, so {info.without}."
    actions.append(NoticeAction("Choose a folder…", choose_folder_link(PLUGIN, info.field)))
    actions.append(NoticeAction("Settings", settings_link(PLUGIN, info.field)))
    return Notice(text, "warning", key=notice_key(role, source), actions=tuple(actions))


def stopped_download_notice(role: str, reason: str) -> Notice:
    """A download that stopped part way: said every time (it is not a lasting state), with
    a button to go on from where it stopped."""
    return Notice(reason, "warning", actions=(NoticeAction("Download again", download_link(role)),))


def notice_for(role: str, source: str, exc: Exception) -> Notice:
    """What to tell the person about a model that could not be had (*exc*, a
    ``ModelUnavailableError``): a download that stopped (said each time, with a button to
    go on), a built-in classifier whose package is missing (its own words, once), or a
    missing model (once per conversation, with buttons)."""
    if isinstance(exc.__cause__, DownloadFailed):
        return stopped_download_notice(role, str(exc))
    if role == "classifier" and source.strip().lower() in ("", EMBEDDED_CLASSIFIER):
        return Notice(str(exc), "warning", key=notice_key(role, source))
    return missing_notice(role, source, downloadable=can_download())


def missing_models(settings: VisionSettings) -> list[ModelSpec]:
    """The models *settings* choose that are not on this computer (no network asked)."""
    missing = []
    for role, info in ROLES.items():
        source = str(getattr(settings, info.field)).strip()
        if role == "classifier" and source.lower() in ("", EMBEDDED_CLASSIFIER):
            continue  # built in
        if not source:
            continue  # turned off
        if not model_present(source):
            missing.append(ModelSpec(info.name, source, info.approx_mb))
    return missing


def download_source(role: str, settings: VisionSettings | None) -> str:
    """The hub id the *role* model comes from in *settings*; ``ValueError`` (in words) when
    there is no such role or the model is not a hub model."""
    if role not in ROLES:
        raise ValueError(f"There is no “{role}” model to download.")
    source = str(getattr(settings or VisionSettings(), ROLES[role].field)).strip()
    if not is_hub_id(source):
        raise ValueError(
            f"The {ROLES[role].name} “{source}” is not a hub model, so there is nothing to "
            "download; choose its folder instead."
        )
    return source


def download_model(role: str, source: str, context: PluginContext) -> Iterator[Chunk]:
    """Download the hub model *source* for *role*, with progress and Stop (the files that
    finished are kept); says when it is done. ``ValueError`` when the hub cannot be asked."""
    name = ROLES[role].name
    if not can_download():
        raise ValueError(
            f"The model hub cannot be reached from this computer, so the {name} cannot be "
            "downloaded now. Download it on another computer and choose its folder."
        )
    yield Progress(f"Downloading the {name} ({source})…", None)
    folder = fetch_from_hub(source, stoppable(context.progress, context.cancel))
    if folder == source:  # the hub would not say what the repository holds
        raise ValueError(f"The hub does not offer “{source}” for download.")
    yield Notice(f"The {name} ({source}) is downloaded; the next photo uses it.", "info")
