"""The plugin as the app sees it: manifest, routing hints, bad files, history, stopping."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.cancel import Cancelled
from assistant.core.intents import KeywordIntentClassifier
from assistant.core.messages import (
    Attachment,
    HistoryMessage,
    ImageOut,
    Kind,
    Notice,
    Request,
    TextDelta,
)
from plugins.vision import VisionPlugin
from plugins.vision.plugin import NO_IMAGE, last_image, question_of
from plugins.vision.settings import VisionSettings
from tests.plugins.vision.conftest import attach, run_plugin

# Only the built-in classifier: fast, offline, no missing-model notices.
CLASSIFY_ONLY = VisionSettings(detector_model="", caption_model="", vqa_model="")


def test_importing_the_plugin_loads_no_model_code() -> None:
    code = (
        "import sys, plugins.vision; "
        "heavy = [m for m in ('torch', 'transformers', 'PIL', 'numpy') if m in sys.modules]; "
        "assert not heavy, heavy; print(plugins.vision.VisionPlugin.manifest.name)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "vision"


def test_manifest_declares_images_command_and_follow_up_intent() -> None:
    manifest = VisionPlugin.manifest
    assert manifest.name == "vision" and manifest.title == "Vision"
    assert {Kind.IMAGE, Kind.TEXT} <= manifest.accepts
    assert [c.name for c in manifest.commands] == ["vision"]
    (intent,) = manifest.intents
    assert intent.label == "question about the last image" and intent.follows is Kind.IMAGE
    assert manifest.settings is VisionSettings


@pytest.mark.parametrize(
    "text",
    [
        "how many people are there?",
        "what colour is the car?",
        "what is this?",
        "is there a dog in the photo?",
        "describe the picture",
        "and in the earlier picture?",
        "what about the other one?",
    ],
)
def test_questions_about_a_recent_photo_route_here(text: str) -> None:
    classifier = KeywordIntentClassifier()
    manifests = [VisionPlugin.manifest]
    match = classifier.classify(text, manifests, recent={Kind.IMAGE})
    assert match is not None and match.plugin == "vision"
    assert classifier.classify(text, manifests, recent=()) is None, "only after a photo"


def test_small_talk_does_not_route_here() -> None:
    match = KeywordIntentClassifier().classify(
        "tell me a joke about cats", [VisionPlugin.manifest], recent={Kind.IMAGE}
    )
    assert match is None


def test_the_question_is_the_text_unless_it_only_names_the_file(tmp_path: Path) -> None:
    photo = attach(tmp_path / "cat.jpg")
    assert question_of(Request("cat.jpg", (photo,))) == ""
    assert question_of(Request("  ", (photo,))) == ""
    assert question_of(Request("is it a cat?", (photo,))) == "is it a cat?"


def test_the_last_image_is_the_newest_one_the_person_gave(tmp_path: Path) -> None:
    old, new = attach(tmp_path / "old.png"), attach(tmp_path / "new.png")
    made = Attachment(tmp_path / "made.png", Kind.IMAGE, "image/png", "made.png")
    doc = Attachment(tmp_path / "a.pdf", Kind.DOCUMENT, "application/pdf", "a.pdf")
    history = (
        HistoryMessage("user", "", attachments=(old,)),
        HistoryMessage("user", "", attachments=(new, doc)),
        HistoryMessage("assistant", "", attachments=(made,)),
    )
    assert last_image(history) == new
    assert last_image(history[:1]) == old
    assert last_image(()) is None


def test_a_question_with_no_photo_in_the_conversation_says_so(vision) -> None:
    plugin, context = vision(CLASSIFY_ONLY)
    chunks = run_plugin(plugin, context, "how many people are there?")
    assert chunks == [TextDelta(NO_IMAGE)]


def test_bad_files_get_a_message_and_the_good_one_is_still_analysed(
    vision, photos, tmp_path
) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    plugin, context = vision(CLASSIFY_ONLY)

    chunks = run_plugin(
        plugin, context, "", [attach(empty), attach(text), attach(photos["coffee"])]
    )

    errors = [c.text for c in chunks if isinstance(c, Notice) and c.level == "error"]
    assert len(errors) == 2
    assert "“empty.png” is empty" in errors[0] and "“notes.jpg” is not an image" in errors[1]
    assert "**coffee.png**" in "".join(c.text for c in chunks if isinstance(c, TextDelta))


def test_a_question_about_an_unreadable_last_photo_says_why(vision, tmp_path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    plugin, context = vision(CLASSIFY_ONLY)
    history = (HistoryMessage("user", "", attachments=(attach(broken),)),)
    chunks = run_plugin(plugin, context, "what is this?", history=history)
    (notice,) = [c for c in chunks if isinstance(c, Notice)]
    assert notice.level == "error" and "broken.png" in notice.text


def test_stopping_ends_the_run(vision, photos) -> None:
    plugin, context = vision(CLASSIFY_ONLY)
    run = plugin.run(Request("", (attach(photos["coffee"]),)), context)
    assert next(run).message.startswith("Looking at coffee.png")
    context.cancel.cancel()
    with pytest.raises(Cancelled):
        list(run)


def test_unload_frees_the_models(vision, photos) -> None:
    plugin, context = vision(CLASSIFY_ONLY)
    run_plugin(plugin, context, "", [attach(photos["coffee"])])
    assert context.models.used_bytes(owner="vision") > 0
    plugin.unload()
    assert context.models.used_bytes(owner="vision") == 0


def test_a_photo_with_nothing_drawn_on_it_is_not_shown_again(vision, photos) -> None:
    """The question shows the photo; the answer adds only what it drew (boxes)."""
    plugin, context = vision(CLASSIFY_ONLY)
    chunks = run_plugin(plugin, context, "", [attach(photos["coffee"])])
    assert not [c for c in chunks if isinstance(c, ImageOut)]
    assert any(isinstance(c, TextDelta) for c in chunks)
