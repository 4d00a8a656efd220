"""Hostile inputs, tenth round (tests/HOSTILE.md): robots.txt as sites write it today.
Each through a real entry point: a loopback HTTP server and the hardened HTTP client, the
CLI, real files."""

from __future__ import annotations

import pytest

from earlywarn.collect.http import HttpClient, HttpFetchError
from tests.collect.conftest import Route, Server, settings

UA = "earlywarn/0.1 (+https://example.invalid/earlywarn)"
PAGE = b"<html><body><p>" + b"word " * 40 + b"</p></body></html>"

# -- robots.txt written to RFC 9309 ----------------------------------------------------------

ROBOTS = {
    # Notepad and many CMSs save it with a byte-order mark: the first group was lost
    "bom": (b"\xef\xbb\xbfUser-agent: *\nDisallow: /private\n", "/private/a"),
    # the longest match decides, not the first: 'Allow: /' above was read as allowing all
    "allow-first": (b"User-agent: *\nAllow: /\nDisallow: /private\n", "/private/a"),
    # '*' is any characters, a final '$' the end of the path: both were plain characters
    "wildcard": (b"User-agent: *\nDisallow: /*/private\n", "/x/private/b"),
    "dollar": (b"User-agent: *\nDisallow: /*.pdf$\n", "/files/report.pdf"),
    # a group names a product token, not a substring of ours ('e' is no earlywarn)
    "substring": (
        b"User-agent: e\nDisallow: /\n\nUser-agent: *\nDisallow: /private\n",
        "/private/a",
    ),
}


@pytest.mark.parametrize("name", list(ROBOTS))
def test_robots_txt_as_rfc_9309_writes_it_is_respected(name: str) -> None:
    """A robots.txt in the syntax of RFC 9309 and Google's crawler (a byte-order mark, the
    longest rule deciding, `*` and `$` patterns, groups by product token) was read by
    Python's urllib.robotparser, which predates it: each of these let the collect stage
    fetch a path the site disallows. The path must be refused (`robots_disallowed`) and
    never requested; a path the file allows is fetched."""
    body, refused = ROBOTS[name]
    srv = Server()
    try:
        srv.routes["/robots.txt"] = Route(body, headers={"Content-Type": "text/plain"})
        for path in (refused, "/news/a"):
            srv.routes[path] = Route(PAGE, headers={"Content-Type": "text/html"})
        with HttpClient(settings(respect_robots=True, user_agent=UA)) as client:
            with pytest.raises(HttpFetchError) as info:
                client.fetch(srv.url(refused), kind="page")
            assert info.value.reason == "robots_disallowed"
            assert client.fetch(srv.url("/news/a"), kind="page").status == 200
        assert refused not in srv.hits
        assert srv.hits["/robots.txt"] == 1
    finally:
        srv.close()


def test_robots_txt_allowing_more_specifically_is_respected() -> None:
    """The other half: a longer `Allow` beats a shorter `Disallow` (`Disallow: /` then
    `Allow: /feeds/`, `Allow: /*.html$`), and the `earlywarn` group, named in another case,
    replaces the `*` group. Fails on the first-match reader too (the pattern allow)."""
    srv = Server()
    try:
        srv.routes["/robots.txt"] = Route(
            b"User-agent: *\nDisallow: /\n\nUser-agent: EarlyWarn\nDisallow: /\n"
            b"Allow: /feeds/\nAllow: /*.html$\n",
            headers={"Content-Type": "text/plain"},
        )
        with HttpClient(settings(respect_robots=True, user_agent=UA)) as client:
            assert client.allowed(srv.url("/feeds/rss.xml"))
            assert client.allowed(srv.url("/2025/a.html"))
            assert not client.allowed(srv.url("/2025/a.html?page=2"))
            assert not client.allowed(srv.url("/private"))
    finally:
        srv.close()
