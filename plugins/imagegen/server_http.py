"""HTTP for the image servers: JSON and multipart requests with errors said in words, and
a call on a thread of its own that a Stop does not wait for.

Only the standard library: a remote backend needs no torch, no diffusers and no client
package.
"""

from __future__ import annotations

import base64
import io
import json
import queue
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from assistant.core.cancel import Cancelled, CancelToken
from plugins.imagegen.pipelines import ModelProblem

TIMEOUT_S = 900  # a picture on a busy server may take minutes
SHORT_TIMEOUT_S = 10  # progress, interrupt, a picture's URL
WAIT_S = 0.1  # how often a waiting call looks at Stop


class ServerProblem(ModelProblem):
    """The image server cannot be reached or refused the request; the message says why."""


class Server:
    """One server: its base URL and how to authenticate."""

    def __init__(self, url: str, api_key: str = "") -> None:
        self.url = url.strip().rstrip("/")
        self.api_key = api_key
        if not self.url.startswith(("http://", "https://")):
            raise ServerProblem(
                f"“{url}” is not a server address: set one like http://127.0.0.1:7860 in "
                "Settings → Image generation → Server URL."
            )

    def headers(self) -> dict[str, str]:
        if not self.api_key:
            return {}
        if ":" in self.api_key:  # A1111's --api-auth user:password
            token = base64.b64encode(self.api_key.encode()).decode()
            return {"Authorization": f"Basic {token}"}
        return {"Authorization": f"Bearer {self.api_key}"}

    def open(self, path: str, body: bytes | None = None, content_type: str = "",
             timeout: float = TIMEOUT_S) -> Any:  # fmt: skip
        """The response to a GET (no *body*) or a POST of *path*; problems in words."""
        headers = self.headers()
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.url + path, data=body, headers=headers,
                                         method="GET" if body is None else "POST")  # fmt: skip
        try:
            return urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            raise ServerProblem(self._refusal(exc)) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ServerProblem(
                f"The image server at {self.url} does not answer ({reason}). Start it, or "
                "change Settings → Image generation → Server URL."
            ) from exc

    def open_url(self, url: str) -> Any:
        """A picture the server links to (an OpenAI ``url`` answer)."""
        try:
            return urllib.request.urlopen(url, timeout=SHORT_TIMEOUT_S)
        except (urllib.error.URLError, OSError) as exc:
            raise ServerProblem(f"The picture at {url} could not be fetched ({exc}).") from exc

    def post_json(self, path: str, payload: dict[str, Any], timeout: float = TIMEOUT_S) -> Any:
        body = json.dumps(payload).encode()
        with self.open(path, body, "application/json", timeout) as response:
            return _json(response.read(), self.url + path)

    def get_json(self, path: str, timeout: float = SHORT_TIMEOUT_S) -> Any:
        with self.open(path, timeout=timeout) as response:
            return _json(response.read(), self.url + path)

    def _refusal(self, exc: urllib.error.HTTPError) -> str:
        detail = _error_detail(exc.read())
        where = f"The image server at {self.url}"
        if exc.code in (401, 403):
            return (f"{where} refused the API key ({exc.code}{': ' + detail if detail else ''}). "
                    "Set it in Settings → Image generation → Server API key.")  # fmt: skip
        if exc.code == 404:
            return (f"{where} has no {exc.url.removeprefix(self.url)} ({detail or 'not found'}). "
                    "Is it the kind of server the Backend setting says (an A1111 server "
                    "needs --api)?")  # fmt: skip
        return f"{where} could not make the picture ({exc.code}: {detail or exc.reason})."


def _json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data)
    except ValueError as exc:
        raise ServerProblem(f"{where} did not answer in JSON: is it an image server?") from exc


def _error_detail(data: bytes) -> str:
    """The message of an error body: OpenAI's ``{"error": {"message"}}``, A1111's
    ``{"detail"}`` or ``{"error", "errors"}``, or the text itself."""
    try:
        body = json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace").strip()[:300]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("message", error))[:300]
        for key in ("detail", "errors", "error", "message"):
            if body.get(key):
                return str(body[key])[:300]
    return str(body)[:300]


def multipart(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    """A multipart/form-data body of text *fields* and PNG *files*, and its content type."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  f"{value}\r\n".encode())  # fmt: skip
    for name, data in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                  f'filename="{name}.png"\r\nContent-Type: image/png\r\n\r\n'.encode())  # fmt: skip
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def png_bytes(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def png_b64(image: Any) -> str:
    return base64.b64encode(png_bytes(image)).decode()


def image_of(b64: str) -> Any:
    """A PIL image from base64 PNG/JPEG/WebP text (``data:`` URLs too)."""
    from PIL import Image, UnidentifiedImageError

    try:
        data = base64.b64decode(b64.split(",", 1)[1] if b64.startswith("data:") else b64)
        with Image.open(io.BytesIO(data)) as image:
            return image.convert("RGB")
    except (ValueError, OSError, UnidentifiedImageError) as exc:
        raise ServerProblem("The image server sent a picture that cannot be read.") from exc


class Call:
    """*work* on a thread of its own; :meth:`wait` hands over what it puts with ``put``
    while looking at Stop every :data:`WAIT_S`. A Stop does not wait for the thread (an
    HTTP request cannot be interrupted): its result is dropped."""

    def __init__(self, work: Callable[[Callable[[str, Any], None]], Any]) -> None:
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.abandoned = threading.Event()

        def run() -> None:
            try:
                self._queue.put(("done", work(self.put)))
            except BaseException as exc:  # handed to the waiting generator, which raises it
                self._queue.put(("error", exc))

        self._thread = threading.Thread(target=run, name="imagegen-server", daemon=True)
        self._thread.start()

    def put(self, kind: str, value: Any) -> None:
        self._queue.put((kind, value))

    def wait(self, cancel: CancelToken, every: Callable[[], None] | None = None,
             every_s: float = 0.5) -> Iterator[tuple[str, Any]]:  # fmt: skip
        """Events as they come, until ``("done", result)``; *every* runs each *every_s*
        while waiting (a progress poll). Raises Cancelled at a Stop, the call's error."""
        import time

        next_poll = time.monotonic() + every_s
        try:
            while True:
                if cancel.cancelled:
                    raise Cancelled
                try:
                    kind, value = self._queue.get(timeout=WAIT_S)
                except queue.Empty:
                    if every is not None and time.monotonic() >= next_poll:
                        every()
                        next_poll = time.monotonic() + every_s
                    continue
                if kind == "error":
                    raise value
                yield kind, value
                if kind == "done":
                    return
        finally:
            self.abandoned.set()
