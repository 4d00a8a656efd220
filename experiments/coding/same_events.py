"""Every coded event of the English coder on its evaluation texts, to compare two versions.

A speed change must not change a single event. This script codes, with the code on
``PYTHONPATH``: every news gold sentence as the benchmark does (``code_documents``, 32
articles a call) with and without ``unknown_actors``; every gold article's whole text as
``eval coding`` does (``code_sentences``, one call an article); the PETRARCH-2 unit-test
records with their dictionaries; and the Vietnamese evaluation set. It writes each event
with all its fields, and for every English sentence that reached the parser its parse
(tags, POS, lemmas, heads, labels), to a JSON file. Compare two such files with ``--diff``.

Run (once on each tree, then diff)::

    PYTHONPATH=/work/main python experiments/coding/same_events.py /tmp/main.json
    PYTHONPATH=$PWD python experiments/coding/same_events.py /tmp/mine.json
    python experiments/coding/same_events.py --diff /tmp/main.json /tmp/mine.json
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import astuple
from datetime import date
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _events(coded: list[list[object]]) -> list[list[list[object]]]:
    return [[list(astuple(e)) for e in sent] for sent in coded]  # type: ignore[call-overload]


def dump() -> dict[str, object]:
    from earlywarn.extract import evaluate
    from earlywarn.extract.coding import parser
    from earlywarn.extract.events import CODING_BATCH, EventCoder

    parsed: list[list[object]] = []
    real_parse = parser.parse

    def recording_parse(texts, path=None):  # type: ignore[no-untyped-def]
        docs = real_parse(texts, path)
        for d in docs:
            parsed.append([d.text, [(t.tag_, t.pos_, t.lemma_, t.head.i, t.dep_) for t in d]])
        return docs

    import earlywarn.extract.events as ev

    ev.parse = recording_parse  # type: ignore[assignment]
    out: dict[str, object] = {}
    rows = evaluate.news_gold()
    by_article: dict[str, list[str]] = {}
    for r in rows:
        by_article.setdefault(str(r["article"]), []).append(r["sentence"])
    articles = list(by_article.values())
    for unknown in (False, True):
        coder = EventCoder(unknown_actors=unknown)
        got = []
        for i in range(0, len(articles), CODING_BATCH):
            for doc in coder.code_documents(articles[i : i + CODING_BATCH], "en"):
                got.append(_events(doc))  # type: ignore[arg-type]
        out[f"gold_batched_unknown={unknown}"] = got
        out[f"gold_batched_unknown={unknown}_parsed"] = coder.parsed
    texts = evaluate.news_articles()
    coder = EventCoder()
    whole = []
    for art, sents in by_article.items():
        text = texts.get(art)
        doc = evaluate.split_sentences(text, "en") if text else sents
        whole.append(_events(coder.code_sentences(doc, "en")))  # type: ignore[arg-type]
    out["gold_articles_whole"] = whole
    d = DATA / "event_coding" / "petrarch2"
    pc = EventCoder.from_petrarch(d / "PETR.Validate.verbs.txt", d / "PETR.Validate.actors.txt",
                                  d / "PETR.Validate.agents.txt")  # fmt: skip
    out["petrarch_records"] = [
        [list(astuple(e)) for e in pc.code_sentence(str(r["text"]), "en", date=r["date"])]
        for r in evaluate.petrarch_records(d / "PETR.UnitTest.records.xml")
    ]
    vi = EventCoder()
    path = evaluate._eval_path("vi_events.jsonl")
    recs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    out["vietnamese"] = [
        [list(astuple(e)) for e in vi.code_sentence(
            r["sentence"], "vi", date=date.fromisoformat(r["date"]) if r.get("date") else None)]
        for r in recs
    ]  # fmt: skip
    out["parses"] = parsed
    return out


def diff(a: dict[str, object], b: dict[str, object]) -> int:
    bad = 0
    for key in sorted(set(a) | set(b)):
        if a.get(key) == b.get(key):
            n = len(a[key]) if isinstance(a[key], list) else a[key]  # type: ignore[arg-type]
            print(f"{key}: identical ({n})")
            continue
        bad += 1
        x, y = a.get(key), b.get(key)
        if isinstance(x, list) and isinstance(y, list):
            k = next(
                (i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q),
                min(len(x), len(y)),
            )
            print(f"{key}: DIFFERENT (lengths {len(x)}/{len(y)}; first at item {k}: "
                  f"{x[k] if k < len(x) else None!r} vs {y[k] if k < len(y) else None!r})")  # fmt: skip
        else:
            print(f"{key}: DIFFERENT ({x!r} vs {y!r})")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--diff", action="store_true", help="compare two dumps")
    args = ap.parse_args()
    if args.diff:
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in args.files)
        sys.exit(1 if diff(a, b) else 0)
    args.files[0].write_text(json.dumps(dump(), ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
