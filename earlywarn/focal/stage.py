"""The nightly ``focal`` stage: tag new articles for the focal country and its peers, then
store the perception series (after ``series``, before ``detect``, so detectors and alert
rules see them)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from earlywarn.stage import StageContext, StageResult
from earlywarn.store import Write

__all__ = ["stage"]

#: Days of history behind tonight's perception series (as the ``series`` stage).
DAYS = 365


def stage(ctx: StageContext) -> StageResult:
    """Tag the articles not yet tagged for the focal country (``perception`` table, upsert:
    reruns change nothing) and write the ``per:``/``pshare:``/``ptone:``/``pneg:``/``pnew:``
    series of ``as_of`` into ``series``."""
    from earlywarn.focal.series import perception_series
    from earlywarn.focal.tagging import tag_articles
    from earlywarn.series import collection_start

    focal, peers = ctx.settings.focal_country, list(ctx.settings.focal_peers)
    lo = ctx.as_of - timedelta(days=DAYS)
    articles = ctx.archive.articles(since=lo, until=ctx.as_of)
    ids = articles["article_id"].tolist()
    done = ctx.archive.query("SELECT * FROM perception WHERE list_contains(?, article_id)", [ids])
    tagged = set(done.loc[done["country"] == focal, "article_id"])
    new = tag_articles(articles[~articles["article_id"].isin(tagged)], focal, peers)
    perception = pd.concat([done, new], ignore_index=True) if not new.empty else done
    writes = [Write("perception", new)] if not new.empty else []
    if articles.empty:
        return writes, {"tagged": 0, "n_series": 0}
    y = perception_series(
        articles, perception, focal, peers, start=collection_start(articles), end=ctx.as_of_ts
    )
    y.insert(0, "as_of", ctx.as_of_ts)
    writes.append(Write("series", y))
    focal_rows = perception[(perception["country"] == focal) & (perception["count"] > 0)]
    return writes, {
        "tagged": int(new["article_id"].nunique()) if not new.empty else 0,
        "focal_articles": int(focal_rows["article_id"].nunique()),
        "n_series": int(y["unique_id"].nunique()),
    }
