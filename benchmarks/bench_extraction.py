"""Article text extraction: pages/s and token-level F1 per backend on the ScrapingHub benchmark.

Backends: trafilatura (defaults), newspaper3k, and ours (earlywarn.collect.articles.extract_article:
decoding + canonical URL + trafilatura with our settings + language id). Scoring as in the
benchmark: whitespace tokens, bag-of-tokens precision/recall/F1 per page, mean over pages.

Usage: python benchmarks/bench_extraction.py [--quick]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

from earlywarn.collect.articles import extract_article

DATA = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "article_extraction" / "scrapinghub"
)


def prf(pred: str, gold: str) -> tuple[float, float, float]:
    p, g = Counter(pred.split()), Counter(gold.split())
    common = sum((p & g).values())
    if not common:
        return 0.0, 0.0, 0.0
    prec, rec = common / sum(p.values()), common / sum(g.values())
    return prec, rec, 2 * prec * rec / (prec + rec)


def _newspaper(html: bytes, url: str) -> str:
    from newspaper import Article

    art = Article(url, language="en", fetch_images=False)
    art.set_html(html.decode("utf-8", "replace"))
    art.parse()
    return str(art.text)


def _trafilatura(html: bytes, url: str) -> str:
    return trafilatura.extract(html.decode("utf-8", "replace"), url=url) or ""


def _ours(html: bytes, url: str) -> str:
    art = extract_article(html, url, want_date=False)
    return art.text if art else ""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[: 20 if args.quick else None]
    pages = [
        (gzip.decompress((DATA / "html" / f"{k}.html.gz").read_bytes()), truth[k]) for k in keys
    ]
    backends: dict[str, Callable[[bytes, str], str]] = {
        "trafilatura": _trafilatura,
        "newspaper3k": _newspaper,
        "earlywarn": _ours,
    }
    print(f"pages: {len(pages)}")
    rates = {}
    for name, fn in backends.items():
        scores = []
        start = time.perf_counter()
        for html, gold in pages:
            try:
                text = fn(html, gold["url"])
            except Exception:
                text = ""
            scores.append(prf(text, gold["articleBody"]))
        dt = time.perf_counter() - start
        rates[name] = len(pages) / dt
        mp, mr, mf = (sum(s[i] for s in scores) / len(scores) for i in range(3))
        print(f"{name:12s} {rates[name]:6.1f} pages/s  P={mp:.3f} R={mr:.3f} F1={mf:.3f}")
    print(
        f"earlywarn/trafilatura speed ratio: {rates['earlywarn'] / rates['trafilatura']:.2f}x; "
        f"earlywarn/newspaper3k: {rates['earlywarn'] / rates['newspaper3k']:.2f}x"
    )


if __name__ == "__main__":
    main()
