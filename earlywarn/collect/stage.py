"""The nightly ``collect`` stage: fetch the catalog's feeds and their new articles.

Articles stored in the last :data:`REFETCH_DAYS` nights whose text is a fallback (the
feed summary, after their page failed) are fetched again and replaced when the page
arrives, under the same ``article_id``. Entries whose link the archive already holds as
an article (its ``url``, or for a mirror feed its ``fetched_url``) are not fetched again
(a feed lists its items for days).
"""

from __future__ import annotations

from datetime import timedelta

from earlywarn.errors import ConfigError
from earlywarn.stage import NO_CATALOG, StageContext, StageResult
from earlywarn.store import Write

__all__ = ["REFETCH_DAYS", "stage"]

#: How many nights back stored fallback texts are fetched again.
REFETCH_DAYS = 7


def stage(ctx: StageContext) -> StageResult:
    """Collect tonight's feeds; store feed state, new articles and (optionally) raw pages."""
    from earlywarn.collect import collect
    from earlywarn.collect._run import is_fallback
    from earlywarn.collect.catalog import load_catalog

    feeds = ctx.catalog
    if feeds is None:
        if ctx.settings.catalog is None:
            raise ConfigError(NO_CATALOG)
        feeds = load_catalog(ctx.settings.catalog)
    state = ctx.archive.table("feeds")
    fallbacks = ctx.archive.table(
        "articles",
        "duplicate_of IS NULL AND as_of > ? AND as_of <= ? "
        "AND (text IS NULL OR text = '' OR text = summary)",
        [ctx.as_of - timedelta(days=REFETCH_DAYS), ctx.as_of],
    )
    result = collect(
        feeds,
        ctx.as_of,
        settings=ctx.settings.http,
        state=state,
        keep_raw_html=ctx.settings.keep_raw_html,
        refetch=fallbacks,
        stored_urls=lambda urls: set(
            ctx.archive.query(
                "SELECT url FROM articles WHERE list_contains(?, url) UNION "
                "SELECT fetched_url FROM articles WHERE list_contains(?, fetched_url)",
                [urls, urls],
            )["url"]
        ),
        progress=ctx.progress,
    )
    feeds_now = result.feeds
    if not state.empty and "verified" in state:
        before = state.set_index("feed_id")["verified"]
        kept = feeds_now["feed_id"].map(before)
        verified = feeds_now["verified"].where(feeds_now["verified"].notna(), kept)
        feeds_now = feeds_now.assign(verified=verified)
    arts = result.articles
    known = set(
        ctx.archive.query(
            "SELECT article_id FROM articles WHERE list_contains(?, article_id)",
            [arts["article_id"].astype(str).tolist()],
        )["article_id"]
    )
    # a stored fallback is replaced once its page arrives; anything else stored stays
    upgraded = arts["article_id"].isin(set(fallbacks["article_id"])) & ~is_fallback(arts)
    keep = ~arts["article_id"].isin(known) | upgraded
    new = arts[keep]
    writes = [Write("feeds", feeds_now), Write("articles", new)]
    pages = result.pages[result.pages["article_id"].isin(set(new["article_id"]))]
    if not pages.empty:
        writes.append(Write("pages", pages))
    stats = {**result.stats, "new_articles": int((keep & ~upgraded).sum())}
    stats["replaced_fallbacks"] = int(upgraded.sum())
    return writes, stats
