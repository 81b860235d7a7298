"""Listening's CPU cost: Silero voice activity and livekit's echo canceller, per core.

``python -m bench.vad``. In one run, over the same simulated room (the assistant's reply
coming back through the loudspeaker, the person speaking over it, silence):

- ``vad_cpu_pct``: the share of one core that :class:`assistant.core.vad.SileroVad` takes
  while listening in real time (its CPU time per second of sound, in percent; goal <= 2),
  and the control ``raw_vad_cpu_pct``: onnxruntime's session called directly on the same
  frames with the same thread count, no wrapper;
- ``echo_cpu_pct``: the same for :class:`assistant.core.echo.EchoCanceller` (reference
  and microphone), against ``raw_echo_cpu_pct`` (livekit's module fed the same int16
  frames directly);
- ``listener_cpu_pct``: everything :class:`assistant.core.listening.Listener` spends on
  its thread per second of sound (decisions, events, pre-roll included).

CPU time is the process's own (``time.process_time``: livekit's native library and
onnxruntime included), so the machine's other load adds little. :func:`vad_cpu_pct` is
what ``bench.voice_loop`` calls. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

VOICE = Path(__file__).resolve().parents[1] / "tests" / "data" / "voice"


def room_sound(seconds: float = 20.0) -> tuple[Any, Any]:
    """(microphone, reference) at 16 kHz: the reply's echo with the person over it."""
    import numpy as np

    from assistant.core.echo import Resampler
    from assistant.core.room import BLOCK, SimulatedRoom, read_clip
    from assistant.core.speech import SAMPLE_RATE

    room = SimulatedRoom(
        [read_clip(VOICE / "wait_a_moment.wav", 5.0), read_clip(VOICE / "draw_a_cat.wav", 13.0)],
        own_clock=True,
    )
    played: list[Any] = []
    resample = Resampler(22050)
    room.speaker.on_played = lambda frames, rate: played.append(resample(frames))
    room.speaker.play(VOICE / "reply.wav")
    mic, reference = [], []
    for _ in range(round(seconds * SAMPLE_RATE / BLOCK)):
        mic.append(room.step())
        reference.append(np.concatenate(played) if played else np.zeros(0, np.float32))
        played.clear()
    return np.concatenate(mic), reference


def vad_cpu_pct(seconds: float = 20.0, repeats: int = 3) -> dict[str, float]:
    """Silero's share of one core while listening (median of *repeats*), with the raw
    onnxruntime control."""
    import numpy as np

    from assistant.core.speech import SAMPLE_RATE
    from assistant.core.vad import CONTEXT, FRAME, SileroVad

    mic, _ = room_sound(seconds)
    frames = [mic[i : i + FRAME] for i in range(0, len(mic) - FRAME + 1, FRAME)]
    audio_s = len(frames) * FRAME / SAMPLE_RATE
    ours, raw = [], []
    vad = SileroVad()
    session, rate = vad._session, np.array(SAMPLE_RATE, dtype=np.int64)
    for _ in range(repeats):
        vad.reset()
        began = time.process_time()
        for frame in frames:
            vad.probability(frame)
        ours.append(time.process_time() - began)
        state = np.zeros((2, 1, 128), np.float32)
        context = np.zeros(CONTEXT, np.float32)
        began = time.process_time()
        for frame in frames:
            window = np.concatenate([context, frame])[np.newaxis, :]
            _, state = session.run(None, {"input": window, "state": state, "sr": rate})
            context = frame[-CONTEXT:]
        raw.append(time.process_time() - began)
    return {
        "vad_cpu_pct": 100 * statistics.median(ours) / audio_s,
        "raw_vad_cpu_pct": 100 * statistics.median(raw) / audio_s,
        "vad_ms_per_frame": 1000 * statistics.median(ours) / len(frames),
    }


def echo_cpu_pct(seconds: float = 20.0) -> dict[str, float]:
    """The echo canceller's share of one core, with livekit's module fed directly."""
    import numpy as np
    from livekit import rtc

    from assistant.core.echo import FRAME, EchoCanceller, _to_int16
    from assistant.core.room import BLOCK
    from assistant.core.speech import SAMPLE_RATE

    mic, reference = room_sound(seconds)
    canceller = EchoCanceller()
    began = time.process_time()
    for index, played in enumerate(reference):
        canceller.playback(played)
        canceller.clean(mic[index * BLOCK : (index + 1) * BLOCK])
    ours = time.process_time() - began
    module = rtc.AudioProcessingModule(
        echo_cancellation=True, noise_suppression=True, high_pass_filter=True
    )
    flat = np.concatenate(reference)
    began = time.process_time()
    for start in range(0, len(mic) - FRAME + 1, FRAME):
        if start + FRAME <= len(flat):  # the speaker plays (the reply is shorter than the run)
            far = rtc.AudioFrame(
                bytearray(_to_int16(flat[start : start + FRAME])), SAMPLE_RATE, 1, FRAME
            )
            module.process_reverse_stream(far)
        near = rtc.AudioFrame(
            bytearray(_to_int16(mic[start : start + FRAME])), SAMPLE_RATE, 1, FRAME
        )
        module.process_stream(near)
    raw = time.process_time() - began
    audio_s = len(mic) / SAMPLE_RATE
    return {"echo_cpu_pct": 100 * ours / audio_s, "raw_echo_cpu_pct": 100 * raw / audio_s}


def listener_cpu_pct(seconds: float = 20.0) -> float:
    """All the listener spends on its thread per second of sound, in percent of a core."""
    from assistant.core.listening import Listener
    from assistant.core.room import BLOCK
    from assistant.core.speech import SAMPLE_RATE

    mic, reference = room_sound(seconds)
    listener = Listener()
    began = time.process_time()
    for index, played in enumerate(reference):
        listener.played(played, SAMPLE_RATE)
        listener.hear(mic[index * BLOCK : (index + 1) * BLOCK])
    return 100 * (time.process_time() - began) / (len(mic) / SAMPLE_RATE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    result: dict[str, float] = {}
    result.update(vad_cpu_pct(args.seconds, args.repeats))
    result.update(echo_cpu_pct(args.seconds))
    result["listener_cpu_pct"] = listener_cpu_pct(args.seconds)
    result["seconds"] = args.seconds
    print(json.dumps({k: round(v, 3) for k, v in result.items()}))


if __name__ == "__main__":
    main()
