"""The review page's search: ``earlywarn.search.search`` with paging, filters, highlights,
and the results exported as CSV or XLSX (through :mod:`earlywarn.export`).

The index (``<archive>.search/``) is read without opening the DuckDB archive, so search
keeps answering while the nightly job writes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from earlywarn.report import plain_text, safe_url
from earlywarn.search import SORTS, SearchIndex, index_path, search
from earlywarn.search._cli import EXPORT_MAX, export_table
from earlywarn.web._views import archived_link

__all__ = [
    "EXPORT_MAX",
    "PER_PAGE",
    "SearchForm",
    "export_frame",
    "open_index",
    "page_links",
    "result_rows",
]

PER_PAGE = 20
_ISO3 = re.compile(r"^[A-Za-z]{3}(,[A-Za-z]{3})*$")
_FIELDS = ("q", "lang", "country", "outlet", "mentions", "since", "until", "events", "sort")


class SearchForm:
    """The search form's values from a query string, checked; ``errors`` says what was not."""

    def __init__(self, params: Mapping[str, str]) -> None:
        get = {k: str(params.get(k) or "").strip()[:200] for k in _FIELDS}
        self.values = get
        self.errors: list[str] = []
        self.q = get["q"]
        self.sort = get["sort"] if get["sort"] in SORTS else "relevance"
        try:
            self.page = min(max(int(params.get("page") or 1), 1), 10_000)
        except ValueError:
            self.page = 1
        self.filters: dict[str, Any] = {}
        for key in ("lang", "outlet"):
            if get[key]:
                self.filters[key] = get[key]
        for key in ("country", "mentions"):
            if get[key]:
                if _ISO3.match(get[key]):
                    self.filters[key] = get[key].upper()
                else:
                    self.errors.append(f"{key}: give ISO3 codes such as VNM or VNM,CHN")
        for key in ("since", "until"):
            if get[key]:
                try:
                    self.filters[key] = date.fromisoformat(get[key])
                except ValueError:
                    self.errors.append(f"{key}: give a date as YYYY-MM-DD")
        if get["events"] in ("yes", "no"):
            self.filters["has_events"] = get["events"] == "yes"

    def url(self, path: str = "/search", **change: Any) -> str:
        """This search's URL with some values changed (e.g. ``page=2``)."""
        values = {**self.values, "sort": self.sort, "page": self.page, **change}
        return f"{path}?" + urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def run(
        self, index: SearchIndex, page: int | None = None, per_page: int = PER_PAGE
    ) -> pd.DataFrame:
        """The results page (raises SearchError for a query that cannot run)."""
        return search(
            self.q, index=index, sort=self.sort, page=page or self.page, per_page=per_page,
            **self.filters,
        )  # fmt: skip


def page_links(page: int, pages: int) -> list[int | None]:
    """Page numbers to link: the first, the last and two either side (None for a gap).

    Examples
    --------
    >>> page_links(6, 20)
    [1, None, 4, 5, 6, 7, 8, None, 20]
    """
    near = {1, pages, *range(page - 2, page + 3)}
    links: list[int | None] = []
    for p in sorted(p for p in near if 1 <= p <= pages):
        if links and p - (links[-1] or 0) > 1:
            links.append(None)
        links.append(p)
    return links


def open_index(archive: Any) -> SearchIndex:
    """The archive's search index (SearchError says how to build it if there is none)."""
    return SearchIndex.open(index_path(archive))


def result_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Results as the template shows them; ``title_html`` and ``snippet`` are already escaped
    HTML with ``<mark>`` (made by earlywarn.search from plain text), the rest is plain."""
    out = []
    for r in frame.to_dict("records"):
        out.append(
            {
                "rank": int(r["rank"]),
                "title_html": r["title_html"] or html.escape(str(r["url"] or "(untitled)")),
                "snippet": r["snippet"],
                "url": safe_url(r["url"]),
                "archived": archived_link(r.get("article_id")),
                "outlet": plain_text(r["outlet"], 80),
                "language": plain_text(r["language"], 12),
                "country": plain_text(r["country"], 3),
                "published": r["published"],
                "story_id": plain_text(r["story_id"], 64),
            }
        )
    return out


def export_frame(form: SearchForm, index: SearchIndex) -> pd.DataFrame:
    """Every result of the search (up to :data:`EXPORT_MAX`), plain text, in rank order,
    for :func:`earlywarn.export.table_bytes` (which keeps formulas out of the cells)."""
    return export_table(lambda page, per: form.run(index, page=page, per_page=per), EXPORT_MAX)
