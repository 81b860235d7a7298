"""The numpy MiniLM routes exactly as the sentence-transformers one, without torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.core.intents import LayeredIntentClassifier
from assistant.core.messages import Kind
from assistant.core.models import ModelRegistry
from assistant.core.router import Router
from plugins.rag import RagPlugin
from plugins.rag.intents import EmbeddingIntentClassifier, LightFirstEmbed
from plugins.rag.light_embedder import LightEmbedder, LightEmbedderError, builtin_model_dir
from tests.core.test_router import MANIFESTS as ROUTER_MANIFESTS
from tests.plugins.rag.test_intents import HELD_OUT, MANIFESTS

SENTENCES = [
    "hello there",
    "What is the capital of France?",
    "according to my notes, when is the deadline?",
    "draw a dragon flying over a castle",
    "how many people are in the photo?",
    "why is the sky blue?",
    "qwertyuiop asdfgh",
    "Summarise the PDF I added yesterday, with its three key findings.",
    "The quick brown fox jumps over the lazy dog.",
    "Émilie a rédigé le contrat à Genève l'été dernier.",
    "¿Dónde está la estación de tren más cercana?",
    "今天天气怎么样？",
    "请帮我总结这份文件的要点",
    "我的笔记里说截止日期是哪一天？",
    "画一只在月亮上跳舞的猫",
    "Python 3.11: `def f(x): return x ** 2` — what does it do?",
    "a",
    "",
    "word " * 300,  # longer than the model's 256 tokens: cut as sentence-transformers cuts
    "Nested (parentheses [and brackets {and braces}]) and emoji 🙂🚀",
]


@pytest.fixture(scope="module")
def light() -> LightEmbedder:
    return LightEmbedder()


def test_vectors_equal_sentence_transformers(light: LightEmbedder, minilm: Any) -> None:
    ours = light.embed(SENTENCES)
    theirs = minilm.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
    assert ours.shape == theirs.shape == (len(SENTENCES), 384)
    assert ours.dtype == np.float32
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.9999, dict(zip(SENTENCES, cosines.round(6), strict=True))
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # One at a time (no padding) gives the same vectors as in a batch.
    assert np.allclose(light.embed([SENTENCES[3]])[0], ours[3], atol=1e-5)


def test_questions_to_the_builtin_index_are_embedded_by_numpy(embedder: Any) -> None:
    from plugins.rag.knowledge import BuiltinQuestionEmbedder, question_embedder
    from plugins.rag.settings import RagSettings

    questions = question_embedder(RagSettings(), embedder)
    assert isinstance(questions, BuiltinQuestionEmbedder)
    assert (questions.model_id, questions.dimension) == (embedder.model_id, 384)
    cosines = (questions.embed(SENTENCES[:6]) * embedder.embed(SENTENCES[:6])).sum(axis=1)
    assert cosines.min() >= 0.9999
    # Another model's index is searched with that model's own vectors.
    other = RagSettings(embedding_model="sentence-transformers/all-mpnet-base-v2")
    assert question_embedder(other, embedder) is embedder


def classifiers(light: LightEmbedder, minilm: Any) -> tuple[Any, Any]:
    def heavy(texts: Any) -> Any:
        return minilm.encode(list(texts), normalize_embeddings=True)

    return EmbeddingIntentClassifier(light.embed), EmbeddingIntentClassifier(heavy)


def test_routing_decisions_are_unchanged(light: LightEmbedder, minilm: Any) -> None:
    ours, theirs = classifiers(light, minilm)
    cases = [(s, ()) for s, _ in HELD_OUT] + [(s, ()) for s in SENTENCES]
    cases += [("how many dogs can you see in this picture?", {Kind.IMAGE})]
    cases += [("how many dogs can you see in this picture?", ())]
    for sentence, recent in cases:
        a = ours.classify(sentence, MANIFESTS, recent)
        b = theirs.classify(sentence, MANIFESTS, recent)
        assert (a and (a.plugin, a.label)) == (b and (b.plugin, b.label)), sentence
        if a is not None and b is not None:
            assert abs(a.score - b.score) < 1e-3, sentence


def test_routes_through_the_router_are_unchanged(light: LightEmbedder, minilm: Any) -> None:
    ours, theirs = classifiers(light, minilm)
    manifests = list(ROUTER_MANIFESTS) + list(MANIFESTS)
    routers = [
        Router(lambda: manifests, classifier=LayeredIntentClassifier(model))
        for model in (ours, theirs)
    ]
    texts = [s for s, _ in HELD_OUT] + SENTENCES + ["what do my notes say about June?"]
    for text in texts:
        for recent in ((), {Kind.IMAGE}, {Kind.DOCUMENT}):
            a, b = (r.route(text, recent=recent) for r in routers)
            assert (a.plugin, a.reason) == (b.plugin, b.reason), (text, recent)


def test_the_plugins_classifier_needs_no_torch() -> None:
    probe = (
        "import sys\n"
        "from assistant.core.models import ModelRegistry\n"
        "from plugins.rag import RagPlugin\n"
        "from tests.plugins.rag.test_intents import MANIFESTS\n"
        "c = RagPlugin().intent_classifier(ModelRegistry())\n"
        "m = c.classify('draw a dragon flying over a castle', MANIFESTS)\n"
        "heavy = [n for n in ('torch', 'transformers', 'sentence_transformers') "
        "if n in sys.modules]\n"
        "print(m.plugin, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "imagegen []", done.stderr


def test_missing_files_fall_back_to_sentence_transformers(tmp_path: Path, minilm: Any) -> None:
    with pytest.raises(LightEmbedderError):
        LightEmbedder(tmp_path)
    calls: list[int] = []

    def heavy(texts: Any) -> Any:
        calls.append(len(texts))
        return minilm.encode(list(texts), normalize_embeddings=True)

    embed = LightFirstEmbed(heavy, folder=tmp_path)
    classifier = EmbeddingIntentClassifier(embed)
    match = classifier.classify("paint a lighthouse in a storm", MANIFESTS)
    assert match is not None and match.plugin == "imagegen"
    assert calls and "cannot load" in embed.light_error


def test_a_broken_weights_file_is_reported(tmp_path: Path) -> None:
    for item in builtin_model_dir().iterdir():
        if item.is_file() and item.name != "model.safetensors":
            (tmp_path / item.name).write_bytes(item.read_bytes())
    (tmp_path / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    with pytest.raises(LightEmbedderError):
        LightEmbedder(tmp_path)


def test_warm_up_loads_before_the_first_request() -> None:
    classifier = LayeredIntentClassifier(RagPlugin().intent_classifier(ModelRegistry()))
    classifier.warm_up(MANIFESTS)
    assert not classifier.error
    match = classifier.classify("sketch a cartoon cat wearing a hat", MANIFESTS)
    assert match is not None and match.plugin == "imagegen"
