"""Real loopback receivers for delivery tests: an HTTP webhook server and an SMTP server."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Webhook:
    """What the webhook server got and how it answers (statuses in order, then 200)."""

    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    kill_pid: int | None = None  # SIGKILL this process on receipt, before answering
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def webhook_server(
    port: int = 0, hook: Webhook | None = None, tls: Any = None
) -> Iterator[tuple[Webhook, int]]:
    """Serve ``hook`` on 127.0.0.1:``port`` (0: any free port) in a thread; over TLS with
    the server-side :class:`ssl.SSLContext` ``tls``."""
    state = hook or Webhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n)
            with state.lock:
                state.requests.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = state.statuses.pop(0) if state.statuses else 200
                pid, state.kill_pid = state.kill_pid, None
            if pid is not None:
                os.kill(pid, signal.SIGKILL)
            self.send_response(status)
            out = b'{"ok": true}' if status < 400 else b'{"error": "scripted failure"}'
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((HOST, port), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state, int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[Any] = []
        self.logins: list[tuple[bytes, bytes]] = []
        self.tls: list[bool] = []  # per message: did it come over TLS?

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.tls.append(server.transport.get_extra_info("ssl_object") is not None)
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def auth(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password == b"s3cret"
        if ok:
            self.logins.append((data.login, data.password))
        return AuthResult(success=ok)


@contextmanager
def smtp_server(
    port: int,
    *,
    starttls: ssl.SSLContext | None = None,
    implicit_tls: ssl.SSLContext | None = None,
) -> Iterator[_Mailbox]:
    """An aiosmtpd server on 127.0.0.1:``port`` that accepts password ``s3cret``; with
    ``starttls`` it offers STARTTLS (and takes a login only after it), with ``implicit_tls``
    it speaks TLS from the first byte (SMTPS)."""
    box = _Mailbox()
    controller = Controller(
        box,
        hostname=HOST,
        port=port,
        authenticator=box.auth,
        auth_require_tls=starttls is not None,
        tls_context=starttls,
        ssl_context=implicit_tls,
        ready_timeout=5.0,
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
