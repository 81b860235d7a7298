"""The plugin contract: a manifest that says what a plugin offers, and a streaming ``run``.

A plugin declares itself as data (its :class:`Manifest`) so that the app can list it, route
to it and build its settings page without importing any model code. Heavy work happens in
``load()``, which the app calls off the GUI thread before the first ``run()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pydantic import BaseModel

from assistant.core.cancel import CancelToken
from assistant.core.messages import Chunk, Kind, Progress, Request
from assistant.core.picture_actions import PictureAction

if TYPE_CHECKING:
    from assistant.core.models import ModelRegistry


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command, e.g. ``/imagine``, that sends a request straight to one plugin."""

    name: str
    summary: str
    usage: str = ""


@dataclass(frozen=True, slots=True)
class Intent:
    """Something a person may ask in plain words that this plugin answers best.

    *label* is shown under the answer ("intent: question about documents"); *examples* are
    sentences an embedding classifier compares with; *keywords* are regular expressions the
    rule-based classifier looks for. An intent with *follows* set only applies when the
    conversation recently carried an attachment of that kind ("how many people are there?"
    after a photo); a plugin's name instead means: right after an answer of that plugin
    ("make it bluer" after a generated picture). *cues*, when given, are regular
    expressions of which a request must contain one before a classifier may choose this
    intent by meaning alone: "write a story about a lighthouse" is near "draw me a
    lighthouse at dusk" in meaning, yet asks for no picture.
    """

    label: str
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    follows: Kind | str | None = None
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A model a plugin needs, with its approximate size so the app can plan memory."""

    name: str
    source: str  # hub id, folder or package that provides it
    approx_mb: int
    offline: bool = False  # ships with the install, needs no download


class NoSettings(BaseModel):
    """Settings of a plugin that has none."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a plugin offers, declared as data."""

    name: str
    title: str
    description: str
    accepts: frozenset[Kind] = frozenset({Kind.TEXT})
    commands: tuple[Command, ...] = ()
    intents: tuple[Intent, ...] = ()
    settings: type[BaseModel] = NoSettings
    # The parameters of one request (``--steps 25``), parsed from the message, set in the
    # Options form or given with ``--set``; see :mod:`assistant.core.options`.
    options: type[BaseModel] | None = None
    models: tuple[ModelSpec, ...] = ()
    # A plugin whose models must always be used from the same thread says so here; the
    # app then gives it one long-lived worker thread that owns them.
    single_thread: bool = True
    # Services this plugin offers the others and the window, e.g. ("llm",) or ("stt",):
    # its ``service(name, context)`` hands each one out (see ServiceProvider).
    provides: tuple[str, ...] = ()
    # Buttons under this plugin's pictures ("Same seed"), answered by its
    # ``picture_request`` (see :mod:`assistant.core.picture_actions`).
    picture_actions: tuple[PictureAction, ...] = ()


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """What one plugin may know of another, e.g. for ``/help``."""

    manifest: Manifest
    state: str
    error: str = ""


class ConversationState(Protocol):
    """A plugin's own notes about one conversation (e.g. a running summary), kept by the app."""

    def get(self, key: str, default: str = "") -> str: ...

    def set(self, key: str, value: str) -> None: ...


class MemoryState:
    """Conversation state kept in memory, for runs with no conversation behind them."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, key: str, default: str = "") -> str:
        return self._values.get(key, default)

    def set(self, key: str, value: str) -> None:
        self._values[key] = value


class ChatModel(Protocol):
    """A language model other plugins may ask for text, offered as ``services["llm"]``.

    *messages* are ``{"role": ..., "content": ...}`` dicts, roles "system", "user" and
    "assistant". The chat plugin provides it, so that e.g. document answers use whatever
    backend the person chose for chatting. *progress* receives model-loading progress.
    *images* are pictures the last message asks about; a model that cannot see raises an
    error whose message says what to choose instead.
    """

    def stream_chat(
        self,
        messages: Sequence[Mapping[str, str]],
        cancel: CancelToken,
        *,
        max_new_tokens: int = 512,
        temperature: float | None = None,
        progress: Callable[[str, float | None], None] | None = None,
        images: Sequence[Path] = (),
    ) -> Iterator[str]: ...

    def sees_images(self) -> bool:
        """Whether pictures may go to the chosen model, known without loading it: a model
        on this computer cannot see; a server may (it says so when its model cannot)."""
        ...


@dataclass
class PluginContext:
    """What the app gives a plugin for one run: settings, models, a way to report progress.

    *report* delivers a chunk (usually :class:`Progress`) out of band, from inside blocking
    calls such as a model load; chunks yielded by ``run`` are the normal path. *state* is
    this plugin's notes on the current conversation; *services* holds what other plugins
    offer (``"llm"``: a :class:`ChatModel`, ``"stt"``: a
    :class:`~assistant.core.speech.SpeechToText`, ``"tts"``: a
    :class:`~assistant.core.speech.TextToSpeech`). *ensure_loaded* loads this plugin if it
    is not loaded yet (a service's first use calls it), in the calling thread.
    """

    cancel: CancelToken
    settings: BaseModel
    models: ModelRegistry
    data_dir: Path
    report: Callable[[Chunk], None] = lambda chunk: None
    state: ConversationState = field(default_factory=MemoryState)
    plugins: Sequence[PluginInfo] = ()
    services: Mapping[str, Any] = field(default_factory=dict)
    ensure_loaded: Callable[[], object] = lambda: None

    def progress(self, message: str, fraction: float | None = None) -> None:
        """Report progress of long work that cannot yield, such as loading a model."""
        self.report(Progress(message, fraction))


@runtime_checkable
class Plugin(Protocol):
    """A plugin answers requests by streaming chunks.

    ``load`` may take long (it loads models) and runs off the GUI thread, once, before the
    first ``run``. ``run`` yields chunks and calls ``context.cancel.raise_if_cancelled()``
    between them. ``unload`` frees what ``load`` took.
    """

    manifest: Manifest

    def load(self, context: PluginContext) -> None: ...

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]: ...

    def unload(self) -> None: ...


@runtime_checkable
class ServiceProvider(Protocol):
    """A plugin that offers services (its manifest's ``provides``) to the others.

    ``service`` must be cheap: it runs before the plugin is loaded, and the object it
    returns calls ``context.ensure_loaded()`` when it first needs the plugin's models, so
    the load happens on first use, in the caller's thread, reporting to the caller.
    """

    def service(self, name: str, context: PluginContext) -> object: ...


@runtime_checkable
class LinkHandler(Protocol):
    """A plugin that puts links of its own in answers (``<plugin name>:<target>``).

    When the person clicks one, the app calls ``handle_link`` off the GUI thread and shows
    what it yields (e.g. the image with only the clicked label's boxes).
    """

    def handle_link(self, target: str, context: PluginContext) -> Iterator[Chunk]: ...


@runtime_checkable
class ModelChecker(Protocol):
    """A plugin that can tell which of its models are not on this computer (optional).

    ``missing_models`` must be cheap and never touch the network or load a model: it looks
    at folders and the hub's cache for the models *settings* (the plugin's own settings)
    choose, and returns the ones that would need a download or a folder. The plugin
    manager marks them "missing".
    """

    def missing_models(self, settings: BaseModel) -> list[ModelSpec]: ...


def missing_models(plugin: object, settings: BaseModel) -> list[ModelSpec]:
    """The models *plugin* says are missing for *settings*; none when it cannot tell."""
    return plugin.missing_models(settings) if isinstance(plugin, ModelChecker) else []
