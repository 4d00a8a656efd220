"""The nightly ``focal`` stage: tag new articles for the focal country and its peers.

It runs right after ``extract`` and fills table ``perception`` (one row per article for the
focal country, count 0 when it is not named; one per named peer). Everything downstream
reads that table: the ``series`` stage builds the perception series (``per:``, ``pshare:``,
``ptone:``, ``pneg:``, ``pnew:``) and the coverage and tone series of the tagged countries
(``cov:``, ``tone:``) from it, the alerts take its articles as evidence.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from earlywarn.stage import StageContext, StageResult
from earlywarn.store import Write

__all__ = ["stage"]

#: Days of articles looked at (as the ``series`` stage).
DAYS = 365


def stage(ctx: StageContext) -> StageResult:
    """Tag the articles of the last :data:`DAYS` days and those collected tonight that are not
    yet tagged for the focal country (``perception`` table, upsert: reruns change nothing)."""
    from earlywarn.focal.tagging import tag_articles

    focal, peers = ctx.settings.focal_country, list(ctx.settings.focal_peers)
    lo = ctx.as_of - timedelta(days=DAYS)
    recent = ctx.archive.articles(since=lo, until=ctx.as_of)
    # and everything collected tonight, whatever its date (a first collection's backfill)
    tonight = ctx.archive.table("articles", "as_of = ? AND duplicate_of IS NULL", [ctx.as_of])
    articles = pd.concat([recent, tonight], ignore_index=True).drop_duplicates("article_id")
    ids = articles["article_id"].tolist()
    done = ctx.archive.query(
        "SELECT article_id FROM perception WHERE country = ? AND list_contains(?, article_id)",
        [focal, ids],
    )
    new = tag_articles(articles[~articles["article_id"].isin(set(done["article_id"]))], focal, peers)
    writes = [Write("perception", new)] if not new.empty else []
    focal_new = new[(new["country"] == focal) & (new["count"] > 0)] if not new.empty else new
    return writes, {
        "tagged": int(new["article_id"].nunique()) if not new.empty else 0,
        "focal_articles": int(focal_new["article_id"].nunique()) if not new.empty else 0,
    }
