"""Pickup matching precision and recall on the hand-built statement/coverage gold set.

The gold set (``experiments/pickup/gold.csv``, how it was built:
``experiments/pickup/README.md``) names the articles of the Vietnamese news corpus
(``../shared/data/vietnamese_news``) that carry each official statement. Every
(statement, article) pair in the matching window (:func:`~earlywarn.focal.pickup.pair_features`)
is scored: a gold positive matched is a true positive, any other pair matched a false
positive. Halves follow the statement's cluster in
``experiments/splits/vietnamese_mds_clusters.csv`` (made once, shared with ``eval brief``).

Run: ``earlywarn eval pickup`` (or ``python -m earlywarn.focal.pickup_eval``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from earlywarn.focal.pickup import DEFAULTS, _decide, pair_features
from earlywarn.io.shared import mds_articles

__all__ = ["OFFICIAL_SOURCES", "evaluate_pickup", "load_corpus", "main"]

_REPO = Path(__file__).resolve().parents[2]
GOLD = _REPO / "experiments" / "pickup" / "gold.csv"
SPLIT = _REPO / "experiments" / "splits" / "vietnamese_mds_clusters.csv"
#: The corpus's outlets that speak for the state (national official media, the government
#: portal, ministries' papers); their articles are the statements.
OFFICIAL_SOURCES = frozenset({
    "vov.vn", "baotintuc.vn", "www.vietnamplus.vn", "vtv.vn", "www.qdnd.vn",
    "baodientu.chinhphu.vn", "toquoc.gov.vn", "hanoimoi.com.vn", "cand.com.vn",
})  # fmt: skip


def load_corpus(data: str | Path | None = None) -> pd.DataFrame:
    """The Vietnamese corpus as an articles frame (:func:`earlywarn.io.shared.mds_articles`)."""
    return mds_articles(data)


def evaluate_pickup(
    data: str | Path | None = None,
    *,
    gold: str | Path = GOLD,
    split: str | Path = SPLIT,
    text_threshold: float = DEFAULTS["text_threshold"],
    entity_threshold: float = DEFAULTS["entity_threshold"],
) -> pd.DataFrame:
    """Precision, recall and F1 of pickup matching per half (``tuning``, ``held_aside``).

    Returns
    -------
    DataFrame
        ``half, statements, gold_pairs, candidate_pairs, matched, precision, recall, f1``.
    """
    from earlywarn.extract import extract_mentions

    arts = load_corpus(data)
    mentions = extract_mentions(arts)
    g = pd.read_csv(gold, dtype=str)
    positives = set(zip(g.loc[g["label"] == "1", "statement_doc"],
                        g.loc[g["label"] == "1", "coverage_doc"], strict=True))  # fmt: skip
    halves = pd.read_csv(split).set_index("cluster_id")["half"]
    statements = arts[arts["outlet"].isin(OFFICIAL_SOURCES)]
    f = pair_features(statements, arts, mentions)
    f["gold"] = [
        (s, a) in positives for s, a in zip(f["statement_id"], f["article_id"], strict=True)
    ]
    f["pred"] = _decide(f, text_threshold, entity_threshold).to_numpy()
    cluster = arts.set_index("article_id")["cluster_id"]
    f["half"] = f["statement_id"].map(cluster).map(halves)
    missing = positives - set(zip(f["statement_id"], f["article_id"], strict=True))
    if missing:
        raise ValueError(f"gold pairs outside the matching window: {sorted(missing)}")
    rows = []
    for half in ("tuning", "held_aside"):
        h = f[f["half"] == half]
        tp = int((h["gold"] & h["pred"]).sum())
        n_pred, n_gold = int(h["pred"].sum()), int(h["gold"].sum())
        p = tp / n_pred if n_pred else float("nan")
        r = tp / n_gold if n_gold else float("nan")
        rows.append({
            "half": half,
            "statements": int(statements["cluster_id"].map(halves).eq(half).sum()),
            "gold_pairs": n_gold, "candidate_pairs": len(h), "matched": n_pred,
            "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if n_pred and tp else 0.0,
        })  # fmt: skip
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the pickup figures for both halves; returns the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="folder with vietnamese_mds_articles.jsonl.gz")
    args = ap.parse_args(argv)
    table = evaluate_pickup(args.data)
    sys.stdout.write(table.to_string(index=False) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
