"""Name resolution under the per-fetch deadline (issue 14).

A slow resolver is injected through the client's public configuration
(``HttpClient(resolver=...)``, ``transport(resolver=...)``), not by patching ``socket``:
the resolver is the one seam where a look-up can be made slow on a machine with no DNS
server to slow down. The servers are real loopback servers serving a real feed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import httpcore
import httpx
import pytest

from earlywarn.collect._deadline import MAX_PENDING_LOOKUPS, deadline, resolve_within, transport
from earlywarn.collect.feeds import parse_feed
from earlywarn.collect.http import HttpClient, HttpFetchError
from tests.collect.conftest import DATA, Route, Server, settings

FEED = (DATA / "rss_feeds" / "vietnamese" / "vnexpress_tin-moi-nhat_2017-07-26.rss").read_bytes()
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


class Resolver:
    """Resolves every name to 127.0.0.1 after ``delay`` seconds; remembers what it was asked."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.asked: list[str] = []
        self.release = threading.Event()  # a slow look-up ends early when the test is done

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        self.release.wait(self.delay)
        return ["127.0.0.1"]


def test_a_fetch_by_name_uses_the_injected_resolver(server: Server) -> None:
    server.routes["/vnexpress.rss"] = Route(FEED, headers=RSS)
    resolver = Resolver()
    with HttpClient(settings(), resolver=resolver) as c:
        resp = c.fetch(server.url("/vnexpress.rss", host="feeds.example"), kind="feed")
    assert resolver.asked == ["feeds.example"]
    assert len(parse_feed(resp.content, resp.url)) == 25


def test_a_slow_resolver_is_cut_by_the_fetch_deadline(server: Server) -> None:
    server.routes["/vnexpress.rss"] = Route(FEED, headers=RSS)
    resolver = Resolver(delay=30.0)
    try:
        with HttpClient(settings(total_timeout=1.0, connect_timeout=5.0), resolver=resolver) as c:
            start = time.monotonic()
            with pytest.raises(HttpFetchError) as err:
                c.fetch(server.url("/vnexpress.rss", host="slow.example"), kind="feed")
            took = time.monotonic() - start
    finally:
        resolver.release.set()
    assert err.value.reason == "timeout"
    assert 0.9 <= took < 3.0  # the total deadline (1 s), not the resolver's 30 s
    assert server.hits.get("/vnexpress.rss") is None


def test_the_connect_timeout_bounds_resolution_too(server: Server) -> None:
    resolver = Resolver(delay=30.0)
    try:
        with HttpClient(settings(total_timeout=20.0, connect_timeout=0.5), resolver=resolver) as c:
            start = time.monotonic()
            with pytest.raises(HttpFetchError, match="timeout"):
                c.fetch(server.url("/x", host="slow.example"))
            assert time.monotonic() - start < 2.5
    finally:
        resolver.release.set()


def test_resolver_failure_is_a_dns_error(server: Server) -> None:
    def fails(host: str, port: int) -> Sequence[str]:
        raise OSError(-2, "Name or service not known")

    with HttpClient(settings(), resolver=fails) as c, pytest.raises(HttpFetchError) as err:
        c.fetch(server.url("/x", host="nowhere.example"))
    assert err.value.reason == "dns_error"


def test_the_resolved_address_still_passes_the_ssrf_guard(server: Server) -> None:
    client = HttpClient(settings(allow_private=[]), resolver=Resolver())
    with client as c, pytest.raises(HttpFetchError) as err:
        c.fetch(server.url("/x", host="rebind.example"))
    assert err.value.reason == "ssrf_blocked"
    assert server.hits.get("/x") is None


def test_deliveries_resolve_within_their_deadline_too(server: Server) -> None:
    server.routes["/hook"] = Route(b"ok")
    fast, slow = Resolver(), Resolver(delay=30.0)
    with deadline(5.0), httpx.Client(transport=transport(resolver=fast)) as client:
        assert client.get(f"http://hook.example:{server.port}/hook").content == b"ok"
    assert fast.asked == ["hook.example"]
    try:
        start = time.monotonic()
        with (
            deadline(1.0),
            httpx.Client(transport=transport(resolver=slow)) as client,
            pytest.raises(httpx.ConnectTimeout),
        ):
            client.get(f"http://slow.example:{server.port}/hook")
        assert time.monotonic() - start < 3.0
    finally:
        slow.release.set()


def test_resolve_within() -> None:
    assert resolve_within(Resolver(), "a.example", 80, None) == ["127.0.0.1"]
    assert resolve_within(Resolver(), "a.example", 80, 1.0) == ["127.0.0.1"]
    slow = Resolver(delay=30.0)
    try:
        with pytest.raises(httpcore.ConnectTimeout, match=r"resolving b\.example"):
            resolve_within(slow, "b.example", 80, 0.2)
    finally:
        slow.release.set()

    def fails(host: str, port: int) -> Sequence[str]:
        raise OSError("no such name")

    with pytest.raises(OSError, match="no such name"):  # the resolver's error, handed over
        resolve_within(fails, "c.example", 80, 1.0)


def test_stuck_lookups_never_pile_up_threads() -> None:
    """A resolver that never answers holds at most MAX_PENDING_LOOKUPS threads; further
    look-ups fail within their own timeout, and the slots come back when it answers."""
    stuck = Resolver(delay=60.0)
    threads = threading.active_count()
    try:
        for i in range(MAX_PENDING_LOOKUPS + 8):
            start = time.monotonic()
            with pytest.raises(httpcore.ConnectTimeout, match="resolving"):
                resolve_within(stuck, f"h{i}.example", 80, 0.05)
            assert time.monotonic() - start < 1.0
        assert threading.active_count() - threads <= MAX_PENDING_LOOKUPS
        assert len(stuck.asked) == MAX_PENDING_LOOKUPS  # no thread started once full
    finally:
        stuck.release.set()
    deadline_ = time.monotonic() + 5
    while threading.active_count() > threads and time.monotonic() < deadline_:
        time.sleep(0.01)
    assert resolve_within(Resolver(), "after.example", 80, 1.0) == ["127.0.0.1"]
