"""Voice mode's latency, barge-in and cost: ``python -m bench.voice_loop``.

The real window (offscreen) in voice mode, in a simulated room running in real time: the
person says a committed clip (tests/data/voice), tiny.en writes it down, the embedded chat
model (SmolLM2) answers, piper speaks it back into the room, whose loudspeaker returns to
the microphone (40 ms, gain 0.6, reverb). After one warm-up turn (the models load),
``--turns`` turns (default 10) are measured:

- ``first_audio_p50_s`` / ``_p95_s``: end of the person's speech (the last voiced frame)
  -> the first sentence of the reply starts playing;
- ``pipeline_p50_s``: the same without the chat model's time from the question to its
  first whole sentence (what voice mode itself adds: the end-of-turn silence, the
  transcription, the first sentence's synthesis); goal <= 1.5 s;
- ``false_barge_ins``: barge-ins while the assistant spoke alone (its echo only); goal 0;
- ``barge_in_s``: in ``--barge-ins`` more turns (default 3) the person talks over the
  answer: their clip's onset -> playback stopped (median, and the worst); goal <= 0.5;
- ``vad_cpu_pct``: Silero's CPU over the audio heard, % of one core (the listener's own
  count), beside ``bench.vad``'s raw onnxruntime control; goal <= 2;
- ``excess_ms``: the longest gap of a 1 ms GUI timer during the measured turns, over a
  control run in the same process: the same transcriptions, chat replies and syntheses on
  a plain thread, with a listener hearing the room, and nothing shown; goal <= 4.

The last line is the JSON result.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from bench.ui_stall import TickRecorder

VOICE = Path(__file__).resolve().parent.parent / "tests" / "data" / "voice"
CLIPS = ("capital_of_france", "weather_on_mars", "draw_a_cat", "wait_a_moment")
MAX_TOKENS = 40
TURN_TIMEOUT_S = 180.0
GOALS = {"pipeline_p50_s": 1.5, "barge_in_s": 0.5, "vad_cpu_pct": 2.0, "excess_ms": 4.0}


def wait_until(condition: Any, timeout_s: float) -> bool:
    """Run the event loop until *condition()* holds (checked every 10 ms)."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while not condition():
        if time.monotonic() > deadline:
            return False
        QTimer.singleShot(10, loop.quit)
        loop.exec()
    return True


def open_window(folder: Path) -> Any:
    from assistant.core.bootstrap import open_assistant
    from assistant.core.paths import Paths
    from assistant.core.registry import PluginRegistry
    from assistant.core.room import SimulatedRoom
    from assistant.ui.main_window import MainWindow
    from plugins.chat import ChatPlugin
    from plugins.chat.settings import ChatSettings
    from plugins.help import HelpPlugin
    from plugins.transcribe import TranscribePlugin
    from plugins.tts import TtsPlugin

    paths = Paths(
        config=folder / "config", data=folder / "data", models=folder / "models",
        cache=folder / "cache",
    )  # fmt: skip
    registry = PluginRegistry([ChatPlugin(), TranscribePlugin(), TtsPlugin(), HelpPlugin()])
    assistant = open_assistant(paths, registry)
    assistant.router.default = "chat"
    assistant.settings.update_section(
        "chat",
        ChatSettings(max_new_tokens=MAX_TOKENS, temperature=0.0, system_prompt="Be brief."),
    )
    window = MainWindow(assistant)
    window.show()
    room = SimulatedRoom()
    window.voice_mode.room_factory = lambda: room
    return window, room


def say(room: Any, name: str) -> int:
    from assistant.core.room import read_clip

    index = room.add(read_clip(VOICE / f"{name}.wav", room.elapsed_s() + 0.2))
    wait_until(lambda: index in room.onsets, 10)
    return index


def spoken_turn(window: Any, room: Any, name: str) -> None:
    """The person says *name*; back once the answer has been spoken and voice mode listens."""
    voice = window.voice_mode
    before = len(voice.conversation.timings)
    say(room, name)
    done = wait_until(
        lambda: len(voice.conversation.timings) > before and voice.state == "listening",
        TURN_TIMEOUT_S,
    )
    if not done:
        raise RuntimeError(f"The turn {name!r} did not finish (state {voice.state}).")


def barge_in(window: Any, room: Any, name: str) -> float:
    """Ask, then talk over the answer once it is spoken: onset -> playback stopped."""
    voice, speaker = window.voice_mode, room.speaker
    say(room, name)
    if not wait_until(lambda: voice.state == "speaking", TURN_TIMEOUT_S):
        raise RuntimeError("The answer was never spoken.")
    wait_until(lambda: False, 0.8)  # a little of the answer first
    stops = len(speaker.stopped_at)
    index = say(room, "capital_of_france")  # ("Wait," alone the echo canceller may eat)
    if not wait_until(lambda: len(speaker.stopped_at) > stops, 5):
        raise RuntimeError("Talking over the answer did not stop it.")
    stopped = speaker.stopped_at[stops] - room.onsets[index]
    wait_until(lambda: voice.state == "listening" and not window.turns.busy, TURN_TIMEOUT_S)
    return stopped


