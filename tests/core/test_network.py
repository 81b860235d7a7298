"""The hub check: a listening endpoint is reachable, a closed one is not, offline is offline."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from assistant.core import network


@pytest.fixture(autouse=True)
def fresh_answer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_HUB_DISABLE_XET", raising=False)
    network.forget()
    yield
    network.forget()


def test_a_listening_endpoint_is_reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.getsockname()[1]}")
        assert network.hub_reachable()


def test_a_closed_endpoint_is_not_and_the_libraries_are_told_to_stay_offline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    assert not network.hub_reachable(timeout_s=1.0)
    monkeypatch.setattr(network.sys, "modules", {})  # as if no hub library were imported yet
    network.prefer_offline_hub()
    assert network.os.environ["HF_HUB_OFFLINE"] == "1"
    assert network.os.environ["HF_HUB_DISABLE_XET"] == "1"  # downloads a Stop can stop


def test_a_person_who_wants_hf_xet_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "0")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(network.sys, "modules", {})  # as if no hub library were imported yet
    network.prefer_offline_hub()
    assert network.os.environ["HF_HUB_DISABLE_XET"] == "0"


def test_offline_setting_is_honoured_without_a_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(network.socket, "create_connection", pytest.fail)
    assert not network.hub_reachable()


def test_what_was_found_is_known_without_asking_again(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    network.forget()
    assert network.known_reachability() is None
    assert network.hub_reachable() is False
    assert network.known_reachability() is False
    network.forget()
