"""Model lifecycle: load on first use, report progress, unload when idle or out of room.

A :class:`ModelHandle` wraps one model's loader. ``get()`` loads the model the first time,
and the :class:`ModelRegistry` keeps the total of what is loaded inside a memory budget by
unloading the least recently used models first. ``sweep()`` unloads models that have been
idle for longer than the idle timeout; the app calls it from a timer.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from assistant.core.cancel import CancelToken

T = TypeVar("T")

ProgressFn = Callable[[str, float | None], None]
Loader = Callable[[ProgressFn], T]


def stoppable(progress: ProgressFn, cancel: CancelToken) -> ProgressFn:
    """*progress* that raises :class:`Cancelled` once *cancel* is set: long work that only
    reports (a model download, a load) then stops at its next report."""

    def report(message: str, fraction: float | None) -> None:
        cancel.raise_if_cancelled()
        progress(message, fraction)

    return report


def _no_progress(message: str, fraction: float | None) -> None:
    """Progress goes nowhere when nobody listens."""


def measure_bytes(model: Any) -> int:
    """The bytes a loaded model holds, counted from its tensors where it has any."""
    parameters = getattr(model, "parameters", None)
    if callable(parameters):
        try:
            return sum(p.numel() * p.element_size() for p in parameters())
        except (TypeError, AttributeError):
            return 0
    return 0


def model_device(model: Any) -> str:
    """Where a loaded model lives: "cuda", "mps" or "cpu"."""
    device = getattr(model, "device", None)
    return str(getattr(device, "type", device or "cpu"))


@dataclass(frozen=True, slots=True)
class LoadedInfo:
    """A loaded model as the plugin manager shows it."""

    name: str
    owner: str
    bytes: int
    device: str
    idle_s: float


class ModelHandle(Generic[T]):
    """One model, loaded lazily and unloadable; thread-safe."""

    def __init__(
        self,
        registry: ModelRegistry,
        name: str,
        loader: Loader[T],
        *,
        owner: str = "",
        approx_bytes: int = 0,
    ) -> None:
        self.name = name
        self.owner = owner
        self.approx_bytes = approx_bytes
        self._registry = registry
        self._loader = loader
        self._lock = threading.RLock()
        self._model: T | None = None
        self.bytes = 0
        self.device = ""  # where it lives once loaded; before that, where it will go if known
        self.last_used = 0.0

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def get(self, progress: ProgressFn = _no_progress) -> T:
        """The model, loading it first (and making room for it) when needed."""
        with self._lock:
            if self._model is None:
                self._registry.make_room(self, self.approx_bytes)
                progress(f"Loading {self.name}…", None)
                model = self._loader(progress)
                self.bytes = measure_bytes(model) or self.approx_bytes
                self.device = model_device(model)
                self._model = model
                self._registry.loaded(self)
                progress(f"{self.name} is ready", 1.0)
            self.last_used = time.monotonic()
            self._registry.touched(self)
            return self._model

    def unload(self) -> None:
        """Drop the model so its memory can be given back."""
        with self._lock:
            if self._model is None:
                return
            self._model = None
            self.bytes = 0
        self._registry.unloaded(self)
        release_memory()


def release_memory() -> None:
    """Give freed tensors back to the system, and to the GPU when one is in use."""
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()


def memory_pool(device: str) -> str:
    """Which budget a model on *device* counts against: "vram" for CUDA, else "ram"
    (Apple's MPS shares the system's memory)."""
    return "vram" if device.startswith("cuda") else "ram"


def cuda_in_use() -> bool:
    """Whether models will go to a CUDA GPU (only asked once torch is already loaded)."""
    torch = sys.modules.get("torch")
    return bool(torch is not None and torch.cuda.is_available())


class ModelRegistry:
    """Knows every loaded model and keeps them inside the memory budgets: one for the
    system's memory and, when a CUDA GPU is used, one for its memory."""

    def __init__(
        self,
        budget_bytes: int = 8 * 1024**3,
        idle_timeout_s: float = 900.0,
        vram_budget_bytes: int = 0,
    ) -> None:
        self.budget_bytes = budget_bytes
        self.vram_budget_bytes = vram_budget_bytes  # 0: nine tenths of the GPU's memory
        self.idle_timeout_s = idle_timeout_s
        self._lock = threading.Lock()
        self._lru: OrderedDict[int, ModelHandle[Any]] = OrderedDict()

    def handle(
        self,
        name: str,
        loader: Loader[T],
        *,
        owner: str = "",
        approx_mb: int = 0,
        device: str = "",
    ) -> ModelHandle[T]:
        """A new lazily-loaded handle; nothing is loaded until its ``get()``.

        *device* is where the plugin will put the model ("cuda", "mps", "cpu"), if it knows,
        so that room is made in the right memory before the load.
        """
        handle = ModelHandle(self, name, loader, owner=owner, approx_bytes=approx_mb * 1024**2)
        handle.device = device
        return handle

    def budget(self, pool: str) -> int:
        """The bytes models may take together in *pool* ("ram" or "vram")."""
        if pool == "ram":
            return self.budget_bytes
        if self.vram_budget_bytes:
            return self.vram_budget_bytes
        import torch

        return int(torch.cuda.get_device_properties(0).total_memory * 0.9)

    def make_room(self, incoming: ModelHandle[Any], incoming_bytes: int) -> None:
        """Unload least recently used models until *incoming_bytes* fits its budget.

        Only models in the same memory (system or GPU) as the incoming one make room.
        """
        pool = memory_pool(incoming.device or self._expected())
        limit = self.budget(pool)
        while True:
            with self._lock:
                same = [h for h in self._lru.values() if memory_pool(h.device) == pool]
                used = sum(h.bytes for h in same)
                victims = [h for h in same if h is not incoming]
                if used + incoming_bytes <= limit or not victims:
                    return
                victim = victims[0]
            victim.unload()

    @staticmethod
    def _expected() -> str:
        return "cuda" if cuda_in_use() else "cpu"

    def loaded(self, handle: ModelHandle[Any]) -> None:
        with self._lock:
            self._lru[id(handle)] = handle
            self._lru.move_to_end(id(handle))

    def touched(self, handle: ModelHandle[Any]) -> None:
        with self._lock:
            if id(handle) in self._lru:
                self._lru.move_to_end(id(handle))

    def unloaded(self, handle: ModelHandle[Any]) -> None:
        with self._lock:
            self._lru.pop(id(handle), None)

    def idle_owners(self, now: float | None = None) -> set[str]:
        """The plugins that own a model idle for longer than the idle timeout."""
        return {h.owner for h in self._idle(now)}

    def sweep(self, now: float | None = None, owner: str | None = None) -> list[str]:
        """Unload models idle for longer than the idle timeout (of one *owner*, or all).

        The app calls it on each owner's own thread, so models are freed where they live.
        """
        idle = [h for h in self._idle(now) if owner is None or h.owner == owner]
        for handle in idle:
            handle.unload()
        return [h.name for h in idle]

    def _idle(self, now: float | None) -> list[ModelHandle[Any]]:
        now = time.monotonic() if now is None else now
        with self._lock:
            return [h for h in self._lru.values() if now - h.last_used > self.idle_timeout_s]

    def unload_all(self, owner: str | None = None) -> None:
        """Unload every model, or only those of one plugin."""
        with self._lock:
            handles = [h for h in self._lru.values() if owner is None or h.owner == owner]
        for handle in handles:
            handle.unload()

    def snapshot(self) -> list[LoadedInfo]:
        """What is loaded now, least recently used first."""
        now = time.monotonic()
        with self._lock:
            return [
                LoadedInfo(h.name, h.owner, h.bytes, h.device, now - h.last_used)
                for h in self._lru.values()
            ]

    def used_bytes(self, owner: str | None = None) -> int:
        with self._lock:
            return sum(h.bytes for h in self._lru.values() if owner is None or h.owner == owner)
