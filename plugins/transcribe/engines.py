"""The speech-to-text engines: faster-whisper, openai-whisper on the same weights, a server.

Each takes 16 kHz mono float32 samples and yields :class:`Segment` s in order, calling
*info* once first with the language and duration. The heavy libraries are imported here,
when an engine is built (in the plugin's ``load``).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.core.cancel import CancelToken
from assistant.core.speech import SAMPLE_RATE, Segment, TranscriptionInfo

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]

InfoFn = Callable[[TranscriptionInfo], None]
WINDOW_S = 30.0  # Whisper hears 30 s at a time


@dataclass(frozen=True, slots=True)
class Options:
    """How to transcribe: *short* is a dictated utterance (no timestamps needed, faster)."""

    language: str | None = None
    beam_size: int = 1
    vad_filter: bool = True
    short: bool = False
    initial_prompt: str | None = None


class Engine(Protocol):
    def transcribe(
        self, audio: Samples, options: Options, cancel: CancelToken, info: InfoFn
    ) -> Iterator[Segment]: ...


def _threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class FasterWhisper:
    """CTranslate2 Whisper: the default, fastest on a CPU."""

    def __init__(self, model: str | Path, compute_type: str = "int8", device: str = "auto"):
        from faster_whisper import WhisperModel

        self.model = WhisperModel(
            str(model), device=device, compute_type=compute_type, cpu_threads=_threads()
        )
        self.english_only = not self.model.model.is_multilingual

    def transcribe(
        self, audio: Samples, options: Options, cancel: CancelToken, info: InfoFn
    ) -> Iterator[Segment]:
        language = options.language or ("en" if self.english_only else None)
        # With the filter, Whisper hears windows of speech cut at pauses (see
        # speech_windows); faster-whisper's own filter joins all the speech and cuts it
        # every 30 s wherever that falls: on the reference recording it cut "Kick" at
        # 30.0 s and lost it (7.4 % of the words wrong instead of 5.0 %).
        windows = speech_windows(audio, True) if options.vad_filter else [(0, len(audio))]
        if not windows:  # no speech at all: no words, not even an invented "You"
            info(TranscriptionInfo(language or "", None, len(audio) / SAMPLE_RATE))
            return
        segments, found = self.model.transcribe(
            audio,
            language=language,
            beam_size=options.beam_size,
            clip_timestamps=[sample / SAMPLE_RATE for window in windows for sample in window],
            # Each window decoded on its own: a long file never falls into a repetition loop.
            condition_on_previous_text=False,
            without_timestamps=options.short,
            initial_prompt=options.initial_prompt,
        )
        given = options.language or self.english_only  # told, not detected: no certainty
        certainty = None if given else found.language_probability
        info(TranscriptionInfo(found.language, certainty, found.duration))
        for segment in segments:
            cancel.raise_if_cancelled()
            text = segment.text.strip()
            if text:
                yield Segment(segment.start, segment.end, text, segment.no_speech_prob)


class OpenAIWhisper:
    """openai-whisper (PyTorch), the reference implementation, on a converted checkpoint.

    It transcribes a whole clip at once, so long audio is cut into windows of at most
    30 s at pauses (faster-whisper's Silero VAD finds them) and each window's segments are
    yielded as it is done.
    """

    def __init__(self, checkpoint: Path | str, device: str = "cpu") -> None:
        import torch
        import whisper

        torch.set_num_threads(_threads())
        self.model = whisper.load_model(str(checkpoint), device=device)
        self.english_only = not self.model.is_multilingual

    def transcribe(
        self, audio: Samples, options: Options, cancel: CancelToken, info: InfoFn
    ) -> Iterator[Segment]:
        language = options.language or ("en" if self.english_only else None)
        duration = len(audio) / SAMPLE_RATE
        if language is None:
            language, probability = self._detect(audio)
        else:
            probability = None
        info(TranscriptionInfo(language, probability, duration))
        for start, end in speech_windows(audio, options.vad_filter):
            cancel.raise_if_cancelled()
            with _tokenizer_files_left_open():
                result: dict[str, Any] = self.model.transcribe(
                    audio[start:end],
                    language=language,
                    beam_size=options.beam_size if options.beam_size > 1 else None,
                    condition_on_previous_text=False,
                    fp16=False,
                    verbose=None,
                    initial_prompt=options.initial_prompt,
                )
            offset = start / SAMPLE_RATE
            for segment in result["segments"]:
                text = str(segment["text"]).strip()
                if text:
                    yield Segment(offset + segment["start"], offset + segment["end"], text)

    def _detect(self, audio: Samples) -> tuple[str, float]:
        import whisper

        clip = whisper.pad_or_trim(audio)
        mel = whisper.log_mel_spectrogram(clip, self.model.dims.n_mels).to(self.model.device)
        with _tokenizer_files_left_open():
            _, probabilities = self.model.detect_language(mel)
        language = max(probabilities, key=probabilities.get)
        return language, float(probabilities[language])


@contextlib.contextmanager
def _tokenizer_files_left_open() -> Iterator[None]:
    """openai-whisper reads its tokenizer once without closing the file: not our leak."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield


def speech_windows(audio: Samples, vad: bool) -> list[tuple[int, int]]:
    """Sample ranges of at most 30 s: speech found by Silero (cut at pauses, so that no word
    straddles two windows; silence and noise between them left out), or plain 30-second
    windows without the filter."""
    limit = int(WINDOW_S * SAMPLE_RATE)
    if not vad:
        return [(i, min(i + limit, len(audio))) for i in range(0, len(audio), limit)]
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    spans = get_speech_timestamps(audio, VadOptions(max_speech_duration_s=WINDOW_S - 1))
    windows: list[tuple[int, int]] = []
    for span in spans:
        start, end = max(0, span["start"] - 1600), min(len(audio), span["end"] + 1600)
        if windows and end - windows[-1][0] <= limit:
            windows[-1] = (windows[-1][0], end)  # joined with the window before
        else:
            windows.append((start, end))
    return windows
