"""Models from the Hugging Face hub, downloaded with progress the person sees, and a Stop
that works while they download.

``from_pretrained(hub_id)`` downloads on first use but says nothing for minutes while it
does. :func:`fetch_from_hub` downloads first instead, only what a PyTorch load reads
(safetensors when the repository has them, never the TensorFlow, Flax or ONNX copies),
reporting bytes as they arrive to a progress function that may raise (``Cancelled``) to
stop it mid-file (over HTTP: see :func:`assistant.core.network.prefer_offline_hub`). The
model then loads from the local folder. Offline, or when the hub cannot tell what the
repository holds, it hands the id back and the library's own loading (and its own error)
takes over. ``huggingface_hub`` is imported on first use.
"""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.core.models import ProgressFn
from assistant.core.network import hub_reachable, transport_errors
from assistant.core.plugin import Manifest, ModelSpec

REPORT_INTERVAL_S = 0.1
NEVER = (".h5", ".msgpack", ".onnx", ".onnx_data", ".ot", ".tflite", ".mlmodel", ".gguf")
NEVER_NAMES = ("consolidated",)  # Mistral's own format, which transformers does not read
NEVER_FOLDERS = ("onnx/", "openvino/", "coreml/", "tf/", "flax/")
TORCH_WEIGHTS = (".bin", ".pt", ".pth")


class DownloadFailed(RuntimeError):
    """A download stopped part way (network, disk); the message says so, and that the
    files that finished are kept."""


def pytorch_files(files: Iterable[str]) -> list[str]:
    """The files of a repository that a PyTorch ``from_pretrained`` reads.

    Where a folder holds safetensors, the same weights in PyTorch's pickle format are left
    out there.
    """
    wanted = [
        f
        for f in files
        if not f.endswith(NEVER)
        and not f.startswith(NEVER_FOLDERS)
        and not Path(f).name.startswith(NEVER_NAMES)
    ]
    with_safetensors = {_folder(f) for f in wanted if f.endswith(".safetensors")}
    return [f for f in wanted if not (f.endswith(TORCH_WEIGHTS) and _folder(f) in with_safetensors)]


def _folder(name: str) -> str:
    return name.rpartition("/")[0]


def is_hub_id(source: str) -> bool:
    """Whether *source* names a hub repository (``owner/name``), not a file or folder."""
    path = Path(source).expanduser()
    local = path.is_absolute() or source.startswith((".", "~")) or path.exists()
    return source.count("/") == 1 and not local


def _offline() -> bool:
    """Whether the hub is off limits: told so, or unreachable (which sets HF_HUB_OFFLINE
    for the libraries imported later, see :mod:`assistant.core.network`)."""
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE) or not hub_reachable()


def can_download() -> bool:
    """Whether a hub model can be downloaded now (the hub is allowed and reachable); asks
    the network at most once per process (see :func:`assistant.core.network.hub_reachable`)."""
    return not _offline()


def hub_cache_folder() -> Path:
    """Where the hub library keeps downloaded models, worked out without importing it
    (which must wait for :func:`assistant.core.network.prefer_offline_hub`)."""
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        return Path(constants.HF_HUB_CACHE)
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser() / "huggingface" / "hub"


def in_hub_cache(repo_id: str) -> bool:
    """Whether some version of the hub model *repo_id* has been downloaded (a cheap look
    at the cache folder: no network, no hub library)."""
    snapshots = hub_cache_folder() / f"models--{repo_id.replace('/', '--')}" / "snapshots"
    try:
        return any(snapshots.glob("*/config.json")) or any(snapshots.glob("*/*.safetensors"))
    except OSError:
        return False


def model_present(source: str) -> bool:
    """Whether the model *source* (a hub id or a folder) is on this computer, as far as a
    cheap look can tell: a folder that exists, or a hub id in the hub's cache."""
    if is_hub_id(source):
        return in_hub_cache(source)
    return Path(source).expanduser().exists()


