"""Voice, part 1, in one run: transcription, dictation, spoken replies and the window's calm.

``python -m bench.voice`` (from the repository root; ``--no-openai`` skips openai-whisper):

* ``stt_ratio``, ``stt_rtf``, ``wer``, ``openai_whisper_rtf``: :func:`bench.transcribe.measure`
  (the reference recording through the plugin against raw faster-whisper, same file, model
  and options; goals ≤ 1.05, ≤ 0.12 with tiny.en int8, ≤ 0.06).
* ``dictation_s``: the real window (offscreen) with the file-backed microphone
  (``ASSISTANT_MICROPHONE_FILE``) hearing a 3 s utterance: the Talk button is pressed, and
  let go as soon as the microphone has delivered the utterance's last samples; from then to
  its words in the message box (goal ≤ 1.0 with tiny.en). The first dictation loads the
  model (``dictation_first_s``); the median of the next ``--dictations`` is reported.
* ``tts_first_audio_s``: "read answers aloud" switched on in the window, an answer streamed
  word by word at 12 words a second (:data:`bench.tts.ANSWER`): from the moment its first
  sentence is complete to the moment the window starts playing that sentence's sound on its
  output (goal ≤ 0.3 with piper). The output here records what it is given and plays it in
  real time (this machine has no sound card); the first answer loads the voice.
  ``tts_first_synthesis_s`` is the part of it spent synthesising the sentence.
* ``max_stall_ms``, ``control_max_stall_ms``, ``excess_ms``: the reference recording
  transcribed into the window (its lines streamed and drawn), with bench.ui_stall's 1 ms
  timer on the GUI thread; the control is the same transcription in a plain thread with
  nothing sent or drawn (goal: excess ≤ 4 ms). Median of ``--repeat`` runs of each.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from assistant.core.bootstrap import open_assistant
from assistant.core.cancel import CancelToken
from assistant.core.messages import Attachment, Chunk, Kind, Request, TextDelta
from assistant.core.microphone import FILE_ENV, FileMicrophone
from assistant.core.models import ModelRegistry
from assistant.core.paths import Paths
from assistant.core.plugin import Manifest, PluginContext
from assistant.core.registry import PluginRegistry
from assistant.core.sentences import SentenceSplitter
from assistant.core.spoken import read_wav
from assistant.ui.app import keep_window_responsive
from assistant.ui.main_window import MainWindow
from bench import transcribe, tts
from bench.ui_stall import TickRecorder, settle, summary, ticks_while
from plugins.help import HelpPlugin
from plugins.transcribe import TranscribePlugin, TranscribeSettings
from plugins.tts import TtsPlugin
from tests.plugins.transcribe.media import REFERENCE, samples, write_wav

GOALS = {"stt_ratio": 1.05, "stt_rtf": 0.12, "wer": 0.06, "dictation_s": 1.0,
         "tts_first_audio_s": 0.3, "excess_ms": 4.0}  # fmt: skip
TIMEOUT_MS = 120_000


class Writer:
    """A plugin that streams :data:`bench.tts.ANSWER` word by word at a chat model's pace."""

    manifest = Manifest(name="writer", title="Writer", description="Streams a spoken answer.")

    def __init__(self, rate: float = 12.0) -> None:
        self.rate = rate

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        """The answer, one word every 1/rate seconds."""
        start = time.monotonic()
        for number, word in enumerate(tts.ANSWER.split(" ")):
            context.cancel.raise_if_cancelled()
            yield TextDelta(word if number == 0 else " " + word)
            time.sleep(max(0.0, start + (number + 1) / self.rate - time.monotonic()))


class ClockedOutput:
    """A sound output that notes when each sound starts and plays it in real time.

    It implements :class:`assistant.core.audio.AudioOutput`; nothing is heard (this machine
    has no sound card), but the window's queue waits for each sentence as it would.
    """

    def __init__(self) -> None:
        self.started: list[tuple[float, Path, float]] = []  # when, file, seconds long
        self._until = 0.0
        self._speed = 1.0

    def play(self, path: Path, start_s: float = 0.0) -> None:
        speech = read_wav(path)
        seconds = len(speech.samples) / speech.sample_rate
        self.started.append((time.monotonic(), path, seconds))
        self._until = time.monotonic() + max(0.0, seconds - start_s) / self._speed

    def pause(self) -> None:
        self._until = 0.0

    def stop(self) -> None:
        self._until = 0.0

    def set_speed(self, rate: float) -> None:
        self._speed = rate

    def position_s(self) -> float:
        return 0.0

    def playing(self) -> bool:
        return time.monotonic() < self._until


