"""Whether the model hub can be reached, asked once, so that offline loads fail at once.

Without this, a model that is neither cached nor reachable makes the hub client retry for
a minute before it gives up. When the hub cannot be reached, the app tells the hub
libraries to stay offline (before they are first imported): cached and local models load
as usual, and a missing one is reported straight away.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from urllib.parse import urlsplit

DEFAULT_ENDPOINT = "https://huggingface.co"
_lock = threading.Lock()
_answers: dict[str, bool] = {}  # the endpoint checked -> whether it connected


def hub_reachable(timeout_s: float = 2.0) -> bool:
    """Whether a connection to the hub (``HF_ENDPOINT``) opens; asked once per process."""
    endpoint = os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT)
    with _lock:
        if endpoint not in _answers:
            _answers[endpoint] = _connects(endpoint, timeout_s)
        return _answers[endpoint]


def known_reachability() -> bool | None:
    """What :func:`hub_reachable` found, without asking: None when it has not asked yet
    (the GUI thread calls this; the asking may wait on the network)."""
    endpoint = os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT)
    with _lock:
        return _answers.get(endpoint)


def _connects(url: str, timeout_s: float) -> bool:
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    endpoint = urlsplit(url)
    host = endpoint.hostname or ""
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def prefer_offline_hub() -> None:
    """Tell the hub libraries to stay offline when the hub cannot be reached, and to
    download over plain HTTP, which a Stop interrupts mid-file (hf_xet's transfers run
    outside Python and ignore it; set ``HF_HUB_DISABLE_XET=0`` to use them anyway).

    It only takes effect before ``huggingface_hub`` is first imported, which is why the
    engine calls it before it loads any plugin.
    """
    if "huggingface_hub" in sys.modules:
        return
    os.environ.setdefault("HF_HUB_DISABLE_XET", "1")
    if not os.environ.get("HF_HUB_OFFLINE") and not hub_reachable():
        os.environ["HF_HUB_OFFLINE"] = "1"


def transport_errors() -> tuple[type[BaseException], ...]:
    """What the HTTP clients under the hub and OpenAI libraries raise when the network
    fails: ``OSError``, and ``HTTPError`` of httpx and httpx2 (both have shipped)."""
    errors: list[type[BaseException]] = [OSError]
    for name in ("httpx", "httpx2"):
        module = sys.modules.get(name)
        if module is not None:
            errors.append(module.HTTPError)
    return tuple(errors)


def forget() -> None:
    """Ask again next time (tests, or after the network came back)."""
    with _lock:
        _answers.clear()
