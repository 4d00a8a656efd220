"""Alerts the data-health gate holds back, and why.

A series that collection feeds (``cov:``, ``tone:``, ``ev:``, ``dyad:``, and the network
metrics ``net:``, ``tie:``, ``comm:`` where news-coded events or articles stand behind them;
not those built from imported GDELT or ICEWS events alone) moves when its sources go quiet. When the global gate is closed every such alert waits; when only the
sources of one language or country are down (``language:vi``, ``country:VNM``), the
alerts wait on the series those sources feed: the ones that drew at least ``fed_share``
of their articles from them over the evidence window. Held alerts are kept, with their
reason, in the ``held_alerts`` table and shown by the report and the review page.

Examples
--------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["1", "2", "3", "4"], "language": ["vi", "vi", "en", "en"],
...                      "country": ["VNM", "VNM", "GBR", "USA"]})
>>> men = pd.DataFrame({"article_id": ["1", "2", "3", "4"], "kind": "country",
...                     "country": ["VNM", "VNM", "VNM", "CHN"]})
>>> ev = pd.DataFrame(columns=["article_id", "source_country", "target_country"])
>>> shares = source_shares(["cov:VNM", "cov:CHN"], articles=arts, mentions=men, events=ev)
>>> round(shares["cov:VNM"]["language:vi"], 2), shares["cov:CHN"].get("language:vi", 0.0)
(0.67, 0.0)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

import pandas as pd

from earlywarn.alerts.sources import COLLECTION_KINDS, NETWORK_KINDS, news_fed, series_article_ids
from earlywarn.health import GateState

__all__ = ["COLLECTION_KINDS", "hold_back", "source_shares"]

_HELD_COLUMNS = [
    "as_of", "alert_id", "rule", "unique_id", "ds", "severity", "score", "title", "scope",
    "reason", "evidence",
]  # fmt: skip


def source_shares(
    series_ids: Iterable[str],
    *,
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    events: pd.DataFrame,
    perception: pd.DataFrame | None = None,
) -> dict[str, dict[str, float]]:
    """Per collection series, the share of its articles from each source language and
    country (``{"cov:VNM": {"language:vi": 0.8, "country:VNM": 0.8, ...}}``).

    ``articles`` carries each article's source ``language`` and ``country`` (the feed's);
    a collection series with no articles behind it gets no shares (``{}``); a network
    metric with no news behind it (imported events only) is left out: it is not news-fed.
    """
    src = articles.drop_duplicates("article_id").set_index("article_id")
    scopes = pd.DataFrame(
        {
            "language": "language:" + src["language"].fillna("unknown").astype(str),
            "country": "country:" + src["country"].fillna("unknown").astype(str),
        }
    )
    out: dict[str, dict[str, float]] = {}
    for uid in series_ids:
        if not uid.startswith((*COLLECTION_KINDS, *NETWORK_KINDS)):
            continue
        ids = series_article_ids(uid, mentions, events, perception)
        if not news_fed(uid, ids):
            continue
        s = scopes if ids is None else scopes[scopes.index.isin(set(ids))]
        if s.empty:
            out[uid] = {}
            continue
        shares = pd.concat([s["language"], s["country"]]).value_counts() / len(s)
        out[uid] = {str(k): float(v) for k, v in shares.items()}
    return out


def hold_back(
    alerts: pd.DataFrame,
    gate: GateState,
    shares: dict[str, dict[str, float]],
    *,
    as_of: date,
    fed_share: float = 0.25,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split tonight's alerts into (sent, held); held rows carry ``scope`` and ``reason``.

    Alerts on collection series wait while the gate is closed; those on network metrics
    wait when ``shares`` (:func:`source_shares`) lists them, i.e. news stands behind them.
    """
    collection = [
        uid.startswith(COLLECTION_KINDS) or (uid.startswith(NETWORK_KINDS) and uid in shares)
        for uid in alerts["unique_id"]
    ]
    scope: list[str | None] = []
    reason: list[str | None] = []
    for uid, fed in zip(alerts["unique_id"], collection, strict=True):
        if not fed:
            scope.append(None)
            reason.append(None)
        elif not gate.open:
            scope.append("all")
            reason.append("data-health gate closed: " + "; ".join(gate.reasons))
        else:
            hit = {k: v for k, v in shares.get(uid, {}).items() if k in gate.closed and v >= fed_share}
            if hit:
                scope.append(", ".join(sorted(hit)))
                reason.append(
                    "; ".join(
                        f"{v:.0%} of its articles come from {k}, down tonight ({gate.closed[k]})"
                        for k, v in sorted(hit.items())
                    )
                )
            else:
                scope.append(None)
                reason.append(None)
    held_mask = pd.Series([r is not None for r in reason], index=alerts.index, dtype=bool)
    held = alerts[held_mask].assign(
        as_of=pd.Timestamp(as_of),
        scope=[s for s in scope if s is not None],
        reason=[r for r in reason if r is not None],
    )
    if "evidence" in held:
        held["evidence"] = [e if isinstance(e, str) or e is None else json.dumps(e) for e in held["evidence"]]
    held = held.reindex(columns=_HELD_COLUMNS)
    return alerts[~held_mask], held.reset_index(drop=True)
