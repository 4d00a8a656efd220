"""Edges between actors: who acted on whom (events) and who is named together (articles).

Both functions take a window ``(as_of - window, as_of]`` and return the ``edges`` table's
columns; nodes are the codes of :mod:`earlywarn.network.actors`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import combinations

import pandas as pd

from earlywarn.errors import UsageError
from earlywarn.network.actors import NODE_KINDS, resolve_actor

__all__ = ["EDGE_COLUMNS", "comention_edges", "event_edges", "event_nodes", "parse_window"]

EDGE_COLUMNS = ["as_of", "kind", "source", "target", "weight", "n_events", "goldstein_mean"]

#: Most-named entities of one article that enter the co-mention graph (a long list of
#: countries in one article is a roll call, not a set of ties).
MAX_ENTITIES = 12


def parse_window(window: str | int | pd.Timedelta) -> pd.Timedelta:
    """``"7D"``, ``"1W"``, ``30`` (days) or a Timedelta, as a whole number of days.

    Examples
    --------
    >>> parse_window("7D").days, parse_window("2W").days, parse_window(1).days
    (7, 14, 1)
    """
    try:
        td = pd.Timedelta(days=window) if isinstance(window, int) else pd.Timedelta(window)
    except (TypeError, ValueError):
        raise UsageError(
            f"window {window!r}: use a number of days or days/weeks like 7D, 2W"
        ) from None
    if td < pd.Timedelta(days=1) or td % pd.Timedelta(days=1):
        raise UsageError(f"window {window!r}: use whole days, at least 1D (e.g. 1D, 7D, 4W)")
    return td


def _window(frame: pd.DataFrame, col: str, as_of: str | date, window: pd.Timedelta) -> pd.DataFrame:
    ts = pd.to_datetime(frame[col], utc=True).dt.tz_localize(None).dt.floor("D")
    end = pd.Timestamp(as_of).normalize()
    return frame[(ts > end - window) & (ts <= end)]


def event_nodes(events: pd.DataFrame) -> pd.DataFrame:
    """``events`` with ``src``/``dst`` node codes and ``src_kind``/``dst_kind`` added.

    Each distinct (name, country) is resolved once (:func:`resolve_actor`).
    """
    out = events.copy()
    for side, col in (("source", "src"), ("target", "dst")):
        names = out.get(f"{side}_name", pd.Series(None, index=out.index))
        ctry = out.get(f"{side}_country", pd.Series(None, index=out.index))
        # as object first: a text column (pandas' str dtype, as an archive read gives it)
        # keeps NaN for a blank actor where None was asked for
        keys = list(
            zip(
                names.astype(object).where(names.notna(), None),
                ctry.astype(object).where(ctry.notna(), None),
                strict=True,
            )
        )
        nodes = {k: resolve_actor(*k) for k in set(keys)}
        out[col] = [n.node if (n := nodes[k]) else None for k in keys]
        out[f"{col}_kind"] = [n.kind if (n := nodes[k]) else None for k in keys]
    return out


def event_edges(
    events: pd.DataFrame, as_of: str | date, window: str | int | pd.Timedelta = 30
) -> pd.DataFrame:
    """Directed edges source -> target of the events in the window ending ``as_of``.

    ``weight`` and ``n_events`` count the events, ``goldstein_mean`` is their mean
    Goldstein score; self-loops are dropped.

    Examples
    --------
    >>> ev = pd.DataFrame({"date": pd.to_datetime(["2024-01-02", "2024-01-03"]),
    ...     "source_name": ["Pham Binh Minh", "China"], "source_country": [None, "CHN"],
    ...     "target_name": ["China", "Vietnam"], "target_country": ["CHN", "VNM"],
    ...     "goldstein": [3.0, 1.0]})
    >>> event_edges(ev, "2024-01-03", "7D")[["source", "target", "n_events"]].values.tolist()
    [['CHN', 'VNM', 1], ['PER:VNM:pham-binh-minh', 'CHN', 1]]
    """
    ev = event_nodes(_window(events, "date", as_of, parse_window(window)))
    ev = ev[ev["src"].notna() & ev["dst"].notna() & (ev["src"] != ev["dst"])]
    gold = pd.to_numeric(
        ev.get("goldstein", pd.Series(float("nan"), index=ev.index)), errors="coerce"
    )
    g = (
        ev.assign(_g=gold)
        .groupby(["src", "dst"])
        .agg(n_events=("_g", "size"), goldstein_mean=("_g", "mean"))
    )
    out = g.reset_index().rename(columns={"src": "source", "dst": "target"})
    out = out.assign(as_of=pd.Timestamp(as_of).normalize(), kind="event")
    out["weight"] = out["n_events"].astype(float)
    return out[EDGE_COLUMNS].sort_values(["source", "target"], ignore_index=True)


def comention_edges(
    mentions: pd.DataFrame,
    articles: pd.DataFrame,
    as_of: str | date,
    window: str | int | pd.Timedelta = 30,
) -> pd.DataFrame:
    """Undirected co-mention edges (``source < target``): articles naming both.

    Countries, persons and organisations of the ``mentions`` table count; each article
    adds 1 to every pair among its :data:`MAX_ENTITIES` most-named entities.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "published": pd.to_datetime(["2024-01-02"])})
    >>> m = pd.DataFrame({"article_id": "a", "entity": ["VNM", "ORG:ASEAN", "CITY:VNM:hanoi"],
    ...     "kind": ["country", "org", "city"], "count": [3, 1, 1]})
    >>> comention_edges(m, arts, "2024-01-02")[["source", "target", "n_events"]].values.tolist()
    [['ORG:ASEAN', 'VNM', 1]]
    """
    arts = articles[articles["published"].notna()]
    arts = _window(arts, "published", as_of, parse_window(window))[["article_id"]]
    m = mentions[mentions["kind"].isin(NODE_KINDS)].merge(arts, on="article_id")
    if "count" in m:
        # entity breaks ties in count: the rows come in storage order, which a rerun changes
        m = m.sort_values(["article_id", "count", "entity"], ascending=[True, False, True])
    pairs: Counter[tuple[str, str]] = Counter()
    for _, ents in m.groupby("article_id", sort=False)["entity"]:
        top = sorted(set(ents.head(MAX_ENTITIES)))
        pairs.update(combinations(top, 2))
    out = pd.DataFrame(
        [(a, b, n) for (a, b), n in sorted(pairs.items())], columns=["source", "target", "n_events"]
    )
    out = out.assign(
        as_of=pd.Timestamp(as_of).normalize(),
        kind="comention",
        weight=out["n_events"].astype(float),
        goldstein_mean=float("nan"),
    )
    return out[EDGE_COLUMNS]
