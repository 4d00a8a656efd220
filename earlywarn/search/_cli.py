"""How ``earlywarn search`` prints a result page: a table, or JSON."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
from rich.markup import escape

__all__ = ["EXPORT_MAX", "export_table", "print_results", "to_records"]

#: At most this many results go into one export (CSV/XLSX).
EXPORT_MAX = 10_000
_COLUMNS = ["rank", "score", "published", "title", "outlet", "language", "country", "url",
            "story_id", "article_id", "snippet"]  # fmt: skip

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _rich(fragment: str) -> str:
    """Escaped HTML with ``<mark>`` to rich markup (matches in bold reverse)."""
    parts = _MARK.split(fragment or "")
    return "".join(
        f"[bold reverse]{escape(html.unescape(p))}[/]" if i % 2 else escape(html.unescape(p))
        for i, p in enumerate(parts)
    )


def to_records(hits: pd.DataFrame) -> dict[str, Any]:
    """A result frame as JSON-ready data: paging figures and the rows."""
    rows = hits.assign(
        published=hits["published"].map(lambda t: None if pd.isna(t) else t.isoformat()),
        score=hits["score"].map(lambda x: None if pd.isna(x) else round(float(x), 4)),
    ).to_dict("records")
    keys = ("query", "total", "page", "pages", "per_page")
    return {**{k: hits.attrs.get(k) for k in keys}, "results": rows}


def print_results(
    hits: pd.DataFrame, console: Any, *, as_json: bool = False, locale: str = "en"
) -> None:
    """Print a page of results to a rich console; the count line in ``locale``, in the
    right number ('1 article matches', '3 articles match'), as the web search page says it."""
    from earlywarn.i18n import translations

    if as_json:
        console.print_json(json.dumps(to_records(hits), ensure_ascii=False))
        return
    a = hits.attrs
    tr = translations(locale)
    total = int(a.get("total") or 0)
    count = tr.ngettext("%(num)d article matches", "%(num)d articles match", total) % {"num": total}
    where = tr.gettext("page %(page)s of %(pages)s") % {
        "page": a.get("page", 1),
        "pages": a.get("pages", 1),
    }
    console.print(escape(f"{count}; {where}"))
    for row in hits.to_dict("records"):
        when = row["published"]
        day = "" if pd.isna(when) else pd.Timestamp(when).date().isoformat()
        meta = " · ".join(escape(str(row[k] or "")) for k in ("outlet", "language"))
        console.print(
            f"\n[bold]{row['rank']}.[/] {_rich(str(row['title_html']))}  [dim]{day} · {meta}[/]"
        )
        if row["url"]:
            console.print(f"   [dim]{escape(str(row['url']))}[/]", soft_wrap=True)
        console.print(f"   {_rich(str(row['snippet']))}", soft_wrap=True)


def export_table(
    run_page: Callable[[int, int], pd.DataFrame], limit: int = EXPORT_MAX
) -> pd.DataFrame:
    """Every result of a search (up to ``limit``) in rank order, snippets as plain text, for
    :func:`earlywarn.export.write_table`; ``run_page(page, per_page)`` runs the search."""
    frames, page = [], 1
    while True:
        frame = run_page(page, 500)
        frames.append(frame)
        if len(frame) < 500 or page * 500 >= limit:
            break
        page += 1
    out = pd.concat(frames, ignore_index=True).head(limit)
    out["snippet"] = out["snippet"].map(lambda s: html.unescape(re.sub(r"</?mark>", "", s or "")))
    return out[_COLUMNS]
