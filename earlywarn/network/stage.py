"""The nightly ``network`` stage: event and co-mention edges of the last 30 days."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from earlywarn.stage import StageContext, StageResult
from earlywarn.store import Write

__all__ = ["stage"]

#: Days of events and articles behind one night's edges.
WINDOW = 30


def stage(ctx: StageContext) -> StageResult:
    """Rebuild tonight's edges (replacing any earlier run's for ``as_of``)."""
    from earlywarn.network import comention_edges, event_edges

    lo = ctx.as_of - timedelta(days=WINDOW)
    events = ctx.archive.events(since=lo, until=ctx.as_of)
    arts = ctx.archive.articles(since=lo, until=ctx.as_of)
    mentions = ctx.archive.query(
        "SELECT m.* FROM mentions m JOIN articles a USING (article_id) "
        "WHERE a.published >= ? AND a.published < ?",
        [pd.Timestamp(lo, tz="UTC"), pd.Timestamp(ctx.as_of, tz="UTC") + pd.Timedelta(days=1)],
    )
    edges = pd.concat(
        [
            event_edges(events, ctx.as_of, WINDOW),
            comention_edges(mentions, arts, ctx.as_of, WINDOW),
        ],
        ignore_index=True,
    )
    return [Write("edges", edges, replace={"as_of": ctx.as_of})], {}
