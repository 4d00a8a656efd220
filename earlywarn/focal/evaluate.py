"""Quality of the focal-country tagger and tone on the hand-labelled sets, both halves.

``earlywarn/data/eval/focal_relevance.jsonl`` (319 real vi/en articles labelled about /
mentions / not about Vietnam) and ``focal_tone.jsonl`` (341 sentences naming a country,
labelled neg / neu / pos toward it); how they were built is in
``earlywarn/data/eval/README.md``, the split in ``experiments/splits/README.md``.
``earlywarn eval perception`` prints both halves.

Examples
--------
>>> r = evaluate_relevance("tune")
>>> r["n"] > 100 and 0.0 <= r["precision"] <= 1.0
True
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import pandas as pd

from earlywarn.focal.mentions import FocalMatcher
from earlywarn.focal.tone import NEUTRAL_BAND, tone_label

__all__ = ["evaluate_perception", "evaluate_relevance", "evaluate_tone", "gold"]

#: Salience from which a mentioning article is "about" the country (set on the tuning half).
ABOUT_SALIENCE = 0.3
#: The plain baseline's neutral band: the usual VADER cut-off.
BASELINE_BAND = 0.05


def gold(name: str) -> list[dict[str, Any]]:
    """Rows of ``earlywarn/data/eval/focal_<name>.jsonl`` (``relevance`` or ``tone``)."""
    path = files("earlywarn.data").joinpath("eval", f"focal_{name}.jsonl")
    with path.open("r", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    return p, r


def evaluate_relevance(split: str, country: str = "VNM") -> dict[str, float]:
    """Mention precision / recall (an article is tagged when any mention is found; gold
    positives are "about" and "mentions") and about-vs-mentions accuracy on one half.

    ``recall`` counts the articles that name the country or one of its entities;
    ``recall_all`` also the few about it without naming anything (``implicit``).
    """
    m = FocalMatcher.for_country(country)
    rows = [r for r in gold("relevance") if r["split"] == split]
    tp = n_pred = n_gold = n_gold_all = tp_all = 0
    about_ok = about_n = 0
    for r in rows:
        text = f"{r['title']}\n\n{r['text']}" if r["title"] else r["text"]
        found = bool(m.find(text, r["language"]))
        pos = r["label"] != "not"
        n_pred += found
        n_gold_all += pos
        tp_all += found and pos
        if pos and not r["implicit"]:
            n_gold += 1
            tp += found
        if found and pos:
            sal = m.salience(r["title"], r["text"], r["language"]).score
            about_n += 1
            about_ok += (sal >= ABOUT_SALIENCE) == (r["label"] == "about")
    p, rec = _prf(tp_all, n_pred, n_gold)
    rec = tp / n_gold if n_gold else 1.0
    rec_all = tp_all / n_gold_all if n_gold_all else 1.0
    return {
        "n": float(len(rows)),
        "positives": float(n_gold_all),
        "precision": p,
        "recall": rec,
        "recall_all": rec_all,
        "about_accuracy": about_ok / about_n if about_n else float("nan"),
    }


def evaluate_tone(split: str, language: str | None = None) -> dict[str, float]:
    """Macro F1 (neg/neu/pos) of sentence-level tone toward the named country, against a
    plain whole-article lexicon baseline (the article's mean sentence tone, ±0.05); the
    sentences of one ``language`` only when given."""
    from sklearn.metrics import f1_score

    from earlywarn.extract.tone import score_tone, sentence_scores

    rows = [
        r
        for r in gold("tone")
        if r["split"] == split and (language is None or r["language"] == language)
    ]
    arts = {r["id"]: r for r in gold("relevance")}
    truth = [r["label"] for r in rows]
    pred = [tone_label((sentence_scores(r["sentence"], r["language"]) or [0.0])[0]) for r in rows]
    frame = pd.DataFrame(
        [
            {
                "article_id": r["id"],
                "title": arts[r["article"]]["title"],
                "text": arts[r["article"]]["text"],
                "language": r["language"],
            }
            for r in rows
        ]
    )
    base = score_tone(frame)["tone"].fillna(0.0).tolist() if rows else []
    base_pred = [tone_label(b, BASELINE_BAND) for b in base]
    labels = ["neg", "neu", "pos"]
    return {
        "n": float(len(rows)),
        "macro_f1": float(f1_score(truth, pred, labels=labels, average="macro", zero_division=0)),
        "baseline_macro_f1": float(
            f1_score(truth, base_pred, labels=labels, average="macro", zero_division=0)
        ),
        "band": NEUTRAL_BAND,
    }


def evaluate_perception() -> pd.DataFrame:
    """Both figures on both halves: one row per (set, half, metric)."""
    out = []
    for split in ("tune", "held"):
        for metric, value in evaluate_relevance(split).items():
            out.append({"set": "relevance", "half": split, "metric": metric, "value": value})
        for metric, value in evaluate_tone(split).items():
            out.append({"set": "tone", "half": split, "metric": metric, "value": value})
        for lang in ("en", "vi"):  # English by VADER, Vietnamese by the shipped lexicon
            for metric, value in evaluate_tone(split, lang).items():
                if metric != "band":
                    out.append({"set": f"tone_{lang}", "half": split, "metric": metric, "value": value})
    return pd.DataFrame(out)
