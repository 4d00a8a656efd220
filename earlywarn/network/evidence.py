"""What stands behind a tie: the events between the two sides and the articles naming both."""

from __future__ import annotations

import pandas as pd

from earlywarn.network.actors import NODE_KINDS
from earlywarn.network.edges import event_nodes
from earlywarn.network.graph import party

__all__ = ["tie_article_weights", "tie_events"]


def tie_events(events: pd.DataFrame | None, focal: str, other: str) -> pd.DataFrame:
    """Events of ``events`` between a node of ``focal``'s side and one of ``other``'s,
    either way (sides as :func:`earlywarn.network.graph.party`).

    Examples
    --------
    >>> ev = pd.DataFrame({"source_name": ["Pham Binh Minh", "Japan"], "source_country": [None, "JPN"],
    ...     "target_name": ["China", "China"], "target_country": ["CHN", "CHN"]})
    >>> len(tie_events(ev, "VNM", "CHN")), len(tie_events(ev, "VNM", "JPN"))
    (1, 0)
    """
    if events is None or events.empty or "source_name" not in events:
        return pd.DataFrame()
    ev = event_nodes(events)
    ps = ev["src"].map(lambda n: party(n) if isinstance(n, str) else None)
    pd_ = ev["dst"].map(lambda n: party(n) if isinstance(n, str) else None)
    hit = ((ps == focal) & (pd_ == other)) | ((ps == other) & (pd_ == focal))
    return events[hit.to_numpy()]


def tie_article_weights(mentions: pd.DataFrame | None, focal: str, other: str) -> pd.Series:
    """Articles naming both sides, weighted by how often they name them (article_id index)."""
    if mentions is None or mentions.empty:
        return pd.Series(dtype=float)
    m = mentions[mentions["kind"].isin(NODE_KINDS)]
    m = m.assign(_p=m["entity"].astype(str).map(party))
    m = m[m["_p"].isin([focal, other])]
    both = m.groupby("article_id")["_p"].nunique()
    m = m[m["article_id"].isin(both.index[both == 2])]
    w = m.groupby("article_id")["count"].sum() if "count" in m else m.groupby("article_id").size()
    return w.astype(float)
