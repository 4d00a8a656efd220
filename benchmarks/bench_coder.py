"""Throughput of the gazetteer and the English event coder on real sentences (one core).

Prints sentences/s of ``EventCoder.code_sentence`` (shipped CAMEO.2.0 verbs + gazetteer;
Vietnamese with underthesea segmentation of the few syllables around verb hits only),
articles/s of ``code_events`` on the 100 real Vietnamese articles, and sentences/s of
``Gazetteer.find``, each with the ratio against a naive reference: one compiled
regular expression per alias scanned over each sentence (what a per-sentence regex scan
of the same dictionary costs). Run: ``.venv/bin/python benchmarks/bench_coder.py``.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from pathlib import Path

import pandas as pd

from earlywarn.extract.actors import Gazetteer
from earlywarn.extract.coding.text import split_sentences
from earlywarn.extract.events import EventCoder, code_events

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def english_sentences() -> list[str]:
    truth = json.loads(
        (DATA / "article_extraction" / "scrapinghub" / "ground-truth.json").read_text()
    )
    out: list[str] = []
    for rec in truth.values():
        out.extend(s for s in split_sentences(rec.get("articleBody") or "") if 20 < len(s) < 400)
    return out


def rate(fn, items: list[str], min_seconds: float = 2.0) -> float:  # type: ignore[no-untyped-def]
    n, t0 = 0, time.perf_counter()
    while True:
        for s in items:
            fn(s)
        n += len(items)
        if time.perf_counter() - t0 >= min_seconds:
            return n / (time.perf_counter() - t0)


def main() -> None:
    sents = english_sentences()
    gz = Gazetteer.default()
    coder = EventCoder()
    coder.code_sentence("warm up", "en")
    gz.find("warm up", "en")
    aliases = sorted(
        {e.alias for e in gz.entries if e.language in ("en", "*")}, key=len, reverse=True
    )
    naive = [re.compile(r"\b" + re.escape(a) + r"\b") for a in aliases]

    def naive_find(s: str) -> int:
        return sum(1 for rx in naive if rx.search(s))

    sample = sents[:300]
    r_coder = rate(lambda s: coder.code_sentence(s, "en"), sents)
    r_find = rate(lambda s: gz.find(s, "en"), sents)
    r_naive = rate(naive_find, sample, 1.0)
    n_events = sum(len(coder.code_sentence(s, "en")) for s in sents)
    with gzip.open(
        DATA / "vietnamese_news" / "vietnamese_mds_articles.jsonl.gz", "rt", encoding="utf-8"
    ) as fh:
        vi = [s for line in fh for s in split_sentences(json.loads(line)["body"], "vi")][:400]
    r_vi = rate(lambda s: coder.code_sentence(s, "vi"), vi, 2.0)
    with gzip.open(
        DATA / "vietnamese_news" / "vietnamese_mds_articles.jsonl.gz", "rt", encoding="utf-8"
    ) as fh:
        rows = [json.loads(line) for line in fh]
    arts = pd.DataFrame({"article_id": [r["doc_id"] for r in rows],
                         "title": [r["title"] for r in rows], "text": [r["body"] for r in rows],
                         "language": "vi"})  # fmt: skip
    code_events(arts.head(2), coder)
    t0 = time.perf_counter()
    n_vi_events = len(code_events(arts, coder))
    t_art = time.perf_counter() - t0
    print(f"english sentences: {len(sents)}, events coded: {n_events}")
    print(f"EventCoder.code_sentence (en): {r_coder:,.0f} sentences/s")
    print(
        f"EventCoder.code_sentence (vi, incl. local underthesea segmentation): {r_vi:,.0f} sentences/s"
    )
    print(
        f"code_events on {len(arts)} Vietnamese articles (sentence splitting, coding, "
        f"locations): {len(arts) / t_art:,.1f} articles/s, {n_vi_events} events"
    )
    print(f"Gazetteer.find (en): {r_find:,.0f} sentences/s")
    print(f"naive per-alias regex scan ({len(naive)} aliases): {r_naive:,.0f} sentences/s")
    print(
        f"ratio gazetteer / naive: {r_find / r_naive:,.1f}x; full coder / naive actor scan alone: {r_coder / r_naive:,.1f}x"
    )


if __name__ == "__main__":
    main()
