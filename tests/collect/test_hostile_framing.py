"""A body of another length than its framing declares (Content-Length lies both ways).

A page whose Content-Length is shorter than what the server sends was stored cut short
(40 bytes of a whole page), and on a kept-alive connection the rest was parsed as the
answer to the next request. A first fix (adb575b, reverted) looked for the rest after
httpx had returned the connection to the pool: under parallel collection it read other
fetches' answers as excess and closed connections they were using. The check now runs
inside the read, while the connection is still this request's
(:mod:`earlywarn.collect._framing`); the parallel test below is the one that caught the
first fix. Every server is a real loopback TCP server (:mod:`tests.hostile`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import h11
import httpcore
import pytest

from earlywarn.collect import Feed, collect
from earlywarn.collect._framing import excess
from earlywarn.collect.http import HttpClient, HttpFetchError
from tests.collect.conftest import settings
from tests.collect.test_hostile import _rss, _static
from tests.hostile import Conn, RawServer, ok_head, raw_server

WHEN = "Wed, 01 Jan 2025 08:00:00 +0000"
VI = "Bộ trưởng Ngoại giao Việt Nam đã gặp người đồng cấp để thảo luận về hợp tác. " * 8
PAGE = f"<html><body><article><p>{VI}</p></article></body></html>".encode()


def _page(path: str) -> bytes:
    """An honest page of its own per path, so an answer read for another shows."""
    return PAGE.replace(b"<p>", f"<p>{path} ".encode(), 1)


def _answer(body: bytes, length: int | None = None, extra: bytes = b"") -> bytes:
    n = len(body) if length is None else length
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {n}\r\n\r\n"
    return head.encode() + body + extra


class KeptAlive:
    """Serve every request of a connection, as a kept-alive server does: ``lies`` maps a
    path to the bytes sent for it (a lie); any other path gets its honest page. Counts
    connections and the requests each served."""

    def __init__(self, srv: RawServer | None, lies: dict[str, bytes]) -> None:
        self.lies = lies
        self.lock = threading.Lock()
        self.requests: list[int] = []  # per connection, in order of arrival
        self.after_lie = 0  # requests read on a connection after it sent a lie
        for path in ("/lie", "/lie2", *(f"/p{i}" for i in range(40))):
            if srv is not None:
                srv.routes[path] = self.serve

    def serve(self, conn: Conn) -> None:
        with self.lock:
            me = len(self.requests)
            self.requests.append(0)
        lied = False
        while True:
            with self.lock:
                self.requests[me] += 1
                self.after_lie += lied
            lie = self.lies.get(conn.path)
            if not conn.send(_answer(_page(conn.path)) if lie is None else lie):
                return
            lied = lied or lie is not None
            if not conn.read_request():
                return


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        (_answer(PAGE, 40), "more than the 40 bytes its Content-Length declared"),
        (_answer(PAGE, 40) + _answer(_page("/p1")), "more than the 40 bytes"),  # a whole answer
        (_answer(PAGE, len(PAGE) - 1), f"more than the {len(PAGE) - 1} bytes"),
        (_answer(b"", 0, PAGE), "more than the 0 bytes"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
            + f"{len(PAGE):x}\r\n".encode()
            + PAGE
            + b"\r\n0\r\n\r\n"
            + b"<p>more</p>",
            "more than the",
        ),
    ],
    ids=["40-of-a-page", "a-whole-answer-past-40", "one-byte-over", "zero-then-page", "chunked"],
)
def test_bytes_past_the_declared_end_fail_the_fetch_and_close_the_connection(
    sent: bytes, said: str
) -> None:
    with raw_server() as srv, HttpClient(settings()) as c:
        server = KeptAlive(srv, {"/lie": sent})
        assert c.fetch(srv.url("/p0"), kind="page").content == _page("/p0")
        with pytest.raises(HttpFetchError) as err:
            c.fetch(srv.url("/lie"), kind="page")  # was: the first 40 bytes, as the page
        assert err.value.reason == "bad_length" and said in str(err.value), str(err.value)
        # the next page of the host is its own, never the rest of the lie
        for i in range(1, 4):
            assert c.fetch(srv.url(f"/p{i}"), kind="page").content == _page(f"/p{i}")
    # the honest connection was kept alive for the lie; the lying one was closed after it
    assert server.requests == [2, 3] and server.after_lie == 0, server.requests


@pytest.mark.parametrize("keep_alive", [True, False], ids=["kept-alive", "connection-close"])
def test_a_page_longer_than_its_content_length_is_never_stored_cut_short(
    keep_alive: bool,
) -> None:
    with raw_server() as srv, HttpClient(settings()) as c:
        if keep_alive:
            KeptAlive(srv, {"/lie": _answer(PAGE, 40)})
        else:
            srv.routes["/lie"] = lambda conn: conn.send(ok_head(length=40) + PAGE) and None
        with pytest.raises(HttpFetchError) as err:
            c.fetch(srv.url("/lie"), kind="page")
    assert err.value.reason == "bad_length"


@pytest.mark.parametrize("short", [len(PAGE) - 100, 0], ids=["short-by-100", "headers-only"])
def test_a_body_cut_short_by_the_server_closing_is_refused(short: int) -> None:
    with raw_server() as srv, HttpClient(settings()) as c:
        srv.routes["/cut"] = lambda conn: conn.send(_answer(PAGE[:short], len(PAGE))) and None
        srv.routes["/ok"] = _static(PAGE)
        with pytest.raises(HttpFetchError) as err:
            c.fetch(srv.url("/cut"), kind="page")
        assert err.value.reason == "bad_length"
        assert f"after {short} of the {len(PAGE)} bytes" in str(err.value), str(err.value)
        assert c.fetch(srv.url("/ok"), kind="page").content == PAGE


def test_blank_lines_past_a_whole_body_keep_the_page() -> None:
    # a sloppy server's CRLF after a whole body cuts nothing off: the page is kept (the
    # connection is not reused: where the next answer starts is not known)
    with raw_server() as srv, HttpClient(settings()) as c:
        server = KeptAlive(srv, {"/lie": _answer(PAGE, extra=b"\r\n")})
        assert c.fetch(srv.url("/lie"), kind="page").content == PAGE
        assert c.fetch(srv.url("/p1"), kind="page").content == _page("/p1")
    assert server.requests == [1, 1] and server.after_lie == 0


def test_honest_kept_alive_connections_are_still_reused() -> None:
    # the look past the body never waits for more: a look that waited for data until
    # the read timeout (10 s) would spend the client's budget on the first page
    fast = settings(read_timeout=10.0, total_timeout=20.0)
    with raw_server() as srv, HttpClient(fast, budget=9.0) as c:
        server = KeptAlive(srv, {})
        for i in range(12):
            assert c.fetch(srv.url(f"/p{i}"), kind="page").content == _page(f"/p{i}")
    assert server.requests == [12]  # one connection for all (was so before too)


@contextmanager
def _tls_server(tmp_path: Path, handler: Callable[[Conn], None]) -> Iterator[int]:
    """A loopback HTTPS server (a certificate for 127.0.0.1 the client is made to trust
    through SSL_CERT_FILE) running ``handler`` on each connection; yields its port."""
    from tests.test_hostile_defects6 import _self_signed

    crt, key = _self_signed(tmp_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(crt, key)
    listener = socket.create_server(("127.0.0.1", 0))
    closed = threading.Event()

    def run(raw: socket.socket) -> None:
        try:
            with ctx.wrap_socket(raw, server_side=True) as tls:
                conn = Conn(tls, closed)
                if conn.read_request():
                    handler(conn)
        except OSError:
            pass

    def accept() -> None:
        while True:
            try:
                raw, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=run, args=(raw,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    old = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(crt)
    try:
        yield listener.getsockname()[1]
    finally:
        closed.set()
        listener.close()
        if old is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = old


def test_over_tls_a_lie_fails_and_honest_connections_are_reused(tmp_path: Path) -> None:
    server = KeptAlive(None, {"/lie": _answer(PAGE * 30, 40)})  # 48 KB: 3 TLS records
    with _tls_server(tmp_path, server.serve) as port, HttpClient(settings()) as c:
        url = f"https://127.0.0.1:{port}"
        for path in ("/p0", "/lie", "/p1", "/p2", "/p3"):
            try:
                got = "ok" if c.fetch(url + path, kind="page").content == _page(path) else "wrong"
            except HttpFetchError as exc:
                got = exc.reason or "?"
            assert got == ("bad_length" if path == "/lie" else "ok"), (path, got)
    assert server.requests == [2, 3] and server.after_lie == 0, server.requests


class _Stream(httpcore.NetworkStream):
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def get_extra_info(self, info: str) -> object:
        return self.sock if info == "socket" else None


def _until(
    look: Callable[[], tuple[bytes, bool]], want: Callable[[bytes, bool], bool]
) -> tuple[bytes, bool]:
    """Look again until the bytes sent have arrived (the test waits, the look never does)."""
    for _ in range(200):
        got = look()
        if want(*got):
            return got
        time.sleep(0.01)
    return got


@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
def test_the_look_past_a_body_never_waits_and_sees_what_arrived(tmp_path: Path, tls: bool) -> None:
    """excess() on a socket with nothing waiting, bytes waiting (a TLS record is read,
    since TLS cannot be peeked at; over TCP the bytes stay), then a closed peer. The body's
    end at a TLS record's end with the excess in the next record is only caught this way."""
    client, server = socket.socketpair()
    if tls:
        from tests.test_hostile_defects6 import _self_signed

        crt, key = _self_signed(tmp_path)
        sctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        sctx.load_cert_chain(crt, key)
        cctx = ssl.create_default_context(cafile=str(crt))
        with ThreadPoolExecutor(1) as pool:
            side = pool.submit(sctx.wrap_socket, server, server_side=True)
            client = cctx.wrap_socket(client, server_hostname="127.0.0.1")
            server = side.result()
    client.settimeout(30.0)  # a look that waited would wait this long
    state = h11.Connection(h11.CLIENT)
    look = functools.partial(excess, state, _Stream(client))
    start = time.monotonic()
    assert look() == (b"", False)
    assert time.monotonic() - start < 10.0 and client.gettimeout() == 30.0
    server.sendall(b"<p>more</p>")
    assert _until(look, lambda data, _: bool(data)) == (b"<p>more</p>", False)
    assert client.gettimeout() == 30.0
    if not tls:  # peeked, not taken
        assert client.recv(100) == b"<p>more</p>"
    server.close()
    assert _until(look, lambda _, closed: closed) == (b"", True)
    client.close()


