"""A real OpenAI-compatible HTTP server on 127.0.0.1 that the tests talk to.

It speaks ``/v1/chat/completions`` with SSE streaming (chunked transfer encoding) and
``/v1/models``, records every request, and can be told to fail: answer with a status code,
cut a stream halfway, or not answer at all.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from plugins.chat.memory import SUMMARY_INSTRUCTIONS

FACT = re.compile(r"FACT-\w+")


def summarise_facts(body: dict[str, Any]) -> str:
    """A summariser that keeps what matters: every FACT-… token it was shown, in order."""
    text = body["messages"][-1]["content"]
    facts = list(dict.fromkeys(FACT.findall(text)))
    return "Known facts: " + (", ".join(facts) if facts else "none")


def default_reply(body: dict[str, Any]) -> str:
    """Summaries for summary requests; otherwise a short answer naming the question's size."""
    messages = body["messages"]
    if messages and messages[0]["content"] == SUMMARY_INSTRUCTIONS:
        return summarise_facts(body)
    words = messages[-1]["content"].split()
    return f"You said {len(words)} words. The last one was {words[-1] if words else 'nothing'}."


@dataclass
class ServerScript:
    """What the server does; tests change it between requests."""

    models: tuple[str, ...] = ("test-model",)
    api_key: str = ""  # required bearer key; empty: any
    statuses: list[int] = field(default_factory=list)  # answered, one per request, first
    cut_after_chunks: int | None = None  # stream this many chunks, then drop the connection
    cut_cleanly: bool = False  # end the cut stream as if complete, but without finish_reason
    hang: bool = False  # accept the request and never answer
    reply: Callable[[dict[str, Any]], str] = default_reply


class _HTTPServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client dropping a kept-alive connection is normal; anything else is reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class OpenAIServer:
    """The server, its thread and what it has received."""

    def __init__(self) -> None:
        self.script = ServerScript()
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()  # ends a hanging request
        self._http = _HTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, name="openai-server"
        )

    @property
    def base_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def completions(self) -> list[dict[str, Any]]:
        """Bodies of the chat completion requests received so far."""
        return [r["body"] for r in self.requests if r["path"].endswith("/chat/completions")]

    def start(self) -> OpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()


def _sse_chunk(model: str, content: str | None, finish: str | None) -> bytes:
    delta = {"role": "assistant", "content": content} if content is not None else {}
    chunk = {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()


def _handler_for(server: OpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read ``server.requests`` instead."""

        def do_GET(self) -> None:
            server.requests.append({"path": self.path, "headers": self._headers()})
            if not self._authorised():
                return
            data = [{"id": m, "object": "model", "owned_by": "test"} for m in server.script.models]
            self._json(200, {"object": "list", "data": data})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            server.requests.append({"path": self.path, "headers": self._headers(), "body": body})
            script = server.script
            if script.hang:
                server.release.wait(30)
                return
            if script.statuses:
                self._error(script.statuses.pop(0), "scripted failure")
                return
            if not self._authorised():
                return
            if body.get("model") not in script.models:
                self._error(404, f"The model `{body.get('model')}` does not exist.")
                return
            self._stream(body)

        def _headers(self) -> dict[str, str]:
            return {name.lower(): value for name, value in self.headers.items()}

        def _authorised(self) -> bool:
            key = server.script.api_key
            if key and self.headers.get("Authorization") != f"Bearer {key}":
                self._error(401, "Incorrect API key provided.")
                return False
            return True

        def _stream(self, body: dict[str, Any]) -> None:
            script = server.script
            words = re.findall(r"\S+\s*", script.reply(body))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for index, word in enumerate(words):
                if script.cut_after_chunks is not None and index == script.cut_after_chunks:
                    if script.cut_cleanly:
                        self._chunk(b"data: [DONE]\n\n")
                        self._chunk(b"")
                    self.close_connection = True
                    return
                self._chunk(_sse_chunk(body["model"], word, None))
            self._chunk(_sse_chunk(body["model"], None, "stop"))
            self._chunk(b"data: [DONE]\n\n")
            self._chunk(b"")

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _error(self, status: int, message: str) -> None:
            error = {"message": message, "type": "invalid_request_error", "code": str(status)}
            headers = {"Retry-After": "0"} if status == 429 else {}
            self._json(status, {"error": error}, headers)

        def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
