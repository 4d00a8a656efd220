"""The focal country's network as series the detectors can watch.

=====================  ==============================================================
``tie:VNM~CHN``        tie strength: events between any Vietnamese actor (the country,
                       its persons, its organisations) and any Chinese one, either way,
                       plus articles naming both; per day
``tie:VNM~ORG:ASEAN``  ... with an actor of no country (an organisation, a person)
``tie:VNM~ALL``        all the focal country's ties together (the denominator of shares)
``comm:VNM``           community churn: counterparts that joined or left the focal
                       country's Louvain community since the week before; per week
=====================  ==============================================================

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02"]),
...     "source_name": ["Vietnam", "Pham Binh Minh", "Japan"],
...     "source_country": ["VNM", None, "JPN"], "target_name": ["China", "China", "Vietnam"],
...     "target_country": ["CHN", "CHN", "VNM"]})
>>> s = tie_series(ev, None, None, focal="VNM", start="2024-01-01", end="2024-01-02")
>>> s.pivot(index="ds", columns="unique_id", values="y").values.tolist()
[[1.0, 1.0, 0.0], [2.0, 1.0, 1.0]]
>>> sorted(s.unique_id.unique())
['tie:VNM~ALL', 'tie:VNM~CHN', 'tie:VNM~JPN']
"""

from __future__ import annotations

import pandas as pd

from earlywarn.network.actors import NODE_KINDS
from earlywarn.network.edges import MAX_ENTITIES, comention_edges, event_edges, event_nodes
from earlywarn.network.graph import communities, party, to_graph
from earlywarn.series.build import apply_partial, check_partial

__all__ = ["community_churn", "tie_id", "tie_series"]


def tie_id(focal: str, other: str) -> str:
    """``tie:VNM~CHN``: the series of the focal country's tie with ``other``."""
    return f"tie:{focal}~{other}"


def _naive_day(values: pd.Series) -> pd.Series:
    ts = pd.to_datetime(values, utc=True)
    return ts.dt.tz_localize(None).dt.floor("D")


def _event_ties(events: pd.DataFrame, focal: str) -> pd.DataFrame:
    ev = event_nodes(
        events[["date", "source_name", "source_country", "target_name", "target_country"]]
    )
    ev = ev[ev["src"].notna() & ev["dst"].notna()]
    ps, pd_ = ev["src"].map(party), ev["dst"].map(party)
    own_s, own_d = ps == focal, pd_ == focal
    other = ps.where(own_d & ~own_s, pd_.where(own_s & ~own_d))
    return pd.DataFrame({"ds": _naive_day(ev["date"]), "other": other}).dropna()


def _article_ties(mentions: pd.DataFrame, articles: pd.DataFrame, focal: str) -> pd.DataFrame:
    arts = articles[articles["published"].notna()][["article_id", "published"]]
    m = mentions[mentions["kind"].isin(NODE_KINDS)].merge(arts, on="article_id")
    if m.empty:
        return pd.DataFrame({"ds": pd.Series(dtype="datetime64[ns]"), "other": []})
    if "count" in m:
        m = m.sort_values(["article_id", "count"], ascending=[True, False], kind="stable")
    m = m.groupby("article_id", sort=False).head(MAX_ENTITIES)
    m = m.assign(p=m["entity"].astype(str).map(party))
    with_focal = m.loc[m["p"] == focal, "article_id"].unique()
    m = m[m["article_id"].isin(with_focal) & (m["p"] != focal)]
    m = m.drop_duplicates(["article_id", "p"])
    return pd.DataFrame({"ds": _naive_day(m["published"]), "other": m["p"]})