def test_parallel_fetches_on_kept_alive_connections_never_mix_answers() -> None:
    """Many fetches in parallel over a few kept-alive connections to one host, honest
    pages mixed with lies: the first fix took other fetches' answers for a lie's excess
    (a false bad_length) and closed connections they were using ('Bad file descriptor')."""
    lies = {"/lie": _answer(PAGE, 40), "/lie2": _answer(PAGE, 40) + _answer(_page("/p0"))}
    paths = [f"/p{i % 40}" if i % 7 else ("/lie" if i % 14 else "/lie2") for i in range(420)]
    with raw_server() as srv, HttpClient(settings(per_host_concurrency=8)) as c:
        server = KeptAlive(srv, lies)

        def fetch(path: str) -> str:
            try:
                got = c.fetch(srv.url(path), kind="page").content
            except HttpFetchError as exc:
                return exc.reason or "?"
            return "ok" if got == _page(path) else f"wrong page for {path}"

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(fetch, paths))
    got = Counter(
        zip(["lie" if p.startswith("/lie") else "honest" for p in paths], results, strict=True)
    )
    assert got == Counter({("honest", "ok"): 360, ("lie", "bad_length"): 60}), got
    assert server.after_lie == 0  # no request was ever sent on a connection after a lie
    assert len(server.requests) < 120, len(server.requests)  # honest connections reused


