"""The chat model as the status bar names it: never a key, never more of a URL than its host."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.chat.backend import llama_cpp_available
from plugins.chat.describe import ChatModelInfo, describe_chat_model, server_host
from plugins.chat.settings import ChatSettings


def test_the_built_in_model_runs_on_this_computer() -> None:
    info = describe_chat_model(ChatSettings())
    engine = "llama.cpp" if llama_cpp_available() else "transformers"
    assert info == ChatModelInfo("SmolLM2-135M-Instruct", f"{engine}, on this computer", True)
    assert info.text() == f"SmolLM2-135M-Instruct ({engine}, on this computer)"


def test_a_transformers_model_is_named_by_its_hub_name_or_folder(tmp_path: Path) -> None:
    hub = ChatSettings(local_model="Qwen/Qwen2.5-0.5B-Instruct", engine="transformers")
    assert (
        describe_chat_model(hub).text() == "Qwen2.5-0.5B-Instruct (transformers, on this computer)"
    )
    folder = ChatSettings(local_model=str(tmp_path / "my-model"))
    assert describe_chat_model(folder).name == "my-model"
    gguf = ChatSettings(local_model=str(tmp_path / "llama-3.2-1b.Q4_K_M.gguf"))
    assert describe_chat_model(gguf).name == "llama-3.2-1b.Q4_K_M"


def test_a_server_is_named_by_its_model_and_host_only() -> None:
    settings = ChatSettings(
        backend="openai",
        openai_base_url="https://user:sk-in-the-url@api.openai.com/v1?key=sk-query",
        openai_model="gpt-4o-mini",
        openai_api_key="sk-never-shown",
    )
    info = describe_chat_model(settings)
    assert info.text() == "gpt-4o-mini at api.openai.com"
    assert "sk-" not in info.text()


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://127.0.0.1:8000/v1", "127.0.0.1:8000"),
        ("http://localhost:80/v1", "localhost"),
        ("https://llm.example:8443", "llm.example:8443"),
        ("not a url", "a server"),
        ("http://host:99999/v1", "a server"),
        ("", "a server"),
    ],
)
def test_server_hosts(url: str, host: str) -> None:
    assert server_host(url) == host


def test_a_server_without_a_model_name_still_reads_well() -> None:
    info = describe_chat_model(ChatSettings(backend="openai"))
    assert info.text() == "the server's model at 127.0.0.1:8000"
