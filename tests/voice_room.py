"""The simulated room as the voice tests use it: the committed sounds, and a room driven
block by block as fast as the machine goes, on the room's own clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.core.listening import Listener, ListenEvent
from assistant.core.room import BLOCK, Clip, SimulatedRoom, read_clip
from assistant.core.speech import SAMPLE_RATE

VOICE = Path(__file__).resolve().parent / "data" / "voice"
REPLY = VOICE / "reply.wav"  # the assistant's answer (piper, 22.05 kHz)


def clip(name: str, at_s: float, kind: str = "person") -> Clip:
    """The committed sound *name* (tests/data/voice/NAME.wav) placed at *at_s*."""
    return read_clip(VOICE / f"{name}.wav", at_s, kind)


def offline_room(*clips: Clip) -> SimulatedRoom:
    """A room whose clock is its own time: the tests run it faster than real time."""
    return SimulatedRoom(clips, own_clock=True)


@dataclass
class Heard:
    """What the listener said, each event with the room's time when it was said."""

    events: list[tuple[float, ListenEvent]] = field(default_factory=list)

    def of(self, kind: str) -> list[ListenEvent]:
        return [event for _, event in self.events if event.kind == kind]

    def kinds(self) -> list[str]:
        return [event.kind for _, event in self.events if event.kind != "level"]


def listen(
    room: SimulatedRoom,
    listener: Listener,
    seconds: float,
    on_event: Callable[[ListenEvent], None] | None = None,
    heard: Heard | None = None,
) -> Heard:
    """Run *room* for *seconds* into *listener*, as the microphone's thread would, telling
    the listener whether the assistant speaks (the room's speaker plays) before each block."""
    heard = heard or Heard()
    speaker = room.speaker
    speaking = False
    speaker.on_played = listener.played
    for _ in range(round(seconds * SAMPLE_RATE / BLOCK)):
        if speaker.playing() != speaking:
            speaking = speaker.playing()
            listener.assistant_speaking(speaking)
        for event in listener.hear(room.step()):
            heard.events.append((room.elapsed_s(), event))
            if on_event is not None:
                on_event(event)
    return heard
