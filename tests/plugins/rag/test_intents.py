"""The embedding intent classifier routes sentences it has never seen."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.core.messages import Kind
from assistant.core.models import ModelRegistry
from assistant.core.plugin import Intent, Manifest
from plugins.rag import RagPlugin
from plugins.rag.intents import EmbeddingIntentClassifier

CHAT = Manifest(
    name="chat",
    title="Chat",
    description="Talks.",
    intents=(
        Intent(
            label="conversation",
            examples=(
                "tell me a joke",
                "how are you today?",
                "write a short poem about autumn",
                "explain how photosynthesis works",
                "translate good morning into Spanish",
                "what is the capital of Australia?",
            ),
        ),
    ),
)
IMAGEGEN = Manifest(
    name="imagegen",
    title="Images",
    description="Draws.",
    intents=(
        Intent(
            label="make a picture",
            examples=(
                "draw a dragon flying over a castle",
                "generate an image of a sunset on the beach",
                "paint a watercolour of a fox",
                "create a logo for my bakery",
                "make a picture of a robot playing chess",
            ),
        ),
    ),
)
VISION = Manifest(
    name="vision",
    title="Vision",
    description="Looks at images.",
    accepts=frozenset({Kind.IMAGE}),
    intents=(
        Intent(
            label="question about the photo",
            examples=(
                "what is in this picture?",
                "how many people are in the photo?",
                "what colour is the car in the image?",
                "describe this photo",
            ),
            follows=Kind.IMAGE,
        ),
    ),
)
MANIFESTS = (CHAT, RagPlugin.manifest, IMAGEGEN, VISION)

HELD_OUT = [
    ("what does my insurance policy document say about flood damage?", "rag"),
    ("according to the notes I uploaded, who leads the project?", "rag"),
    ("give me a summary of the PDF I added yesterday", "rag"),
    ("in the employee handbook, how many sick days are allowed?", "rag"),
    ("sketch a cartoon cat wearing a hat", "imagegen"),
    ("generate a photo-realistic picture of mountains at dawn", "imagegen"),
    ("compose a haiku about the sea", "chat"),
    ("why is the sky blue?", "chat"),
    ("find the clause about late fees in the contract", "rag"),
    ("summarise these meeting notes", "rag"),
    ("hello there", "chat"),
]


@pytest.fixture(scope="module")
def classifier(minilm: Any) -> EmbeddingIntentClassifier:
    def embed(texts: Any) -> Any:
        return minilm.encode(list(texts), normalize_embeddings=True)

    return EmbeddingIntentClassifier(embed)


@pytest.mark.parametrize(("sentence", "plugin"), HELD_OUT)
def test_held_out_sentences_reach_the_right_plugin(
    classifier: EmbeddingIntentClassifier, sentence: str, plugin: str
) -> None:
    for manifest in MANIFESTS:
        for intent in manifest.intents:
            assert sentence not in intent.examples
    match = classifier.classify(sentence, MANIFESTS)
    if plugin == "chat" and match is None:
        return  # None is the default plugin: chat
    assert match is not None, sentence
    assert match.plugin == plugin, (sentence, match)
    assert classifier.threshold <= match.score <= 1.0


def test_intents_that_follow_an_attachment_wait_for_one(
    classifier: EmbeddingIntentClassifier,
) -> None:
    question = "how many dogs can you see in this picture?"
    with_photo = classifier.classify(question, MANIFESTS, recent={Kind.IMAGE})
    assert with_photo is not None and with_photo.plugin == "vision"
    without = classifier.classify(question, MANIFESTS, recent=())
    assert without is None or without.plugin != "vision"


def test_nothing_close_enough_goes_to_the_default_plugin(
    classifier: EmbeddingIntentClassifier,
) -> None:
    assert classifier.classify("qwertyuiop asdfgh", MANIFESTS) is None
    assert classifier.classify("   ", MANIFESTS) is None
    assert classifier.classify("draw a horse", ()) is None


def test_a_model_handle_loads_only_when_first_needed(minilm: Any) -> None:
    loads: list[str] = []

    def load(progress: Any) -> Any:
        loads.append("loaded")
        return minilm

    handle = ModelRegistry().handle("all-MiniLM-L6-v2", load, owner="rag")
    classifier = EmbeddingIntentClassifier(handle)
    assert not handle.loaded
    match = classifier.classify("paint a lighthouse in a storm", MANIFESTS)
    assert match is not None and match.plugin == "imagegen"
    classifier.classify("paint a lighthouse in a storm", MANIFESTS)
    assert loads == ["loaded"]


def test_a_question_right_after_documents_were_added_goes_to_the_documents() -> None:
    from assistant.core.intents import KeywordIntentClassifier
    from assistant.core.messages import Kind
    from plugins.rag import RagPlugin

    manifests = [RagPlugin.manifest]
    rules = KeywordIntentClassifier()
    question = "How many kilograms of apples did the harvest yield?"
    assert rules.classify(question, manifests) is None  # no documents in this conversation
    match = rules.classify(question, manifests, recent={Kind.DOCUMENT})
    assert match is not None and match.label == "question about the documents just added"
    assert rules.classify("thanks, that's all", manifests, recent={Kind.DOCUMENT}) is None


@pytest.mark.parametrize(
    ("sentence", "plugin"),
    [
        ("Write a long story about a lighthouse keeper, with a heading and a list.", "chat"),
        ("tell me about lighthouses at dusk", "chat"),
        ("a lighthouse at dusk, watercolor", "imagegen"),
        ("could you make a poster for my bake sale?", "imagegen"),
    ],
)
def test_the_real_picture_intent_needs_a_word_for_a_picture(
    classifier: EmbeddingIntentClassifier, sentence: str, plugin: str
) -> None:
    from plugins.chat import ChatPlugin
    from plugins.imagegen import ImageGenPlugin

    manifests = (ChatPlugin.manifest, ImageGenPlugin.manifest)
    match = classifier.classify(sentence, manifests)
    assert (match.plugin if match is not None else "chat") == plugin


def test_centroids_kept_in_the_cache_route_a_later_launch_without_embedding_the_examples(
    tmp_path: Any,
) -> None:
    from plugins.rag.intents import LightFirstEmbed

    manifests = [CHAT, IMAGEGEN, VISION]
    embedded: list[str] = []

    def counting(embed: Any) -> Any:
        def wrapped(texts: Any) -> Any:
            embedded.extend(texts)
            return embed(texts)

        return wrapped

    light = LightFirstEmbed(fallback=lambda texts: pytest.fail("the light model loads"))
    first = EmbeddingIntentClassifier(counting(light), cache=tmp_path, model="minilm")
    first.warm_up(manifests)
    assert len(embedded) == sum(len(i.examples) for m in manifests for i in m.intents)
    assert len(list(tmp_path.glob("intents-*.npy"))) == 1

    embedded.clear()
    later = EmbeddingIntentClassifier(counting(light), cache=tmp_path, model="minilm")
    later.warm_up(manifests)
    assert embedded == []  # read, not made
    question = "paint me a lighthouse at dusk"
    assert later.classify(question, manifests) == first.classify(question, manifests)
    assert embedded == [question, question]  # each embeds the question only

    # Other examples, or another model, are other centroids; a damaged file is made again.
    changed = [CHAT, IMAGEGEN]
    EmbeddingIntentClassifier(counting(light), cache=tmp_path, model="minilm").warm_up(changed)
    EmbeddingIntentClassifier(counting(light), cache=tmp_path, model="other").warm_up(changed)
    assert len(list(tmp_path.glob("intents-*.npy"))) == 3
    for kept in tmp_path.glob("intents-*.npy"):
        kept.write_bytes(b"not numpy")
    embedded.clear()
    again = EmbeddingIntentClassifier(counting(light), cache=tmp_path, model="minilm")
    assert again.classify(question, manifests) == first.classify(question, manifests)
    assert len(embedded) > 1


def test_the_app_keeps_routing_centroids_in_its_cache_folder(tmp_path: Any) -> None:
    from assistant.core.bootstrap import open_assistant, warm_up_routing
    from assistant.core.paths import Paths

    paths = Paths(
        config=tmp_path / "config", data=tmp_path / "data", models=tmp_path / "models",
        cache=tmp_path / "cache",
    )  # fmt: skip
    assistant = open_assistant(paths)
    try:
        warm_up_routing(assistant)
    finally:
        assistant.store.close()
    assert list((tmp_path / "cache" / "routing").glob("*/intents-*.npy"))
