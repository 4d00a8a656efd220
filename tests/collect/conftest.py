"""A real loopback HTTP server for the collect tests (ThreadingHTTPServer on 127.0.0.1)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from earlywarn.config import HttpSettings

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    drip: float = 0.0  # seconds between bytes
    handler: Callable[[BaseHTTPRequestHandler], Route] | None = None


class Server:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path
                server.hits[path] = server.hits.get(path, 0) + 1
                server.requests.append((path, dict(self.headers.items())))
                route = server.routes.get(path, Route(b"not found", 404))
                if route.handler is not None:
                    route = route.handler(self)
                self.send_response(route.status)
                headers = {"Content-Length": str(len(route.body)), **route.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if not route.drip:
                    self.wfile.write(route.body)
                    return
                for i in range(min(len(route.body), 10)):  # bounded
                    try:
                        self.wfile.write(route.body[i : i + 1])
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(route.drip)

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients hanging up mid-body are part of the tests

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server() -> Iterator[Server]:
    s = Server()
    try:
        yield s
    finally:
        s.close()


def settings(**kw: object) -> HttpSettings:
    """Fast settings for loopback tests."""
    base: dict[str, object] = {
        "allow_private": ["127.0.0.1"],
        "politeness_delay": 0.0,
        "retries": 0,
        "connect_timeout": 2.0,
        "read_timeout": 3.0,
        "total_timeout": 5.0,
        "respect_robots": False,
    }
    base.update(kw)
    return HttpSettings.model_validate(base)
