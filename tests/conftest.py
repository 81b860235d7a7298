"""Test set-up shared by every test: private folders, offscreen Qt, no leaked threads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant.core.cancel import CancelToken
from assistant.core.messages import Chunk
from assistant.core.models import ModelRegistry
from assistant.core.plugin import NoSettings, PluginContext
from tests.hub_server import HubServer
from tests.keyrings import MemoryKeyring, memory_keyring_in_use


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config, data, models and cache folders."""
    for name in ("CONFIG", "DATA", "MODELS", "CACHE"):
        folder = tmp_path / "app" / name.lower()
        monkeypatch.setenv(f"ASSISTANT_{name}_DIR", str(folder))
    return tmp_path / "app"


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """A test must not leave a thread of its own running."""
    before = set(threading.enumerate())
    yield
    leaked = [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.daemon and t.name != "QDBusConnection"
    ]
    for thread in leaked:
        thread.join(timeout=5)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"threads left running: {still}"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An empty keyring of the test's own, in place of the OS one."""
    with memory_keyring_in_use() as ring:
        yield ring


@pytest.fixture
def make_context(tmp_path: Path) -> Callable[..., PluginContext]:
    """Build a real PluginContext for calling a plugin's ``load``/``run`` directly."""

    def build(settings: BaseModel | None = None, **kwargs: object) -> PluginContext:
        reported: list[Chunk] = []
        options: dict[str, object] = {
            "cancel": CancelToken(),
            "settings": settings if settings is not None else NoSettings(),
            "models": ModelRegistry(),
            "data_dir": tmp_path / "plugin-data",
            "report": reported.append,
        }
        options.update(kwargs)
        context = PluginContext(**options)  # type: ignore[arg-type]
        context.data_dir.mkdir(parents=True, exist_ok=True)
        return context

    return build


# Capabilities that let a process ignore file permissions (capabilities(7)).
_PERMISSION_BYPASSING_CAPS = {"cap_dac_override": 1, "cap_dac_read_search": 2}


def ignores_file_permissions() -> bool:
    """Whether this process reads and writes files whatever their permissions say.

    True for root with its usual capabilities (as CI runs), False once they are dropped
    (see :func:`rerun_unprivileged`), so tests of permissions can tell where they stand.
    """
    status = Path("/proc/self/status")
    if status.exists():
        effective = next(
            int(line.split()[1], 16)
            for line in status.read_text().splitlines()
            if line.startswith("CapEff:")
        )
        return any(effective >> bit & 1 for bit in _PERMISSION_BYPASSING_CAPS.values())
    return hasattr(os, "geteuid") and os.geteuid() == 0


def unprivileged(*command: str) -> list[str]:
    """*command*, run without the two capabilities that bypass permission checks."""
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "setpriv (util-linux) is needed to test permissions as root"
    dropped = ",".join(f"-{name.removeprefix('cap_')}" for name in _PERMISSION_BYPASSING_CAPS)
    return [
        *(setpriv, "--inh-caps=-all", "--ambient-caps=-all", f"--bounding-set={dropped}"),
        *command,
    ]


def rerun_unprivileged(request: pytest.FixtureRequest) -> None:
    """Run the calling test again without the power to ignore permissions; pass or fail with it.

    Root ignores file permissions, so tests of unreadable files and read-only folders mean
    nothing as root (which CI runs as). The test runs again as root without the two
    capabilities that bypass permission checks: it still owns the checkout and its
    virtualenv, wherever they are (a private home, a ``mktemp -d`` clone), but a file it
    made unreadable is unreadable to it.
    """
    done = subprocess.run(
        unprivileged(
            sys.executable, "-m", "pytest", request.node.nodeid, "-q", "-p", "no:cacheprovider"
        ),
        cwd=request.config.rootpath,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubServer]:
    """A model hub on 127.0.0.1 (add repositories to ``hub.repos``), used as the hub by
    ``huggingface_hub``, with an empty hub cache of the test's own."""
    import huggingface_hub.constants

    from assistant.core import network

    server = HubServer({}).start()
    monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    network.forget()
    yield server
    server.stop()
    network.forget()
