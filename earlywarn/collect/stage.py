"""The nightly ``collect`` stage: fetch the catalog's feeds and their new articles."""

from __future__ import annotations

from earlywarn.errors import ConfigError
from earlywarn.stage import StageContext, StageResult
from earlywarn.store import Write

__all__ = ["stage"]


def stage(ctx: StageContext) -> StageResult:
    """Collect tonight's feeds; store feed state, new articles and (optionally) raw pages."""
    from earlywarn.collect import collect
    from earlywarn.collect.catalog import load_catalog

    feeds = ctx.catalog
    if feeds is None:
        if ctx.settings.catalog is None:
            raise ConfigError(
                "no feed catalog: set catalog in the config file or pass --catalog"
            )
        feeds = load_catalog(ctx.settings.catalog)
    state = ctx.archive.table("feeds")
    result = collect(
        feeds,
        ctx.as_of,
        settings=ctx.settings.http,
        state=state,
        keep_raw_html=ctx.settings.keep_raw_html,
    )
    arts = result.articles
    known = set(ctx.archive.query("SELECT article_id FROM articles")["article_id"])
    new = arts[~arts["article_id"].isin(known)]
    writes = [Write("feeds", result.feeds), Write("articles", new)]
    pages = result.pages[~result.pages["article_id"].isin(known)]
    if not pages.empty:
        writes.append(Write("pages", pages))
    return writes, {**result.stats, "new_articles": len(new)}
