"""The summary's Markdown and answering "how many" from detections."""

from __future__ import annotations

import pytest

from plugins.vision.drawing import Detection
from plugins.vision.summary import (
    count_answer,
    count_labels,
    counted_thing,
    counts_line,
    summary_markdown,
)


def detections(*labels: str) -> list[Detection]:
    return [Detection(label, 0.9, (0, 0, 1, 1)) for label in labels]


def test_counts_go_most_frequent_first() -> None:
    found = detections("dog", "person", "bicycle", "person")
    assert count_labels(found) == {"person": 2, "dog": 1, "bicycle": 1}
    assert list(count_labels(found)) == ["person", "dog", "bicycle"]


def test_each_counted_class_links_to_its_highlight() -> None:
    line = counts_line({"person": 2, "traffic light": 1}, "street-1a2b.png")
    assert line == (
        "2 [person](vision:highlight/street-1a2b.png/person), "
        "1 [traffic light](vision:highlight/street-1a2b.png/traffic%20light)"
    )


def test_summary_has_caption_objects_and_classes() -> None:
    text = summary_markdown(
        "street.jpg",
        caption="a man riding a bike",
        counts={"person": 1, "bicycle": 1},
        classes=[("mountain bike", 0.61), ("tricycle", 0.2)],
        output_name="street-1.png",
        threshold=0.7,
    )
    assert "**street.jpg**" in text
    assert "*A man riding a bike*" in text
    assert "Objects: 1 [person](vision:highlight/street-1.png/person), 1 [bicycle]" in text
    assert "1. mountain bike — 61.0%" in text and "2. tricycle — 20.0%" in text


def test_summary_says_when_nothing_was_found_and_leaves_out_what_did_not_run() -> None:
    nothing = summary_markdown(
        "wall.png", caption=None, counts={}, classes=None, output_name="w.jpg", threshold=0.7
    )
    assert "Objects: none found with at least 70% certainty" in nothing
    unknown = summary_markdown(
        "wall.png",
        caption=None,
        counts=None,
        classes=[("stone wall", 0.9)],
        output_name="w.jpg",
        threshold=0.7,
    )
    assert "Objects" not in unknown and "stone wall" in unknown


def test_classes_below_the_certainty_are_unsure_guesses_not_most_likely() -> None:
    def summary(classes: list[tuple[str, float]]) -> str:
        return summary_markdown(
            "photo.png",
            caption=None,
            counts=None,
            classes=classes,
            output_name="p.png",
            threshold=0.7,
            class_threshold=0.3,
        )

    coffee = summary([("espresso", 0.96), ("cup", 0.012), ("coffee mug", 0.008)])
    assert "Most likely:\n1. espresso — 96.0%\n" in coffee
    assert coffee.endswith("Less sure: perhaps cup (1.2%), coffee mug (0.8%).\n")
    # The astronaut of issue 10: a 12.7 % "bobsled" is a guess, and said to be one.
    astronaut = summary([("bobsled", 0.127), ("football helmet", 0.08)])
    assert "Most likely" not in astronaut
    assert astronaut.endswith(
        "Unsure, no class reaches 30%: perhaps bobsled (12.7%), football helmet (8.0%).\n"
    )


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("how many people are there?", "person"),
        ("How many dogs", "dog"),
        ("how many red cars can you see?", "red car"),
        ("how many buses are in the photo", "bus"),
        ("how many puppies?", "puppy"),
        ("what colour is the car?", None),
    ],
)
def test_the_counted_thing_is_found_and_made_singular(question: str, thing: str | None) -> None:
    assert counted_thing(question) == thing


def test_count_answers_come_from_the_detections() -> None:
    counts = count_labels(detections("person", "person", "dining table"))
    known = ["person", "dog", "dining table"]
    assert count_answer("how many people are there?", counts, known) == (
        "The object detector counts 2 person(s)."
    )
    assert count_answer("how many tables?", counts, known) == (
        "The object detector counts 1 dining table."
    )
    assert count_answer("how many dogs?", counts, known) == "The object detector counts 0 dog(s)."
    assert "does not know what “unicorn” is" in count_answer("how many unicorns?", counts, known)
    assert count_answer("is it sunny?", counts, known) is None
