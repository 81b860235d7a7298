"""Plugin discovery with isolated failures, and the model lifecycle under a memory budget."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from assistant.core import registry as registry_module
from assistant.core.cancel import Cancelled
from assistant.core.models import ModelRegistry
from assistant.core.registry import PluginRegistry, PluginState, PluginUnavailable
from tests.fakes import EchoPlugin


class Weights:
    """Stands for a model: something with tensors whose size can be counted."""

    def __init__(self, megabytes: int) -> None:
        import torch

        self.tensor = torch.zeros(megabytes * 1024**2 // 4)

    def parameters(self) -> list[object]:
        return [self.tensor]


def test_discovery_lists_a_broken_plugin_with_its_error_and_keeps_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    points = [
        EntryPoint("echo", "tests.fakes:EchoPlugin", registry_module.ENTRY_POINT_GROUP),
        EntryPoint("ghost", "no_such_module:Plugin", registry_module.ENTRY_POINT_GROUP),
    ]
    monkeypatch.setattr(registry_module, "entry_points", lambda group: points)
    found = PluginRegistry.discover()
    ghost = found.record("ghost")
    assert ghost is not None and ghost.state is PluginState.FAILED
    assert "no_such_module" in ghost.error
    assert [m.name for m in found.manifests()] == ["echo"]


def test_builtin_plugins_are_found_through_their_entry_points() -> None:
    found = PluginRegistry.discover()
    assert {"help", "chat"} <= {r.name for r in found.records()}


def test_load_failure_is_recorded_and_the_next_request_tries_again(make_context) -> None:
    class FailsToLoadOnce(EchoPlugin):
        def load(self, context) -> None:
            super().load(context)
            if self.loads == 1:
                raise OSError("weights file is missing")

    plugin = FailsToLoadOnce()
    plugins = PluginRegistry([plugin])
    with pytest.raises(OSError, match="weights file is missing"):
        plugins.ensure_loaded("echo", make_context())
    record = plugins.record("echo")
    assert record is not None
    assert record.state is PluginState.FAILED and "missing" in record.error
    assert [m.name for m in plugins.manifests()] == ["echo"]  # still takes requests

    assert plugins.ensure_loaded("echo", make_context()) is plugin  # the file is back
    assert record.state is PluginState.LOADED and record.error == ""
    assert plugin.loads == 2


def test_a_load_the_person_stopped_is_no_failure(make_context) -> None:
    class StoppedWhileLoading(EchoPlugin):
        def load(self, context) -> None:
            super().load(context)
            if self.loads == 1:
                context.cancel.cancel()  # Stop pressed during a download
                context.cancel.raise_if_cancelled()

    plugins = PluginRegistry([StoppedWhileLoading()])
    with pytest.raises(Cancelled):
        plugins.ensure_loaded("echo", make_context())
    record = plugins.record("echo")
    assert record is not None
    assert record.state is PluginState.AVAILABLE and record.error == ""
    plugins.ensure_loaded("echo", make_context())
    assert record.state is PluginState.LOADED


def test_load_happens_once_and_disabled_plugins_refuse(make_context) -> None:
    echo = EchoPlugin()
    plugins = PluginRegistry([echo])
    plugins.ensure_loaded("echo", make_context())
    plugins.ensure_loaded("echo", make_context())
    assert echo.loads == 1
    plugins.set_enabled("echo", False)
    assert plugins.manifests() == []
    with pytest.raises(PluginUnavailable, match="turned off"):
        plugins.ensure_loaded("echo", make_context())


def test_model_loads_lazily_once_and_reports_progress() -> None:
    models = ModelRegistry()
    calls: list[str] = []
    handle = models.handle("small", lambda progress: calls.append("load") or Weights(1))
    assert not handle.loaded and calls == []
    seen: list[tuple[str, float | None]] = []
    first = handle.get(lambda message, fraction: seen.append((message, fraction)))
    assert handle.get() is first
    assert calls == ["load"]
    assert seen[0][0] == "Loading small…" and seen[-1][1] == 1.0
    assert handle.bytes == 1024**2


def test_least_recently_used_model_is_evicted_to_fit_the_budget() -> None:
    models = ModelRegistry(budget_bytes=5 * 1024**2)
    a = models.handle("a", lambda p: Weights(2), approx_mb=2)
    b = models.handle("b", lambda p: Weights(2), approx_mb=2)
    c = models.handle("c", lambda p: Weights(2), approx_mb=2)
    a.get()
    b.get()
    a.get()  # a is now the most recently used
    c.get()
    assert a.loaded and c.loaded and not b.loaded
    assert [info.name for info in models.snapshot()] == ["a", "c"]


def test_idle_models_are_unloaded_by_the_sweep() -> None:
    models = ModelRegistry(idle_timeout_s=60)
    handle = models.handle("idle", lambda p: Weights(1))
    handle.get()
    other = models.handle("busy", lambda p: Weights(1), owner="vision")
    other.get()
    assert models.sweep(now=handle.last_used + 30) == []
    assert models.idle_owners(now=other.last_used + 61) == {"", "vision"}
    assert models.sweep(now=other.last_used + 61, owner="vision") == ["busy"]
    assert handle.loaded and not other.loaded
    assert models.sweep(now=handle.last_used + 61) == ["idle"]
    assert not handle.loaded and models.used_bytes() == 0


class OnGpu(Weights):
    """Weights that report living on a CUDA device, as a model moved there does."""

    device = "cuda"


def test_gpu_and_system_memory_have_budgets_of_their_own() -> None:
    models = ModelRegistry(budget_bytes=3 * 1024**2, vram_budget_bytes=3 * 1024**2)
    cpu = models.handle("cpu", lambda p: Weights(2), approx_mb=2)
    gpu_a = models.handle("gpu-a", lambda p: OnGpu(2), approx_mb=2, device="cuda")
    cpu.get()
    gpu_a.get()
    assert cpu.loaded and gpu_a.loaded  # 2 MB in each memory: both fit
    gpu_b = models.handle("gpu-b", lambda p: OnGpu(2), approx_mb=2, device="cuda")
    gpu_b.get()
    assert cpu.loaded and not gpu_a.loaded and gpu_b.loaded
