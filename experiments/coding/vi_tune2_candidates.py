"""Rebuild the candidate sentences of the second Vietnamese tuning set (issue 12).

The rule is written in ``earlywarn/data/eval/README.md`` (section "vi_events_tune2.jsonl"):
whole VietnameseMDS articles in ``sha1(doc_id)`` order (clusters 8 and 26-30 excluded, as for
the first set), skipping the 8 articles of the held-aside set by their ids (they come first in
that order), until at least 120 sentences; a sentence is the title or one of
``underthesea.sent_tokenize(body)``; sentences already in ``vi_events.jsonl`` are dropped.
Prints one JSON record per line, ``events`` empty: the labels are added by hand. This script
never runs the coder and never reads the held-aside file.

    python experiments/coding/vi_tune2_candidates.py > /tmp/candidates.jsonl
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path

from underthesea import sent_tokenize

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
MDS = SHARED / "vietnamese_news" / "vietnamese_mds_articles.jsonl.gz"
TUNING = ROOT / "earlywarn" / "data" / "eval" / "vi_events.jsonl"
EXCLUDED_CLUSTERS = {
    "cluster_8",
    "cluster_26",
    "cluster_27",
    "cluster_28",
    "cluster_29",
    "cluster_30",
}
# the VietnameseMDS articles of vi_events_heldaside.jsonl (README), excluded by id unread
HELDASIDE_DOCS = {
    "12235122",
    "12235875",
    "12310686",
    "12210968",
    "12236479",
    "12210161",
    "12239909",
    "12233608",
}
MIN_SENTENCES = 120


def records(shared: Path = SHARED) -> list[dict[str, object]]:
    with gzip.open(shared / MDS.relative_to(SHARED), "rt", encoding="utf-8") as fh:
        arts = [json.loads(x) for x in fh if x.strip()]
    tuning = {
        json.loads(x)["sentence"].strip()
        for x in TUNING.read_text(encoding="utf-8").splitlines()
        if x.strip()
    }
    arts = [
        a
        for a in arts
        if a["cluster_id"] not in EXCLUDED_CLUSTERS and a["doc_id"] not in HELDASIDE_DOCS
    ]
    arts.sort(key=lambda a: hashlib.sha1(a["doc_id"].encode()).hexdigest())
    out: list[dict[str, object]] = []
    for a in arts:
        if len(out) >= MIN_SENTENCES:
            break
        for s in [a["title"], *sent_tokenize(a["body"])]:
            if not s.strip() or s.strip() in tuning:
                continue
            out.append({"doc_id": a["doc_id"], "date": a["time_iso"][:10], "sentence": s.strip()})
    return out


def main() -> None:
    recs = records()
    for i, r in enumerate(recs):
        print(json.dumps({"id": f"vit2-{i:03d}", **r, "events": []}, ensure_ascii=False))
    print(f"{len(recs)} candidate sentences", file=sys.stderr)


if __name__ == "__main__":
    main()
