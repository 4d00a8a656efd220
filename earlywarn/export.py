"""Tables to CSV and Excel, and the tables a strategist downloads: inbox, evidence, focal.

:func:`table_bytes` / :func:`write_table` turn frames into a CSV file (UTF-8 with a byte
order mark, so Excel shows Vietnamese correctly) or an ``.xlsx`` workbook (openpyxl,
one sheet per frame). Both are safe to open: text that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@`` first) is kept as text, control characters are
dropped, times are UTC. The review page, ``earlywarn export`` and any other view (search
results) use these.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"title": ["Biển Đông", "=HYPERLINK(1)"], "n": [1, 2]})
>>> table_bytes(frame, "csv").decode("utf-8-sig").splitlines()
['title,n', 'Biển Đông,1', "'=HYPERLINK(1),2"]
>>> import io, openpyxl
>>> book = openpyxl.load_workbook(io.BytesIO(table_bytes({"alerts": frame}, "xlsx")))
>>> [c.value for c in book["alerts"][3]], book["alerts"]["A3"].data_type
(['=HYPERLINK(1)', 2], 's')
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._atomic import write_atomic
from earlywarn.errors import EarlywarnError, UsageError, output_file

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "evidence_table",
    "focal_articles",
    "focal_table",
    "inbox_table",
    "table_bytes",
    "write_table",
]

#: Export formats and their media types.
FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL = 32_000  # Excel's limit is 32,767 characters


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UsageError(f"export format {fmt!r} is not one of {', '.join(FORMATS)}")
    return fmt


def _plain(value: Any) -> Any:
    """A cell value: UTC-naive times, JSON for containers, None for missing."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return (
            value.tz_convert("UTC").tz_localize(None).to_pydatetime()
            if value.tzinfo
            else (value.to_pydatetime())
        )
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if hasattr(value, "tolist") and not isinstance(value, str):
        return _plain(value.tolist())
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_CELL]
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _sheets(tables: pd.DataFrame | Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    if isinstance(tables, pd.DataFrame):
        return {"data": tables}
    if not tables:
        raise EarlywarnError("nothing to export: give at least one table")
    return dict(tables)


def _csv(frame: pd.DataFrame) -> bytes:
    out = frame.copy()
    for col in out.columns:
        out[col] = [
            ("'" + v if isinstance(v, str) and v.startswith(_FORMULA) else v)
            for v in (_plain(x) for x in out[col])
        ]
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, frame in sheets.items():
        ws = book.create_sheet(title=str(name)[:31] or "data")
        header = []
        for col in frame.columns:
            cell = WriteOnlyCell(ws, value=str(col))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for record in frame.itertuples(index=False, name=None):
            row = []
            for value in record:
                v = _plain(value)
                cell = WriteOnlyCell(ws, value=v)
                if isinstance(v, str):
                    cell.data_type = "s"  # never a formula
                row.append(cell)
            ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def table_bytes(tables: pd.DataFrame | Mapping[str, pd.DataFrame], fmt: str) -> bytes:
    """``tables`` (one frame, or sheet name -> frame) as CSV or XLSX bytes.

    CSV holds one table: several are stacked with a ``table`` column first.
    """
    sheets = _sheets(tables)
    if _check_format(fmt) == "xlsx":
        return _xlsx(sheets)
    if len(sheets) == 1:
        return _csv(next(iter(sheets.values())))
    stacked = pd.concat(
        [f.assign(table=name) for name, f in sheets.items()], ignore_index=True, sort=False
    )
    return _csv(stacked[["table", *[c for c in stacked.columns if c != "table"]]])


def write_table(
    tables: pd.DataFrame | Mapping[str, pd.DataFrame], path: str | Path, fmt: str | None = None
) -> Path:
    """Write ``tables`` to ``path`` as CSV or XLSX (``fmt`` defaults to the file's suffix).

    A file is replaced whole (written beside it, then renamed); a symbolic link's target
    is; a device or a pipe (``/dev/stdout``) is written into.
    """
    out = output_file(path, "results.csv")
    fmt = fmt or out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise UsageError(
            f"export format {fmt!r} of {out} is not one of {', '.join(FORMATS)}: "
            f"give a file name ending in {' or '.join('.' + f for f in FORMATS)}"
        )
    data = table_bytes(tables, fmt)
    (out.resolve() if out.is_symlink() else out).parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(out, data)


# -- what is exported -----------------------------------------------------------------


def inbox_table(alerts: pd.DataFrame, locale: str = "en") -> pd.DataFrame:
    """Alerts as the inbox lists them, with the series in words and the alert's reason
    (``rerun_at``: when an alert first raised by a forced rerun of its night was raised,
    given a ``rerun_at`` column, see :data:`earlywarn.ledger.RERUN_AT`)."""
    from earlywarn.labels import alert_reason, evidence_dict, series_label

    rows = []
    for r in alerts.to_dict("records"):
        ev = evidence_dict(r.get("evidence"))
        ev.setdefault("unique_id", r.get("unique_id"))
        rows.append(
            {
                "alert_id": r.get("alert_id"),
                "severity": r.get("severity"),
                "status": r.get("status"),
                "title": r.get("title"),
                "series": series_label(str(r.get("unique_id")), ev.get("freq"), locale),
                "unique_id": r.get("unique_id"),
                "rule": r.get("rule"),
                "period": r.get("ds"),
                "as_of": r.get("as_of"),
                # first raised by a forced rerun of its night, at this time (else empty)
                "rerun_at": r.get("rerun_at"),
                "score": r.get("score"),
                "escalated": bool(ev.get("escalated")),
                "reason": alert_reason(ev, str(r.get("rule")), locale) if ev else "",
                "updated_at": r.get("updated_at"),
                "note": r.get("note"),
            }
        )
    return pd.DataFrame(rows, columns=None if rows else ["alert_id"])


def evidence_table(alert: Mapping[str, Any], locale: str = "en") -> dict[str, pd.DataFrame]:
    """An alert's evidence pack: ``alert`` (one row), ``events`` and ``articles`` tables."""
    from earlywarn.labels import (
        cameo_name,
        country_name,
        dataset_label,
        evidence_dict,
        language_name,
    )

    ev = evidence_dict(alert.get("evidence"))
    events = pd.DataFrame(
        [
            {
                "date": e.get("date"),
                "source": e.get("source_name"),
                "source_country": e.get("source_country"),
                "source_country_name": country_name(e.get("source_country"), locale),
                "target": e.get("target_name"),
                "target_country": e.get("target_country"),
                "target_country_name": country_name(e.get("target_country"), locale),
                "cameo_code": e.get("cameo_code"),
                "cameo_name": cameo_name(e.get("cameo_code")),
                "goldstein": e.get("goldstein"),
                "dataset": dataset_label(e.get("origin")),
                "sentence": e.get("sentence"),
                "url": e.get("url"),
            }
            for e in ev.get("events") or []
            if isinstance(e, dict)
        ],
        columns=["date", "source", "source_country", "source_country_name", "target",
                 "target_country", "target_country_name", "cameo_code", "cameo_name",
                 "goldstein", "dataset", "sentence", "url"],
    )  # fmt: skip
    articles = pd.DataFrame(
        [
            {
                "published": a.get("published"),
                "title": a.get("title"),
                "outlet": a.get("outlet"),
                "language": a.get("language"),
                "language_name": language_name(a.get("language"), locale),
                "sentence": a.get("sentence") or a.get("summary"),
                "url": a.get("url"),
            }
            for a in ev.get("articles") or []
            if isinstance(a, dict)
        ],
        columns=["published", "title", "outlet", "language", "language_name", "sentence", "url"],
    )
    head = inbox_table(pd.DataFrame([dict(alert)]), locale)
    return {"alert": head, "events": events, "articles": articles}


def focal_articles(archive: Any, country: str) -> pd.DataFrame:
    """Canonical articles mentioning ``country`` with their tone, newest first.

    A country the nightly ``focal`` stage tags (the focal country and its peers: rows in
    table ``perception``) takes the articles that tagger found it in, as its series do
    (:func:`earlywarn.series.country_mentions`); any other country the gazetteer's mentions
    and the coded events naming it.
    """
    sql = """
        WITH tagged AS (SELECT count(*) > 0 AS yes FROM perception WHERE country = ?),
        ids AS (
            SELECT article_id FROM perception WHERE country = ? AND count > 0
            UNION
            SELECT article_id FROM mentions
            WHERE (entity = ? OR country = ?) AND NOT (SELECT yes FROM tagged)
            UNION
            SELECT article_id FROM events
            WHERE article_id IS NOT NULL AND (source_country = ? OR target_country = ?)
              AND NOT (SELECT yes FROM tagged)
        )
        SELECT a.article_id, a.url, a.outlet, a.title, a.summary, a.language,
               a.published, t.tone
        FROM articles a JOIN ids USING (article_id)
        LEFT JOIN tone t USING (article_id)
        WHERE a.duplicate_of IS NULL
        ORDER BY a.published DESC NULLS LAST
    """
    return archive.query(sql, [country] * 6)  # type: ignore[no-any-return]


def focal_table(articles: pd.DataFrame, locale: str = "en") -> pd.DataFrame:
    """The focal view's articles for download (language names in ``locale``)."""
    from earlywarn.labels import language_name

    cols = ["published", "title", "outlet", "language", "summary", "tone", "url", "article_id"]
    out = articles.reindex(columns=cols).copy()
    out.insert(4, "language_name", [language_name(x, locale) for x in out["language"]])
    return out
