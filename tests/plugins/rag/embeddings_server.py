"""A real OpenAI-compatible embeddings server on 127.0.0.1 that the tests talk to.

It speaks ``POST /v1/embeddings``. Its vectors are hashed bags of words (each word adds 1
to one of :data:`DIMENSION` coordinates), so texts sharing words are similar and the
retrieval tests mean something. It records every request, can demand an API key, and
answers its rows in reverse order, as the API allows, so that clients must sort them.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import sys
import threading
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIMENSION = 64
MODEL = "bag-of-words-64"


def bag_of_words(text: str) -> list[float]:
    """The server's (unnormalised) vector of *text*."""
    vector = [0.0] * DIMENSION
    for word in re.findall(r"\w+", text.lower()):
        vector[zlib.crc32(word.encode()) % DIMENSION] += 1.0
    return vector


@dataclass
class EmbeddingsScript:
    """What the server does; tests change it between requests."""

    api_key: str = ""  # required bearer key; empty: any
    models: tuple[str, ...] = (MODEL,)


class _HTTPServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client dropping a kept-alive connection is normal; anything else is reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class EmbeddingsServer:
    """The server, its thread, and the requests it received."""

    def __init__(self) -> None:
        self.script = EmbeddingsScript()
        self.requests: list[dict[str, Any]] = []
        self._http = _HTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, name="embeddings"
        )

    @property
    def base_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> EmbeddingsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()


def _handler_for(server: EmbeddingsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read ``server.requests`` instead."""

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {name.lower(): value for name, value in self.headers.items()}
            server.requests.append({"path": self.path, "headers": headers, "body": body})
            key = server.script.api_key
            if self.path != "/v1/embeddings":
                self._json(404, {"error": {"message": f"No route {self.path}"}})
            elif key and headers.get("authorization") != f"Bearer {key}":
                self._json(401, {"error": {"message": "Incorrect API key provided."}})
            elif body.get("model") not in server.script.models:
                self._json(404, {"error": {"message": f"model '{body.get('model')}' not found"}})
            else:
                self._json(200, _embeddings(body))

        def _json(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _encoded(vector: list[float], encoding: str) -> list[float] | str:
    """The vector as floats, or as base64 of little-endian float32 (what the openai
    client asks for by default)."""
    if encoding == "base64":
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
    return vector


def _embeddings(body: dict[str, Any]) -> dict[str, Any]:
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    encoding = body.get("encoding_format", "float")
    rows = [
        {"object": "embedding", "index": index, "embedding": _encoded(bag_of_words(t), encoding)}
        for index, t in enumerate(texts)
    ]
    return {
        "object": "list",
        "data": rows[::-1],
        "model": body["model"],
        "usage": {"prompt_tokens": 0, "total_tokens": 0},
    }
