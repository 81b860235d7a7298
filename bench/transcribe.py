"""Transcription: the plugin against raw faster-whisper on the same file, in one run.

``python -m bench.transcribe`` (from the repository root) measures:

* ``plugin_s``: the reference recording (15 Harvard sentences, 33 s, in
  tests/plugins/transcribe/data) through ``TranscribePlugin.run`` with a real context:
  decode with PyAV, transcribe with the embedded tiny.en (int8, beam 1, VAD filter on,
  no conditioning on earlier text), stream the timestamped lines and write the exports.
* ``raw_s``: the same file, model and options with faster-whisper called directly
  (``decode_audio`` + ``WhisperModel.transcribe`` on the windows of speech the plugin asks
  for: Silero's, cut at pauses, from ``speech_windows``; the segments consumed) and no other
  plugin code. ``stt_ratio`` = plugin / raw (goal ≤ 1.05): the
  plugin's own overhead. The two are timed back to back ``RUNS`` times, alternating which
  goes first; minima are reported. ``plugin_own_ms``: the plugin's time outside the
  engine's ``transcribe`` (decoding the file, the lines, progress, the exports), median:
  the overhead itself, which a busy machine's noise in the two totals does not blur.
* ``stt_rtf``: plugin time / audio length (goal ≤ 0.12 with tiny.en int8 here) and
  ``wer``, the word error rate of the plugin's transcript against the text read.
* ``utterance_s``: a 3 s sentence given to the ``stt`` service as microphone frames, the
  model warm (the transcription part of push to talk).
* ``openai_whisper_rtf``: openai-whisper on the same weights (converted once), for
  comparison; skipped (null) with ``--no-openai``.

The last line printed is the JSON result.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.core.cancel import CancelToken
from assistant.core.messages import Attachment, Kind, Request, TextDelta
from assistant.core.models import ModelRegistry
from assistant.core.plugin import PluginContext
from plugins.transcribe import TranscribePlugin, TranscribeSettings, weights
from plugins.transcribe.engines import speech_windows
from tests.plugins.transcribe.media import REFERENCE, REFERENCE_TEXT, samples, wer

RUNS = 3


def _context(settings: TranscribeSettings, data: Path) -> PluginContext:
    return PluginContext(CancelToken(), settings, ModelRegistry(), data)


def _plugin_run(plugin: TranscribePlugin, context: PluginContext) -> tuple[float, str]:
    request = Request("", (Attachment(REFERENCE, Kind.AUDIO, "audio/wav", REFERENCE.name),))
    started = time.perf_counter()
    text = "".join(c.text for c in plugin.run(request, context) if isinstance(c, TextDelta))
    return time.perf_counter() - started, text


class _EngineClock:
    """Wraps the loaded engine's ``transcribe`` to add up the time spent inside it, so that
    the plugin's own work (decoding, lines, progress, exports) can be told apart."""

    def __init__(self, engine: object) -> None:
        self.seconds = 0.0
        inner = engine.transcribe  # type: ignore[attr-defined]

        def transcribe(*args: object) -> Iterator[object]:
            segments = inner(*args)
            while True:
                started = time.perf_counter()
                try:
                    segment = next(segments)
                except StopIteration:
                    return
                finally:
                    self.seconds += time.perf_counter() - started
                yield segment

        engine.transcribe = transcribe  # type: ignore[attr-defined]


def _raw(model: object) -> float:
    from faster_whisper import decode_audio

    started = time.perf_counter()
    audio = decode_audio(str(REFERENCE), sampling_rate=16_000)
    clips = [sample / 16_000 for window in speech_windows(audio, True) for sample in window]
    segments, _ = model.transcribe(  # type: ignore[attr-defined]
        audio, language="en", beam_size=1, clip_timestamps=clips, condition_on_previous_text=False
    )
    for _segment in segments:
        pass
    return time.perf_counter() - started


def measure(runs: int = RUNS, openai: bool = True) -> dict[str, object]:
    """The plugin against raw faster-whisper, the stt service on a 3 s clip, openai-whisper."""
    from faster_whisper import WhisperModel

    duration = len(samples()) / 16_000
    data = Path(tempfile.mkdtemp(prefix="bench-transcribe-"))
    plugin = TranscribePlugin()
    context = _context(TranscribeSettings(), data)
    plugin.load(context)
    folder = weights.embedded("tiny.en", data)
    from plugins.transcribe.engines import _threads

    raw_model = WhisperModel(str(folder), device="auto", compute_type="int8",
                             cpu_threads=_threads())  # fmt: skip
    raw = raw_model
    _raw(raw)  # warm-up, both
    _plugin_run(plugin, context)
    clock = _EngineClock(plugin.engine(context, lambda *_: None))
    plugin_times, raw_times, own, text = [], [], [], ""
    for run in range(runs):
        if run % 2:
            raw_times.append(_raw(raw))
        clock.seconds = 0.0
        seconds, text = _plugin_run(plugin, context)
        plugin_times.append(seconds)
        own.append(seconds - clock.seconds)
        if not run % 2:
            raw_times.append(_raw(raw))
    stt = plugin.service("stt", context)
    clip = samples(seconds=3)
    started = time.perf_counter()
    heard = " ".join(s.text for s in stt.transcribe(clip, CancelToken()))
    utterance_s = time.perf_counter() - started
    openai_rtf = None
    if openai:
        other = TranscribePlugin()
        other_context = _context(TranscribeSettings(engine="openai-whisper"), data)
        other.load(other_context)
        seconds, _ = _plugin_run(other, other_context)
        openai_rtf = round(seconds / duration, 3)
    plugin_s, raw_s = min(plugin_times), min(raw_times)
    body = " ".join(line.split("` ", 1)[1] for line in text.splitlines() if "` " in line)
    return {
        "audio_s": round(duration, 2),
        "plugin_s": round(plugin_s, 3),
        "raw_s": round(raw_s, 3),
        "stt_ratio": round(plugin_s / raw_s, 3),
        "plugin_own_ms": round(statistics.median(own) * 1000, 1),
        "stt_rtf": round(plugin_s / duration, 3),
        "wer": round(wer(REFERENCE_TEXT, body), 3),
        "utterance_s": round(utterance_s, 3),
        "utterance_text": heard,
        "openai_whisper_rtf": openai_rtf,
        "runs": runs,
    }


def main() -> None:
    print(json.dumps(measure(openai="--no-openai" not in sys.argv)))


if __name__ == "__main__":
    main()
