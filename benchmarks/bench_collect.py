"""End-to-end collection: 500 feeds x 10 entries from 500 loopback hosts, politeness ON.

A server process binds one listening socket on each of 127.0.0.2 .. 127.0.0.501 (all of
127.0.0.0/8 is loopback on Linux), so every outlet is its own host, as on the web. It
serves real material: the items (titles, original URLs as guid, publication times) of
the demo corpus feeds (``earlywarn/demo/corpus/feeds``, built from /work/shared/data) and
the 281 archived article pages (``earlywarn/demo/corpus/pages``: ScrapingHub benchmark
pages and VietnameseMDS articles), gzip-encoded, with a 404 for robots.txt. Feed ``i`` has
10 entries whose pages live on the feed's own host.

``collect`` runs with the default ``HttpSettings`` except the SSRF allow-list
(``127.0.0.0/8``): politeness delay 1 s and at most 2 requests at a time per host (the
gate keys on the URL's ``host:port``, the origin, as robots.txt does), robots.txt
honoured, retries on. Reported: total seconds, feeds/s, pages/s.

References, in the same run, over the same server:

- feeds only: ``feedparser.parse(httpx.get(url).content)`` in a plain sequential loop
  over all feeds, against ``check_feeds`` (ours, fetch + parse, politeness on);
- whole collection: a plain sequential collector (that loop, then
  ``trafilatura.extract(httpx.get(link).text)`` for every entry, no politeness), timed on
  a subset of feeds and extrapolated linearly to all of them (said in the output).

Usage: python benchmarks/bench_collect.py [--quick] [--feeds N] [--reference-feeds K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import multiprocessing
import os
import re
import resource
import selectors
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path

import feedparser
import httpx
import trafilatura

from earlywarn.collect import Feed, check_feeds, collect
from earlywarn.config import HttpSettings

CORPUS = Path(__file__).resolve().parents[1] / "earlywarn" / "demo" / "corpus"
ENTRIES = 10
LIFETIME = 900.0  # the server process stops by itself after this many seconds
_ITEM = re.compile(
    r"<item>\s*<title>(.*?)</title>\s*<link>__BASE__/pages/(\w+)\.html</link>\s*"
    r"<guid[^>]*>(.*?)</guid>\s*<pubDate>(.*?)</pubDate>",
    re.S,
)


# ----------------------------------------------------------------------------- server
def _serve(n_hosts: int, conn: Connection) -> None:
    """Child process: bind n_hosts loopback addresses, then serve the routes sent over conn."""
    routes: dict[str, bytes] = {}
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path
            body, headers = b"not found", {"Content-Type": "text/plain"}
            status = 404
            if path.startswith("/p/"):
                page = pages.get(routes.get(path, b"").decode())
                if page is not None:
                    status, body = 200, page
                    headers = {
                        "Content-Type": "text/html; charset=utf-8",
                        "Content-Encoding": "gzip",
                    }
            elif path in routes:
                status, body = 200, routes[path]
                headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

    class Quiet(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass

    servers = [Quiet((_address(i), 0), Handler) for i in range(n_hosts)]
    conn.send([f"{_address(i)}:{s.server_port}" for i, s in enumerate(servers)])
    routes_in, pages_in = conn.recv()
    routes.update(routes_in)
    pages.update(pages_in)
    sel = selectors.DefaultSelector()
    for s in servers:
        sel.register(s.socket, selectors.EVENT_READ, s)
    deadline = time.monotonic() + LIFETIME
    while time.monotonic() < deadline and not conn.poll():
        for key, _ in sel.select(0.2):
            key.data._handle_request_noblock()
    for s in servers:
        s.server_close()


def _address(i: int) -> str:
    """127.0.0.2, 127.0.0.3, ... then 127.0.1.x: all loopback."""
    n = i + 2
    return f"127.0.{n // 256}.{n % 256}"


class LoopbackSites:
    """The server process and the 500 feeds it serves."""

    def __init__(self, n_feeds: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(n_feeds, child), daemon=True)
        self.proc.start()
        if not self._conn.poll(120):
            self.proc.terminate()
            raise RuntimeError("the loopback server process did not start within 120 s")
        hosts: list[str] = self._conn.recv()
        items, pages = _corpus()
        routes: dict[str, bytes] = {}
        self.feeds: list[Feed] = []
        k = 0
        for i, host in enumerate(hosts):
            xml = [
                f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Outlet {i}</title>'
            ]
            for j in range(ENTRIES):
                title, sid, guid, date = items[k % len(items)]
                k += 1
                path = f"/p/{i}/{j}.html"
                routes[path] = sid.encode()
                xml.append(
                    f"<item><title>{title}</title><link>http://{host}{path}</link>"
                    f'<guid isPermaLink="false">{guid}</guid><pubDate>{date}</pubDate></item>'
                )
            xml.append("</channel></rss>")
            routes[f"/f/{i}.xml"] = "".join(xml).encode()
            self.feeds.append(Feed(f"http://{host}/f/{i}.xml", outlet=f"Outlet {i}"))
        self._conn.send((routes, pages))
        self.pages = n_feeds * ENTRIES

    def close(self) -> None:
        self._conn.send("stop")
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.terminate()


def _corpus() -> tuple[list[tuple[str, str, str, str]], dict[str, bytes]]:
    items: list[tuple[str, str, str, str]] = []
    for f in sorted((CORPUS / "feeds").glob("*.xml")):
        items += _ITEM.findall(f.read_text(encoding="utf-8"))
    pages = {p.name.split(".")[0]: p.read_bytes() for p in (CORPUS / "pages").glob("*.html.gz")}
    return [it for it in items if it[1] in pages], pages


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the extraction workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _cores() -> int:
    return len(os.sched_getaffinity(0))


# ------------------------------------------------------------------------- references
def reference_feeds(feeds: list[Feed]) -> tuple[float, int]:
    """Plain sequential feedparser over httpx: (seconds, entries)."""
    n = 0
    start = time.perf_counter()
    with httpx.Client() as client:
        for f in feeds:
            n += len(feedparser.parse(client.get(f.url).content).entries)
    return time.perf_counter() - start, n


def reference_collect(feeds: list[Feed]) -> tuple[float, int]:
    """Plain sequential collector: feedparser, then trafilatura on every entry's page."""
    n = 0
    start = time.perf_counter()
    with httpx.Client() as client:
        for f in feeds:
            for e in feedparser.parse(client.get(f.url).content).entries:
                trafilatura.extract(client.get(e.link).text, url=e.link)
                n += 1
    return time.perf_counter() - start, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="40 feeds, reference on 4 (seconds)")
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--reference-feeds", type=int, default=20)
    args = ap.parse_args()
    n_feeds, n_ref = (40, 4) if args.quick else (args.feeds, args.reference_feeds)
    logging.disable(logging.WARNING)
    settings = HttpSettings.model_validate({"allow_private": ["127.0.0.0/8"]})
    sites = LoopbackSites(n_feeds)
    try:
        print(
            f"feeds: {n_feeds} on {n_feeds} loopback hosts, {ENTRIES} entries each; "
            f"politeness {settings.politeness_delay}s, {settings.per_host_concurrency}/host, "
            f"robots {'on' if settings.respect_robots else 'off'}"
        )
        cpu0 = _cpu()
        start = time.perf_counter()
        result = collect(sites.feeds, dt.date(2026, 1, 1), settings=settings)
        total = time.perf_counter() - start
        cpu = _cpu() - cpu0
        st = result.stats
        pages = st.get("pages_ok", 0) + st.get("pages_failed", 0)
        print(
            f"earlywarn collect: {total:.1f} s total, {n_feeds / total:.1f} feeds/s, "
            f"{pages / total:.1f} pages/s; feeds ok {st.get('feeds_ok', 0)}, pages ok "
            f"{st.get('pages_ok', 0)}, failed {st.get('pages_failed', 0)}, articles "
            f"{len(result.articles)} (same canonical URL {st.get('same_url', 0)}, "
            f"near-duplicates {st.get('duplicates', 0)}); target <= 60 s for 500 feeds"
        )
        print(
            f"  CPU used by the collector (process + extraction workers): {cpu:.1f} s, "
            f"{pages / cpu:.1f} pages per CPU-second; on {_cores()} idle cores at least "
            f"{cpu / _cores():.1f} s; politeness floor {ENTRIES + 2} s per host"
        )
        ref_t, ref_n = reference_collect(sites.feeds[:n_ref])
        est = ref_t * n_feeds / n_ref
        print(
            f"reference sequential feedparser+httpx+trafilatura: {ref_n} pages of {n_ref} feeds "
            f"in {ref_t:.1f} s -> {est:.0f} s extrapolated to {n_feeds} feeds; "
            f"speed-up {est / total:.1f}x"
        )
        start = time.perf_counter()
        checked = check_feeds(sites.feeds, settings)
        ours_f = time.perf_counter() - start
        ref_f, ref_entries = reference_feeds(sites.feeds)
        print(
            f"feeds only: earlywarn check_feeds {ours_f:.1f} s ({n_feeds / ours_f:.0f} feeds/s, "
            f"{int(checked['entries'].sum())} entries, politeness on); sequential "
            f"feedparser.parse(httpx.get(url).content) {ref_f:.1f} s ({n_feeds / ref_f:.0f} "
            f"feeds/s, {ref_entries} entries); speed-up {ref_f / ours_f:.1f}x"
        )
    finally:
        sites.close()


if __name__ == "__main__":
    main()
