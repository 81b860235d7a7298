"""Which photo a follow-up question is about, when the conversation holds several.

A question may point at a photo by its place ("the first photo", "the earlier picture",
"the other one"), by its file name ("coffee.png"), or by what it shows ("the coffee", "how
many cups…"): the words of the question are matched with what the plugin said about each
photo (its classes and caption). A question that points at none is about the photo the
conversation was last about: the newest one, or the one the last answer was about.

Every answer about a photo starts with :func:`about_line`, which names the photo, so the
person sees which one was meant and how to point at another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.core.messages import Attachment, HistoryMessage, Kind
from plugins.vision.summary import escape_markdown, singular


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PHOTO = r"(?:photo|image|picture|pic|shot|screenshot|one)s?"
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
}
_NEWEST = ("last", "latest", "newest", "most recent", "new", "newer", "recent")
_OLDER = ("previous", "earlier", "older", "old", "prior", "former", "before")
_PLACE = re.compile(
    r"\b(?P<word>"
    + "|".join(sorted([*_ORDINALS, *_NEWEST, *_OLDER, "other", "this", "same"], key=len)[::-1])
    + r")\s+"
    + _PHOTO
    + r"\b"
    r"|\b" + _PHOTO + r"\s+(?:#|no\.?\s*|number\s+)?(?P<number>\d+)\b"
    r"|\bthe one (?P<before>before)\b",
    re.IGNORECASE,
)
ABOUT_PREFIX = "About "
_ABOUT = re.compile(r"^\*?About \*\*(?P<name>.+?)\*\*", re.MULTILINE)
# Words of a question that say nothing about what a photo shows.
_PLAIN = _word_set(
    "a an the this that these those it its is are was were be there here what which who how "
    "many much do does did can could you i me my we in on of at to for with and or not any "
    "some photo photos image images picture pictures pic pics one ones shot first second "
    "third last latest earlier previous other tell about show see look give describe colour "
    "color colours colors kind type thing things all"
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo the person gave, its place among the conversation's photos (1 = first),
    and what was said about it (lower-cased words: classes, caption, file name)."""

    attachment: Attachment
    number: int
    words: frozenset[str]


@dataclass(frozen=True, slots=True)
class Choice:
    """The photo a question is about, the photos there are, and how it was chosen."""

    photo: Photo
    photos: tuple[Photo, ...]
    how: str  # "place", "name", "content" or "current"


def photos_in(
    history: Sequence[HistoryMessage], described: Mapping[str, Iterable[str]] = {}
) -> list[Photo]:
    """The photos the person gave, oldest first, each with the words said about it.

    *described* adds words known for a photo path (the classes of this session's analyses);
    the rest come from the plugin's answer after the message that carried the photo.
    """
    photos: list[Photo] = []
    for index, message in enumerate(history):
        if message.role != "user":
            continue
        images = [a for a in message.attachments if a.kind is Kind.IMAGE]
        answer = _answer_after(history, index)
        for attachment in images:
            said = _part_about(answer, attachment.name, len(images) > 1)
            words = _words(said) | _words(attachment.name.rsplit(".", 1)[0])
            words |= _words(" ".join(described.get(str(attachment.path), ())))
            photos.append(Photo(attachment, len(photos) + 1, frozenset(words)))
    return photos


def _answer_after(history: Sequence[HistoryMessage], index: int) -> str:
    following = history[index + 1] if index + 1 < len(history) else None
    return following.content if following is not None and following.role == "assistant" else ""


def _part_about(answer: str, name: str, several: bool) -> str:
    """The part of a summary of several photos that is about *name* (each starts **name**)."""
    if not several:
        return answer
    start = answer.find(f"**{escape_markdown(name)}**")
    if start < 0:
        return ""
    end = answer.find("\n**", start + 2)
    return answer[start : end if end > 0 else len(answer)]


def _words(text: str) -> set[str]:
    return {singular(w) for w in _WORD.findall(text.casefold()) if len(w) > 2} - _PLAIN


def current_photo(history: Sequence[HistoryMessage], photos: Sequence[Photo]) -> Photo:
    """The photo the conversation is about now: the one the last answer named, unless a
    newer photo came after it; else the newest."""
    newest = photos[-1]
    by_name = {p.attachment.name: p for p in photos}
    seen = 0
    for message in history:
        if message.role == "user":
            seen += sum(1 for a in message.attachments if a.kind is Kind.IMAGE)
        elif message.plugin == "vision":
            match = _ABOUT.search(message.content)
            named = by_name.get(_unescape(match.group("name"))) if match else None
            if named is not None and seen == len(photos):
                newest = named
    return newest


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def choose_photo(
    question: str,
    history: Sequence[HistoryMessage],
    described: Mapping[str, Iterable[str]] = {},
) -> Choice | None:
    """The photo *question* is about (see the module's docstring); None without photos."""
    photos = photos_in(history, described)
    if not photos:
        return None
    current = current_photo(history, photos)
    placed = _by_place(question, photos, current)
    if placed is not None:
        return Choice(placed, tuple(photos), "place")
    lowered = question.casefold()
    for photo in photos:
        name = photo.attachment.name.casefold()
        if name in lowered:
            return Choice(photo, tuple(photos), "name")
    asked = _words(question)
    scores = [len(asked & photo.words) for photo in photos]
    best = max(scores)
    if best and scores.count(best) == 1:
        return Choice(photos[scores.index(best)], tuple(photos), "content")
    return Choice(current, tuple(photos), "current")


def _by_place(question: str, photos: Sequence[Photo], current: Photo) -> Photo | None:
    match = _PLACE.search(question)
    if match is None:
        return None
    if match.group("number"):
        number = int(match.group("number"))
        return photos[number - 1] if 1 <= number <= len(photos) else None
    word = (match.group("word") or match.group("before") or "").casefold()
    if word in _ORDINALS:
        number = _ORDINALS[word]
        return photos[number - 1] if number <= len(photos) else None
    if word in _NEWEST:
        return photos[-1]
    if word in ("this", "same"):
        return current
    if word == "other":
        others = [p for p in photos if p is not current]
        return others[-1] if others else None
    before = [p for p in photos if p.number < current.number] or [
        p for p in photos if p is not current
    ]
    return before[-1] if before else None


_PLACE_NAMES = ("first", "second", "third", "fourth", "fifth")


def place_name(photo: Photo, count: int) -> str:
    """ "the first photo", "the second of 3 photos"…, as the person can say it."""
    ordinal = _PLACE_NAMES[photo.number - 1] if photo.number <= 5 else f"photo {photo.number}"
    if count == 1:
        return "the only photo"
    return f"the {ordinal} of {count} photos"


def about_line(choice: Choice) -> str:
    """The line that opens an answer: which photo it is about, and how to ask about another."""
    photo, count = choice.photo, len(choice.photos)
    line = (
        f"{ABOUT_PREFIX}**{escape_markdown(photo.attachment.name)}**, {place_name(photo, count)}."
    )
    if count > 1:
        other = next(p for p in reversed(choice.photos) if p is not photo)
        ordinal = _PLACE_NAMES[other.number - 1] if other.number <= 5 else str(other.number)
        names = [p.attachment.name for p in choice.photos]
        by_name = ""  # pasted photos share a name: only their place tells them apart
        if names.count(other.attachment.name) == 1:
            by_name = f" or “{escape_markdown(other.attachment.name)}”"
        line += f" To ask about another, say which: “the {ordinal} photo”{by_name}."
    return f"*{line}*"
