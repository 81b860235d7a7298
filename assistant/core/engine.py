"""The path of one message: store it, route it, run the plugin, keep every chunk safe.

:class:`Assistant` is shared by the window and the command line. ``prepare`` is quick and
stores the person's message before anything else can go wrong; ``execute`` runs the
plugin, checkpointing the streamed answer so that a crash loses at most a fraction of a
second of it. Both are called off the GUI thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.core.attachments import AttachmentError, expand_folder, ingest
from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.intents import IntentClassifier
from assistant.core.messages import (
    Attachment,
    AudioOut,
    Chunk,
    FileOut,
    HistoryMessage,
    ImageOut,
    Kind,
    Notice,
    Request,
    Route,
    Sources,
    TextDelta,
)
from assistant.core.models import ModelRegistry
from assistant.core.network import prefer_offline_hub
from assistant.core.notices import ShownNotices, notice_meta
from assistant.core.options import OptionsError, parse_options, validate_options
from assistant.core.parts import layout_entry
from assistant.core.paths import Paths
from assistant.core.plugin import LinkHandler, PluginContext
from assistant.core.registry import PluginRegistry
from assistant.core.router import Router, missing_default_notice, parse_command
from assistant.core.services import Services
from assistant.core.settings import SettingsStore
from assistant.core.store import Message, Store, StoredAttachment

CHECKPOINT_INTERVAL_S = 0.2
HISTORY_LIMIT = 400
TITLE_LENGTH = 60


class PluginFailed(Exception):
    """A plugin raised; the message is what the person reads in the chat."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One request on its way: the stored question, the reply being written, the route."""

    conversation_id: int
    user_message_id: int
    reply_message_id: int
    route: Route
    request: Request
    problems: tuple[str, ...] = ()  # attachments that could not be taken, said why
    error: str = ""  # the request cannot be run as asked (e.g. a bad option), said why


class StoreState:
    """A plugin's notes on one conversation, kept in the store."""

    def __init__(self, store: Store, conversation_id: int, plugin: str) -> None:
        self._store, self._conversation, self._plugin = store, conversation_id, plugin

    def get(self, key: str, default: str = "") -> str:
        return self._store.get_state(self._conversation, self._plugin, key, default)

    def set(self, key: str, value: str) -> None:
        self._store.set_state(self._conversation, self._plugin, key, value)


