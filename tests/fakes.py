"""Plugins for tests. Each one *is* a Plugin: the real contract, with simple behaviour."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from assistant.core.messages import Chunk, ImageOut, Kind, Notice, Progress, Request, TextDelta
from assistant.core.plugin import Command, Intent, Manifest, PluginContext


class EchoPlugin:
    """Answers with the request's words, one chunk each."""

    manifest = Manifest(
        name="echo",
        title="Echo",
        description="Says back what it was told.",
        commands=(Command("echo", "Repeat the text"),),
    )

    def __init__(self) -> None:
        self.loads = 0
        self.requests: list[Request] = []

    def load(self, context: PluginContext) -> None:
        self.loads += 1

    def unload(self) -> None:
        self.loads = 0

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        self.requests.append(request)
        for word in (request.text or "(nothing)").split(" "):
            context.cancel.raise_if_cancelled()
            yield TextDelta(word + " ")


class GatedPlugin:
    """Streams a first chunk, then waits for the test to open the gate (or a stop)."""

    manifest = Manifest(
        name="gated",
        title="Gated",
        description="Streams until the test lets it finish.",
        intents=(Intent("question about gates", keywords=(r"\bgates?\b",)),),
    )

    def __init__(self) -> None:
        self.gate = threading.Event()

    def load(self, context: PluginContext) -> None:
        context.progress("Warming up", 0.5)

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        yield TextDelta("first part")
        while not self.gate.wait(0.01):
            context.cancel.raise_if_cancelled()
        yield TextDelta(" and the rest")


class BrokenPlugin:
    """Fails the way real plugins fail: with an exception mid-answer."""

    manifest = Manifest(
        name="broken",
        title="Broken",
        description="Always fails.",
        commands=(Command("break", "Fail on purpose"),),
    )

    def load(self, context: PluginContext) -> None:
        """Loads fine; fails later."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        yield TextDelta("partial ")
        raise RuntimeError("The broken plugin broke, as it always does.")


class PictureFrame:
    """Takes images and answers with the image it was given and its size."""

    manifest = Manifest(
        name="frame",
        title="Frame",
        description="Describes attached images.",
        accepts=frozenset({Kind.IMAGE, Kind.TEXT}),
    )

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        yield Progress("Looking", 0.5)
        for image in request.attachments_of(Kind.IMAGE):
            yield ImageOut(Path(image.path), caption=image.name)
            yield TextDelta(
                f"{image.name}: {image.size} bytes [again](frame:show/{image.sha256})\n\n"
            )

    def handle_link(self, target: str, context: PluginContext) -> Iterator[Chunk]:
        """``show/<sha256>``: the attached picture with that content, in a viewer."""
        digest = target.removeprefix("show/")
        stored = next(context.data_dir.parent.parent.glob(f"attachments/*/{digest}*"))
        yield ImageOut(stored, caption="again")


class SteadyPlugin:
    """Streams numbered words at a steady pace and never checks for a stop itself,
    as plugins that leave stopping to the app do."""

    manifest = Manifest(
        name="steady",
        title="Steady",
        description="Counts slowly.",
        commands=(Command("count", "Count slowly"),),
    )

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        yield Notice("Counting slowly, as asked.")
        for number in range(10_000):
            yield TextDelta(f"w{number} ")
            threading.Event().wait(0.002)


class SlowLoader:
    """Its load blocks in one call, as a library's model load does, until the test opens
    the gate: no stop reaches it meanwhile."""

    manifest = Manifest(
        name="slowload",
        title="Slow load",
        description="Loads a big model, slowly.",
        commands=(Command("slowload", "Load slowly, then answer"),),
    )

    def __init__(self) -> None:
        self.loading = threading.Event()
        self.gate = threading.Event()
        self.loaded = False

    def load(self, context: PluginContext) -> None:
        context.progress("Loading a big model", None)
        self.loading.set()
        self.gate.wait(60)  # never forever: a failing test must not hang the suite
        self.loaded = True

    def unload(self) -> None:
        self.loaded = False

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        for word in ("loaded", "and", "ready"):
            yield TextDelta(word + " ")


class StuckStreamer:
    """Streams a first part, then is stuck in one long call that no stop reaches (as a
    model computing a long step in native code is) until the test opens the gate."""

    manifest = Manifest(
        name="stuck",
        title="Stuck",
        description="Says a little, then thinks for a long time.",
        commands=(Command("stuck", "Say a little, then get stuck"),),
    )

    def __init__(self) -> None:
        self.gate = threading.Event()

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        yield TextDelta("first part")
        self.gate.wait(60)
        yield TextDelta(" and the rest")
