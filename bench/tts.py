"""Spoken replies: how soon speech starts for a streamed answer, and what the plugin costs.

``python -m bench.tts``. In one run, with the built-in piper voice:

- an answer streamed word by word at *--rate* words a second (a chat model's pace) is read
  aloud through :class:`assistant.core.spoken.SpokenAnswer`, the queue the window uses:
  ``streamed_first_audio_s`` is from the first word to the first sentence's audio, and
  ``tts_first_audio_s`` from the moment that sentence was complete to its audio;
- the control: the same answer synthesised whole once it has ended
  (``end_first_audio_s``: stream time plus synthesis);
- the plugin's synthesis of the answer (sentences cut by the app, one voice call each)
  against raw piper (``PiperVoice.load`` + ``synthesize``) on the same text, same threads,
  alternated, median of *--repeats* (``plugin_ratio``).

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time

ANSWER = (
    "The Eiffel Tower stands in Paris, on the Champ de Mars. It was finished in 1889 for "
    "the World's Fair, e.g. as its entrance arch. At 330 metres it was the tallest "
    "structure in the world for 41 years! Today about seven million people visit it each "
    "year. Would you like to know how to get there?"
)


def _streamed(engine: object, rate: float) -> dict[str, float]:
    from assistant.core.spoken import SpokenAnswer

    spoken = SpokenAnswer()
    first: list[float] = []

    def speak() -> None:
        for sentence in spoken.sentences_spoken(engine):  # type: ignore[arg-type]
            if not first:
                first.append(sentence.ready)

    speaker = threading.Thread(target=speak)
    start = time.monotonic()
    speaker.start()
    words = ANSWER.split(" ")
    for number, word in enumerate(words):
        spoken.feed(word if number == 0 else " " + word)
        time.sleep(max(0.0, start + (number + 1) / rate - time.monotonic()))
    stream_s = time.monotonic() - start
    spoken.finish()
    speaker.join()
    return {
        "stream_s": stream_s,
        "streamed_first_audio_s": first[0] - start,
        "tts_first_audio_s": first[0] - spoken.queued[0][1],
        "all_spoken_s": time.monotonic() - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=12.0, help="words a second streamed")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    from piper import PiperVoice
    from piper.config import SynthesisConfig

    from assistant.core.cancel import CancelToken
    from assistant.core.spoken import speak_text
    from plugins.tts.engines import PiperEngine, builtin_piper_voice

    model = builtin_piper_voice()
    engine = PiperEngine(model, threads=args.threads)
    raw = PiperVoice.load(model)
    _set_threads(raw, model, args.threads)
    engine.synthesize("Warm up.", CancelToken())
    list(raw.synthesize("Warm up."))

    streamed = _streamed(engine, args.rate)
    start = time.monotonic()
    list(raw.synthesize(ANSWER, SynthesisConfig()))
    whole_s = time.monotonic() - start
    end_first = streamed["stream_s"] + whole_s

    plugin_times, raw_times = [], []
    for _ in range(args.repeats):
        start = time.monotonic()
        speak_text(engine, ANSWER, CancelToken())
        plugin_times.append(time.monotonic() - start)
        start = time.monotonic()
        list(raw.synthesize(ANSWER, SynthesisConfig()))
        raw_times.append(time.monotonic() - start)
    speech = speak_text(engine, ANSWER, CancelToken())
    assert speech is not None
    audio_s = len(speech.samples) / speech.sample_rate
    plugin_s, raw_s = statistics.median(plugin_times), statistics.median(raw_times)
    result = {
        **{k: round(v, 3) for k, v in streamed.items()},
        "end_first_audio_s": round(end_first, 3),
        "speedup_first_audio": round(end_first / streamed["streamed_first_audio_s"], 1),
        "plugin_s": round(plugin_s, 3),
        "raw_piper_s": round(raw_s, 3),
        "plugin_ratio": round(plugin_s / raw_s, 3),
        "audio_s": round(audio_s, 2),
        "plugin_rtf": round(plugin_s / audio_s, 3),
        "threads": args.threads,
        "rate_words_per_s": args.rate,
    }
    print(
        f"first audio after {result['streamed_first_audio_s']} s streamed, "
        f"{result['end_first_audio_s']} s when synthesised at the end; plugin "
        f"{plugin_s:.2f} s vs raw piper {raw_s:.2f} s for {audio_s:.1f} s of speech"
    )
    print(json.dumps(result))


def _set_threads(voice: object, model: object, threads: int) -> None:
    """Give raw piper's session the plugin's thread count (PiperVoice.load takes none)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    voice.session = onnxruntime.InferenceSession(  # type: ignore[attr-defined]
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )


if __name__ == "__main__":
    main()