class Assistant:
    """Stores, routes and runs requests; the one path every message takes."""

    def __init__(
        self,
        paths: Paths,
        settings: SettingsStore,
        registry: PluginRegistry,
        store: Store,
        *,
        models: ModelRegistry | None = None,
        classifier: IntentClassifier | None = None,
    ) -> None:
        self.paths, self.settings, self.registry, self.store = paths, settings, registry, store
        self.models = models or ModelRegistry()
        self.router = Router(registry.manifests, classifier=classifier)
        self.apply_general()

    def apply_general(self) -> None:
        """Put the general settings into effect (at start, and whenever they are saved)."""
        general = self.settings.general
        self.models.budget_bytes = int(general.memory_budget_gb * 1024**3)
        self.models.vram_budget_bytes = int(general.gpu_budget_gb * 1024**3)
        self.models.idle_timeout_s = general.model_idle_minutes * 60.0
        self.router.default = general.default_plugin
        self.router.by_kind = {
            Kind.IMAGE: general.image_plugin,
            Kind.AUDIO: general.audio_plugin,
            Kind.DOCUMENT: general.document_plugin,
        }

    # ---- preparing a turn (quick: stores the question first) --------------------------

    def prepare(
        self,
        conversation_id: int,
        text: str,
        files: Sequence[Path] = (),
        *,
        plugin: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> Turn:
        """Store the person's message with its files at the end of the active path, route
        it, open the reply. *options* are the request's options given apart from its text
        (a form, ``--set``), kept with the question."""
        meta = {"options": dict(options)} if options else None
        user_id = self.store.add_message(conversation_id, "user", text, meta=meta)
        self._name_conversation(conversation_id, text, files)
        problems = self._attach(user_id, files)
        return self._open_reply(conversation_id, user_id, plugin, tuple(problems))

    def regenerate(self, reply_id: int, *, plugin: str | None = None) -> Turn:
        """Answer the question behind *reply_id* again (optionally by another plugin).

        The new answer is one more version of the reply, and the one shown; the earlier
        answers and every later turn stay.
        """
        reply = self._message(reply_id)
        question = self._question_before(reply)
        self.store.reveal(question.id)  # its branch is the one the history comes from
        return self._open_reply(reply.conversation_id, question.id, plugin, ())

    def edit_and_resend(
        self, user_message_id: int, text: str, options: dict[str, Any] | None = None
    ) -> Turn:
        """Ask a changed question as a new version of *user_message_id*, and answer it.

        The new question (with the original's files) starts a branch of its own; the
        original, its answers and the turns after it stay in theirs. *options* replace the
        original's options given apart from its text (None keeps them).
        """
        question = self._message(user_message_id)
        if question.role != "user":
            raise PluginFailed("Only a question can be edited and sent again.")
        store = self.store
        kept = question.meta.get("options") if options is None else options
        edited = store.add_message(
            question.conversation_id,
            "user",
            text,
            parent_id=question.parent_id,
            meta={"options": kept} if kept else None,
        )
        for file in question.attachments:
            store.add_attachment(
                edited, kind=file.kind, mime=file.mime, name=file.name,
                sha256=file.sha256, path=file.path, size=file.size,
            )  # fmt: skip
        store.reveal(edited)
        return self._open_reply(question.conversation_id, edited, None, ())

    def options_of(self, reply_id: int) -> tuple[int, str, dict[str, Any]]:
        """The question behind *reply_id*, its text without flags and every option it gave
        (its flags and those kept with it), to edit and send again."""
        reply = self._message(reply_id)
        question = self._question_before(reply)
        record = self.registry.record(reply.plugin)
        model = record.manifest.options if record is not None and record.manifest else None
        if model is None:
            return question.id, question.content, {}
        route = self.router.route(question.content, chosen=reply.plugin)
        command = parse_command(question.content)
        text = command.rest if command is not None else route.text
        text, options, _ = self._options(Route(reply.plugin, "", text), question)
        prefix = f"/{command.name} " if command is not None else ""
        return question.id, prefix + text, options

    def choose_version(self, message_id: int) -> None:
        """Show this version of a message (and, for a question, its branch)."""
        self.store.choose_version(message_id)

    def _open_reply(
        self, conversation_id: int, user_id: int, plugin: str | None, problems: tuple[str, ...]
    ) -> Turn:
        prefer_offline_hub()  # before routing, which may load an embedding model
        question = self._message(user_id)
        history = self._history(conversation_id, before=user_id)
        attachments = tuple(_attachment(a) for a in question.attachments)
        recent: set[Kind | str] = {a.kind for m in history[-6:] for a in m.attachments}
        answers = [m.plugin for m in history if m.role == "assistant"]
        recent.update(answers[-1:])
        route = self.router.route(question.content, attachments, recent=recent, chosen=plugin)
        text, options, error = self._options(route, question)
        request = Request(
            text=text,
            attachments=attachments,
            conversation_id=conversation_id,
            message_id=user_id,
            history=history,
            command=route.command,
            options=options,
        )
        reply_id = self.store.add_message(
            conversation_id,
            "assistant",
            plugin=route.plugin,
            route_reason=route.reason,
            status="streaming",
            parent_id=user_id,
        )
        return Turn(conversation_id, user_id, reply_id, route, request, problems, error)

    def _options(self, route: Route, question: Message) -> tuple[str, dict[str, Any], str]:
        """The request's text without its flags, its options (the flags over those kept with
        the question), and what is wrong with them, if anything."""
        record = self.registry.record(route.plugin)
        model = record.manifest.options if record is not None and record.manifest else None
        given = question.meta.get("options") or {}
        if model is None:
            return route.text, {}, ""
        try:
            parsed = parse_options(route.text, model)
            return parsed.text, {**validate_options(given, model), **parsed.options}, ""
        except OptionsError as exc:
            return route.text, {}, str(exc)

    def _attach(self, message_id: int, files: Sequence[Path]) -> list[str]:
        problems: list[str] = []
        limit = self.settings.general.max_attachment_mb * 1024**2
        for path in _expanded(files, problems):
            try:
                item = ingest(path, self.paths.attachments, max_bytes=limit)
            except AttachmentError as exc:
                problems.append(str(exc))
                continue
            self.store.add_attachment(
                message_id,
                kind=item.kind.value,
                mime=item.mime,
                name=item.name,
                sha256=item.sha256,
                path=str(item.path),
                size=item.size,
            )
        return problems

    def _name_conversation(self, conversation_id: int, text: str, files: Sequence[Path]) -> None:
        conversation = self.store.conversation(conversation_id)
        if conversation is not None and not conversation.title:
            words = " ".join(text.split()) or ", ".join(p.name for p in files)
            title = words[:TITLE_LENGTH] + ("…" if len(words) > TITLE_LENGTH else "")
            self.store.rename_conversation(conversation_id, title or "New conversation")

    def _history(self, conversation_id: int, before: int) -> tuple[HistoryMessage, ...]:
        # The active path up to the question: a branch never hears of another branch.
        messages = self.store.messages(conversation_id, before_id=before, limit=HISTORY_LIMIT)
        return tuple(
            HistoryMessage(
                m.role,
                m.content,
                m.plugin,
                tuple(_attachment(a) for a in m.attachments if m.role == "user"),
                m.id,
            )
            for m in messages
            if m.status != "error"
        )

    def _message(self, message_id: int) -> Message:
        message = self.store.message(message_id)
        if message is None:
            raise PluginFailed("That message no longer exists.")
        return message

    def _question_before(self, reply: Message) -> Message:
        question = self.store.message(reply.parent_id) if reply.parent_id is not None else None
        if reply.role == "user" or question is None:
            raise PluginFailed("There is no question before this answer to ask again.")
        return question

    # ---- executing a turn (slow: runs the plugin) ------------------------------------

    def context_for(
        self,
        plugin: str,
        cancel: CancelToken,
        report: Callable[[Chunk], None],
        conversation_id: int = 0,
    ) -> PluginContext:
        """The context a plugin runs with: its settings, models, state and services.

        Called off the GUI thread, before anything a plugin loads: the hub libraries are
        told how to behave here, before they are first imported (see network).
        """
        prefer_offline_hub()
        record = self.registry.record(plugin)
        manifest = record.manifest if record is not None else None
        settings_model = manifest.settings if manifest is not None else None
        data_dir = self.paths.plugin_data(plugin)
        data_dir.mkdir(parents=True, exist_ok=True)
        context = PluginContext(
            cancel=cancel,
            settings=self.settings.section(plugin, settings_model)
            if settings_model is not None
            else self.settings.general,
            models=self.models,
            data_dir=data_dir,
            report=report,
            plugins=self.registry.infos(),
            services=Services(self, plugin, cancel, report),
        )
        context.ensure_loaded = lambda: self.registry.ensure_loaded(plugin, context)
        if conversation_id:
            context.state = StoreState(self.store, conversation_id, plugin)
        return context

    def execute(
        self, turn: Turn, cancel: CancelToken, report: Callable[[Chunk], None] = lambda c: None
    ) -> Iterator[Chunk]:
        """Run the plugin for *turn*, storing what it streams; yields every chunk."""
        recorder = _ReplyRecorder(self.store, turn.reply_message_id)
        for problem in turn.problems:
            notice = Notice(problem, "error")
            recorder.add(notice)
            yield notice
        rerouted = missing_default_notice(turn.route)
        for said in recorder.once([rerouted] if rerouted is not None else []):
            recorder.add(said)
            yield said
        if not turn.request.text.strip() and not turn.request.attachments and turn.problems:
            recorder.finish("error", error="Nothing could be sent.")
            return
        if turn.error:
            recorder.finish("error", error=turn.error)
            raise PluginFailed(turn.error)
        context = self.context_for(turn.route.plugin, cancel, report, turn.conversation_id)
        try:
            plugin = self.registry.ensure_loaded(turn.route.plugin, context)
            cancel.raise_if_cancelled()  # stopped while it loaded: the model stays loaded
            for chunk in recorder.once(plugin.run(turn.request, context)):
                # After a stop nothing more is kept: the window may have let this answer go
                # (a load cannot be interrupted) and shows nothing it says from then on.
                cancel.raise_if_cancelled()
                recorder.add(chunk)
                yield chunk
                cancel.raise_if_cancelled()
        except Cancelled:
            recorder.finish("stopped")
            return
        except Exception as exc:
            if cancel.cancelled:  # a load or download torn down by the stop: no failure
                recorder.finish("stopped")
                return
            message = describe_error(exc)
            recorder.finish("error", error=message)
            raise PluginFailed(message) from exc
        else:
            recorder.finish("done")
        finally:
            # Closed early (the consumer stopped iterating): keep what was said, as stopped.
            if not recorder.finished:
                recorder.finish("stopped")


def follow_link(
    assistant: Assistant,
    plugin: str,
    target: str,
    cancel: CancelToken,
    report: Callable[[Chunk], None] = lambda chunk: None,
) -> Iterator[Chunk]:
    """What *plugin* shows for one of its own links (``plugin:target``) in an answer or a
    notice's button; *report* hears progress from inside blocking work (a download)."""
    context = assistant.context_for(plugin, cancel, report)
    loaded = assistant.registry.ensure_loaded(plugin, context)
    if not isinstance(loaded, LinkHandler):
        raise PluginFailed(f"The {loaded.manifest.title} plugin does not open links.")
    yield from loaded.handle_link(target, context)


def describe_error(exc: BaseException) -> str:
    """A sentence the person can act on, from any exception a plugin raised."""
    text = str(exc).strip()
    if isinstance(exc, MemoryError):
        return "There was not enough memory for this; close other apps or pick a smaller model."
    if not text:
        return f"Something went wrong ({type(exc).__name__})."
    return text


class _ReplyRecorder:
    """Keeps the reply in the store while it streams: text checkpointed, outputs recorded,
    and a keyed notice the conversation has already shown left out (see ``once``)."""

    def __init__(self, store: Store, message_id: int) -> None:
        self._store, self._id = store, message_id
        self._parts: list[str] = []
        self._meta: dict[str, Any] = {}
        self._last_checkpoint = time.monotonic()
        self._shown = ShownNotices(store, message_id)
        self.finished = False

    def once(self, chunks: Iterable[Chunk]) -> Iterator[Chunk]:
        """*chunks* without the keyed notices this conversation has shown already."""
        for chunk in chunks:
            if not isinstance(chunk, Notice) or self._shown.first_time(chunk):
                yield chunk

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def add(self, chunk: Chunk) -> None:
        layout_entry(self._meta.setdefault("layout", []), chunk)
        if isinstance(chunk, TextDelta):
            self._parts.append(chunk.text)
            now = time.monotonic()
            if now - self._last_checkpoint >= CHECKPOINT_INTERVAL_S:
                self._store.checkpoint(self._id, self.text)
                self._last_checkpoint = now
        elif isinstance(chunk, ImageOut | AudioOut | FileOut):
            kind = {ImageOut: Kind.IMAGE, AudioOut: Kind.AUDIO}.get(type(chunk), Kind.DOCUMENT)
            size = chunk.path.stat().st_size if chunk.path.exists() else 0
            self._store.add_attachment(
                self._id,
                kind=kind.value,
                mime=chunk.mime,
                name=chunk.caption or chunk.path.name,
                sha256="",
                path=str(chunk.path),
                size=size,
            )
        elif isinstance(chunk, Sources):
            self._meta["sources"] = [asdict(s) for s in chunk.items]
        elif isinstance(chunk, Notice):
            self._meta.setdefault("notices", []).append(notice_meta(chunk))
            if chunk.key:  # kept at once: the key counts as shown from now on, even after a crash
                self._store.update_message(self._id, meta={"notices": self._meta["notices"]})

    def finish(self, status: str, error: str = "") -> None:
        self.finished = True
        self._store.finish_message(self._id, self.text, status, error=error, meta=self._meta)


def _attachment(stored: StoredAttachment) -> Attachment:
    return Attachment(
        path=Path(stored.path),
        kind=Kind(stored.kind),
        mime=stored.mime,
        name=stored.name,
        sha256=stored.sha256,
        size=stored.size,
    )


def _expanded(files: Sequence[Path], problems: list[str]) -> list[Path]:
    """Files as given, with each dropped folder replaced by the files inside it."""
    result: list[Path] = []
    for path in files:
        if path.is_dir():
            try:
                inside = expand_folder(path)
            except AttachmentError as exc:  # the folder went away meanwhile
                problems.append(str(exc))
                continue
            if not inside:
                problems.append(f"The folder “{path.name}” has no files in it.")
            result.extend(inside)
        else:
            result.append(path)
    return result
