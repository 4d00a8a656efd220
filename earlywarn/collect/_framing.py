"""Bytes past the end of an HTTP/1.1 body: found while the connection is still ours.

HTTP/1.1 ends a body where its Content-Length (or its last chunk) says; h11 stops there
and keeps what came after it in its buffer (``h11.Connection.trailing_data``). Such
bytes belong to no answer: a server that sends them lied about the length (40 bytes
declared, a whole page sent), and on a kept-alive connection httpcore would parse them
as the answer to the next request sent on it. httpcore only drops an idle connection
whose socket is readable, which misses the bytes h11 has already read.

:class:`FramingPool` is the connection pool of :class:`earlywarn.collect.http.HttpClient`.
Each HTTP/1.1 answer's body stream is wrapped (:class:`_FramedBody`) so that when the
body has ended, *inside the read and before the response is closed*, the bytes past its
end are looked for: h11's buffer, then the socket, without waiting (peeked at; over TLS,
which cannot peek, a waiting record is read). Until the
response is closed the connection is checked out by this one request (httpcore's
``ACTIVE`` state: no other request is sent on it, so every byte on it answers this
request), so what is found cannot be another fetch's answer, and no connection another
fetch uses is touched. If anything is found, or the server has closed, h11 is put in
its error state
(``send_failed``, public h11 API): httpcore then closes the connection itself when the
response is closed instead of returning it to the pool. Non-blank excess raises
:class:`ExcessBodyError` (the fetch failure ``bad_length``); blank lines after a whole body,
a sloppy server's, only cost the connection.

Not seen: bytes the server sends after a pause (after the body, once this check ran).
The pool drops a connection whose socket is readable while idle, so they are not read
as the next answer unless they arrive after the next request was sent on it, as with
curl or a browser (curl keeps the declared length, warns "Excess found" and closes the
connection; this client refuses the body, so a page is never stored cut short).
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable, Iterator

import h11
import httpcore

__all__ = ["ExcessBodyError", "FramingPool", "excess"]

PEEK = 4096  # bytes of the excess looked at (how much there is past that is not needed)


class ExcessBodyError(Exception):
    """The server sent bytes past the end its framing declared (``excess`` of them,
    at least: at most :data:`PEEK` are looked at)."""

    def __init__(self, excess: int) -> None:
        self.excess = excess
        super().__init__(f"{excess}{'+' if excess >= PEEK else ''} bytes past the end of the body")


def excess(state: h11.Connection, stream: httpcore.NetworkStream | None) -> tuple[bytes, bool]:
    """Bytes received after the body h11 has just ended, and whether the server closed.

    ``state`` is the connection's h11 parser, ``stream`` its network stream; call it only
    while the connection is checked out by the request whose body ended. Nothing waits:
    what has not arrived yet is not seen (``b""``).
    """
    data, closed = state.trailing_data
    if data or closed:
        return data[:PEEK], closed
    sock = stream.get_extra_info("socket") if stream is not None else None
    if not isinstance(sock, socket.socket):
        return b"", False
    wait = sock.gettimeout()  # (a socket with a timeout waits for data, even to peek)
    sock.settimeout(0)
    try:
        if isinstance(sock, ssl.SSLSocket):  # no peeking under TLS: a record is read,
            got = sock.recv(PEEK)  # so after anything the connection is not reused
        else:
            got = sock.recv(PEEK, socket.MSG_PEEK)
    except (ssl.SSLWantReadError, BlockingIOError, InterruptedError):  # nothing waiting
        return b"", False
    except (OSError, ValueError):  # reset, or closed under us: no more on it either
        return b"", True
    finally:
        sock.settimeout(wait)
    return got, not got  # b"": the server closed the connection


class _FramedBody:
    """An HTTP/1.1 body stream that, at its end, refuses bytes past it (see the module)."""

    def __init__(
        self, inner: Iterable[bytes], state: h11.Connection, stream: httpcore.NetworkStream | None
    ) -> None:
        self._inner = inner
        self._state = state
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        # an error mid-body closes the response, and so the connection, in httpcore
        yield from self._inner
        extra, closed = excess(self._state, self._stream)
        if not extra and not closed:
            return
        # where the next answer would start is unknown (or the server has gone): the
        # connection must not be reused. h11's error state makes httpcore close it when
        # this response is closed, instead of returning it to the pool
        self._state.send_failed()
        if extra.strip(b"\r\n\t "):
            raise ExcessBodyError(len(extra))

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class _FramingConnection(httpcore.HTTPConnection):
    """An httpcore connection whose HTTP/1.1 answers are :class:`_FramedBody` streams."""

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        response = super().handle_request(request)
        conn, body = self._connection, response.stream
        if isinstance(conn, httpcore.HTTP11Connection) and isinstance(body, Iterable):
            # httpcore keeps the h11 parser private: it is read, and put in its error state
            stream = response.extensions.get("network_stream")
            response.stream = _FramedBody(body, conn._h11_state, stream)
        return response


class FramingPool(httpcore.ConnectionPool):
    """An httpcore connection pool (no proxy) whose connections are :class:`_FramingConnection`."""

    def create_connection(self, origin: httpcore.Origin) -> httpcore.ConnectionInterface:
        return _FramingConnection(
            origin=origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_expiry,
            http1=self._http1,
            http2=self._http2,
            retries=self._retries,
            local_address=self._local_address,
            uds=self._uds,
            network_backend=self._network_backend,
            socket_options=self._socket_options,
        )
