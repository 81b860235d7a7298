"""The OpenAI-compatible embeddings client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant.core.messages import Request, Sources, TextDelta
from assistant.core.plugin import PluginContext
from assistant.core.secrets import set_secret
from plugins.rag import RagPlugin
from plugins.rag.embedder import EmbeddingError, OpenAIEmbedder, api_key
from plugins.rag.settings import RagSettings
from tests.keyrings import MemoryKeyring
from tests.plugins.rag.embeddings_server import DIMENSION, MODEL, EmbeddingsServer, bag_of_words


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unit(vector: list[float]) -> np.ndarray:
    row = np.asarray(vector, dtype=np.float32)
    return row / np.linalg.norm(row)


def test_texts_become_unit_vectors_in_the_order_given(
    embeddings_server: EmbeddingsServer,
) -> None:
    embeddings_server.script.api_key = "sk-emb"
    embedder = OpenAIEmbedder(embeddings_server.base_url, MODEL, "sk-emb")
    texts = ["the ferry leaves at noon", "a cat", "noon ferry"]

    vectors = embedder.embed(texts)

    assert embedder.dimension == DIMENSION
    assert embedder.model_id == f"{embeddings_server.base_url}#{MODEL}"
    assert vectors.shape == (3, DIMENSION) and vectors.dtype == np.float32
    for row, text in zip(vectors, texts, strict=True):  # the server answered in reverse
        np.testing.assert_allclose(row, unit(bag_of_words(text)), atol=1e-6)
    assert vectors[0] @ vectors[2] > 0.5 > vectors[0] @ vectors[1]
    last = embeddings_server.requests[-1]
    assert last["path"] == "/v1/embeddings"
    assert last["headers"]["authorization"] == "Bearer sk-emb"
    assert last["body"]["model"] == MODEL and last["body"]["input"] == texts


def test_a_dead_server_is_explained() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    with pytest.raises(
        EmbeddingError, match=r"Could not connect .* at http://127\.0\.0\.1:.*running"
    ):
        OpenAIEmbedder(url, MODEL, "", retries=0)


def test_a_refused_key_and_an_unknown_model_are_explained(
    embeddings_server: EmbeddingsServer,
) -> None:
    embeddings_server.script.api_key = "right"
    with pytest.raises(EmbeddingError, match="refused the API key"):
        OpenAIEmbedder(embeddings_server.base_url, MODEL, "wrong", retries=0)
    with pytest.raises(EmbeddingError, match="has no model 'nomic-embed-text'"):
        OpenAIEmbedder(embeddings_server.base_url, "nomic-embed-text", "right", retries=0)
    with pytest.raises(EmbeddingError, match="no model name"):
        OpenAIEmbedder(embeddings_server.base_url, "", "right")


def test_the_plugin_indexes_and_answers_through_the_server(
    tmp_path: Path,
    embeddings_server: EmbeddingsServer,
    memory_keyring: MemoryKeyring,
    make_context: Callable[..., PluginContext],
) -> None:
    embeddings_server.script.api_key = "sk-from-keyring"
    # As the settings dialog keeps it: for this server only.
    set_secret("rag", "embedding_api_key", "sk-from-keyring", scope=embeddings_server.base_url)
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "ferry.txt").write_text("The ferry leaves at noon on Sundays.", encoding="utf-8")
    (folder / "tram.txt").write_text("The tram runs every ten minutes.", encoding="utf-8")
    settings = RagSettings(
        embedding_base_url=embeddings_server.base_url, embedding_model_name=MODEL
    )
    context = make_context(settings)
    plugin = RagPlugin()
    try:
        list(plugin.run(Request(str(folder), command="index"), context))
        chunks = list(plugin.run(Request("When does the ferry leave?", command="docs"), context))
    finally:
        plugin.unload()

    assert "The ferry leaves at noon on Sundays." in "".join(
        c.text for c in chunks if isinstance(c, TextDelta)
    )
    (sources,) = [c for c in chunks if isinstance(c, Sources)]
    assert sources.items[0].title == "ferry.txt"
    assert context.models.snapshot() == []  # nothing embedded on this computer
    assert {r["headers"]["authorization"] for r in embeddings_server.requests} == {
        "Bearer sk-from-keyring"
    }


def test_a_dead_server_stops_the_plugin_with_the_reason(
    make_context: Callable[..., PluginContext],
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    context = make_context(RagSettings(embedding_base_url=url, embedding_model_name=MODEL))
    with pytest.raises(EmbeddingError, match="Could not connect to the embeddings server"):
        RagPlugin().load(context)


def test_a_key_kept_before_keys_were_per_server_moves_to_its_server(
    embeddings_server: EmbeddingsServer, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.set_password("assistant", "rag.embedding_api_key", "sk-earlier")
    assert api_key(embeddings_server.base_url) == "sk-earlier"
    assert memory_keyring.passwords == {
        ("assistant", f"rag.embedding_api_key@{embeddings_server.base_url}"): "sk-earlier"
    }
    assert api_key("https://elsewhere.example/v1") == ""  # never sent to another server
