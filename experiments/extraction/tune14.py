"""Tuning-half harness (issue 14): per-page P/R/F1 of earlywarn on the tuning halves only.

Held-aside pages are dropped before anything is extracted. Usage:
  PYTHONPATH=$PWD python experiments/extraction/tune14.py [--pages] [--dump DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_extraction as bench

from earlywarn.collect.articles import extract_article


def tuning(name):
    pages = bench.SETS[name]()
    if name in bench.ALL_TUNING:
        return pages
    tune, _ = bench.halves([g["key"] for _, g in pages])
    return [(h, g) for h, g in pages if g["key"] in tune]


def ours(html, url):
    a = extract_article(html, url, want_date=False)
    return a.text if a else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", action="store_true")
    ap.add_argument("--dump")
    ap.add_argument("--set", action="append")
    ap.add_argument("--variant", help="a function of variants14.py that patches the extractor")
    ap.add_argument("--base", help="scores.json of a base run: print the pages that moved")
    args = ap.parse_args()
    if args.variant:
        import variants14

        getattr(variants14, args.variant)()
    logging.disable(logging.WARNING)
    out = {}
    for name in args.set or ["scrapinghub", "newspaper", "trafilatura-eval", "trafilatura-eval-2"]:
        pages = tuning(name)
        per = {}
        if name in bench.SNIPPET_SETS:
            counts = []
            for h, g in pages:
                t = ours(h, g["url"])
                c = bench.snippet_counts(t, g)
                counts.append(c)
                per[g["key"]] = list(c)
                if args.dump:
                    Path(args.dump, name).mkdir(parents=True, exist_ok=True)
                    Path(args.dump, name, g["key"] + ".txt").write_text(t)
            tp, fn, fp, tn = (sum(c[i] for c in counts) for i in range(4))
            print(
                f"{name:20s} tp/fn/fp/tn {tp}/{fn}/{fp}/{tn} F1={bench.snippet_prf(counts)[2]:.4f}"
            )
        else:
            fs = []
            for h, g in pages:
                t = ours(h, g["url"])
                p, r, f = bench.prf(t, g["articleBody"])
                fs.append(f)
                per[g["key"]] = [round(p, 4), round(r, 4), round(f, 4)]
                if args.dump:
                    Path(args.dump, name).mkdir(parents=True, exist_ok=True)
                    Path(args.dump, name, g["key"] + ".txt").write_text(t)
                    Path(args.dump, name, g["key"] + ".gold").write_text(g["articleBody"])
            print(f"{name:20s} F1={sum(fs) / len(fs):.4f} ({len(fs)} pages)")
        out[name] = per
        if args.pages:
            for k, v in sorted(
                per.items(), key=lambda kv: kv[1][-1] if name not in bench.SNIPPET_SETS else 0
            ):
                print("   ", k[:50], v)
    if args.base:
        base = json.loads(Path(args.base).read_text())
        for name, per in out.items():
            for k, v in per.items():
                if base[name][k] != v:
                    print(f"  moved {name} {k[:40]}: {base[name][k]} -> {v}")
    if args.dump:
        Path(args.dump, "scores.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
