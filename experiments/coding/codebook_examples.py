"""The English coder on the CAMEO codebook's own example sentences: a verb-mapping development
set that is not the news gold.

Run from the repository root::

    PYTHONPATH=$PWD python experiments/coding/codebook_examples.py [--list] [--json out.json]

Set: every code of ``shared/data/event_coding/icews/cameo-codes.csv`` (the CAMEO 1.1b3
manual's names, descriptions, usage notes and examples, as ICEWS ships them) with an example
(277 of 312 codes; the manual's trailing ``Note: ...`` comments are cut off). Each example is
split into sentences and coded as one article. The example is labelled with its code only
(no source or target), so an example is scored by what the coder codes at all:

* **coder**: the default news coder (``EventCoder()``): *root hit* when one of its events has
  the example's root, *code hit* when one has its code;
* **actor oracle**: as ``diagnose.py``'s actor oracle (every noun or pronoun heading a verb's
  argument is an actor of no particular country; every sentence with a dictionary verb is
  parsed), so that an example is scored on its verb and its structure, not its actors: the
  root choice when the actors are right;
* **reach**: whether some dictionary verb phrase of the example can give its root at all
  (its code, its block's code, a pattern's, or a governor's combination; ``diagnose.py``'s
  test), i.e. verb coverage.

``--list`` prints each example the oracle misses, with the codes the oracle run gives and
the trace's reading of every coded verb (code, why no event), for failure classes.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diagnose import _code, _oracle_patches

from earlywarn.extract.coding.text import split_sentences
from earlywarn.extract.events import EventCoder

CODEBOOK = Path(__file__).resolve().parents[3] / "shared" / "data" / "event_coding" / "icews"


def examples(path: Path = CODEBOOK / "cameo-codes.csv") -> list[dict[str, str]]:
    """(code, root, name, example) of every codebook code with an example."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            ex = r["example"].strip()
            if not ex or ex == "NA":
                continue
            ex = ex.split("Note:")[0].strip()
            out.append({"code": r["code"], "root": r["root_code"], "name": r["name"], "text": ex})
    return out


def run(rows: list[dict[str, str]], oracle: bool) -> list[dict[str, Any]]:
    """Codes, trace readings and reachable roots of each example."""
    coder = EventCoder()
    out = []
    for r in rows:
        sents = split_sentences(r["text"], "en") or [r["text"]]
        coded = _code(coder, sents, oracle)
        codes = [e[2] for ev, _t, _roots in coded for e in ev]
        roots = set().union(*(rs for _e, _t, rs in coded))
        readings = [
            (t["text"], t["code"], t["reason"])
            for _e, tr, _r in coded
            if tr is not None
            for t in tr
            if "reason" in t
        ]
        out.append({"codes": codes, "roots": sorted(roots), "readings": readings})
    return out


def score(rows: list[dict[str, str]], res: list[dict[str, Any]]) -> dict[str, float]:
    n = len(rows)
    coded = sum(bool(x["codes"]) for x in res)
    root = sum(any(c[:2] == r["root"] for c in x["codes"]) for r, x in zip(rows, res, strict=True))
    code = sum(r["code"] in x["codes"] for r, x in zip(rows, res, strict=True))
    reach = sum(r["root"] in x["roots"] for r, x in zip(rows, res, strict=True))
    wrong = sum(
        bool(x["codes"]) and not any(c[:2] == r["root"] for c in x["codes"])
        for r, x in zip(rows, res, strict=True)
    )
    return {"examples": n, "coded": coded, "root_hit": root, "code_hit": code,
            "only_wrong_root": wrong, "reach": reach}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="print the examples the oracle misses")
    ap.add_argument("--json", help="write per-example results here")
    args = ap.parse_args(argv)
    rows = examples()
    coder = run(rows, oracle=False)
    _oracle_patches()  # (global: after the coder run)
    oracle = run(rows, oracle=True)
    print(f"CAMEO codebook examples: {len(rows)}")
    print(f"{'mode':14s} {'coded':>6s} {'root hit':>9s} {'code hit':>9s} {'wrong root only':>16s}")
    for label, res in (("coder", coder), ("actor oracle", oracle)):
        s = score(rows, res)
        print(f"{label:14s} {s['coded']:6d} {s['root_hit']:9d} {s['code_hit']:9d} "
              f"{s['only_wrong_root']:16d}")  # fmt: skip
    print(f"reach (a dictionary verb can give the root): {score(rows, oracle)['reach']}")
    by_root: Counter[str] = Counter()
    hit_root: Counter[str] = Counter()
    for r, x in zip(rows, oracle, strict=True):
        by_root[r["root"]] += 1
        hit_root[r["root"]] += any(c[:2] == r["root"] for c in x["codes"])
    print("oracle root hits by root: " + ", ".join(
        f"{k} {hit_root[k]}/{by_root[k]}" for k in sorted(by_root)))  # fmt: skip
    if args.json:
        Path(args.json).write_text(
            json.dumps([{**r, "coder": c, "oracle": o} for r, c, o in zip(rows, coder, oracle,
                                                                           strict=True)],
                       indent=1, default=str),
            encoding="utf-8",
        )  # fmt: skip
    if args.list:
        for r, x in zip(rows, oracle, strict=True):
            if any(c[:2] == r["root"] for c in x["codes"]):
                continue
            reach = "reach" if r["root"] in x["roots"] else "NO-REACH"
            print(f"\n{r['code']} {r['name']} [{reach}] oracle codes={x['codes']}")
            print(f"    {r['text'][:300]}")
            for text, code, reason in x["readings"]:
                print(f"      {text!r} {code} {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
