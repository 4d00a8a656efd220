"""Rebuild the candidate sentences of the held-aside Vietnamese event set (issue 12).

The rule is written in ``earlywarn/data/eval/README.md`` (section
"vi_events_heldaside.jsonl"): every Vietnamese item of the VnExpress feed (title and
description as two records), then whole VietnameseMDS articles in ``sha1(doc_id)`` order
(clusters 8 and 26-30 excluded, as for the first set) until at least 100 sentences, minus
sentences already in ``vi_events.jsonl``. Prints one JSON record per line, ``events`` empty:
the labels are added by hand. This script never runs the coder.

    python experiments/coding/vi_heldaside_candidates.py > /tmp/candidates.jsonl
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

from underthesea import sent_tokenize

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
FEED = SHARED / "rss_feeds" / "vietnamese" / "vnexpress_tin-moi-nhat_2017-07-26.rss"
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
MIN_MDS_SENTENCES = 100
ENGLISH_ITEM = "Hanoi woman's Facebook rant"  # the one VnExpress International item


def _clean(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(text)).split())


def feed_records(shared: Path = SHARED) -> list[dict[str, object]]:
    feed = shared / FEED.relative_to(SHARED)
    out: list[dict[str, object]] = []
    for item in ET.parse(feed).iter("item"):
        title = _clean(item.findtext("title") or "")
        if title.startswith(ENGLISH_ITEM):
            continue
        link = item.findtext("link") or ""
        m = re.search(r"-(\d+)\.html", link)
        doc = f"vnexpress-{m.group(1) if m else link}"
        day = parsedate_to_datetime(item.findtext("pubDate") or "").date().isoformat()
        for part, text in (
            ("title", title),
            ("description", _clean(item.findtext("description") or "")),
        ):
            out.append({"doc_id": doc, "date": day, "part": part, "sentence": text})
    return out


def mds_records(shared: Path = SHARED) -> list[dict[str, object]]:
    with gzip.open(shared / MDS.relative_to(SHARED), "rt", encoding="utf-8") as fh:
        arts = [json.loads(x) for x in fh if x.strip()]
    tuning = {
        json.loads(x)["sentence"].strip()
        for x in TUNING.read_text(encoding="utf-8").splitlines()
        if x.strip()
    }
    arts = [a for a in arts if a["cluster_id"] not in EXCLUDED_CLUSTERS]
    arts.sort(key=lambda a: hashlib.sha1(a["doc_id"].encode()).hexdigest())
    out: list[dict[str, object]] = []
    for a in arts:
        if len(out) >= MIN_MDS_SENTENCES:
            break
        for k, s in enumerate([a["title"], *sent_tokenize(a["body"])]):
            if s.strip() in tuning:
                continue
            part = "title" if k == 0 else "body"
            day = a["time_iso"][:10]
            out.append({"doc_id": a["doc_id"], "date": day, "part": part, "sentence": s.strip()})
    return out


def main() -> None:
    recs = feed_records() + mds_records()
    for i, r in enumerate(recs):
        print(json.dumps({"id": f"vih-{i:03d}", **r, "events": []}, ensure_ascii=False))
    print(f"{len(recs)} candidate sentences", file=sys.stderr)


if __name__ == "__main__":
    main()