def test_collect_keeps_the_feed_summary_of_a_page_longer_than_declared() -> None:
    page = _page("/honest")
    with raw_server() as srv:
        items = [("liar", srv.url("/liar"), WHEN), ("honest", srv.url("/honest"), WHEN)]
        srv.routes["/feed"] = _static(_rss(items), "application/rss+xml")
        feed = _rss([("cut", srv.url("/cut"), WHEN), ("lost", srv.url("/lost"), WHEN)])
        half = ok_head("application/rss+xml", len(feed) // 2)  # a feed half declared
        srv.routes["/half"] = lambda conn: conn.send(half + feed) and None
        srv.routes["/liar"] = lambda conn: conn.send(ok_head(length=40) + page) and None
        srv.routes["/honest"] = _static(page)
        feeds = [Feed(srv.url("/feed"), outlet="x"), Feed(srv.url("/half"), outlet="y")]
        out = collect(feeds, dt.date(2025, 1, 2), settings=settings())
    texts = dict(zip(out.articles["title"], out.articles["text"], strict=True))
    assert out.stats["reason:bad_length"] == 2, dict(out.stats)  # the page and the feed
    assert out.stats["pages_ok"] == 1 and out.stats["feeds_ok"] == 1
    assert texts["liar"] == "about liar"  # the feed's summary, refetched later; was 11 characters
    assert "Bộ trưởng Ngoại giao" in texts["honest"]
    assert "cut" not in texts  # the half-read feed: was read up to the cut, an item lost