def missing_model(name: str, source: str, approx_mb: int = 0) -> list[ModelSpec]:
    """``[ModelSpec]`` for the model *source* (a hub id, folder or file) when it is not on
    this computer, else ``[]``; for a plugin's ``missing_models``."""
    source = source.strip()
    return [] if not source or model_present(source) else [ModelSpec(name, source, approx_mb)]


def models_here(manifests: Iterable[Manifest]) -> list[ModelSpec]:
    """The models the *manifests* declare that are on this computer: shipped with the
    install, or found (a folder, or a hub id in the hub's cache); a cheap look, no network."""
    return [
        m for manifest in manifests for m in manifest.models if m.offline or model_present(m.source)
    ]


def fetch_from_hub(repo_id: str, progress: ProgressFn) -> str:
    """The local folder of the hub model *repo_id*, downloading what is missing; or
    *repo_id* itself when the hub cannot be asked (offline, unknown or gated repository).

    *progress* hears how much has arrived, about ten times a second; an exception it
    raises stops the download (the files that finished are kept for the next fetch).
    """
    from huggingface_hub import HfApi, snapshot_download, try_to_load_from_cache
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError

    if _offline():
        return repo_id
    network_failures: tuple[type[BaseException], ...] = (HfHubHTTPError, *transport_errors())
    unknown: tuple[type[BaseException], ...] = (ValueError, *network_failures)
    endpoint = os.environ.get("HF_ENDPOINT") or None
    try:
        info = HfApi(endpoint=endpoint).model_info(repo_id, files_metadata=True)
    except unknown:
        return repo_id  # the library's own loading says what is wrong, in its words
    sizes = {s.rfilename: s.size or 0 for s in info.siblings or []}
    files = pytorch_files(sizes)
    missing = [
        f
        for f in files
        if not isinstance(try_to_load_from_cache(repo_id, f, revision=info.sha), str)
    ]
    total = sum(sizes[f] for f in missing)
    if missing:
        progress(f"Downloading {repo_id}: 0 of {_mb(total)}", 0.0)
    try:
        folder = snapshot_download(
            repo_id,
            revision=info.sha,
            allow_patterns=files,
            endpoint=endpoint,
            tqdm_class=_progress_bar(repo_id, total, progress),
        )
    except (GatedRepoError, RepositoryNotFoundError):
        return repo_id  # listed, but not to everyone: the library's loading explains
    except network_failures as exc:
        raise DownloadFailed(
            f"Downloading {repo_id} stopped: {exc}. The files that finished are kept; the "
            "download goes on from there next time."
        ) from exc
    if missing:
        progress(f"Downloaded {repo_id} ({_mb(total)})", 1.0)
    return str(folder)


def _progress_bar(repo_id: str, total: int, progress: ProgressFn) -> Any:
    """A tqdm class for ``snapshot_download`` that reports to *progress*. Its bars draw
    into nothing; the largest byte count of any of them (files download in parallel into
    shared bars) is what has arrived."""
    from tqdm.auto import tqdm

    lock = threading.Lock()
    done, reported = 0, 0.0

    def report(bar_bytes: int) -> None:
        nonlocal done, reported
        with lock:  # held while reporting: files arrive on several threads, counts in order
            done = max(done, bar_bytes)
            now = time.monotonic()
            if now - reported < REPORT_INTERVAL_S:
                return
            reported = now
            if total:
                fraction = min(done / total, 1.0)
                progress(f"Downloading {repo_id}: {_mb(done)} of {_mb(total)}", fraction)
            else:
                progress(f"Downloading {repo_id}: {_mb(done)}", None)

    class _ReportingBar(tqdm):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.pop("name", None)
            kwargs["file"] = io.StringIO()
            kwargs["disable"] = False  # it counts even with TQDM_DISABLE set; it never draws
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            shown: bool | None = super().update(n)
            if self.unit == "B":
                report(int(self.n))
            return shown

    return _ReportingBar


def _mb(count: int) -> str:
    return f"{count / 2**20:,.0f} MB" if count >= 2**20 else f"{count / 2**10:,.0f} KB"
