"""Append the news gold set's fourth batch (AG News World items, issue 12) to the shipped files.

Run once from the repository root: ``PYTHONPATH=$PWD python experiments/coding/build_gold_batch4.py``.
Items: ``gold_batch4_items.py`` (source, selection and transcription rule there). Each item is
one article: its text (``clean(description)``) goes whole to ``en_news_articles.jsonl``, its
sentences (``split_sentences``, pieces of fewer than 4 words dropped) to ``en_news_gold.jsonl``
with ``batch: 4``. The ``article`` key is the SHA-256 of
``<repo>@<commit>:<path>:world:NNN`` (NNN = the item's World ordinal); the article is held
aside when the SHA-1 of that key is odd, as for every article of the set. The split was
fixed by this rule before any sentence was coded.

``LABELS`` were coded by hand (one annotator, rules 1-7 and the relabelled rule 2 of
``earlywarn/data/eval/README.md``, blind: no coder run on these texts before they were
committed). Key ``"<ordinal>.<sentence index>"``; sentences not listed have no event.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gold_batch4_items import COMMIT, ITEMS, PATH, REPO, clean

from earlywarn.extract.coding.text import split_sentences

EVAL = Path("earlywarn/data/eval")

LABELS: dict[str, list[tuple[str, str, str]]] = {
    "1.0": [("---", "---", "1041")],
    "2.0": [("---", "USA", "112")],
    "11.0": [("CHN", "USA", "112")],
    "12.0": [("USA", "KOR", "0312")],
    "15.0": [("IRQ", "IRQ", "0256")],
    "18.0": [("---", "USA", "173")],
    "19.0": [("---", "---", "173")],
    "26.0": [("HKG", "CHN", "112")],
    "29.0": [("USA", "AFG", "045")],
    "35.0": [("GBR", "---", "173")],
    "37.0": [("GEO", "GEO", "028")],
    "38.0": [("GEO", "GEO", "112")],
    "42.0": [("USA", "---", "111")],
    "44.0": [("GBR", "GBR", "173")],
    "46.0": [("GEO", "GEO", "0871")],
    "47.0": [("AFG", "AFG", "030")],
    "51.0": [("PHL", "PHL", "0841"), ("PHL", "PHL", "181")],
    "56.0": [("RUS", "GEO", "039")],
    "59.0": [("USA", "USA", "111")],
    "62.0": [("USA", "USA", "190")],
    "63.0": [("RUS", "GEO", "111")],
    "67.0": [("ITA", "GBR", "040"), ("GBR", "ITA", "040")],
    "68.0": [("IRQ", "USA", "139")],
    "72.0": [("SDN", "SDN", "036")],
    "74.0": [("USA", "USA", "115")],
    "81.0": [("ISR", "PSE", "190")],
    "84.0": [("PAK", "---", "190")],
    "92.0": [("AFG", "---", "190"), ("USA", "---", "190")],
    "93.0": [("RUS", "RUS", "042")],
    "98.0": [("AFG", "---", "190"), ("USA", "---", "190")],
    "99.0": [("AFG", "PAK", "036")],
    "102.0": [("USA", "IRQ", "195")],
    "105.0": [("IGO", "SDN", "039")],
    "108.0": [("NPL", "NPL", "190"), ("NPL", "NPL", "141")],
    "110.0": [("PRK", "USA", "125")],
    "112.0": [("PSE", "USA", "111")],
    "117.0": [("COD", "COD", "160")],
    "118.0": [("PAN", "CUB", "161"), ("CUB", "PAN", "1313")],
    "119.0": [("PAN", "CUB", "161"), ("CUB", "PAN", "1313")],
    "120.0": [("PSE", "PSE", "040")],
    "124.0": [("JPN", "USA", "174")],
    "125.0": [("PRK", "USA", "111")],
    "126.0": [("KEN", "KEN", "175")],
    "128.0": [("GBR", "SDN", "033")],
    "129.0": [("USA", "IRQ", "190"), ("IRQ", "IRQ", "190")],
    "130.0": [("GBR", "SDN", "0242")],
    "137.0": [("IRQ", "ITA", "1056")],
    "140.0": [("---", "USA", "111")],
    "141.0": [("IRQ", "IRQ", "020")],
    "142.0": [("BGD", "BGD", "175"), ("BGD", "BGD", "173")],
    "145.0": [("---", "SDN", "036")],
    "150.0": [("KWT", "IND", "030")],
    "153.0": [("CHL", "CHL", "020"), ("CHL", "CHL", "112")],
    "155.0": [("CHN", "SGP", "130")],
    "156.0": [("IRQ", "IRQ", "020")],
    "163.0": [("IRQ", "KWT", "0353")],
    "164.0": [("PAN", "---", "080")],
    "171.0": [("ISR", "PSE", "1712")],
    "177.0": [("USA", "USA", "080"), ("USA", "USA", "051")],
    "180.0": [("---", "---", "0353"), ("---", "---", "181")],
    "181.0": [("IRQ", "IRQ", "1056")],
    "183.0": [("ISR", "PSE", "191")],
}


def article_key(ordinal: int) -> str:
    return hashlib.sha256(f"{REPO}@{COMMIT}:{PATH}:world:{ordinal:03d}".encode()).hexdigest()


def build(items: list[tuple[int, str, str]] = ITEMS,
          labels: dict[str, list[tuple[str, str, str]]] = LABELS,
          batch: int = 4) -> tuple[list[dict], list[dict]]:
    """A batch's gold rows and article rows, in item order (the fourth batch by default; the
    fifth batch's builder calls it with its own items and labels)."""
    rows: list[dict] = []
    arts: list[dict] = []
    seen: set[str] = set()
    for ordinal, _prefix, description in items:
        key = article_key(ordinal)
        text = clean(description)
        split = "held" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 else "tune"
        url = f"ag-news:test.csv:world:{ordinal:03d}"
        arts.append({"article": key, "url": url, "text": text})
        sentences = [s for s in split_sentences(text) if len(s.split()) >= 4]
        for i, sentence in enumerate(sentences):
            label = f"{ordinal}.{i}"
            seen.add(label)
            events = [{"source": s, "target": t, "code": c} for s, t, c in labels.get(label, [])]
            rows.append({"id": f"{key[:8]}-{i:02d}", "article": key, "url": url, "split": split,
                         "sentence": sentence, "events": events, "batch": batch})
    missing = set(labels) - seen
    if missing:
        raise SystemExit(f"labels for sentences that do not exist: {sorted(missing)}")
    return rows, arts


def main(items: list[tuple[int, str, str]] = ITEMS,
         labels: dict[str, list[tuple[str, str, str]]] = LABELS, batch: int = 4) -> None:
    gold, texts = EVAL / "en_news_gold.jsonl", EVAL / "en_news_articles.jsonl"
    if any(json.loads(line).get("batch") == batch for line in gold.read_text().splitlines()):
        raise SystemExit(f"batch {batch} is already in en_news_gold.jsonl")
    rows, arts = build(items, labels, batch)
    with gold.open("a") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with texts.open("a") as f:
        f.writelines(json.dumps(a, ensure_ascii=False) + "\n" for a in arts)
    for half in ("tune", "held"):
        part = [r for r in rows if r["split"] == half]
        print(half, len({r["article"] for r in part}), "articles,", len(part), "sentences,",
              sum(len(r["events"]) for r in part), "events")


if __name__ == "__main__":
    main()
