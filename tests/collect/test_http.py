"""The hardened client against a real loopback server: caps, guard, deadlines, retries."""

from __future__ import annotations

import gzip
import logging
import time
from http.server import BaseHTTPRequestHandler

import pytest

from earlywarn.collect.http import HttpClient, HttpFetchError, looks_binary
from tests.collect.conftest import Route, Server, settings

HTML = b"<html><head><title>t</title></head><body><p>hello</p></body></html>"


def reason_of(client: HttpClient, url: str, kind: str = "page") -> str:
    with pytest.raises(HttpFetchError) as info:
        client.fetch(url, kind=kind)  # type: ignore[arg-type]
    return info.value.reason


def test_ok_and_conditional_get(server: Server) -> None:
    def handler(req: BaseHTTPRequestHandler) -> Route:
        if req.headers.get("If-None-Match") == '"v1"':
            return Route(b"", 304, {"ETag": '"v1"'})
        return Route(HTML, 200, {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'})

    server.routes["/p"] = Route(handler=handler)
    with HttpClient(settings()) as c:
        r = c.fetch(server.url("/p"), kind="page")
        assert r.status == 200 and r.content == HTML and r.etag == '"v1"' and r.charset == "utf-8"
        r2 = c.fetch(server.url("/p"), kind="page", etag=r.etag)
        assert r2.status == 304 and r2.content == b""


def test_gzip_bomb_stops_at_cap(server: Server) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000, compresslevel=9)  # ~20 kB on the wire
    server.routes["/bomb"] = Route(
        bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    with HttpClient(settings(max_bytes=1_000_000)) as c:
        assert reason_of(c, server.url("/bomb")) == "too_large"


def test_gzip_within_cap_is_decoded(server: Server) -> None:
    server.routes["/gz"] = Route(
        gzip.compress(HTML), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    with HttpClient(settings()) as c:
        assert c.fetch(server.url("/gz"), kind="page").content == HTML


def test_page_larger_than_cap(server: Server) -> None:
    big = b"<html><body>" + b"x" * 300_000 + b"</body></html>"
    server.routes["/big"] = Route(big, headers={"Content-Type": "text/html"})
    # also without Content-Length announcing it: chunk the cap check on the stream
    with HttpClient(settings(max_bytes=100_000)) as c:
        assert reason_of(c, server.url("/big")) == "too_large"


def test_binary_served_as_html(server: Server) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    server.routes["/img"] = Route(png, headers={"Content-Type": "text/html"})
    server.routes["/pdf"] = Route(b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"})
    with HttpClient(settings()) as c:
        assert reason_of(c, server.url("/img")) == "bad_content_type"
        assert reason_of(c, server.url("/pdf")) == "bad_content_type"
    assert looks_binary(png) and not looks_binary(HTML)


def test_redirect_loop_and_limit(server: Server) -> None:
    server.routes["/a"] = Route(status=302, headers={"Location": "/b"})
    server.routes["/b"] = Route(status=301, headers={"Location": "/a"})
    for i in range(10):
        server.routes[f"/r{i}"] = Route(status=307, headers={"Location": f"/r{i + 1}"})
    with HttpClient(settings(max_redirects=3)) as c:
        assert reason_of(c, server.url("/a")) == "redirect_loop"
        assert reason_of(c, server.url("/r0")) == "too_many_redirects"


def test_redirect_followed(server: Server) -> None:
    server.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    server.routes["/new"] = Route(HTML, headers={"Content-Type": "text/html"})
    with HttpClient(settings()) as c:
        r = c.fetch(server.url("/old"), kind="page")
        assert r.url.endswith("/new") and r.content == HTML


def test_ssrf_guard_on_redirects(server: Server) -> None:
    # the server is reached as "localhost" (allow-listed by name); its redirects to
    # 127.0.0.1 and 10.0.0.1 must be refused before any connection is made
    server.routes["/to-loopback"] = Route(status=302, headers={"Location": server.url("/x")})
    server.routes["/to-private"] = Route(status=302, headers={"Location": "http://10.0.0.1/secret"})
    server.routes["/x"] = Route(HTML, headers={"Content-Type": "text/html"})
    with HttpClient(settings(allow_private=["localhost"])) as c:
        assert reason_of(c, server.url("/to-loopback", host="localhost")) == "ssrf_blocked"
        start = time.monotonic()
        assert reason_of(c, server.url("/to-private", host="localhost")) == "ssrf_blocked"
        assert time.monotonic() - start < 1.0  # refused, not a connect timeout
    assert server.hits.get("/x") is None
    with HttpClient(settings(allow_private=[])) as c:  # default: loopback refused outright
        assert reason_of(c, server.url("/x")) == "ssrf_blocked"
    assert server.hits.get("/x") is None


def test_drip_hits_total_deadline(server: Server) -> None:
    server.routes["/drip"] = Route(
        b"<html>" + b"x" * 50, headers={"Content-Type": "text/html"}, drip=1.0
    )
    with HttpClient(settings(total_timeout=2.0, read_timeout=5.0)) as c:
        start = time.monotonic()
        assert reason_of(c, server.url("/drip")) == "timeout"
        assert time.monotonic() - start < 4.5


@pytest.mark.parametrize("status", [404, 410, 500])
def test_error_status(server: Server, status: int) -> None:
    server.routes["/e"] = Route(b"no", status)
    with HttpClient(settings(retries=1)) as c:
        assert reason_of(c, server.url("/e")) == f"http_{status}"
    assert server.hits["/e"] == (2 if status >= 500 else 1)  # only 5xx is retried


def test_429_honours_retry_after(server: Server) -> None:
    calls = {"n": 0}

    def handler(req: BaseHTTPRequestHandler) -> Route:
        calls["n"] += 1
        if calls["n"] == 1:
            return Route(b"slow down", 429, {"Retry-After": "1"})
        return Route(HTML, 200, {"Content-Type": "text/html"})

    server.routes["/rl"] = Route(handler=handler)
    with HttpClient(settings(retries=2)) as c:
        start = time.monotonic()
        assert c.fetch(server.url("/rl"), kind="page").content == HTML
        assert time.monotonic() - start >= 0.9
    assert calls["n"] == 2


def test_robots_respected_and_user_agent_sent(server: Server) -> None:
    server.routes["/robots.txt"] = Route(
        b"User-agent: *\nDisallow: /private\n", headers={"Content-Type": "text/plain"}
    )
    server.routes["/private/a"] = Route(HTML, headers={"Content-Type": "text/html"})
    server.routes["/public"] = Route(HTML, headers={"Content-Type": "text/html"})
    with HttpClient(settings(respect_robots=True, user_agent="ewtest/1.0")) as c:
        assert reason_of(c, server.url("/private/a")) == "robots_disallowed"
        assert c.fetch(server.url("/public"), kind="page").status == 200
    assert server.hits["/robots.txt"] == 1  # cached per host
    assert "/private/a" not in server.hits
    assert all(h.get("User-Agent") == "ewtest/1.0" for _, h in server.requests)


def test_feed_content_type_check(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    # (JSON is a feed type: JSON Feed)
    server.routes["/f.pdf"] = Route(b"{}", headers={"Content-Type": "application/pdf"})
    with HttpClient(settings()) as c, caplog.at_level(logging.WARNING):
        assert reason_of(c, server.url("/f.pdf"), kind="feed") == "bad_content_type"


def test_allowed_reads_robots_once_per_origin(server: Server) -> None:
    server.routes["/robots.txt"] = Route(
        b"User-agent: *\nDisallow: /private\n", headers={"Content-Type": "text/plain"}
    )
    with HttpClient(settings(respect_robots=True)) as c:
        assert c.allowed(server.url("/public")) is True
        assert c.allowed(server.url("/private/x")) is False
    assert server.hits["/robots.txt"] == 1
    with HttpClient(settings(respect_robots=False)) as c:
        assert c.allowed(server.url("/private/x")) is True
    assert server.hits["/robots.txt"] == 1


def test_politeness_delay_per_origin(server: Server) -> None:
    server.routes["/a"] = Route(HTML, headers={"Content-Type": "text/html"})
    with HttpClient(settings(politeness_delay=0.3)) as c:
        start = time.monotonic()
        for _ in range(3):
            c.fetch(server.url("/a"), kind="page")
        assert time.monotonic() - start >= 0.6  # three starts on one origin: two delays


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/html; charset=utf-8", "utf-8"),
        ('text/html; Charset = "windows-1251"', "windows-1251"),
        ("text/html, charset=koi8-r", "koi8-r"),  # a comma for the semicolon
        ("text/html; charset=utf-8 (default)", "utf-8"),  # a comment after the name
        ("text/html; mycharset=latin-1", None),  # another parameter ending in 'charset'
        ("text/html", None),
    ],
)
def test_response_and_feed_reader_read_one_charset(
    server: Server, content_type: str, expected: str | None
) -> None:
    """The client's Response.charset and the feed reader's declared-encoding check parsed
    Content-Type twice and disagreed: 'text/html, charset=koi8-r' was koi8-r to the feed
    reader and no charset to the page decoder; 'utf-8 (default)' was a charset named
    'utf-8 (default)'. One function reads it for both."""
    from earlywarn.collect._bytes import header_charset
    from earlywarn.collect._xmlbytes import misdeclared_text

    server.routes["/c"] = Route(HTML, 200, {"Content-Type": content_type})
    with HttpClient(settings()) as client:
        resp = client.fetch(server.url("/c"), kind="page")
    assert resp.charset == header_charset(resp.headers.get("content-type")) == expected
    news = "<title>Москва заявила о новых санкциях. Правительство утвердило бюджет.</title>"
    feed = f"<rss>{news * 3}</rss>".encode("cp1251")
    read = misdeclared_text(feed, content_type.replace("utf-8", "windows-1251"))
    assert (read is None) == (expected is not None)  # a declaration the bytes satisfy