def control(window: Any, texts: list[tuple[str, str]], room_seconds: float) -> float:
    """The same model work on a plain thread (a listener hearing the room beside it),
    nothing shown: the longest GUI timer gap meanwhile, in ms."""
    from assistant.core.cancel import CancelToken
    from assistant.core.listening import Listener
    from assistant.core.room import SimulatedRoom, read_clip
    from assistant.core.services import Services
    from assistant.core.spoken import SpokenAnswer

    assistant = window.assistant
    cancel = CancelToken()
    services = Services(assistant, "", cancel, lambda _c: None)
    stt, tts, llm = services["stt"], services["tts"], services["llm"]
    listener = Listener()
    room = SimulatedRoom()
    clips = [read_clip(VOICE / f"{CLIPS[i % len(CLIPS)]}.wav", 0.0) for i in range(len(texts))]

    def work() -> None:
        for clip, (question, _answer) in zip(clips, texts, strict=True):
            list(stt.transcribe(clip.samples, cancel))
            spoken = SpokenAnswer(cancel, first_clause=False)  # as voice mode speaks
            messages = [{"role": "user", "content": question}]
            for piece in llm.stream_chat(messages, cancel, max_new_tokens=MAX_TOKENS):
                spoken.feed(piece)
            spoken.finish()
            for _sentence in spoken.sentences_spoken(tts):
                pass

    recorder = TickRecorder()
    thread = threading.Thread(target=work, name="voice control")
    room.start(listener.hear)
    recorder.start()
    thread.start()
    ends = time.monotonic() + room_seconds
    wait_until(lambda: not thread.is_alive() and time.monotonic() > ends, 600)
    recorder.stop()
    room.stop()
    return max(recorder.gaps) * 1000


class StallWatch:
    """With ``--diagnose``: a thread that prints the GUI thread's stack whenever the GUI's
    1 ms timer has not ticked for *limit_s* (what the GUI thread was doing in a stall)."""

    def __init__(self, recorder: TickRecorder, limit_s: float = 0.15) -> None:
        self._recorder, self._limit = recorder, limit_s
        self._gui = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="stall watch", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        import traceback

        reported = 0.0
        while not self._stop.wait(0.05):
            times = self._recorder.times
            last = times[-1] if times else time.perf_counter()
            late = time.perf_counter() - last
            if late > self._limit and last != reported:
                reported = last
                frame = sys._current_frames().get(self._gui)
                stack = "".join(traceback.format_stack(frame, limit=12)) if frame else "?"
                print(f"GUI late {late * 1000:.0f} ms:\n{stack}", file=sys.stderr)

    def stop(self) -> None:
        self._stop.set()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--barge-ins", type=int, default=3)
    parser.add_argument("--diagnose", action="store_true", help="print the GUI's stack in stalls")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="bench-voice-loop-") as folder:
        window, room = open_window(Path(folder))
        voice = window.voice_mode
        voice.start()
        if not wait_until(lambda: voice.state == "listening", 60):
            raise RuntimeError(f"Voice mode did not start: {voice.state}")
        spoken_turn(window, room, CLIPS[0])  # warm-up: the models load
        conversation = voice.conversation
        warm = len(conversation.timings)
        recorder = TickRecorder()
        recorder.start()
        watch = StallWatch(recorder) if args.diagnose else None
        started = time.monotonic()
        for turn in range(args.turns):
            spoken_turn(window, room, CLIPS[turn % len(CLIPS)])
        recorder.stop()
        if watch is not None:
            watch.stop()
        voice_seconds = time.monotonic() - started
        measured = conversation.timings[warm:]
        false_barge_ins = len(conversation.barge_ins)
        false_pauses = conversation.resumed  # silenced by its own echo, then went on
        barge = [barge_in(window, room, "weather_on_mars") for _ in range(args.barge_ins)]
        vad_pct = conversation.listener.costs.vad_cpu_pct
        store = window.assistant.store
        answers = [m.content for m in store.all_messages(window.conversation_id)]
        pairs = list(zip(answers[0::2], answers[1::2], strict=False))[1 : args.turns + 1]
        voice.stop()
        control_ms = control(window, pairs, voice_seconds)
        window.close()
        window.jobs.shutdown(10_000)
        window.assistant.store.close()
    from bench.vad import vad_cpu_pct

    raw = vad_cpu_pct(seconds=10.0, repeats=1)
    first_audio = [t.stages()["first_audio_s"] or 0.0 for t in measured]
    chat_first_sentence = [
        (t.first_sentence_at or t.first_audio_at or 0.0) - (t.transcript_at or 0.0)
        for t in measured
    ]
    pipeline = [a - c for a, c in zip(first_audio, chat_first_sentence, strict=True)]
    gui_max_ms = max(recorder.gaps) * 1000
    result = {
        "turns": len(measured),
        "first_audio_p50_s": round(statistics.median(first_audio), 3),
        "first_audio_p95_s": round(percentile(first_audio, 0.95), 3),
        "pipeline_p50_s": round(statistics.median(pipeline), 3),
        "pipeline_p95_s": round(percentile(pipeline, 0.95), 3),
        "chat_first_sentence_p50_s": round(statistics.median(chat_first_sentence), 3),
        "transcript_p50_s": round(
            statistics.median(t.stages()["transcript_s"] or 0.0 for t in measured), 3
        ),
        "false_barge_ins": false_barge_ins,
        "false_pauses": false_pauses,
        "barge_in_s": round(statistics.median(barge), 3) if barge else None,
        "barge_in_max_s": round(max(barge), 3) if barge else None,
        "vad_cpu_pct": round(vad_pct, 3),
        "raw_vad_cpu_pct": raw.get("raw_vad_cpu_pct"),
        "gui_max_stall_ms": round(gui_max_ms, 2),
        "control_max_stall_ms": round(control_ms, 2),
        "excess_ms": round(gui_max_ms - control_ms, 2),
        "goals": GOALS,
    }
    QCoreApplication.processEvents()
    del app
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
