"""Feed parsing throughput: earlywarn.collect.feeds.parse_feed vs plain feedparser.

Prints entries/s of each and the ratio measured in the same run, and checks that both
return the same entries (title and link agreement).

Usage: python benchmarks/bench_feeds.py [--quick]
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

import feedparser

from earlywarn.collect.feeds import parse_feed, strip_html

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "rss_feeds"


def load() -> list[bytes]:
    paths = sorted((DATA / "rss-parser" / "input").glob("*")) + sorted(
        (DATA / "vietnamese").glob("*.rss")
    )
    docs = []
    for p in paths:
        if p.name == "unrecognized.rss":
            continue
        raw = p.read_bytes()
        docs.append(gzip.decompress(raw) if p.suffix == ".gz" else raw)
    return docs


def timed(fn, docs: list[bytes], repeat: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    n = 0
    start = time.perf_counter()
    for _ in range(repeat):
        for d in docs:
            n += fn(d)
    return time.perf_counter() - start, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    docs = load()
    repeat_ours, repeat_fp = (3, 1) if args.quick else (20, 3)

    agree = total = 0
    for d in docs:
        ours = parse_feed(d, "http://x/")
        ref = feedparser.parse(d).entries
        total += max(len(ours), len(ref))
        for a, b in zip(ours, ref, strict=False):
            agree += a.title == strip_html(b.get("title", "")) and (
                a.link == b.get("link", "") or not b.get("link")
            )
    t_ours, n_ours = timed(lambda d: len(parse_feed(d, "http://x/")), docs, repeat_ours)
    t_fp, n_fp = timed(lambda d: len(feedparser.parse(d).entries), docs, repeat_fp)
    ours_rate, fp_rate = n_ours / t_ours, n_fp / t_fp
    print(f"documents: {len(docs)}, entries per pass: {n_ours // repeat_ours}")
    print(f"earlywarn parse_feed: {ours_rate:,.0f} entries/s")
    print(f"feedparser.parse:     {fp_rate:,.0f} entries/s")
    print(f"speed-up: {ours_rate / fp_rate:.1f}x (target >= 20x)")
    print(f"same entries (title+link agree with feedparser): {agree}/{total} = {agree / total:.1%}")


if __name__ == "__main__":
    main()
