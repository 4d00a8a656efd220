"""A loopback replay server for the bundled demo corpus.

It serves the feed snapshots (``/feeds/NAME.xml``, with ``__BASE__`` replaced by its own
address) and the archived article pages (``/pages/ID.html``, gzip-encoded when the client
accepts it), so the demo exercises the real collector over real HTTP, offline.

Examples
--------
>>> import httpx
>>> from earlywarn.demo.replay import ReplayServer
>>> with ReplayServer() as base:
...     r = httpx.get(base + "/robots.txt", timeout=5)
>>> r.status_code
200
"""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path

__all__ = ["CORPUS", "ReplayServer"]

CORPUS = Path(str(files("earlywarn.demo").joinpath("corpus")))


class _Handler(BaseHTTPRequestHandler):
    server_version = "earlywarn-replay/1"
    root: Path = CORPUS
    base: str = ""

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def _send(self, status: int, body: bytes, ctype: str, *, encoding: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/robots.txt":
            self._send(200, b"User-agent: *\nAllow: /\n", "text/plain; charset=utf-8")
            return
        name = Path(path).name
        if path.startswith("/feeds/") and name.endswith(".xml"):
            f = self.root / "feeds" / name
            if f.is_file():
                body = f.read_bytes().replace(b"__BASE__", self.base.encode())
                self._send(200, body, "application/rss+xml; charset=utf-8")
                return
        if path.startswith("/pages/") and name.endswith(".html"):
            f = self.root / "pages" / (name + ".gz")
            if f.is_file():
                raw = f.read_bytes()
                if "gzip" in self.headers.get("Accept-Encoding", ""):
                    self._send(200, raw, "text/html; charset=utf-8", encoding="gzip")
                else:
                    self._send(200, gzip.decompress(raw), "text/html; charset=utf-8")
                return
        self._send(404, b"not found", "text/plain")


class ReplayServer:
    """Serve a corpus folder on ``127.0.0.1`` in a background thread (a context manager).

    Parameters
    ----------
    root : path, optional
        The corpus folder (``feeds/``, ``pages/``); the bundled corpus by default.
    port : int
        0 picks a free port.
    """

    def __init__(self, root: str | Path | None = None, port: int = 0) -> None:
        self.root = Path(root) if root else CORPUS
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the replay server is not running; use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> str:
        handler = type("Handler", (_Handler,), {"root": self.root})
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        setattr(handler, "base", self.base_url)  # noqa: B010
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self.base_url

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
