"""Which photo a follow-up is about, with two photos in the conversation (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.messages import Attachment, HistoryMessage, Kind
from plugins.vision.which_photo import about_line, choose_photo, photos_in

COFFEE_SUMMARY = (
    "**coffee.png**\n\nMost likely:\n1. espresso — 96.0%\n\nLess sure: perhaps cup (1.2%)."
)
ASTRONAUT_SUMMARY = (
    "**astronaut.png**\n\nUnsure, no class reaches 30%: perhaps bobsled (12.7%), "
    "football helmet (8.0%)."
)


def photo(name: str) -> Attachment:
    return Attachment(Path("/stored") / name, Kind.IMAGE, "image/png", name)


def two_photos() -> list[HistoryMessage]:
    return [
        HistoryMessage("user", "coffee.png", attachments=(photo("coffee.png"),), message_id=1),
        HistoryMessage("assistant", COFFEE_SUMMARY, plugin="vision", message_id=2),
        HistoryMessage(
            "user", "astronaut.png", attachments=(photo("astronaut.png"),), message_id=3
        ),
        HistoryMessage("assistant", ASTRONAUT_SUMMARY, plugin="vision", message_id=4),
    ]


def chosen(question: str, history: list[HistoryMessage] | None = None) -> str:
    choice = choose_photo(question, two_photos() if history is None else history)
    assert choice is not None
    return choice.photo.attachment.name


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("what is in the first photo?", "coffee.png"),
        ("and in the earlier picture?", "coffee.png"),
        ("describe the previous image", "coffee.png"),
        ("what about photo 1?", "coffee.png"),
        ("what does the coffee look like?", "coffee.png"),
        ("how many cups are there?", "coffee.png"),  # the question of issue 10
        ("is coffee.png sharp?", "coffee.png"),
        ("what is in the second photo?", "astronaut.png"),
        ("and the latest picture?", "astronaut.png"),
        ("is the helmet white?", "astronaut.png"),
        ("what colour is it?", "astronaut.png"),  # points at none: the newest
    ],
)
def test_a_follow_up_can_point_at_either_photo(question: str, name: str) -> None:
    assert chosen(question) == name


def test_without_a_pointer_the_photo_of_the_last_answer_stays_the_subject() -> None:
    history = [
        *two_photos(),
        HistoryMessage("user", "what is in the first photo?", message_id=5),
        HistoryMessage(
            "assistant",
            "> what is in the first photo?\n\n*About **coffee.png**, the first of 2 photos.*",
            plugin="vision",
            message_id=6,
        ),
    ]
    assert chosen("what colour is it?", history) == "coffee.png"
    assert chosen("and the other photo?", history) == "astronaut.png"
    # A new photo becomes the subject.
    history += [HistoryMessage("user", "cat.png", attachments=(photo("cat.png"),), message_id=7)]
    assert chosen("what colour is it?", history) == "cat.png"


def test_the_answer_says_which_photo_and_how_to_ask_about_the_other() -> None:
    choice = choose_photo("how many cups are there?", two_photos())
    assert choice is not None and choice.how == "content"
    assert about_line(choice) == (
        "*About **coffee.png**, the first of 2 photos. To ask about another, say which: "
        "“the second photo” or “astronaut.png”.*"
    )
    (alone,) = photos_in(two_photos()[:2])
    single = choose_photo("what is it?", two_photos()[:2])
    assert single is not None and single.photo == alone
    assert about_line(single) == "*About **coffee.png**, the only photo.*"


def test_several_photos_in_one_message_are_told_apart_by_their_part_of_the_summary() -> None:
    both = (photo("a.png"), photo("b.png"))
    history = [
        HistoryMessage("user", "two photos", attachments=both, message_id=1),
        HistoryMessage(
            "assistant",
            f"{COFFEE_SUMMARY.replace('coffee.png', 'a.png')}\n"
            f"{ASTRONAUT_SUMMARY.replace('astronaut.png', 'b.png')}",
            plugin="vision",
            message_id=2,
        ),
    ]
    first, second = photos_in(history)
    assert "espresso" in first.words and "espresso" not in second.words
    assert "bobsled" in second.words
    assert chosen("is the espresso hot?", history) == "a.png"


def test_no_photo_no_choice() -> None:
    assert choose_photo("how many?", [HistoryMessage("user", "hi", message_id=1)]) is None


def test_photos_with_the_same_name_are_told_apart_by_their_place() -> None:
    pasted = [
        HistoryMessage("user", "", attachments=(photo("pasted image.png"),), message_id=1),
        HistoryMessage("assistant", COFFEE_SUMMARY, plugin="vision", message_id=2),
        HistoryMessage("user", "", attachments=(photo("pasted image.png"),), message_id=3),
        HistoryMessage("assistant", ASTRONAUT_SUMMARY, plugin="vision", message_id=4),
    ]
    choice = choose_photo("how many cups are there?", pasted)
    assert choice is not None and choice.photo.number == 1
    assert about_line(choice) == (
        "*About **pasted image.png**, the first of 2 photos. To ask about another, say "
        "which: “the second photo”.*"
    )
