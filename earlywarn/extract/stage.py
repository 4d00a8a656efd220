"""The nightly ``extract`` stage: mentions, events, tone and stories of tonight's articles."""

from __future__ import annotations

import pandas as pd

from earlywarn.stage import StageContext, StageResult
from earlywarn.store import Write

__all__ = ["stage"]


def stage(ctx: StageContext) -> StageResult:
    """Extract tonight's batch (articles collected for ``as_of``, duplicates excluded) and
    re-cluster the stories of the last seven days."""
    from earlywarn.extract import cluster_stories, code_events, extract_mentions, score_tone

    arts = ctx.archive.table("articles", "as_of = ? AND duplicate_of IS NULL", [ctx.as_of])
    mentions = extract_mentions(arts)
    events = code_events(arts)
    tone = score_tone(arts)
    lo = ctx.as_of_ts - pd.Timedelta(days=7)
    recent = ctx.archive.table(
        "articles",
        "duplicate_of IS NULL AND as_of <= ? AND (as_of = ? OR published >= ?)",
        [ctx.as_of, ctx.as_of, lo.tz_localize("UTC")],
    )
    recent_ids = recent["article_id"].tolist()
    recent_mentions = ctx.archive.query(
        "SELECT * FROM mentions WHERE list_contains(?, article_id)", [recent_ids]
    )
    all_mentions = pd.concat([recent_mentions, mentions], ignore_index=True).drop_duplicates(
        ["article_id", "entity"], keep="last"
    )
    stories = cluster_stories(recent, all_mentions)
    writes = [
        Write("mentions", mentions),
        Write("events", events),
        Write("tone", tone),
        Write("stories", stories),
    ]
    return writes, {"articles": len(arts)}
