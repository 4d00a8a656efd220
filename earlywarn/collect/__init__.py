"""The collect stage: feed catalogs, the hardened HTTP client, feed parsing, article extraction.

The pipeline calls :func:`collect` with the catalog (:func:`load_catalog`) and ``as_of``;
it returns frames shaped like the ``articles`` and ``feeds`` tables.
"""

from __future__ import annotations

from earlywarn.collect._run import CollectResult, check_feeds, collect
from earlywarn.collect.articles import Article, detect_language, extract_article
from earlywarn.collect.catalog import Feed, load_catalog, save_opml, save_yaml
from earlywarn.collect.dedup import mark_duplicates
from earlywarn.collect.feeds import Entry, parse_feed
from earlywarn.collect.http import HttpClient

__all__ = [
    "Article",
    "CollectResult",
    "Entry",
    "Feed",
    "HttpClient",
    "check_feeds",
    "collect",
    "detect_language",
    "extract_article",
    "load_catalog",
    "mark_duplicates",
    "parse_feed",
    "save_opml",
    "save_yaml",
]
