"""Hub downloads: only what PyTorch reads, progress while it arrives, a Stop that stops
it, and the cache used the second time; offline, the id is handed back."""

from __future__ import annotations

from pathlib import Path

import huggingface_hub.constants
import pytest

from assistant.core import downloads
from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.downloads import fetch_from_hub, pytorch_files
from tests.hub_server import HubServer


def make_repo(folder: Path) -> Path:
    """A repository as people publish them: safetensors, and the same weights in other formats."""
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "tiny"}')
    (folder / "model.safetensors").write_bytes(bytes(300_000))
    (folder / "pytorch_model.bin").write_bytes(bytes(300_000))
    (folder / "tf_model.h5").write_bytes(bytes(300_000))
    (folder / "onnx").mkdir()
    (folder / "onnx" / "model.onnx").write_bytes(bytes(1000))
    (folder / "tokenizer.json").write_text("{}")
    return folder


def test_only_the_files_a_pytorch_load_reads_are_chosen() -> None:
    files = ["config.json", "model.safetensors", "pytorch_model.bin", "tf_model.h5",
             "flax_model.msgpack", "onnx/model.onnx", "tokenizer.json"]  # fmt: skip
    assert pytorch_files(files) == ["config.json", "model.safetensors", "tokenizer.json"]
    assert pytorch_files(["config.json", "pytorch_model.bin"]) == [
        "config.json",
        "pytorch_model.bin",
    ]
    mistral = ["consolidated.safetensors", "model-00001-of-00002.safetensors",
               "model-00002-of-00002.safetensors", "model.safetensors.index.json"]  # fmt: skip
    assert pytorch_files(mistral) == mistral[1:]
    assert pytorch_files(["consolidated.safetensors", "pytorch_model.bin"]) == ["pytorch_model.bin"]
    # Safetensors only in a subfolder leave the root's own weights alone.
    assert pytorch_files(["pytorch_model.bin", "extra/model.safetensors"]) == [
        "pytorch_model.bin",
        "extra/model.safetensors",
    ]


def test_a_model_downloads_once_with_progress(hub: HubServer, tmp_path: Path) -> None:
    hub.repos["owner/tiny"] = make_repo(tmp_path / "repo")
    heard: list[tuple[str, float | None]] = []

    folder = Path(fetch_from_hub("owner/tiny", lambda text, part: heard.append((text, part))))

    assert sorted(p.name for p in folder.iterdir()) == [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
    ]
    assert (folder / "model.safetensors").read_bytes() == bytes(300_000)
    assert sorted(hub.downloads) == [
        "owner/tiny/config.json",
        "owner/tiny/model.safetensors",
        "owner/tiny/tokenizer.json",
    ]
    assert heard[0] == ("Downloading owner/tiny: 0 of 293 KB", 0.0)
    assert heard[-1] == ("Downloaded owner/tiny (293 KB)", 1.0)
    fractions = [part for _, part in heard if part is not None]
    assert fractions == sorted(fractions)

    hub.downloads.clear()
    heard.clear()
    assert fetch_from_hub("owner/tiny", lambda text, part: heard.append((text, part))) == str(
        folder
    )
    assert hub.downloads == [] and heard == []  # from the cache, silently


def test_a_stop_during_the_download_stops_it_and_the_next_fetch_finishes(
    hub: HubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.repos["owner/tiny"] = make_repo(tmp_path / "repo")
    monkeypatch.setattr(downloads, "REPORT_INTERVAL_S", 0.0)  # every piece is reported
    cancel = CancelToken()

    def progress(_text: str, _part: float | None) -> None:
        cancel.raise_if_cancelled()
        cancel.cancel()  # the person presses Stop as the download begins

    with pytest.raises(Cancelled):
        fetch_from_hub("owner/tiny", progress)
    cache = Path(huggingface_hub.constants.HF_HUB_CACHE)
    assert not list(cache.rglob("model.safetensors"))  # stopped before any weights were kept

    hub.downloads.clear()
    folder = Path(fetch_from_hub("owner/tiny", lambda _text, _part: None))
    assert (folder / "model.safetensors").read_bytes() == bytes(300_000)
    assert "owner/tiny/model.safetensors" in hub.downloads


def test_offline_the_id_is_handed_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    assert fetch_from_hub("owner/anything", lambda _text, _part: None) == "owner/anything"


def test_an_unknown_repository_is_handed_back_for_the_loader_to_explain(hub: HubServer) -> None:
    assert fetch_from_hub("owner/missing", lambda _text, _part: None) == "owner/missing"


def test_a_gated_repository_is_handed_back_for_the_loader_to_explain(
    hub: HubServer, tmp_path: Path
) -> None:
    hub.repos["owner/gated"] = make_repo(tmp_path / "repo")
    hub.gated.add("owner/gated")
    assert fetch_from_hub("owner/gated", lambda _text, _part: None) == "owner/gated"


def test_models_here_are_the_shipped_ones_and_those_found(tmp_path: Path) -> None:
    from assistant.core.downloads import models_here
    from assistant.core.plugin import Manifest, ModelSpec

    folder = tmp_path / "model"
    folder.mkdir()
    shipped = ModelSpec("built in", "some-package", 10, offline=True)
    found = ModelSpec("found", str(folder), 20)
    manifest = Manifest(
        "x", "X", "x", models=(shipped, found, ModelSpec("gone", "nobody/nothing-here", 30))
    )
    assert models_here([manifest]) == [shipped, found]
