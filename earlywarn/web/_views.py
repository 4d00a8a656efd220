"""From archive frames to what the templates show: filters, plain text, safe links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from earlywarn.alerts.evidence import forecast_for
from earlywarn.alerts.rules import SEVERITIES
from earlywarn.i18n import N_
from earlywarn.labels import (
    SEVERITY_NAMES,
    STATUS_NAMES,
    alert_reason,
    alert_title,
    event_code_label,
    evidence_dict,
    language_name,
    series_label,
)
from earlywarn.report import plain_text, safe_url
from earlywarn.report._text import fmt_time

__all__ = [
    "LABELS",
    "STATUS_FILTERS",
    "InboxQuery",
    "alert_view",
    "archived_article",
    "archived_link",
    "article_rows",
    "audit_rows",
    "fmt_time",
    "inbox_rows",
]

#: Status filters of the inbox: lifecycle statuses plus ``open``, ``escalated`` and ``all``.
STATUS_FILTERS = (
    "open",
    "new",
    "acknowledged",
    "escalated",
    "reopened",
    "resolved",
    "dismissed",
    "all",
)
_CLOSED = ("resolved", "dismissed")
_ARTICLE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # as the app routes accept

#: Words the page shows for codes (statuses, severities, actions, roles), marked for
#: translation; templates show ``_(labels[code])``.
LABELS: dict[str, str] = {
    **SEVERITY_NAMES,
    **STATUS_NAMES,
    "open": N_("open"),
    "escalated": N_("escalated"),
    "all": N_("all"),
    "acknowledge": N_("Acknowledge"),
    "resolve": N_("Resolve"),
    "dismiss": N_("Dismiss as false alarm"),
    "reopen": N_("Reopen"),
    "comment": N_("Comment"),
    "viewer": N_("viewer"),
    "analyst": N_("analyst"),
    "admin": N_("admin"),
    "user.add": N_("account created"),
    "user.disable": N_("account disabled"),
    "user.enable": N_("account enabled"),
    "user.role": N_("role changed"),
    "user.password": N_("password changed"),
    "rule.disable": N_("rule switched off"),
    "rule.enable": N_("rule switched on"),
    "rule.threshold": N_("threshold changed"),
}
_SORTS = ("severity", "score", "date")


@dataclass(frozen=True)
class InboxQuery:
    """The inbox's filters and sort, validated from query parameters.

    Examples
    --------
    >>> q = InboxQuery.parse({"status": "nonsense", "severity": "high", "sort": "score"})
    >>> q.status, q.severity, q.sort, q.desc
    ('open', 'high', 'score', True)
    """

    status: str = "open"
    severity: str = ""
    as_of: str = ""
    sort: str = "severity"
    desc: bool = True

    @classmethod
    def parse(cls, params: Any) -> InboxQuery:
        status = str(params.get("status") or "open")
        severity = str(params.get("severity") or "")
        as_of = str(params.get("as_of") or "")
        sort = str(params.get("sort") or "severity")
        try:
            as_of = pd.Timestamp(as_of).date().isoformat() if as_of else ""
        except (TypeError, ValueError):
            as_of = ""
        return cls(
            status=status if status in STATUS_FILTERS else "open",
            severity=severity if severity in SEVERITIES else "",
            as_of=as_of,
            sort=sort if sort in _SORTS else "severity",
            desc=str(params.get("dir") or "desc") != "asc",
        )

    def link(self, **change: Any) -> str:
        """Query string of these filters with ``change`` applied (empty values dropped)."""
        from urllib.parse import urlencode

        values = {
            "status": self.status,
            "severity": self.severity,
            "as_of": self.as_of,
            "sort": self.sort,
            "dir": "desc" if self.desc else "asc",
        }
        values.update(change)
        return "?" + urlencode({k: v for k, v in values.items() if v})


def _status_mask(frame: pd.DataFrame, status: str) -> pd.Series:
    if status == "all":
        return pd.Series(True, index=frame.index)
    if status == "open":
        return ~frame["status"].isin(_CLOSED)
    if status == "escalated":
        return frame["escalated"].fillna(False).astype(bool) & ~frame["status"].isin(_CLOSED)
    return frame["status"] == status


def inbox_rows(
    alerts: pd.DataFrame, q: InboxQuery, locale: str = "en"
) -> tuple[list[dict[str, Any]], dict[str, int], list[str]]:
    """Filtered, sorted alerts for the inbox, counts per severity (before the severity
    filter) and the as_of dates present, newest first."""
    if alerts.empty:
        return [], dict.fromkeys(SEVERITIES, 0), []
    frame = alerts.copy()
    frame["_day"] = pd.to_datetime(frame["as_of"]).dt.strftime("%Y-%m-%d")
    dates = sorted(frame["_day"].dropna().unique(), reverse=True)
    frame = frame[_status_mask(frame, q.status)]
    if q.as_of:
        frame = frame[frame["_day"] == q.as_of]
    counts = {s: int((frame["severity"] == s).sum()) for s in SEVERITIES}
    if q.severity:
        frame = frame[frame["severity"] == q.severity]
    frame["_rank"] = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(-1)
    keys = {
        "severity": ["_rank", "score", "ds"],
        "score": ["score", "_rank", "ds"],
        "date": ["ds", "_rank", "score"],
    }[q.sort]
    frame = frame.sort_values(keys, ascending=not q.desc, kind="stable", na_position="last")
    rows = [
        {
            "id": str(r["alert_id"]),
            "severity": r["severity"] if r["severity"] in SEVERITIES else "low",
            "title": plain_text(alert_title(r, locale), 200),
            "unique_id": plain_text(r["unique_id"], 80),
            "rule": plain_text(r["rule"], 80),
            "score": float(r["score"]) if pd.notna(r["score"]) else None,
            "status": plain_text(r["status"], 20),
            "escalated": bool(r["escalated"]) if pd.notna(r["escalated"]) else False,
            "ds": fmt_time(r["ds"]),
            "as_of": r["_day"],
            "rerun_at": fmt_time(r.get("rerun_at")),
            "updated": fmt_time(r["updated_at"]),
        }
        for r in frame.to_dict("records")
    ]
    return rows, counts, [str(d) for d in dates]


def _num(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def alert_view(row: dict[str, Any], forecasts: pd.DataFrame, locale: str = "en") -> dict[str, Any]:
    """Everything the evidence page shows about one alert (text stripped, links checked)."""
    ev = evidence_dict(row.get("evidence"))
    cutoff = pd.Timestamp(row["as_of"])
    if not ev.get("forecast_band") and not forecasts.empty and ev.get("ds"):
        chart = pd.DataFrame({"ds": pd.to_datetime([p["ds"] for p in ev.get("series") or []])})
        found, band = forecast_for(
            str(row["unique_id"]), pd.Timestamp(ev["ds"]), cutoff, chart, forecasts
        )
        ev = {**ev, "forecast": ev.get("forecast") or found, "forecast_band": band}
    # the chart's title in the reader's language, as the report's (stored: English)
    ev = {
        **ev,
        "label": series_label(str(row["unique_id"]), ev.get("freq"), locale) or ev.get("label"),
    }
    anomaly = ev.get("anomaly") or {}
    fc = ev.get("forecast") or {}
    events = [
        {
            "date": fmt_time(e.get("date")),
            "source": plain_text(e.get("source_name"), 80),
            "source_country": plain_text(e.get("source_country"), 3),
            "target": plain_text(e.get("target_name"), 80),
            "target_country": plain_text(e.get("target_country"), 3),
            "code": plain_text(event_code_label(e.get("cameo_code"), locale), 160),
            "goldstein": _num(e.get("goldstein")),
            "sentence": plain_text(e.get("sentence"), 400),
            "url": safe_url(e.get("url")),
            "archived": archived_link(e.get("article_id")),
        }
        for e in ev.get("events") or []
        if isinstance(e, dict)
    ]
    notes = [plain_text(line, 600) for line in str(row.get("note") or "").splitlines()]
    episode = ev.get("episode") or {}
    return {
        "id": str(row["alert_id"]),
        "severity": row["severity"] if row["severity"] in SEVERITIES else "low",
        "title": plain_text(alert_title(row, locale), 200),
        "unique_id": plain_text(row["unique_id"], 80),
        "label": plain_text(
            series_label(str(row["unique_id"]), ev.get("freq"), locale) or ev.get("label"), 160
        ),
        "reason": plain_text(
            alert_reason({"unique_id": row["unique_id"], **ev}, str(row["rule"]), locale), 600
        ),
        "rule": plain_text(row["rule"], 80),
        "description": plain_text(ev.get("description"), 400),
        "detector": plain_text(ev.get("detector"), 40),
        "threshold": _num(ev.get("threshold")),
        "score": _num(row["score"]),
        "status": plain_text(row["status"], 20),
        "escalated": bool(ev.get("escalated")),
        "previous_severity": plain_text(ev.get("previous_severity"), 12),
        "ds": fmt_time(row["ds"]),
        "as_of": fmt_time(row["as_of"]),
        "rerun_at": fmt_time(row.get("rerun_at")),
        "created": fmt_time(row.get("created_at")),
        "updated": fmt_time(row.get("updated_at")),
        "window": {k: fmt_time(v) for k, v in (ev.get("window") or {}).items()},
        "episode": {
            "start": fmt_time(episode.get("start")),
            "end": fmt_time(episode.get("end")),
            "periods": episode.get("periods"),
        },
        "observed": _num(anomaly.get("y")),
        "expected": _num(anomaly.get("expected")),
        "forecast": {
            "model": plain_text(fc.get("model"), 40),
            "yhat": _num(fc.get("yhat")),
            "q05": _num(fc.get("q05")),
            "q95": _num(fc.get("q95")),
            "p_exceed": _num(fc.get("p_exceed")),
        }
        if fc
        else None,
        "events": events,
        "articles": article_rows(ev.get("articles") or []),
        "counts": {k: int(v) for k, v in (ev.get("counts") or {}).items() if _num(v) is not None},
        "notes": [n for n in notes if n],
        "evidence": ev,
    }


def archived_link(article_id: Any) -> str | None:
    """The review page's archived copy of an article (``/articles/ID``), if ``article_id``
    is one.

    Examples
    --------
    >>> archived_link("3f1a"), archived_link(None), archived_link("../admin")
    ('/articles/3f1a', None, None)
    """
    aid = str(article_id) if isinstance(article_id, str) else ""
    return f"/articles/{aid}" if _ARTICLE_ID.match(aid) else None


def archived_article(row: dict[str, Any], locale: str) -> dict[str, Any]:
    """A stored article as its page shows it: plain title, outlet, date, language, the
    original URL (checked) and the text in paragraphs."""
    text = str(row.get("text") or row.get("summary") or "")
    return {
        "id": plain_text(row.get("article_id"), 64),
        "title": plain_text(row.get("title") or row.get("url"), 300) or "(untitled)",
        "outlet": plain_text(row.get("outlet"), 120),
        "language": plain_text(language_name(row.get("language"), locale), 40),
        "country": plain_text(row.get("country"), 3),
        "published": fmt_time(row.get("published")),
        "fetched": fmt_time(row.get("fetched")),
        "url": safe_url(row.get("url")),
        "url_text": plain_text(row.get("url"), 300),
        "paragraphs": [p for p in (plain_text(x, 20_000) for x in text.split("\n")) if p],
    }


def article_rows(records: Any) -> list[dict[str, Any]]:
    """Articles as shown in tables: plain title, outlet, language, date, checked link to
    the publisher (``url``) and to the archived copy (``archived``)."""
    out = []
    for a in records:
        if not isinstance(a, dict):
            continue
        out.append(
            {
                "title": plain_text(a.get("title") or a.get("url"), 220) or "(untitled)",
                "url": safe_url(a.get("url")),
                "archived": archived_link(a.get("article_id")),
                "outlet": plain_text(a.get("outlet"), 80),
                "language": plain_text(a.get("language"), 12),
                "published": fmt_time(a.get("published")),
                "sentence": plain_text(a.get("sentence") or a.get("summary"), 320),
                "tone": _num(a.get("tone")),
            }
        )
    return out


def audit_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Audit entries as the page shows them (text stripped; ``at`` kept for formatting)."""
    return [
        {
            "at": fmt_time(r.get("at")),
            "username": plain_text(r.get("username"), 64),
            "role": plain_text(r.get("role"), 12),
            "action": plain_text(r.get("action"), 24),
            "alert_id": plain_text(r.get("alert_id"), 64),
            "subject": plain_text(r.get("subject"), 80),
            "before": plain_text(r.get("before"), 24),
            "after": plain_text(r.get("after"), 24),
            "comment": plain_text(r.get("comment"), 500),
        }
        for r in frame.to_dict("records")
    ]
