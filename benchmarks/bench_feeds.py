"""Feed parsing throughput: earlywarn.collect.feeds.parse_feed vs plain feedparser.

Both parsers run over the union of the shared feed sets (rss-parser's 30 inputs that are
feeds, a VnExpress feed, and feedparser's 24 ill-formed and mis-encoded documents) in
the same process, in interleaved passes (ours, feedparser, ours, ...), so machine load
hits both alike. Time is the process's CPU time (``time.process_time``): on a shared
machine wall-clock passes stretch with other people's load (3-4x on a busy 2-core box),
CPU seconds do not; the wall-clock ratio is printed too. Reported: entries/s of each from the median pass and from the best pass,
the ratio of each, and entry parity:

- vs feedparser: same number of entries, and per entry the title, the link and the date
  (to the second, UTC) agree;
- vs rss-parser's expected output (``rss-parser/output/*.json``): title, link, isoDate.

A second table does the same per feed shape (``feed_shapes.py``: the shared feeds' items
re-serialised as the shapes feeds take in the field), so that a speed-up that holds only
on the shared documents' shapes shows.

``--hostile`` times instead the shapes that cost feedparser's tolerant parser seconds
(tests/HOSTILE.md): a feed nested 100,000 elements deep, 1,000 items whose descriptions
hold 300 (or 10) unescaped ``<br>``; one pass of each parser, CPU time.

Usage: python benchmarks/bench_feeds.py [--quick] [--no-shapes | --shapes rss2,podcast,...]
       python benchmarks/bench_feeds.py --hostile
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import feedparser

from earlywarn.collect.feeds import Entry, FeedParseError, parse_feed, strip_html

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "rss_feeds"
URL = "http://x/"


def _read(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def load() -> list[tuple[Path, bytes]]:
    """Every document of the union (``unrecognized.rss`` is not a feed and left out).

    The ill-formed set (``malformed/*.xml``) is in: a collector meets such documents, and
    a parser that is fast only on clean XML is not fast in the field.
    """
    paths = (
        sorted((DATA / "rss-parser" / "input").glob("*"))
        + sorted((DATA / "vietnamese").glob("*.rss"))
        + sorted((DATA / "malformed").glob("*.xml"))
    )
    return [(p, _read(p)) for p in paths if p.name != "unrecognized.rss"]


def _parse(d: bytes) -> list[Entry]:
    """``parse_feed``, with a document that is no feed at all read as no entries."""
    try:
        return parse_feed(d, URL)
    except FeedParseError:
        return []


def _fp_seconds(entry: dict) -> int | None:  # type: ignore[type-arg]
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        st = entry.get(key)
        if st is not None:
            return calendar.timegm(st)
    return None


def _agree(ours: list[Entry], ref: list[dict]) -> tuple[int, int]:  # type: ignore[type-arg]
    """(agreeing, compared) fields of one document: the count, per entry title, link, date."""
    ok, total = int(len(ours) == len(ref)), 1
    for a, b in zip(ours, ref, strict=False):
        when = int(a.published.timestamp()) if a.published else None
        total += 3
        ok += a.title == strip_html(b.get("title", ""))
        ok += a.link == b.get("link", "") or not b.get("link")
        ok += when == _fp_seconds(b)
    return ok, total


def parity_feedparser(docs: list[tuple[Path, bytes]]) -> tuple[int, int]:
    """(agreeing, compared) fields: per entry title, link, date; plus per feed the count."""
    ok = total = 0
    for _, d in docs:
        a, t = _agree(_parse(d), feedparser.parse(d).entries)
        ok, total = ok + a, total + t
    return ok, total


def _summaries(ours: list[Entry], ref: list[dict]) -> tuple[int, int]:  # type: ignore[type-arg]
    """(agreeing, compared) summaries of one document's entries, feedparser's tags stripped."""
    pairs = list(zip(ours, ref, strict=False))
    return sum(a.summary == strip_html(b.get("summary", "")) for a, b in pairs), len(pairs)


def shapes_table(rounds: int, ours_per_round: int, only: set[str] | None = None) -> None:
    """Ratio and parity vs feedparser per feed shape (``feed_shapes``: the shared feeds'
    items re-serialised as RSS 2.0, CDATA and namespaces, Atom html/xhtml, RDF, undeclared
    HTML entities, 500+ items, windows-1252 declared and not, full-text bodies, podcasts...).

    Per shape, interleaved passes (ours ``ours_per_round`` times, then feedparser, per
    round), best pass of each in CPU time; parity from feedparser's first pass: the
    fields of the union's figure (count, title, link, date), and summaries apart
    (``summ.``: ours equal to feedparser's with its tags stripped). A shape feedparser
    cannot read (JSON Feed) is compared with feedparser on the same items in a shape it
    reads (``feed_shapes.FEEDPARSER_READS``).
    """
    from feed_shapes import FEEDPARSER_READS, documents

    print("\nfeed shapes (benchmarks/feed_shapes.py), CPU time, best pass of each:")
    print(
        f"{'shape':18} {'docs':>4} {'entries':>7} {'ours/s':>9} {'fp/s':>7} {'ratio':>6} "
        "parity  summ."
    )
    worst, all_ok, all_total = float("inf"), 0, 0
    every = documents()
    for shape, docs in every.items():
        if only and shape not in only:
            continue
        fp_docs = every[FEEDPARSER_READS[shape]] if shape in FEEDPARSER_READS else docs
        t_ours: list[float] = []
        t_ref: list[float] = []
        ok = total = n = s_ok = s_total = 0
        for r in range(rounds):
            for _ in range(ours_per_round):
                start = time.process_time()
                got = [_parse(d) for d in docs]
                t_ours.append(time.process_time() - start)
            start = time.process_time()
            refs = [feedparser.parse(d).entries for d in fp_docs]
            t_ref.append(time.process_time() - start)
            if r == 0:
                n = sum(map(len, got))
                for a, b in zip(got, refs, strict=True):
                    x, y = _agree(a, b)
                    ok, total = ok + x, total + y
                    x, y = _summaries(a, b)
                    s_ok, s_total = s_ok + x, s_total + y
        ratio = min(t_ref) / min(t_ours)
        worst = min(worst, ratio)
        all_ok, all_total = all_ok + ok, all_total + total
        print(
            f"{shape:18} {len(docs):4d} {n:7d} {n / min(t_ours):9,.0f} {n / min(t_ref):7,.0f} "
            f"{ratio:5.1f}x {ok / total:.2%} {s_ok / max(s_total, 1):.1%}"
        )
    print(f"worst shape ratio: {worst:.1f}x; parity over the shapes: {all_ok / all_total:.2%}")


def parity_rss_parser() -> tuple[int, int]:
    """(agreeing, compared): item count, and per item title, link, isoDate (to the second)."""
    ok = total = 0
    for out in sorted((DATA / "rss-parser" / "output").glob("*.json*")):
        stem = out.name.split(".")[0]
        inp = next((DATA / "rss-parser" / "input").glob(stem + ".*"))
        text = _read(out).decode("latin-1" if stem == "encoding" else "utf-8")
        expected = json.loads(text)["feed"]["items"]
        got: list[Entry] = parse_feed(_read(inp), "https://base.example/")
        total += 1
        ok += len(got) == len(expected)
        for g, e in zip(got, expected, strict=False):
            link = (e.get("link") or "").strip()
            iso = e.get("isoDate")
            total += 3
            ok += g.title == strip_html(e.get("title") or "")
            ok += g.link == link or (bool(link) and g.link.endswith(link))
            ok += (iso[:19] if iso else None) == (
                g.published.isoformat()[:19] if g.published else None
            )
    return ok, total


def _pass(
    fn: Callable[[bytes], int], docs: list[tuple[Path, bytes]]
) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, entries) of one pass over ``docs``."""
    n = 0
    start, wall = time.process_time(), time.perf_counter()
    for _, d in docs:
        n += fn(d)
    return time.process_time() - start, time.perf_counter() - wall, n


def _hostile_item(i: int, description: bytes) -> bytes:
    return (
        f"<item><title>Item {i}</title><link>https://e.com/{i}</link>".encode()
        + b"<description>" + description + b"</description>"
        + b"<pubDate>Wed, 26 Jul 2017 19:55:20 +0700</pubDate></item>"
    )


def hostile_documents() -> dict[str, bytes]:
    """The hostile shapes of tests/HOSTILE.md, built here (no files)."""
    head = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
    end = b"</channel></rss>"
    depth = 100_000
    deep = b"<div>" * depth + b"x" + b"</div>" * depth
    return {
        "nested 100,000 deep": head
        + b"".join(_hostile_item(i, deep if i == 5 else b"hi") for i in range(10))
        + end,
        "1,000 items x 300 <br>": head
        + b"".join(_hostile_item(i, b"line" + b"<br>line" * 300) for i in range(1000))
        + end,
        "1,000 items x 10 <br>": head
        + b"".join(_hostile_item(i, b"line" + b"<br>line" * 10) for i in range(1000))
        + end,
    }


def hostile_table() -> None:
    """One pass of each parser per hostile document: CPU seconds, entries, entries whose
    title and link agree with feedparser's, and whose summary and date agree too."""
    print("hostile shapes (tests/HOSTILE.md), CPU seconds of one pass:")
    print(f"{'shape':24} {'MB':>5} {'tags':>8} {'ours s':>7} {'fp s':>7} {'entries':>8} {'agree':>6} {'+summ,date':>10}")
    for name, doc in hostile_documents().items():
        start = time.process_time()
        got = _parse(doc)
        t_ours = time.process_time() - start
        start = time.process_time()
        ref = feedparser.parse(doc).entries
        t_ref = time.process_time() - start
        agree = sum(
            a.title == strip_html(b.get("title", "")) and a.link == b.get("link", "")
            for a, b in zip(got, ref, strict=False)
        )
        full = sum(
            a.title == strip_html(b.get("title", ""))
            and a.link == b.get("link", "")
            and a.summary == strip_html(b.get("summary", ""))
            and a.published is not None
            and calendar.timegm(a.published.utctimetuple()) == _fp_seconds(b)
            for a, b in zip(got, ref, strict=False)
        )
        print(
            f"{name:24} {len(doc) / 1e6:5.2f} {doc.count(b'<'):8,d} {t_ours:7.2f} {t_ref:7.2f} "
            f"{len(got):4d}/{len(ref):<4d} {agree:6d} {full:10d}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--quick", action="store_true", help="2 rounds instead of 5, 1 per shape instead of 3"
    )
    ap.add_argument("--no-shapes", action="store_true", help="the shared sets only")
    ap.add_argument("--shapes", help="comma-separated shapes: only these, and not the union")
    ap.add_argument(
        "--hostile", action="store_true", help="the hostile shapes only (tests/HOSTILE.md)"
    )
    args = ap.parse_args()
    if args.hostile:
        hostile_table()
        return
    if args.shapes:
        shapes_table(*((1, 3) if args.quick else (3, 3)), only=set(args.shapes.split(",")))
        return
    docs = load()
    rounds, ours_per_round = (2, 3) if args.quick else (5, 10)

    def ours(d: bytes) -> int:
        return len(_parse(d))

    def ref(d: bytes) -> int:
        return len(feedparser.parse(d).entries)

    _pass(ours, docs)  # warm-up (imports, caches) for both
    _pass(ref, docs[:3])
    t_ours: list[float] = []
    t_ref: list[float] = []
    w_ours: list[float] = []
    w_ref: list[float] = []
    n_ours = n_ref = 0
    for _ in range(rounds):
        for _ in range(ours_per_round):
            dt, dw, n_ours = _pass(ours, docs)
            t_ours.append(dt)
            w_ours.append(dw)
        dt, dw, n_ref = _pass(ref, docs)
        t_ref.append(dt)
        w_ref.append(dw)
    med_o, med_r = statistics.median(t_ours), statistics.median(t_ref)
    best_o, best_r = min(t_ours), min(t_ref)
    print(f"documents (union of the shared sets): {len(docs)}, entries per pass: ours {n_ours}, feedparser {n_ref}")
    print(f"passes: ours {len(t_ours)}, feedparser {len(t_ref)} (interleaved)")
    print(
        f"earlywarn parse_feed: {n_ours / med_o:9,.0f} entries/s median pass, "
        f"{n_ours / best_o:9,.0f} best pass (CPU time)"
    )
    print(
        f"feedparser.parse:     {n_ref / med_r:9,.0f} entries/s median pass, "
        f"{n_ref / best_r:9,.0f} best pass (CPU time)"
    )
    print(
        f"speed-up: {med_r / med_o:.1f}x (median passes), {best_r / best_o:.1f}x (best passes); "
        "target >= 20x (union of the shared sets, ill-formed included)"
    )
    print(
        f"wall-clock speed-up: {statistics.median(w_ref) / statistics.median(w_ours):.1f}x "
        f"(median passes), {min(w_ref) / min(w_ours):.1f}x (best passes)"
    )
    ok, total = parity_feedparser(docs)
    print(f"parity vs feedparser (count, title, link, date): {ok}/{total} = {ok / total:.2%}")
    ok, total = parity_rss_parser()
    print(
        f"parity vs rss-parser output (count, title, link, date): {ok}/{total} = {ok / total:.2%}"
    )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.no_shapes:
        shapes_table(*((1, 3) if args.quick else (3, 3)))


if __name__ == "__main__":
    main()
