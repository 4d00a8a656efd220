"""``search``: one function behind the Python API, the CLI and the review page."""

from __future__ import annotations

import math
import os
from typing import Any

import pandas as pd

from earlywarn.errors import SearchError, SearchQueryError
from earlywarn.search._highlight import Terms, highlight, snippet
from earlywarn.search._index import STORED, SearchIndex, index_path, stored_fields
from earlywarn.search._query import compile_query, parse_query, segment_runs

__all__ = ["COLUMNS", "SORTS", "search"]

SORTS = ("relevance", "date")
#: The stored fields a result shows as they are (``body`` only through its snippet).
_SHOWN = [f for f in STORED if f != "body"]
#: The columns of a result frame, in order.
COLUMNS = [
    "rank",
    "score",
    "article_id",
    *_SHOWN,
    "title_html",
    "snippet",
]
MAX_PER_PAGE = 500


def _open(archive: Any, index: Any) -> SearchIndex:
    if isinstance(index, SearchIndex):
        return index
    if index is not None:
        return SearchIndex.open(index)
    if archive is None:
        from earlywarn.config import load_settings

        archive = load_settings().archive
    path = getattr(archive, "path", archive)
    return SearchIndex.open(index_path(os.fspath(path)))


def search(
    query: str,
    *,
    archive: Any = None,
    index: Any = None,
    since: Any = None,
    until: Any = None,
    lang: str | list[str] | None = None,
    country: str | list[str] | None = None,
    outlet: str | list[str] | None = None,
    mentions: str | list[str] | None = None,
    story: str | None = None,
    has_events: bool | None = None,
    duplicates: bool = False,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    segment: bool = False,
    snippet_chars: int = 240,
) -> pd.DataFrame:
    """Search the archive's articles, best first (or newest first), one page at a time.

    Parameters
    ----------
    query : str
        Words (all must match; accents, case and tone-mark placement optional, accented
        matches rank first), ``"quoted phrases"``, ``a OR b``, ``-excluded``.
    archive : path or Archive, optional
        The archive whose index (``<archive>.search/``) to search; default from settings.
    index : path or SearchIndex, optional
        The index itself, instead of ``archive``.
    since, until : date or str, optional
        Publication date range, inclusive (``YYYY-MM-DD``).
    lang, country, outlet, mentions : str or list of str, optional
        Article language (``vi``), source country (ISO3 of the outlet), outlet, and
        countries the article mentions (ISO3); a list or comma-separated string is any of.
    story : str, optional
        Only articles of this story.
    has_events : bool, optional
        Only articles with (True) or without (False) coded events.
    duplicates : bool
        Include near-duplicate copies (default: canonical articles only).
    sort : {"relevance", "date"}
    page, per_page : int
        Which page (from 1) of how many results.
    segment : bool
        Segment unquoted Vietnamese words with underthesea and require multi-syllable
        words as phrases (slower to start; see the README for what it changes).
    snippet_chars : int
        Snippet length.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`; ``title_html`` and ``snippet`` are escaped HTML with ``<mark>``.
        ``attrs`` holds ``total`` (all matches), ``page``, ``pages``, ``per_page``.

    Raises
    ------
    SearchError
        No index (build it with ``earlywarn search --rebuild``), or a bad query or filter.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from earlywarn.search import SearchIndex
    >>> idx = SearchIndex.open(tempfile.mkdtemp() + "/ix", create=True)
    >>> idx.upsert([{"article_id": "a1", "title": "Tàu lạ ở Biển Đông", "language": "vi",
    ...              "published": pd.Timestamp("2019-11-20", tz="UTC")}])
    1
    >>> hits = search("bien dong", index=idx)
    >>> hits[["article_id", "title_html"]].values.tolist()
    [['a1', 'Tàu lạ ở <mark>Biển</mark> <mark>Đông</mark>']]
    >>> hits.attrs["total"]
    1
    """
    import tantivy

    if sort not in SORTS:
        raise SearchQueryError(f"sort must be one of {SORTS}, got {sort!r}")
    if not isinstance(page, int) or page < 1:
        raise SearchQueryError(f"page must be a whole number from 1, got {page!r}")
    if not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise SearchQueryError(f"per_page must be from 1 to {MAX_PER_PAGE}, got {per_page!r}")
    idx = _open(archive, index)
    parsed = parse_query(query or "")
    if segment:
        parsed = segment_runs(parsed)
    searcher = idx.searcher()
    filters = {
        "since": since,
        "until": until,
        "lang": lang,
        "country": country,
        "outlet": outlet,
        "mentions": mentions,
        "story": story,
        "has_events": has_events,
        "duplicates": duplicates,
    }
    q = compile_query(parsed, idx.index.schema, searcher, filters, proximity=sort == "relevance")
    offset = (page - 1) * per_page
    kwargs: dict[str, Any] = {"limit": per_page, "offset": offset, "count": True}
    if sort == "date":
        kwargs.update(order_by_field="published", order=tantivy.Order.Desc)
    try:
        # tantivy allocates offset + limit slots before it looks at a document: a page far
        # past the last (--page 400000000) asked for 64 GB and aborted the process (or the
        # review page's server); past the matches, only the count is asked for
        total = searcher.search(q, limit=1, count=True).count if offset else None
        hits: list[Any] | None = [] if total is not None and offset >= total else None
        if hits is None:
            result = searcher.search(q, **kwargs)
            hits, total = result.hits, result.count
    except ValueError as exc:
        raise SearchError(f"search failed: {exc}") from exc
    terms = Terms(parsed.terms)
    rows = []
    for i, (key, address) in enumerate(hits):
        doc = searcher.doc(address)
        stored = stored_fields(doc)
        rows.append(
            {
                "rank": (page - 1) * per_page + i + 1,
                "score": float(key) if sort == "relevance" else math.nan,
                "article_id": doc["id"][0],
                **{c: stored.get(c) for c in _SHOWN},
                "title_html": highlight(stored.get("title"), terms),
                "snippet": snippet(stored["body"], terms, snippet_chars),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["published"] = pd.to_datetime(frame["published"], utc=True, format="ISO8601")
    total = int(total or 0)
    frame.attrs.update(
        total=total,
        page=page,
        per_page=per_page,
        pages=max(1, math.ceil(total / per_page)),
        query=query,
    )
    return frame
