"""Search relevance on the demo archive: precision at 10, recall at 10 and MRR.

The judgements are ``earlywarn/data/eval/search_relevance.csv`` (see
``earlywarn/data/eval/README.md`` for how they were made and split): 33 Vietnamese queries
whose relevant articles are a VietnameseMDS cluster (articles grouped by hand by their
authors), and 14 English queries judged by hand on the ScrapingHub articles. Queries
alternate between the tuning and the held-aside half, fixed before any result was seen.
"""

from __future__ import annotations

import csv
import hashlib
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn.search._search import search

__all__ = ["JUDGEMENTS", "evaluate_search", "load_judgements", "summarize"]

#: The shipped judgements.
JUDGEMENTS = "search_relevance.csv"


def _sid(url: str) -> str:
    """The demo corpus's page id of an article URL (as ``earlywarn.demo.build`` names it)."""
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def load_judgements(path: str | Path | None = None) -> pd.DataFrame:
    """The judged queries: ``query_id, split, language, query, relevant`` (a list of the
    articles' original URLs)."""
    source = Path(path) if path else files("earlywarn.data").joinpath("eval", JUDGEMENTS)
    with source.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    frame = pd.DataFrame(rows)
    frame["relevant"] = frame["relevant"].str.split()
    return frame


def evaluate_search(index: Any, judgements: pd.DataFrame | None = None, k: int = 10,
                    **options: Any) -> pd.DataFrame:  # fmt: skip
    """One row per query: ``p_at_k``, ``r_at_k`` and reciprocal rank ``rr`` of the first
    relevant article (0 if none in the first 100)."""
    judged = load_judgements() if judgements is None else judgements
    out = []
    for row in judged.to_dict("records"):
        relevant: list[str] = list(row["relevant"])
        # the article's own URL, or the demo replay server's page made from it
        forms = {*relevant, *(f"/pages/{_sid(r)}.html" for r in relevant)}
        hits = search(str(row["query"]), index=index, per_page=100, **options)
        urls = hits["url"].fillna("").tolist()
        good = [u in forms or u[u.find("/pages/") :] in forms for u in urls]
        first = next((i + 1 for i, g in enumerate(good) if g), None)
        out.append(
            {
                "query_id": row["query_id"],
                "split": row["split"],
                "language": row["language"],
                "p_at_k": sum(good[:k]) / k,
                "r_at_k": sum(good[:k]) / len(relevant),
                "rr": 1.0 / first if first else 0.0,
            }
        )
    return pd.DataFrame(out)


def summarize(per_query: pd.DataFrame) -> pd.DataFrame:
    """Means by split (and language): ``queries, p_at_10, r_at_10, mrr``."""
    rows = []
    for (split, lang), g in [
        *per_query.groupby(["split", "language"]),
        *[((s, "all"), g) for s, g in per_query.groupby("split")],
    ]:
        rows.append({"split": split, "language": lang, "queries": len(g),
                     "p_at_10": g["p_at_k"].mean(), "r_at_10": g["r_at_k"].mean(),
                     "mrr": g["rr"].mean()})  # fmt: skip
    return pd.DataFrame(rows).sort_values(["split", "language"], ignore_index=True)
