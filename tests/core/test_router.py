"""Routing: picked plugin, slash commands, attachment kinds, intents, the default."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.core.intents import KeywordIntentClassifier
from assistant.core.messages import Attachment, Kind
from assistant.core.plugin import Command, Intent, Manifest
from assistant.core.router import Router, parse_command

MANIFESTS = [
    Manifest("chat", "Chat", "talk", commands=(Command("chat", "talk"),)),
    Manifest("help", "Help", "help", commands=(Command("help", "help"),)),
    Manifest(
        "imagegen",
        "Images",
        "draw",
        accepts=frozenset({Kind.TEXT, Kind.IMAGE}),
        commands=(Command("imagine", "draw"),),
    ),
    Manifest(
        "vision",
        "Vision",
        "see",
        accepts=frozenset({Kind.IMAGE, Kind.TEXT}),
        intents=(
            Intent(
                "question about the last image", keywords=(r"\bhow many\b",), follows=Kind.IMAGE
            ),
        ),
    ),
    Manifest(
        "rag",
        "Documents",
        "docs",
        accepts=frozenset({Kind.DOCUMENT, Kind.TEXT}),
        intents=(Intent("question about documents", keywords=(r"\bmy (documents|notes)\b",)),),
    ),
]


def router() -> Router:
    return Router(lambda: MANIFESTS, default="chat", by_kind={Kind.IMAGE: "vision"})


def image() -> Attachment:
    return Attachment(Path("cat.png"), Kind.IMAGE, "image/png", "cat.png")


def test_slash_command_routes_and_strips_the_command() -> None:
    route = router().route("/imagine a red fox")
    assert (route.plugin, route.reason, route.text, route.command) == (
        "imagegen",
        "/imagine command",
        "a red fox",
        "imagine",
    )


def test_unknown_command_goes_to_help_with_a_reason() -> None:
    route = router().route("/frobnicate now")
    assert route.plugin == "help"
    assert route.reason == "unknown command /frobnicate"


def test_a_path_is_not_a_command() -> None:
    assert router().route("/usr/bin is where it lives").plugin == "chat"
    assert parse_command("/usr/bin") is None


def test_attachment_kind_routes_to_the_preferred_plugin() -> None:
    route = router().route("what is this?", [image()])
    assert (route.plugin, route.reason) == ("vision", "image attached")


def test_intent_that_follows_an_image_needs_a_recent_image() -> None:
    assert router().route("how many people are there?").plugin == "chat"
    route = router().route("how many people are there?", recent={Kind.IMAGE})
    assert (route.plugin, route.reason) == ("vision", "intent: question about the last image")


def test_intent_and_default() -> None:
    assert router().route("what do my notes say about June?").reason == (
        "intent: question about documents"
    )
    assert router().route("hello there").reason == "default"


def test_chosen_plugin_wins_over_everything() -> None:
    route = router().route("/imagine a fox", [image()], chosen="chat")
    assert (route.plugin, route.reason) == ("chat", "sent to chat by you")


@given(st.text())
def test_any_text_routes_somewhere_known(text: str) -> None:
    route = router().route(text)
    assert route.plugin in {m.name for m in MANIFESTS}
    assert route.reason


@given(st.text(), st.text())
def test_command_parsing_round_trips(name_tail: str, rest: str) -> None:
    name = "a" + "".join(ch for ch in name_tail if ch.isalnum() and ch.isascii())[:20]
    parsed = parse_command(f"/{name} {rest}")
    assert parsed is not None
    assert parsed.name == name.lower()
    assert parsed.rest == rest.strip()


@given(st.text())
def test_text_without_leading_slash_is_never_a_command(text: str) -> None:
    if not text.lstrip().startswith("/"):
        assert parse_command(text) is None


def test_keyword_classifier_prefers_more_matches() -> None:
    manifests = [
        Manifest("a", "A", "", intents=(Intent("one", keywords=(r"apple",)),)),
        Manifest("b", "B", "", intents=(Intent("two", keywords=(r"apple", r"pie")),)),
    ]
    match = KeywordIntentClassifier().classify("apple pie", manifests)
    assert match is not None
    assert (match.plugin, match.label) == ("b", "two")


class BrokenModel:
    """An intent model whose weights cannot load."""

    def __init__(self) -> None:
        self.calls = 0

    def classify(self, text: str, manifests, recent=()):  # type: ignore[no-untyped-def]
        self.calls += 1
        raise OSError("the embedding model is missing")


class FixedModel:
    """An intent model that always finds the documents intent."""

    def classify(self, text: str, manifests, recent=()):  # type: ignore[no-untyped-def]
        from assistant.core.intents import IntentMatch

        return IntentMatch("rag", "question about documents", 0.9)


def test_explicit_phrases_win_over_the_model_and_the_model_decides_the_rest() -> None:
    from assistant.core.intents import IntentMatch, LayeredIntentClassifier

    class SaysVision:
        def classify(self, text: str, manifests, recent=()):  # type: ignore[no-untyped-def]
            return IntentMatch("vision", "question about the last image", 0.8)

    by_rule = LayeredIntentClassifier(SaysVision()).classify("what do my notes say?", MANIFESTS)
    assert by_rule is not None and by_rule.plugin == "rag"  # explicit: the rule decides
    layered = LayeredIntentClassifier(FixedModel())
    by_model = layered.classify("when was the contract signed?", MANIFESTS)
    assert by_model is not None and by_model.plugin == "rag"
    # A broad follow-up rule ("how many") lets the model decide first.
    follow_up = layered.classify("how many cups?", MANIFESTS, recent={Kind.IMAGE})
    assert follow_up is not None and follow_up.plugin == "rag"


def test_a_follow_up_rule_decides_when_the_model_finds_nothing() -> None:
    from assistant.core.intents import LayeredIntentClassifier

    class FindsNothing:
        def classify(self, text: str, manifests, recent=()):  # type: ignore[no-untyped-def]
            return None

    match = LayeredIntentClassifier(FindsNothing()).classify(
        "how many cups?", MANIFESTS, recent={Kind.IMAGE}
    )
    assert match is not None and match.plugin == "vision"


def test_a_model_that_cannot_load_leaves_routing_to_the_rules() -> None:
    from assistant.core.intents import LayeredIntentClassifier

    model = BrokenModel()
    layered = LayeredIntentClassifier(model)
    assert layered.classify("hello", MANIFESTS) is None
    assert layered.classify("hello again", MANIFESTS) is None
    assert model.calls == 1 and "missing" in layered.error
    match = layered.classify("what do my notes say?", MANIFESTS)
    assert match is not None and match.plugin == "rag"


def test_a_photo_goes_where_its_words_mean() -> None:
    from assistant.core.messages import Attachment, Kind
    from assistant.core.plugin import Manifest
    from plugins.imagegen.plugin import MANIFEST as IMAGEGEN
    from plugins.vision.plugin import MANIFEST as VISION

    chat = Manifest(name="chat", title="Chat", description="talks")
    router = Router(lambda: [chat, VISION, IMAGEGEN], by_kind={Kind.IMAGE: "vision"})
    photo = (Attachment(Path("p.png"), Kind.IMAGE, "image/png", "p.png"),)
    assert router.route("make this a watercolor", photo).plugin == "imagegen"
    assert router.route("what is this?", photo).plugin == "vision"
    assert router.route("", photo).plugin == "vision"
    assert router.route("draw me a lighthouse at dusk").plugin == "imagegen"
    assert router.route("请画一只在月球上的熊猫").plugin == "imagegen"
    for follow_up in ("make it bluer", "another one", "same but at night"):
        assert router.route(follow_up, recent={"imagegen"}).plugin == "imagegen"
        assert router.route(follow_up).plugin == "chat"


@pytest.mark.parametrize(
    ("text", "plugin"),
    [
        ("and the coffee?", "vision"),
        ("what about the other one?", "vision"),
        ("And in the first photo?", "vision"),
        ("那第二张呢？", "vision"),
        ("and what do my notes say?", "rag"),  # an explicit phrase still names its plugin
        ("and why is the sky blue?", "rag"),  # a whole new question: the model decides
        ("and the coffee.", "rag"),
    ],
)
def test_an_elliptic_follow_up_goes_where_the_last_answer_came_from(text: str, plugin: str) -> None:
    from assistant.core.intents import LayeredIntentClassifier

    layered = LayeredIntentClassifier(FixedModel())
    match = layered.classify(text, MANIFESTS, recent={Kind.IMAGE, "vision"})
    assert match is not None and match.plugin == plugin
    # Without a last answer to follow, it is an ordinary request.
    alone = layered.classify(text, MANIFESTS, recent={Kind.IMAGE})
    assert alone is not None and alone.plugin == "rag"