def tie_series(
    events: pd.DataFrame | None,
    mentions: pd.DataFrame | None,
    articles: pd.DataFrame | None,
    *,
    focal: str,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    top: int = 15,
) -> pd.DataFrame:
    """Daily tie strength of ``focal`` with its ``top`` strongest counterparts, and in all.

    Counterparts are sides (:func:`earlywarn.network.graph.party`): a country with its
    persons and organisations, or an actor of no country. Zero-filled from ``start`` to
    ``end``; returns the long frame ``unique_id, ds, y``.
    """
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    parts = []
    if events is not None and not events.empty:
        parts.append(_event_ties(events, focal))
    if mentions is not None and articles is not None and not mentions.empty:
        parts.append(_article_ties(mentions, articles, focal))
    cols = ["unique_id", "ds", "y"]
    if not parts:
        return pd.DataFrame(columns=cols)
    ties = pd.concat(parts, ignore_index=True)
    ties = ties[(ties["ds"] >= lo) & (ties["ds"] <= hi)]
    if ties.empty:
        return pd.DataFrame(columns=cols)
    keep = ties["other"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
    ties = pd.concat([ties[ties["other"].isin(keep.index[:top])], ties.assign(other="ALL")])
    counts = ties.groupby(["other", "ds"]).size().unstack("other", fill_value=0)
    counts = counts.reindex(pd.date_range(lo, hi, freq="D"), fill_value=0)
    counts.index.name = "ds"
    out = counts.reset_index().melt(id_vars="ds", var_name="other", value_name="y")
    out["unique_id"] = [tie_id(focal, o) for o in out["other"]]
    out["y"] = out["y"].astype(float)
    return out[cols].sort_values(["unique_id", "ds"], ignore_index=True)


def community_churn(
    events: pd.DataFrame | None,
    mentions: pd.DataFrame | None,
    articles: pd.DataFrame | None,
    *,
    focal: str,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    seed: int = 0,
    partial: str = "drop",
) -> pd.DataFrame:
    """``comm:FOCAL`` per week (Monday): sides that joined or left the focal country's
    Louvain community (``seed`` fixed) since the previous week; the first week has none.

    Each week's network holds the events and co-mentions of its days from ``start`` to
    ``end`` only (the last week's window stopped at Sunday, past ``end``, reading events
    after it if the frame held any). A week that ``start`` to ``end`` covers only in part
    (``end`` on a Wednesday) has a smaller network, so that its churn, and the next week's,
    is no whole week's: as :func:`earlywarn.series.event_counts` does, ``partial="drop"``
    (default) drops those rows, ``"flag"`` keeps them with a boolean ``partial`` column,
    ``"keep"`` keeps them unmarked. Returns ``unique_id, ds, y`` (and ``partial``)."""
    check_partial(partial)
    lo = pd.Timestamp(start).normalize()
    hi = pd.Timestamp(end).normalize()
    weeks = pd.date_range(lo - pd.Timedelta(days=lo.weekday()), hi, freq="W-MON")
    empty_ev = pd.DataFrame(
        columns=[
            "date",
            "source_name",
            "source_country",
            "target_name",
            "target_country",
            "goldstein",
        ]
    )
    rows, prev, prev_part = [], None, False
    for wk in weeks:
        first, last = max(wk, lo), min(wk + pd.Timedelta(days=6), hi)
        part = first > wk or last < wk + pd.Timedelta(days=6)
        days = f"{(last - first).days + 1}D"
        parts = [event_edges(events if events is not None else empty_ev, last, days)]
        if mentions is not None and articles is not None and not mentions.empty:
            parts.append(comention_edges(mentions, articles, last, days))
        g = to_graph(pd.concat(parts, ignore_index=True), "all")
        members: set[str] = set()
        if focal in g:
            comm = communities(g, seed=seed)
            mine = comm.loc[comm["node"] == focal, "community"].iloc[0]
            members = {party(str(n)) for n in comm.loc[comm["community"] == mine, "node"]}
            members.discard(focal)
        if prev is not None:
            rows.append((wk, float(len(members ^ prev)), part or prev_part))
        prev, prev_part = members, part
    out = pd.DataFrame(rows, columns=["ds", "y", "partial"])
    out = apply_partial(out.drop(columns="partial"), out["partial"], partial)
    out.insert(0, "unique_id", f"comm:{focal}")
    return out
