"""The words under an analysed photo, and counting answers from detections.

Pure functions over plain data, so the Markdown the person reads is easy to test. Each
class in the counts line links to ``vision:highlight/<output file>/<label>``; the app
turns a click on it into :func:`plugins.vision.drawing.highlight`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote

from plugins.vision.drawing import Detection

HIGHLIGHT_SCHEME = "vision:highlight"
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|<>])")
_HOW_MANY = re.compile(
    r"\bhow many ([a-z][a-z' -]*?)(?=\s+(?:are|is|do|does|can|could|were|"
    r"was|in|on|at|there|here|you|i|we|do)\b|[?.!,]|$)",
    re.IGNORECASE,
)
_IRREGULAR = {
    "people": "person",
    "persons": "person",
    "men": "person",
    "women": "person",
    "children": "person",
    "kids": "person",
    "humans": "person",
    "faces": "person",
    "mice": "mouse",
    "buses": "bus",
    "knives": "knife",
    "sheep": "sheep",
    "skis": "skis",
    "scissors": "scissors",
}


def escape_markdown(text: str) -> str:
    """*text* with Markdown's special characters escaped, to show it literally."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def highlight_link(output_name: str, label: str) -> str:
    """The link a click on *label* in the counts line follows."""
    return f"{HIGHLIGHT_SCHEME}/{quote(output_name, safe='')}/{quote(label, safe='')}"


def count_labels(detections: Iterable[Detection]) -> dict[str, int]:
    """How many of each class, most frequent first (ties in order of first appearance)."""
    counts: dict[str, int] = {}
    for detection in detections:
        counts[detection.label] = counts.get(detection.label, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def counts_line(counts: Mapping[str, int], output_name: str) -> str:
    """ "2 person, 1 dog", each class a link that highlights its boxes."""
    return ", ".join(
        f"{n} [{escape_markdown(label)}]({highlight_link(output_name, label)})"
        for label, n in counts.items()
    )


def summary_markdown(
    name: str,
    *,
    caption: str | None,
    counts: Mapping[str, int] | None,
    classes: Sequence[tuple[str, float]] | None,
    output_name: str,
    threshold: float,
    class_threshold: float = 0.0,
) -> str:
    """The Markdown summary of one photo: caption, objects, most likely classes.

    Classes less likely than *class_threshold* are not "most likely": they follow as
    unsure guesses, and when no class reaches it the summary says so first.
    """
    lines = [f"**{escape_markdown(name)}**", ""]
    if caption:
        lines += [f"*{escape_markdown(caption[:1].upper() + caption[1:])}*", ""]
    if counts is not None:
        found = (
            counts_line(counts, output_name)
            if counts
            else (f"none found with at least {threshold:.0%} certainty")
        )
        lines += [f"Objects: {found}", ""]
    sure = [(label, score) for label, score in classes or () if score >= class_threshold]
    unsure = [(label, score) for label, score in classes or () if score < class_threshold]
    if sure:
        lines.append("Most likely:")
        lines += [
            f"{i}. {escape_markdown(label)} — {score:.1%}"
            for i, (label, score) in enumerate(sure, 1)
        ]
        lines.append("")
    if unsure:
        guesses = ", ".join(f"{escape_markdown(label)} ({score:.1%})" for label, score in unsure)
        opening = "Less sure:" if sure else f"Unsure, no class reaches {class_threshold:.0%}:"
        lines.append(f"{opening} perhaps {guesses}.")
    return "\n".join(lines).rstrip() + "\n"


def singular(word: str) -> str:
    """The singular of an English noun, well enough to match detector class names."""
    word = word.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def counted_thing(question: str) -> str | None:
    """What a "how many …" question counts, singular: "how many people?" → "person"."""
    match = _HOW_MANY.search(question)
    if match is None:
        return None
    words = match.group(1).split()
    return " ".join([*words[:-1], singular(words[-1])]) if words else None


def matching_label(thing: str, labels: Iterable[str]) -> str | None:
    """The detector class *thing* refers to: the same name, or the same last word."""
    labels = list(labels)
    for label in labels:
        if label.lower() == thing:
            return label
    last = thing.rsplit(maxsplit=1)[-1]
    for label in labels:
        if label.lower().split()[-1] == last:
            return label
    return None


def count_answer(question: str, counts: Mapping[str, int], known: Iterable[str]) -> str | None:
    """Answer a "how many" question from detection *counts*, or None if it isn't one.

    *known* are every class the detector can find, so "how many zebras?" can say none
    when the detector knows zebras, and admit it cannot tell when it does not.
    """
    thing = counted_thing(question)
    if thing is None:
        return None
    label = matching_label(thing, counts) or matching_label(thing, known)
    if label is None:
        return f"The object detector does not know what “{thing}” is, so I cannot count them."
    n = counts.get(label, 0)
    return f"The object detector counts {n} {escape_markdown(label)}{'' if n == 1 else '(s)'}."
