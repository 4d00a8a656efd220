"""Precision of the English coder on unlabelled real news: the judged events of
``earlywarn/data/eval/en_news_check.jsonl`` (rows with a ``label``).

Run from the repository root::

    PYTHONPATH=$PWD python experiments/coding/precision_check.py [--unjudged tune] [--list-tune] [--held]

Codes the corpus of ``verb_audit.py`` (ScrapingHub articles outside the news gold, the
English newspaper fixtures, UD English-EWT weblogs and newsgroups) with the default
``EventCoder`` and matches every event (article, sentence, source, target, code) against
the judged rows. Prints, per half (``split``: SHA-1 of the article name odd = held aside),
the events coded, how many were judged and their labels, and precision = right / judged:
the tuning half only, unless ``--held`` asks for the held-aside half's totals too (a read
to count, like the news gold's held-aside half).
Events that no row judges (new since the judging) are counted apart; ``--unjudged tune``
lists the tuning half's ones so they can be judged; ``--list-tune`` lists the tuning half's
judged events with their label and sentence. Held-aside events are never listed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from verb_audit import coded_events, corpus, ewt_corpus

from earlywarn.extract.events import EventCoder

CHECK = Path(__file__).resolve().parents[2] / "earlywarn" / "data" / "eval" / "en_news_check.jsonl"
LABELS = ("right", "wrong_root", "wrong_actor", "no_event")


def _key(r: dict[str, str]) -> tuple[str, ...]:
    return (r["article"], r["sentence"], r["source"], r["target"], r["code"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--unjudged", choices=("tune",), default=None)
    ap.add_argument(
        "--list-tune",
        action="store_true",
        help="list the tuning half's judged events with their label and sentence "
        "(held-aside rows are never listed)",
    )
    ap.add_argument(
        "--held",
        action="store_true",
        help="also print the held-aside half's totals (count it as a read)",
    )
    ap.add_argument("--unknown-actors", choices=("on", "off"), default=None,
                    help="code country-less actors as '---' (on) or drop them (off); "
                    "default: EventCoder's default")  # fmt: skip
    args = ap.parse_args(argv)
    rows = [json.loads(x) for x in CHECK.read_text(encoding="utf-8").splitlines() if x.strip()]
    rows = [r for r in rows if "label" in r]
    judged: dict[tuple[str, ...], list[str]] = {}
    split: dict[str, str] = {}
    for r in rows:
        judged.setdefault(_key(r), []).append(r["label"])
        split[r["article"]] = r["split"]

    def half(a: str) -> str:
        if a in split:
            return split[a]
        return "held" if int(hashlib.sha1(a.encode()).hexdigest(), 16) % 2 else "tune"

    coder = (
        EventCoder()
        if args.unknown_actors is None
        else EventCoder(unknown_actors=args.unknown_actors == "on")
    )
    evs = coded_events(coder, corpus() + ewt_corpus())
    seen: Counter[tuple[str, ...]] = Counter()
    stats = {h: Counter() for h in ("tune", "held")}  # type: ignore[var-annotated]
    new = []
    listed = []
    for e in evs:
        k = _key(e)
        h = half(e["article"])
        labs = judged.get(k, [])
        if seen[k] < len(labs):
            stats[h][labs[seen[k]]] += 1
            if h == "tune":
                listed.append((labs[seen[k]], e))
        else:
            stats[h]["unjudged"] += 1
            if h == "tune":
                new.append(e)
        seen[k] += 1
    for h in ("tune", "held") if args.held else ("tune",):
        c = stats[h]
        n = sum(c[x] for x in LABELS)
        p = c["right"] / n if n else 0.0
        print(f"{h}: {n + c['unjudged']} events, {n} judged: "
              + ", ".join(f"{x} {c[x]}" for x in LABELS)
              + f"; precision {p:.3f}; unjudged {c['unjudged']}")  # fmt: skip
    if args.list_tune:
        for lab, e in sorted(listed, key=lambda x: x[0]):
            print(f"{lab:11} {e['source']}->{e['target']} {e['code']}  {e['sentence']}")
    if args.unjudged:
        for e in new:
            print(json.dumps(e, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
