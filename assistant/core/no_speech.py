"""Whether a transcript of a voice turn holds words, or only what Whisper invents on noise.

On silence, music or a cough, Whisper tends to write one of a few phrases learnt from
subtitles ("you", "Thank you.", "Thanks for watching!", "...") and says how sure it is that
nobody spoke (its no-speech probability, when the engine passes it on in the segments). A
voice turn that is one of those phrases, or that Whisper itself thinks held no speech, is
dropped instead of being sent as a request.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

NO_SPEECH_PROBABILITY = 0.6  # Whisper's own threshold for skipping a silent window

# Normalised (lower case, no punctuation, single spaces). Short real answers that a person
# may well say to an assistant ("yes", "no", "okay", "stop") are not here.
INVENTED = frozenset(
    {
        "",
        "you",
        "thank you",
        "thank you very much",
        "thanks",
        "thanks for watching",
        "thank you for watching",
        "thanks for listening",
        "thank you for listening",
        "please subscribe",
        "like and subscribe",
        "subscribe",
        "subtitles by the amara org community",
        "music",
        "applause",
        "laughter",
        "silence",
        "blank audio",
        "foreign",
        "the end",
        "so",
        "uh",
        "um",
        "hmm",
        "mm",
        "谢谢观看",
        "谢谢",
        "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
        "字幕by索兰娅",
    }
)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """*text* in lower case without punctuation, symbols or repeated spaces."""
    kept = "".join(" " if unicodedata.category(c)[0] in "PSZ" else c for c in text.casefold())
    return _SPACES.sub(" ", kept).strip()


def _repeats_invented(words: str) -> bool:
    """ "you you you" and the like: one invented word said over and over."""
    parts = words.split(" ")
    return len(parts) > 1 and len(set(parts)) == 1 and parts[0] in INVENTED


def is_no_speech(text: str, segments: Iterable[object] = ()) -> bool:
    """Whether the transcript *text* of a turn holds no words a person said.

    *segments* are the engine's segments for it; those that carry a ``no_speech_prob``
    (faster-whisper's) count: when every one of them is at least
    :data:`NO_SPEECH_PROBABILITY`, Whisper itself heard nobody.
    """
    words = normalise(text)
    if words in INVENTED or _repeats_invented(words):
        return True
    known = [p for p in map(_no_speech_prob, segments) if p is not None]
    return bool(known) and min(known) >= NO_SPEECH_PROBABILITY


def _no_speech_prob(segment: object) -> float | None:
    value = getattr(segment, "no_speech_prob", None)
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
