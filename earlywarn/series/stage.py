"""The nightly ``series`` stage: every series of the last year, as of tonight.

Event, dyad and network series from the events; coverage and tone of every country from
the articles (the focal country and its peers as the ``focal`` stage tagged them, table
``perception``; the others from the gazetteer's mentions); the perception series of the
focal country and its peers; the volume and languages of tonight's narratives (table
``narratives``); the focal country's tie and community series.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from earlywarn.stage import StageContext, StageResult
from earlywarn.store import Write

__all__ = ["stage"]

#: Days of history behind tonight's series.
DAYS = 365


def stage(ctx: StageContext) -> StageResult:
    """Build the long frame ``unique_id, ds, y`` from events, articles, tone and counts."""
    from earlywarn.focal.series import narrative_series
    from earlywarn.network import community_churn, tie_series
    from earlywarn.series import build_series

    lo = ctx.as_of - timedelta(days=DAYS)
    events = ctx.archive.query(
        "SELECT date, source_name, source_country, target_name, target_country, quad_class, "
        "root_code, event_id FROM events WHERE date > ? AND date <= ?",
        [lo, ctx.as_of],
    )
    articles = ctx.archive.articles(since=lo, until=ctx.as_of)
    ids = articles["article_id"].tolist()
    mentions = ctx.archive.query("SELECT * FROM mentions WHERE list_contains(?, article_id)", [ids])
    tone = ctx.archive.query("SELECT * FROM tone WHERE list_contains(?, article_id)", [ids])
    focal = ctx.settings.focal_country
    perception = ctx.archive.query(
        "SELECT * FROM perception WHERE list_contains(?, article_id)", [ids]
    )
    y = build_series(
        as_of=ctx.as_of,
        events=events,
        articles=articles,
        mentions=mentions,
        tone=tone,
        counts=ctx.archive.table("counts"),
        days=DAYS,
        focal_country=focal,
        perception=perception,
        peers=list(ctx.settings.focal_peers),
    )
    narr = ctx.archive.query(
        "SELECT narrative_id, article_ids FROM narratives WHERE country = ? AND as_of <= ? "
        "AND narrative_id IN (SELECT narrative_id FROM narratives WHERE country = ? AND as_of = ?)",
        [focal, ctx.as_of, focal, ctx.as_of],
    )
    nar = narrative_series(narr, articles, focal, end=pd.Timestamp(ctx.as_of))
    start = pd.Timestamp(ctx.as_of - timedelta(days=DAYS - 1))
    end = pd.Timestamp(ctx.as_of)
    ties = tie_series(events, mentions, articles, focal=focal, start=start, end=end)
    if not ties.empty:
        first = ties.loc[ties["y"] > 0, "ds"].min()  # from the first tie on, like other series
        ties = ties[ties["ds"] >= first]
        churn = community_churn(events, mentions, articles, focal=focal, start=first, end=end)
        y = pd.concat([y, ties, churn], ignore_index=True)
    if not nar.empty:
        y = pd.concat([y, nar], ignore_index=True)
    y.insert(0, "as_of", ctx.as_of_ts)
    return [Write("series", y, replace={"as_of": ctx.as_of})], {
        "n_series": int(y["unique_id"].nunique())
    }
