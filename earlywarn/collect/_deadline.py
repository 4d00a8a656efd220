"""One deadline per request, enforced on every socket operation (connect, write, read).

httpx's timeouts are per operation: a server that sends its status line, headers or
body one byte at a time never trips a read timeout. Here the deadline of the current
request lives in a context variable and every connect, write and read of the
connection's stream gets ``min(its own timeout, time left)``; once the time is up the
next operation raises :class:`httpcore.ReadTimeout` (or the connect/write variant)
before it blocks. Connections are pooled, so the check is on the stream, not the
connection: each request brings its own deadline.

Examples
--------
>>> with deadline(0.5):
...     0.0 < time_left(10.0) <= 0.5
True
>>> time_left(10.0)
10.0
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

__all__ = ["DeadlineBackend", "DeadlineStream", "at", "deadline", "time_left", "transport"]

_END: ContextVar[float | None] = ContextVar("earlywarn_request_deadline", default=None)


@contextmanager
def at(end: float | None) -> Iterator[None]:
    """Run the block with the request deadline at monotonic time ``end`` (None: none)."""
    token = _END.set(end)
    try:
        yield
    finally:
        _END.reset(token)


def deadline(seconds: float) -> Any:
    """Run the block with a request deadline ``seconds`` from now."""
    return at(time.monotonic() + seconds)


def time_left(timeout: float | None, error: type[Exception] = httpcore.ReadTimeout) -> float | None:
    """``timeout`` clamped to the time left before the deadline; raise ``error`` if none is left."""
    end = _END.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the request's total deadline has passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation is bounded by the request deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, time_left(timeout, httpcore.ConnectTimeout)
        )
        return DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def transport(*, verify: bool = True) -> httpx.HTTPTransport:
    """An httpx transport whose connections are bounded by the request deadline."""
    out = httpx.HTTPTransport(retries=0, verify=verify)
    out._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(verify=verify), network_backend=DeadlineBackend()
    )
    return out


class DeadlineBackend(httpcore.NetworkBackend):
    """Connects with the deadline and hands out :class:`DeadlineStream` streams."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = time_left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, left, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        left = time_left(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
