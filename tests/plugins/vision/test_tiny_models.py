"""Tiny real models in folders, loaded through the same code that loads hub models."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from assistant.core.messages import HistoryMessage, ImageOut, Notice, Progress, TextDelta
from plugins.vision import VisionPlugin
from plugins.vision.settings import VisionSettings
from tests.plugins.vision.conftest import (
    CLASSIFIER_LABELS,
    DETECTOR_LABELS,
    VQA_LABELS,
    attach,
    run_plugin,
)


def test_a_photo_gets_boxes_classes_caption_and_an_answer(vision, tiny_settings, photos) -> None:
    plugin, context = vision(tiny_settings)
    chunks = run_plugin(plugin, context, "how many people are there?", [attach(photos["coffee"])])

    assert not [c for c in chunks if isinstance(c, Notice)]
    (image_out,) = [c for c in chunks if isinstance(c, ImageOut)]
    assert image_out.path.parent == context.data_dir / "outputs" and image_out.path.is_file()
    assert image_out.mime == "image/png"
    with Image.open(image_out.path) as shown:
        assert shown.size == (600, 400)

    found = json.loads(image_out.path.with_suffix(".json").read_text())
    assert found["original_size"] == [600, 400]
    assert (image_out.path.parent / found["base"]).is_file()
    assert len(found["detections"]) == 10  # every query of the tiny DETR, at threshold 0
    for detection in found["detections"]:
        assert detection["label"] in DETECTOR_LABELS.values()
        left, top, right, bottom = detection["box"]
        assert 0 <= left <= right <= 600 and 0 <= top <= bottom <= 400

    summary, answer = [c.text for c in chunks if isinstance(c, TextDelta)]
    assert "*Cat cat" in summary  # the tiny captioner only knows "cat"
    assert f"(vision:highlight/{image_out.path.name}/" in summary
    assert any(f"1. {label} — " in summary for label in CLASSIFIER_LABELS.values())
    assert answer.startswith("> how many people are there?")
    assert "**2**" in answer and "2" in VQA_LABELS.values()
    assert "The object detector counts" in answer

    loaded = {info.name for info in context.models.snapshot() if info.owner == "vision"}
    assert len(loaded) == 4


def test_boxes_of_a_huge_photo_are_in_its_own_coordinates(vision, tiny_settings, tmp_path) -> None:
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (12_000, 12_000), (90, 120, 150)).save(path, quality=70)
    plugin, context = vision(tiny_settings)

    chunks = run_plugin(plugin, context, "", [attach(path)])

    (image_out,) = [c for c in chunks if isinstance(c, ImageOut)]
    with Image.open(image_out.path) as shown:
        assert shown.size == (2048, 2048)
    found = json.loads(image_out.path.with_suffix(".json").read_text())
    assert found["original_size"] == [12_000, 12_000]
    boxes = [d["box"] for d in found["detections"]]
    assert all(0 <= x <= 12_000 for box in boxes for x in box)
    # Mapped back: the boxes span the original, far past the 2048-pixel display copy.
    assert max(x for box in boxes for x in box) > 4_000


def test_follow_up_question_uses_the_last_photo_the_person_gave(
    vision, tiny_settings, photos
) -> None:
    plugin, context = vision(tiny_settings)
    history = (
        HistoryMessage("user", "", attachments=(attach(photos["chelsea"]),)),
        HistoryMessage("assistant", "It is a cat."),
        HistoryMessage("user", "", attachments=(attach(photos["coffee"]),)),
        HistoryMessage("assistant", "Espresso."),
    )

    chunks = run_plugin(plugin, context, "what colour is the cup?", history=history)

    assert any("coffee.png" in getattr(c, "message", "") for c in chunks)
    assert not any("chelsea.png" in getattr(c, "message", "") for c in chunks)
    (answer,) = [c.text for c in chunks if isinstance(c, TextDelta)]
    assert answer == (
        "> what colour is the cup?\n\n*About **coffee.png**, the second of 2 photos. To ask "
        "about another, say which: “the first photo” or “chelsea.png”.*\n\n**2**\n"
    )


def test_without_a_vqa_model_counts_come_from_the_detector(
    vision, tiny_settings, photos, tmp_path
) -> None:
    settings = tiny_settings.model_copy(update={"vqa_model": str(tmp_path / "no-such-model")})
    plugin, context = vision(settings)
    history = (HistoryMessage("user", "", attachments=(attach(photos["astronaut"]),)),)

    chunks = run_plugin(plugin, context, "how many people are there?", history=history)

    (notice,) = [c for c in chunks if isinstance(c, Notice)]
    assert "no-such-model" in notice.text and notice.key.startswith("vision.missing-model.vqa")
    assert ("Choose a folder…", "app:choose-folder/vision/vqa_model") in [
        (a.label, a.link) for a in notice.actions
    ]
    (answer,) = [c.text for c in chunks if isinstance(c, TextDelta)]
    assert "The object detector counts" in answer and "person" in answer


def test_a_missing_model_is_named_once_and_not_retried(vision, photos, tmp_path) -> None:
    settings = VisionSettings(
        classifier_model=str(tmp_path / "gone"), detector_model="", caption_model="", vqa_model=""
    )
    plugin, context = vision(settings)
    first = run_plugin(plugin, context, "", [attach(photos["coffee"]), attach(photos["chelsea"])])
    notices = [c.text for c in first if isinstance(c, Notice)]
    assert len(notices) == 1 and "the folder “" in notices[0] and "gone" in notices[0]
    summaries = "".join(c.text for c in first if isinstance(c, TextDelta))
    assert "coffee" in summaries and "chelsea" in summaries, "the rest still runs"
    assert plugin._models is not None and plugin._models._missing  # remembered, not retried


@pytest.mark.parametrize("question", ["", "is there a dog?"])
def test_empty_model_settings_turn_parts_off(vision, photos, question) -> None:
    settings = VisionSettings(detector_model="", caption_model="", vqa_model="")
    plugin, context = vision(settings.model_copy(update={"classifier_model": "efficientnet-lite0"}))
    chunks = run_plugin(plugin, context, question, [attach(photos["coffee"])])
    assert not [c for c in chunks if isinstance(c, Notice)]
    texts = "".join(c.text for c in chunks if isinstance(c, TextDelta))
    assert "Objects" not in texts and "espresso" in texts
    if question:
        assert "without a question-answering model" in texts


def test_highlight_link_target_exists_for_the_lead(vision, tiny_settings, photos) -> None:
    from plugins.vision import highlight

    plugin, context = vision(tiny_settings)
    chunks = run_plugin(plugin, context, "", [attach(photos["coffee"])])
    (image_out,) = [c for c in chunks if isinstance(c, ImageOut)]
    label = json.loads(image_out.path.with_suffix(".json").read_text())["detections"][0]["label"]
    result = highlight(image_out.path, image_out.path.with_suffix(".json"), label)
    assert result.is_file() and result.parent == image_out.path.parent


def test_a_hub_model_downloads_with_progress_then_works(
    make_context, hub, tiny_models, photos
) -> None:
    hub.repos["someone/tiny-detr"] = tiny_models["detector"]
    heard: list[object] = []
    settings = VisionSettings(
        classifier_model="efficientnet-lite0",
        detector_model="someone/tiny-detr",
        caption_model="",
        vqa_model="",
        score_threshold=0.0,
    )
    context = make_context(settings, report=heard.append)
    plugin = VisionPlugin()
    plugin.load(context)

    chunks = run_plugin(plugin, context, "", [attach(photos["coffee"])])

    said = [p for p in heard if isinstance(p, Progress)]
    loading = [p.message for p in said].index("Loading vision detector: someone/tiny-detr…")
    downloading = [p for p in said[loading:] if "Download" in p.message]
    assert downloading[0].message.startswith("Downloading someone/tiny-detr: 0 of")
    assert downloading[-1].fraction == 1.0
    assert "someone/tiny-detr/model.safetensors" in hub.downloads
    assert not [c for c in chunks if isinstance(c, Notice)], "the detector loaded"
    (answer,) = [c.text for c in chunks if isinstance(c, TextDelta)]
    assert any(label in answer for label in DETECTOR_LABELS.values())  # its boxes, counted
