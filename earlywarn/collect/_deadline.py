"""One deadline per request, enforced on every socket operation (connect, write, read).

httpx's timeouts are per operation: a server that sends its status line, headers or
body one byte at a time never trips a read timeout. Here the deadline of the current
request lives in a context variable and every connect, write and read of the
connection's stream gets ``min(its own timeout, time left)``; once the time is up the
next operation raises :class:`httpcore.ReadTimeout` (or the connect/write variant)
before it blocks. Connections are pooled, so the check is on the stream, not the
connection: each request brings its own deadline.

Name resolution comes first and is no socket operation: ``getaddrinfo`` blocks in C
with no timeout of its own (a slow resolver held a fetch for as long as it took). It
runs in a daemon thread and the connect waits for it at most the time left
(:func:`resolve_within`); past that the fetch fails with a connect timeout and the
look-up is left to end on its own.

Examples
--------
>>> with deadline(0.5):
...     0.0 < time_left(10.0) <= 0.5
True
>>> time_left(10.0)
10.0
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

__all__ = [
    "DeadlineBackend",
    "DeadlineStream",
    "Resolver",
    "at",
    "deadline",
    "resolve_within",
    "system_resolver",
    "time_left",
    "transport",
]

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


#: A name resolver: (host, port) -> IP addresses as text; raises OSError when it cannot.
Resolver = Callable[[str, int], Sequence[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """The system's resolver (``socket.getaddrinfo``): the host's addresses, each once.

    Examples
    --------
    >>> system_resolver("127.0.0.1", 80)
    ['127.0.0.1']
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


#: Look-up threads that may be in flight at once (a stuck one keeps its slot until its
#: resolver returns).
MAX_PENDING_LOOKUPS = 16
_LOOKUP_SLOTS = threading.BoundedSemaphore(MAX_PENDING_LOOKUPS)


def resolve_within(resolver: Resolver, host: str, port: int, timeout: float | None) -> list[str]:
    """``resolver(host, port)``, given at most ``timeout`` seconds (None: as long as it takes).

    The resolver runs in a daemon thread (a blocking ``getaddrinfo`` cannot be cancelled);
    past the timeout :class:`httpcore.ConnectTimeout` is raised and the thread is left to
    end when the resolver does, holding nothing the fetch needs. At most
    :data:`MAX_PENDING_LOOKUPS` look-up threads exist at once: when that many are stuck
    in a resolver that does not answer, a new look-up waits for a free slot within its
    own timeout and then fails the same way, instead of starting yet another thread.
    """
    if timeout is None:
        return list(resolver(host, port))
    start = time.monotonic()
    if not _LOOKUP_SLOTS.acquire(timeout=max(timeout, 0.0)):
        raise httpcore.ConnectTimeout(
            f"resolving {host}: {MAX_PENDING_LOOKUPS} earlier look-ups are still waiting "
            "for the resolver (is the name server down?)"
        )
    done = threading.Event()
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(list(resolver(host, port)))
        except BaseException as exc:  # handed to the waiting thread
            out.append(exc)
        finally:
            _LOOKUP_SLOTS.release()
            done.set()

    try:
        threading.Thread(target=run, name=f"resolve {host}", daemon=True).start()
    except BaseException:
        _LOOKUP_SLOTS.release()
        raise
    if not done.wait(max(timeout - (time.monotonic() - start), 0.0)):
        raise httpcore.ConnectTimeout(f"resolving {host} took longer than {timeout:.3g}s")
    if isinstance(out[0], BaseException):
        raise out[0]
    return list(out[0])


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


def transport(*, verify: bool = True, resolver: Resolver | None = None) -> httpx.HTTPTransport:
    """An httpx transport whose connections, name resolution included, are bounded by the
    request deadline (``resolver``: :func:`system_resolver` by default)."""
    out = httpx.HTTPTransport(retries=0, verify=verify)
    out._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(verify=verify),
        network_backend=DeadlineBackend(resolver=resolver),
    )
    return out


class DeadlineBackend(httpcore.NetworkBackend):
    """Resolves and connects within the deadline; hands out :class:`DeadlineStream` streams."""

    def __init__(
        self, inner: httpcore.NetworkBackend | None = None, resolver: Resolver | None = None
    ) -> None:
        self._inner = inner or httpcore.SyncBackend()
        self._resolver = resolver or system_resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        name = host.strip("[]")
        try:
            ipaddress.ip_address(name.split("%", 1)[0])
            addresses = [name]
        except ValueError:  # a name: resolved within the time left, then each address tried
            try:
                addresses = resolve_within(
                    self._resolver, name, port, time_left(timeout, httpcore.ConnectTimeout)
                )
            except (OSError, UnicodeError) as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        error: Exception = httpcore.ConnectError(f"{host} has no address")
        for ip in addresses:
            left = time_left(timeout, httpcore.ConnectTimeout)
            try:
                stream = self._inner.connect_tcp(ip, port, left, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return DeadlineStream(stream)
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        left = time_left(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
