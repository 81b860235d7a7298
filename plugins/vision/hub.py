"""Loading a model from a Hugging Face hub id or a local folder, with a message people read.

The hub is the normal path (models download on first use); a folder is how people who are
offline, or who fine-tuned their own, point the app at a model. When neither works the
error says which model is missing and how to get it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from assistant.core.device import best_device
from assistant.core.setting_fields import settings_path
from plugins.vision.settings import TITLE, VisionSettings

T = TypeVar("T")


class ModelUnavailableError(RuntimeError):
    """A model could not be loaded; the message says which and how to get it."""


def looks_like_folder(source: str) -> bool:
    """Whether *source* names a folder rather than a hub id such as ``owner/name``."""
    path = Path(source).expanduser()
    return path.is_absolute() or source.startswith((".", "~")) or path.exists()


def missing_message(task: str, source: str, setting: str) -> str:
    """Which model is missing for *task*, and the two ways to get it; *setting* is the
    field of :class:`VisionSettings` that names the model."""
    where = settings_path(TITLE, VisionSettings, setting)
    if looks_like_folder(source):
        return (
            f"{task} is unavailable: the folder “{source}” does not hold a model this app "
            f"can load. Choose another folder, or a hub id, in {where}."
        )
    return (
        f"{task} needs the model “{source}”, which is not on this computer. It downloads "
        "by itself on first use when the internet is reachable; offline, download it on "
        f"another computer and choose its folder in {where}."
    )


def load_pretrained(load: Callable[[str], T], source: str, *, task: str, setting: str) -> T:
    """``load(source)`` — one of the ``from_pretrained`` calls — with a readable failure.

    A hub model that is neither cached nor downloadable makes transformers raise ``OSError``;
    a folder of the wrong kind raises ``ValueError`` or ``KeyError``.
    """
    location = str(Path(source).expanduser()) if looks_like_folder(source) else source
    try:
        return load(location)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelUnavailableError(missing_message(task, source, setting)) from exc


def load_processor_and_model(
    processor_class: Any, model_class: Any, source: str, *, task: str, setting: str
) -> tuple[Any, Any]:
    """A transformers processor and model from *source*, the model on the best device and
    ready to run; a readable failure as :func:`load_pretrained` gives."""
    processor = load_pretrained(processor_class.from_pretrained, source, task=task, setting=setting)
    model = load_pretrained(model_class.from_pretrained, source, task=task, setting=setting)
    return processor, model.to(best_device()).eval()
