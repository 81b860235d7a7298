"""A transcript's words: timestamps in the answer, .txt/.srt/.vtt exports, Chinese script."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.core.audio import clock
from assistant.core.speech import Segment

# Names of the languages people are likeliest to drop; any other shows its code.
LANGUAGE_NAMES = {
    "en": "English", "zh": "Chinese", "de": "German", "es": "Spanish", "ru": "Russian",
    "ko": "Korean", "fr": "French", "ja": "Japanese", "pt": "Portuguese", "tr": "Turkish",
    "pl": "Polish", "ca": "Catalan", "nl": "Dutch", "ar": "Arabic", "sv": "Swedish",
    "it": "Italian", "id": "Indonesian", "hi": "Hindi", "fi": "Finnish", "vi": "Vietnamese",
    "he": "Hebrew", "uk": "Ukrainian", "el": "Greek", "ms": "Malay", "cs": "Czech",
    "ro": "Romanian", "da": "Danish", "hu": "Hungarian", "ta": "Tamil", "no": "Norwegian",
    "th": "Thai", "ur": "Urdu", "hr": "Croatian", "bg": "Bulgarian", "lt": "Lithuanian",
    "cy": "Welsh", "yue": "Cantonese",
}  # fmt: skip


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code or "unknown")


def line(segment: Segment) -> str:
    """One segment as a line of the answer: its start time, then its words."""
    return f"`{clock(segment.start)}` {segment.text}\n\n"


def in_script(text: str, language: str, script: str) -> str:
    """Chinese *text* in Simplified or Traditional characters (Whisper mixes them)."""
    if not language.startswith("zh") or script == "as-written":
        return text
    import warnings

    import zhconv

    with warnings.catch_warnings():  # zhconv leaves its dictionary file to the collector
        warnings.simplefilter("ignore", ResourceWarning)
        return str(zhconv.convert(text, "zh-hans" if script == "simplified" else "zh-hant"))


def _stamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def as_text(segments: Sequence[Segment]) -> str:
    return "".join(f"{s.text}\n" for s in segments)


def as_srt(segments: Sequence[Segment]) -> str:
    return "".join(
        f"{i}\n{_stamp(s.start, ',')} --> {_stamp(s.end, ',')}\n{s.text}\n\n"
        for i, s in enumerate(segments, 1)
    )


def as_vtt(segments: Sequence[Segment]) -> str:
    cues = "".join(
        f"{_stamp(s.start, '.')} --> {_stamp(s.end, '.')}\n{s.text}\n\n" for s in segments
    )
    return f"WEBVTT\n\n{cues}"


EXPORTS = (("txt", "text/plain", as_text), ("srt", "application/x-subrip", as_srt),
           ("vtt", "text/vtt", as_vtt))  # fmt: skip


def export(segments: Sequence[Segment], folder: Path, stem: str) -> list[tuple[Path, str]]:
    """Write the transcript as .txt, .srt and .vtt in *folder*; (path, MIME type) of each."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, mime, render in EXPORTS:
        path = folder / f"{stem}.{suffix}"
        path.write_text(render(segments), encoding="utf-8")
        written.append((path, mime))
    return written
