"""A real HTTP server on 127.0.0.1 that speaks the two image APIs the plugin uses.

A1111's ``/sdapi/v1/txt2img``, ``img2img``, ``progress`` (with a base64 ``current_image``)
and ``interrupt``; OpenAI's ``/v1/images/generations`` (plain, or streamed partial
pictures) and ``/v1/images/edits`` (multipart). Its pictures depend on the seed (A1111)
or the prompt (OpenAI) only, so that the same request makes the same picture. It works
through its steps at ``step_s`` each, on the request's own thread, and records what it
was sent.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
import sys
import threading
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
from PIL import Image


def picture(seed: int, width: int, height: int, step: int | None = None) -> Image.Image:
    """The server's picture for *seed* (a blurry one while at *step*)."""
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    image = Image.fromarray(pixels)
    return image.resize((8, 8)).resize((width, height)) if step is not None else image


def b64png(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@dataclass
class Script:
    """What the server does; tests change it between requests."""

    step_s: float = 0.02
    api_key: str = ""  # required bearer key; empty: any
    status: int = 0  # answer every generation with this status instead
    model: str = "tiny-server-model"


@dataclass
class State:
    step: int = 0
    steps: int = 0
    current: str = ""
    interrupted: threading.Event = field(default_factory=threading.Event)
    steps_done_after_interrupt: int = 0


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ImageServer:
    """The server, its thread and what it has received."""

    def __init__(self) -> None:
        self.script = Script()
        self.state = State()
        self.requests: list[dict[str, Any]] = []
        self._http = _HTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._http.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)  # fmt: skip

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]

    def bodies(self, path: str) -> list[Any]:
        return [r["body"] for r in self.requests if r["path"].startswith(path)]

    def __enter__(self) -> ImageServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.state.interrupted.set()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()

    # ---- A1111 ----------------------------------------------------------------------------

    def a1111(self, body: dict[str, Any]) -> dict[str, Any]:
        state = self.state
        state.interrupted.clear()
        state.steps, state.step = int(body["steps"]), 0
        seed = int(body["seed"])
        width, height = int(body["width"]), int(body["height"])
        for step in range(1, state.steps + 1):
            if state.interrupted.wait(self.script.step_s):
                break
            state.step = step
            state.current = b64png(picture(seed, width, height, step))
        batch = int(body.get("batch_size", 1))
        seeds = [seed + i for i in range(batch)]
        info = {"seed": seed, "all_seeds": seeds, "sd_model_name": self.script.model,
                "sd_model_hash": "0123456789"}  # fmt: skip
        state.steps = 0
        images = [b64png(picture(s, width, height)) for s in seeds]
        return {"images": images, "parameters": body, "info": json.dumps(info)}

    def progress(self) -> dict[str, Any]:
        state = self.state
        fraction = state.step / state.steps if state.steps else 0.0
        return {"progress": fraction, "eta_relative": 1.0,
                "state": {"sampling_step": state.step, "sampling_steps": state.steps},
                "current_image": state.current if state.steps else None}  # fmt: skip

    # ---- OpenAI ---------------------------------------------------------------------------

    def openai_picture(self, fields: dict[str, Any]) -> Image.Image:
        width, height = (int(v) for v in str(fields.get("size", "64x64")).split("x"))
        return picture(zlib.crc32(str(fields["prompt"]).encode()), width, height)


def _handler_for(server: ImageServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any, kind: str = "application/json") -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> Any:
            data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            kind = self.headers.get("Content-Type", "")
            if kind.startswith("multipart/"):
                message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                    f"Content-Type: {kind}\r\n\r\n".encode() + data
                )
                parts: dict[str, Any] = {}
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    payload = part.get_payload(decode=True)
                    parts[name] = payload if part.get_filename() else payload.decode()
                return parts
            return json.loads(data or b"{}")

        def _allowed(self) -> bool:
            key = server.script.api_key
            if key and self.headers.get("Authorization") != f"Bearer {key}":
                self._send(401, {"error": {"message": "Incorrect API key provided"}})
                return False
            return True

        def do_GET(self) -> None:
            server.requests.append({"path": self.path, "body": None})
            if self.path.startswith("/sdapi/v1/progress"):
                self._send(200, server.progress())
            else:
                self._send(404, {"detail": "Not Found"})

        def do_POST(self) -> None:
            body = self._body()
            server.requests.append({"path": self.path, "body": body})
            if not self._allowed():
                return
            if self.path == "/sdapi/v1/interrupt":
                server.state.interrupted.set()
                self._send(200, {})
            elif server.script.status:
                self._send(server.script.status, {"detail": "the GPU is out of memory"})
            elif self.path in ("/sdapi/v1/txt2img", "/sdapi/v1/img2img"):
                self._send(200, server.a1111(body))
            elif self.path in ("/v1/images/generations", "/v1/images/edits"):
                self._openai(body)
            else:
                self._send(404, {"detail": "Not Found"})

        def _openai(self, fields: dict[str, Any]) -> None:
            image = b64png(server.openai_picture(fields))
            if str(fields.get("stream", "")).lower() != "true":
                count = int(fields.get("n", 1))
                self._send(200, {"created": 1, "data": [
                    {"b64_json": image, "revised_prompt": f"{fields['prompt']}, revised"}
                ] * count})  # fmt: skip
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            blurry = b64png(server.openai_picture(fields).resize((4, 4)).resize((64, 64)))
            events = [{"type": "image_generation.partial_image", "b64_json": blurry,
                       "partial_image_index": 0},
                      {"type": "image_generation.completed", "b64_json": image}]  # fmt: skip
            for event in events:
                self.wfile.write(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            self.close_connection = True

    return Handler
