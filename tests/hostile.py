"""Misbehaving loopback HTTP servers for the hostile-input tests.

A :class:`RawServer` is a real TCP server on 127.0.0.1 whose handlers write raw bytes
to the socket: status lines, headers or bodies dripped one byte at a time, endless
bodies, slow answers. Every handler stops when the client hangs up or the server is
closed, so tests stay bounded.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Handler = Callable[["Conn"], None]


class Conn:
    """One accepted connection: the request line, headers, body and the socket."""

    def __init__(self, sock: socket.socket, closed: threading.Event) -> None:
        self.sock = sock
        self.closed = closed
        self.file = sock.makefile("rb")
        self.path = ""
        self.method = ""
        self.headers: dict[str, str] = {}
        self.body = b""

    def read_request(self) -> bool:
        line = self.file.readline(65536).decode("latin-1").strip()
        if not line:
            return False
        self.method, self.path, _ = [*line.split(" "), "", ""][:3]
        self.headers = {}
        while True:
            h = self.file.readline(65536).decode("latin-1").strip()
            if not h:
                break
            k, _, v = h.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        n = int(self.headers.get("content-length", "0") or 0)
        self.body = self.file.read(n) if n else b""
        return True

    def send(self, data: bytes) -> bool:
        """Write ``data``; False once the client has gone or the server closes."""
        if self.closed.is_set():
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def drip(self, data: bytes, every: float) -> bool:
        """Write ``data`` one byte at a time, ``every`` seconds apart."""
        for i in range(len(data)):
            if not self.send(data[i : i + 1]):
                return False
            if self.closed.wait(every):
                return False
        return True

    def endless(self, chunk: bytes = b"x" * 65536, seconds: float = 30.0) -> None:
        """Write ``chunk`` again and again (for at most ``seconds``)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.send(chunk):
            pass


def ok_head(ctype: str = "text/html", length: int | None = None, extra: str = "") -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nConnection: close\r\n{extra}"
    if length is not None:
        head += f"Content-Length: {length}\r\n"
    return (head + "\r\n").encode("latin-1")


class RawServer:
    """Route paths to raw handlers; unknown paths get a 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: dict[str, int] = {}
        self.closed = threading.Event()
        outer = self

        class _Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn = Conn(self.request, outer.closed)
                while conn.read_request():
                    outer.hits[conn.path] = outer.hits.get(conn.path, 0) + 1
                    handler = outer.routes.get(conn.path.split("?", 1)[0])
                    if handler is None:
                        conn.send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                        continue
                    handler(conn)
                    return  # one request per connection for handlers

        class _Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass

        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.closed.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def raw_server() -> Iterator[RawServer]:
    s = RawServer()
    try:
        yield s
    finally:
        s.close()
