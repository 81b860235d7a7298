"""A Hugging Face hub on 127.0.0.1 that serves folders as model repositories.

It answers the calls ``huggingface_hub`` makes to download a model (repository info, the
file tree, and each file's metadata and content), so that downloading code runs for
real, offline. ``downloads`` records the files it sent.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SHA = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class HubServer:
    """Serves ``repos`` (id → folder) until :meth:`stop`."""

    repos: dict[str, Path]
    downloads: list[str] = field(default_factory=list)  # "repo/file" of every GET
    gated: set[str] = field(default_factory=set)  # repositories listed but not downloadable
    _server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubServer:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                """Quiet."""

            def do_HEAD(self) -> None:
                hub._answer(self, body=False)

            def do_GET(self) -> None:
                hub._answer(self, body=True)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # ---- answers ---------------------------------------------------------------------

    def _files(self, repo: str) -> dict[str, Path]:
        folder = self.repos[repo]
        return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}

    def _answer(self, request: BaseHTTPRequestHandler, body: bool) -> None:
        path = unquote(urlsplit(request.path).path)
        if path.startswith("/api/models/"):
            self._api(request, path.removeprefix("/api/models/"))
        elif "/resolve/" in path:
            repo, _, rest = path.lstrip("/").partition("/resolve/")
            _revision, _, name = rest.partition("/")
            self._file(request, repo, name, body)
        else:
            self._send(request, 404, b"{}", "application/json")

    def _api(self, request: BaseHTTPRequestHandler, rest: str) -> None:
        for repo in self.repos:
            if rest == repo or rest.startswith(f"{repo}/revision/"):
                siblings = [
                    {"rfilename": name, "size": p.stat().st_size, "blobId": _blob(p)}
                    for name, p in self._files(repo).items()
                ]
                info = {"id": repo, "modelId": repo, "sha": SHA, "siblings": siblings}
                return self._send(request, 200, json.dumps(info).encode(), "application/json")
            if rest.startswith(f"{repo}/tree/"):
                tree = [
                    {"type": "file", "oid": _blob(p), "size": p.stat().st_size, "path": name}
                    for name, p in self._files(repo).items()
                ]
                return self._send(request, 200, json.dumps(tree).encode(), "application/json")
        return self._send(request, 404, b'{"error": "Repository not found"}', "application/json")

    def _file(self, request: BaseHTTPRequestHandler, repo: str, name: str, body: bool) -> None:
        if repo in self.gated:
            request.send_response(401)
            request.send_header("X-Error-Code", "GatedRepo")
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        file = self._files(repo).get(name) if repo in self.repos else None
        if file is None:
            request.send_response(404)
            request.send_header("X-Error-Code", "EntryNotFound")
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        data = file.read_bytes()
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(data)))
        request.send_header("ETag", f'"{_blob(file)}"')
        request.send_header("X-Repo-Commit", SHA)
        request.end_headers()
        if not body:
            return
        self.downloads.append(f"{repo}/{name}")
        request.wfile.write(data)

    def _send(self, request: BaseHTTPRequestHandler, status: int, data: bytes, kind: str) -> None:
        request.send_response(status)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(data)


def _blob(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()