def open_window(folder: Path) -> MainWindow:
    """The real window on *folder* with the transcribe, tts and writer plugins."""
    paths = Paths(
        config=folder / "config", data=folder / "data", models=folder / "models",
        cache=folder / "cache",
    )  # fmt: skip
    registry = PluginRegistry([TranscribePlugin(), TtsPlugin(), Writer(), HelpPlugin()])
    window = MainWindow(open_assistant(paths, registry))
    window.show()
    return window


def wait_for(condition: Callable[[], bool], timeout_ms: int = TIMEOUT_MS) -> float:
    """Run the event loop until *condition* holds (looked at every millisecond); its time."""
    loop = QEventLoop()
    found: list[float] = []

    def look() -> None:
        if condition():
            found.append(time.perf_counter())
            loop.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(look)
    timer.start()
    QTimer.singleShot(timeout_ms, loop.quit)
    look()
    if not found:
        loop.exec()
    timer.stop()
    if not found:
        raise SystemExit("timed out waiting in the window")
    return found[0]


# ---- dictation ------------------------------------------------------------------------------


def dictate_once(window: MainWindow) -> tuple[float, str]:
    """Press Talk, let go when the utterance has been heard; seconds to its text, the text."""
    button, editor = window.voice_controls.button, window.composer.editor
    editor.clear()
    QTest.mousePress(button, Qt.MouseButton.LeftButton)
    microphone = window.dictation._microphone
    if not isinstance(microphone, FileMicrophone):
        raise SystemExit(f"dictation did not start: {window.dictation.unavailable}")
    heard = wait_for(microphone.finished.is_set)
    QTest.mouseRelease(button, Qt.MouseButton.LeftButton)
    written = wait_for(lambda: bool(editor.toPlainText().strip()))
    return written - heard, editor.toPlainText()


def measure_dictation(window: MainWindow, count: int) -> dict[str, Any]:
    wait_for(window.voice_controls.button.isEnabled, 20_000)
    first, _ = dictate_once(window)
    times, text = [], ""
    for _ in range(count):
        seconds, text = dictate_once(window)
        times.append(seconds)
    window.composer.editor.clear()
    return {
        "dictation_s": round(statistics.median(times), 3),
        "dictation_each_s": [round(t, 3) for t in times],
        "dictation_first_s": round(first, 3),
        "dictation_text": text,
    }


# ---- spoken replies ------------------------------------------------------------------------


def read_one_answer(window: MainWindow, output: ClockedOutput) -> dict[str, float]:
    """Stream an answer with "read answers aloud" on; when its first sentence was complete
    and when the window started playing it."""
    splitter, complete = SentenceSplitter(first_clause=True), []  # as the voice is fed

    def on_chunks(_reply: int, chunks: list) -> None:  # after the window's own slot
        for chunk in chunks:
            if isinstance(chunk, TextDelta) and splitter.feed(chunk.text) and not complete:
                complete.append(time.monotonic())

    window.turns.chunks_arrived.connect(on_chunks)
    before = len(output.started)
    saved: list[object] = []
    spoken: list[Any] = []  # (message id, SpokenSentence): *ready* is its synthesis's end
    window.read_aloud.speech_saved.connect(lambda *args: saved.append(args))
    window.read_aloud.sentence_spoken.connect(lambda *args: spoken.append(args[1]))
    sent = time.monotonic()
    window.send("Tell me about the Eiffel Tower.", [], plugin="writer")
    wait_for(lambda: bool(saved))
    window.turns.chunks_arrived.disconnect(on_chunks)
    window.read_aloud.stop()
    played = output.started[before:]
    if not complete or not played:
        raise SystemExit("the answer was not read aloud")
    return {
        "tts_first_audio_s": played[0][0] - complete[0],
        "synthesis_s": spoken[0].ready - complete[0],
        "streamed_first_audio_s": played[0][0] - sent,
        "sentences_spoken": len(spoken),
    }


def measure_read_aloud(window: MainWindow) -> dict[str, Any]:
    output = ClockedOutput()
    window.view.signals.audio = output  # the sound output the window found (none here)
    QTest.mouseClick(window.read_aloud.switch, Qt.MouseButton.LeftButton)
    first = read_one_answer(window, output)  # loads the voice
    warm = read_one_answer(window, output)
    return {
        "tts_first_audio_s": round(warm["tts_first_audio_s"], 3),
        "tts_first_audio_cold_s": round(first["tts_first_audio_s"], 3),
        "tts_first_synthesis_s": round(warm["synthesis_s"], 3),
        "tts_streamed_first_audio_s": round(warm["streamed_first_audio_s"], 3),
        "tts_sentences_spoken": warm["sentences_spoken"],
    }


# ---- the window while a file is transcribed -----------------------------------------------


def transcribe_into_window(window: MainWindow, recording: Path) -> dict[str, Any]:
    """Ticks of the GUI thread while *recording* is transcribed into the window."""
    recorder, loop, finished = TickRecorder(), QEventLoop(), []

    def on_finished(reply: int) -> None:
        recorder.stop()
        finished.append(reply)
        loop.quit()

    window.turns.turn_finished.connect(on_finished)
    recorder.start()
    window.send("/transcribe", [recording], plugin="transcribe")
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()
    window.turns.turn_finished.disconnect(on_finished)
    stored = window.store.message(finished[0]) if finished else None
    if stored is None or stored.status != "done" or "birch" not in stored.content.lower():
        raise SystemExit(f"the transcript did not arrive whole: {stored and stored.status}")
    return {"gaps": recorder.gaps, "cpu": recorder.cpu}


def transcribe_in_a_thread(plugin: TranscribePlugin, context: PluginContext) -> dict[str, Any]:
    """The control: the same transcription in a plain thread, nothing sent or drawn."""
    request = Request("", (Attachment(REFERENCE, Kind.AUDIO, "audio/wav", REFERENCE.name),))

    def work() -> None:
        for _chunk in plugin.run(request, context):
            pass

    return ticks_while(work, "bench-control-transcription")


def measure_stall(window: MainWindow, folder: Path, repeat: int) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    plugin = TranscribePlugin()  # the same model, loaded again outside the window
    context = PluginContext(CancelToken(), TranscribeSettings(), ModelRegistry(), folder)
    plugin.load(context)
    recording = Path(shutil.copy(REFERENCE, folder / "meeting.wav"))
    runs, controls = [], []
    for _ in range(repeat):
        settle(200)
        runs.append(summary(transcribe_into_window(window, recording)))
        settle(200)
        controls.append(summary(transcribe_in_a_thread(plugin, context)))
    plugin.unload()
    run = sorted(runs, key=lambda r: r["max_stall_ms"])[len(runs) // 2]
    control = sorted(controls, key=lambda r: r["max_stall_ms"])[len(controls) // 2]
    return {
        "max_stall_ms": run["max_stall_ms"],
        "p99_stall_ms": run["p99_stall_ms"],
        "control_max_stall_ms": control["max_stall_ms"],
        "control_p99_stall_ms": control["p99_stall_ms"],
        "excess_ms": round(run["max_stall_ms"] - control["max_stall_ms"], 2),
        "max_stall_ms_each_run": [r["max_stall_ms"] for r in runs],
        "control_max_stall_ms_each_run": [c["max_stall_ms"] for c in controls],
    }


def main(argv: list[str] | None = None) -> int:
    """Run every part; the JSON result is the last line on standard output."""
    parser = argparse.ArgumentParser(prog="python -m bench.voice")
    parser.add_argument("--no-openai", action="store_true", help="skip openai-whisper")
    parser.add_argument("--runs", type=int, default=transcribe.RUNS, help="plugin/raw pairs")
    parser.add_argument("--dictations", type=int, default=3, help="warm dictations (median)")
    parser.add_argument("--repeat", type=int, default=3, help="stall runs of each (median)")
    args = parser.parse_args(argv)
    keep_window_responsive()  # as the app does
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    load_before = os.getloadavg()[0]
    result: dict[str, Any] = dict(transcribe.measure(args.runs, openai=not args.no_openai))
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as name:
        folder = Path(name)
        utterance = write_wav(folder / "utterance.wav", samples(seconds=3.0))
        os.environ[FILE_ENV] = str(utterance)
        window = open_window(folder)
        try:
            result.update(measure_dictation(window, args.dictations))
            result.update(measure_read_aloud(window))
            result.update(measure_stall(window, folder / "control", args.repeat))
        finally:
            window.close()
            window.jobs.shutdown()
            window.assistant.store.close()
            QCoreApplication.processEvents()
    del app
    result["goals_met"] = {k: result[k] <= goal for k, goal in GOALS.items()}
    result["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
