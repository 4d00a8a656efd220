"""``render_report``: one self-contained, offline HTML report of a nightly run."""

from __future__ import annotations

import html
import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nh3
import pandas as pd

from earlywarn import __version__
from earlywarn._log import get_logger
from earlywarn.alerts.evidence import country_name, forecast_for
from earlywarn.alerts.rules import SEVERITIES
from earlywarn.report._charts import bar_chart, evidence_chart, line_chart

__all__ = ["plain_text", "render_report", "safe_url"]

log = get_logger(__name__)

_MAX_ALERT_CHARTS = 60


def safe_url(url: Any) -> str | None:
    """``url`` if it is an absolute http(s) URL without control characters, else None.

    Examples
    --------
    >>> safe_url("https://vnexpress.net/a?b=1"), safe_url("javascript:alert(1)")
    ('https://vnexpress.net/a?b=1', None)
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if any(ord(c) < 32 or c in "<>\"'`" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def plain_text(value: Any, limit: int = 400) -> str:
    """Text with every HTML tag removed (nh3), entities decoded, cut to ``limit`` chars.

    The result is plain text: the template escapes it on output.

    Examples
    --------
    >>> plain_text("<b>Protest</b> in <script>x()</script>Hà Nội &amp; more")
    'Protest in Hà Nội & more'
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = html.unescape(nh3.clean(str(value), tags=set(), clean_content_tags={"script", "style"}))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fmt_time(value: Any) -> str:
    if value is None or value is pd.NaT:
        return ""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    if ts is pd.NaT:
        return ""
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC")
    if ts.hour == ts.minute == ts.second == 0:
        return ts.strftime("%Y-%m-%d")
    return ts.strftime("%Y-%m-%d %H:%M") + (" UTC" if ts.tzinfo is not None else "")


def _with_forecast(
    ev: dict[str, Any], forecasts: pd.DataFrame | None, cutoff: pd.Timestamp
) -> dict[str, Any]:
    """Fill the evidence's forecast from ``forecasts`` when the alert was made without it."""
    if ev.get("forecast_band") or forecasts is None or forecasts.empty or not ev.get("ds"):
        return ev
    chart = pd.DataFrame({"ds": pd.to_datetime([p["ds"] for p in ev.get("series") or []])})
    row, band = forecast_for(
        str(ev.get("unique_id")), pd.Timestamp(ev["ds"]), cutoff, chart, forecasts
    )
    return {**ev, "forecast": ev.get("forecast") or row, "forecast_band": band}


def _alerts(
    alerts: pd.DataFrame, forecasts: pd.DataFrame | None = None, cutoff: pd.Timestamp | None = None
) -> list[dict[str, Any]]:
    if alerts is None or alerts.empty:
        return []
    frame = alerts.copy()
    frame["_rank"] = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(-1)
    frame["_open"] = ~frame["status"].isin(["resolved", "dismissed"])
    frame = frame.sort_values(["_open", "_rank", "score"], ascending=False)
    out = []
    for i, row in enumerate(frame.to_dict("records")):
        try:
            ev = (
                json.loads(row["evidence"])
                if isinstance(row["evidence"], str)
                else dict(row["evidence"] or {})
            )
        except (TypeError, ValueError):
            ev = {}
        if cutoff is not None:
            ev = _with_forecast(ev, forecasts, cutoff)
        div = f"chart-{i}"
        chart = evidence_chart(ev, div) if ev.get("series") and i < _MAX_ALERT_CHARTS else ""
        events = [
            {
                "date": _fmt_time(e.get("date")),
                "actors": plain_text(
                    f"{e.get('source_name') or ''} → {e.get('target_name') or ''}", 160
                ),
                "code": plain_text(e.get("cameo_code"), 8),
                "goldstein": e.get("goldstein"),
                "sentence": plain_text(e.get("sentence"), 300),
                "url": safe_url(e.get("url")),
            }
            for e in ev.get("events") or []
        ]
        articles = [
            {
                "title": plain_text(a.get("title") or a.get("url"), 200),
                "url": safe_url(a.get("url")),
                "outlet": plain_text(a.get("outlet"), 80),
                "language": plain_text(a.get("language"), 12),
                "published": _fmt_time(a.get("published")),
                "sentence": plain_text(a.get("sentence"), 300),
            }
            for a in ev.get("articles") or []
        ]
        anomaly = ev.get("anomaly") or {}
        out.append(
            {
                "id": plain_text(row["alert_id"], 64),
                "anchor": f"alert-{i}",
                "severity": row["severity"] if row["severity"] in SEVERITIES else "low",
                "title": plain_text(row["title"], 200),
                "unique_id": plain_text(row["unique_id"], 80),
                "label": plain_text(ev.get("label"), 120),
                "rule": plain_text(row["rule"], 80),
                "score": float(row["score"]) if pd.notna(row["score"]) else None,
                "status": plain_text(row["status"], 20),
                "ds": _fmt_time(row["ds"]),
                "y": anomaly.get("y"),
                "expected": anomaly.get("expected"),
                "forecast": ev.get("forecast"),
                "escalated": bool(ev.get("escalated")),
                "episode": ev.get("episode") or {},
                "note": plain_text(row.get("note"), 600),
                "chart": chart,
                "events": events,
                "articles": articles,
                "counts": ev.get("counts") or {},
            }
        )
    return out


def _focal_articles(
    articles: pd.DataFrame, events: pd.DataFrame, mentions: pd.DataFrame | None, focal: str
) -> pd.DataFrame:
    if articles is None or articles.empty:
        return pd.DataFrame(columns=["article_id", "outlet", "language", "published"])
    ids: set[Any] = set()
    if mentions is not None and not mentions.empty:
        ids |= set(
            mentions.loc[
                (mentions["entity"] == focal) | (mentions.get("country") == focal), "article_id"
            ]
        )
    if events is not None and not events.empty and "article_id" in events:
        hit = pd.Series(False, index=events.index)
        for col in ("source_country", "target_country"):
            if col in events:
                hit |= events[col].eq(focal).fillna(False).astype(bool)
        ids |= set(events.loc[hit.to_numpy(), "article_id"].dropna())
    if not ids and "country" in articles:
        return articles[articles["country"] == focal]
    return articles[articles["article_id"].isin(ids)]


def _top_stories(
    articles: pd.DataFrame, stories: pd.DataFrame | None, n: int = 12
) -> list[dict[str, Any]]:
    if articles is None or articles.empty:
        return []
    arts = articles.copy()
    if stories is not None and not stories.empty:
        arts = arts.merge(stories[["article_id", "story_id"]], on="article_id", how="left")
    else:
        arts["story_id"] = arts.get("duplicate_of")
    arts["story_id"] = arts["story_id"].fillna(arts["article_id"])
    out = []
    for sid, g in arts.groupby("story_id"):
        outlets = set(g["outlet"].dropna()) if "outlet" in g else set()
        for extra in g.get("outlets", pd.Series(dtype=object)).dropna():
            if isinstance(extra, (list, tuple)) or hasattr(extra, "tolist"):
                outlets |= {str(o) for o in list(extra)}
        rep = g.sort_values("published").iloc[0]
        out.append(
            {
                "story": str(sid),
                "title": plain_text(rep.get("title") or rep.get("url"), 200),
                "url": safe_url(rep.get("url")),
                "articles": len(g),
                "outlets": len(outlets),
                "languages": ", ".join(sorted(map(str, g["language"].dropna().unique())))
                if "language" in g
                else "",
                "published": _fmt_time(rep.get("published")),
            }
        )
    out.sort(key=lambda s: (s["outlets"], s["articles"], s["published"]), reverse=True)
    return out[:n]


def _edges(edges: pd.DataFrame, as_of: pd.Timestamp, n: int = 15) -> list[dict[str, Any]]:
    if edges is None or edges.empty:
        return []
    e = edges.copy()
    if "as_of" in e:
        made = pd.to_datetime(e["as_of"])
        e = e[made <= as_of]
        if e.empty:
            return []
        e = e[pd.to_datetime(e["as_of"]) == pd.to_datetime(e["as_of"]).max()]
    e = e.sort_values("weight", ascending=False).head(n)
    return [
        {
            "kind": plain_text(r.get("kind"), 30),
            "source": plain_text(r.get("source"), 80),
            "target": plain_text(r.get("target"), 80),
            "weight": r.get("weight"),
            "n_events": r.get("n_events"),
            "goldstein_mean": r.get("goldstein_mean"),
        }
        for r in e.to_dict("records")
    ]


def _stats(stats: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]], dict[str, Any]]:
    """Stages x metrics table from either ``{stage: {metric: v}}`` or ``{metric: {stage: v}}``."""
    stats = dict(stats or {})
    nested = {k: v for k, v in stats.items() if isinstance(v, dict)}
    flat = {k: v for k, v in stats.items() if not isinstance(v, dict)}
    metric_keys = {"rows", "seconds", "time", "status", "error"}
    if nested and set(nested) <= metric_keys:  # {metric: {stage: value}}
        stages: dict[str, dict[str, Any]] = {}
        for metric, per_stage in nested.items():
            for stage, v in per_stage.items():
                stages.setdefault(str(stage), {})[metric] = v
    else:
        stages = {str(k): dict(v) for k, v in nested.items()}
    metrics = sorted({m for v in stages.values() for m in v})
    rows = [{"stage": s, **{m: _fmt_stat(v.get(m)) for m in metrics}} for s, v in stages.items()]
    return metrics, rows, {k: _fmt_stat(v) for k, v in flat.items()}


def _fmt_stat(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_fmt_stat(x)}" for k, x in v.items())
    return plain_text(v, 200)


def render_report(
    path: str | Path,
    *,
    as_of: date | datetime | str,
    alerts: pd.DataFrame,
    series: pd.DataFrame,
    forecasts: pd.DataFrame,
    anomalies: pd.DataFrame,
    articles: pd.DataFrame,
    events: pd.DataFrame,
    edges: pd.DataFrame,
    stats: dict[str, Any],
    focal_country: str = "VNM",
    mentions: pd.DataFrame | None = None,
    stories: pd.DataFrame | None = None,
    health: pd.DataFrame | None = None,
) -> Path:
    """Write the run's report to ``path``: one HTML file, plotly.js inlined, no URL loaded.

    Sections: header (``as_of``, run stats per stage: ``stats`` is ``{stage: {"rows": n,
    "seconds": s}}`` or ``{"rows": {stage: n}, "seconds": {stage: s}}``, plain values are
    listed as well), the alert inbox with each alert's evidence pack (chart with forecast
    band and the anomaly marked, top events, linked articles), the focal country (coverage
    by language and outlet, coverage and tone over time), top stories and the network's
    top edges. Every text is stripped of HTML (nh3) and escaped; only http(s) URLs are
    linked. ``mentions``/``stories`` are optional and refine the focal view and stories.

    Returns
    -------
    Path
        The written file.
    """
    from importlib.resources import files

    import jinja2
    from plotly.offline import get_plotlyjs

    cutoff = pd.Timestamp(as_of)
    cutoff = cutoff.tz_convert("UTC").tz_localize(None) if cutoff.tzinfo else cutoff
    alert_items = _alerts(alerts, forecasts, cutoff)
    counts = {
        s: sum(
            a["severity"] == s and a["status"] not in ("resolved", "dismissed") for a in alert_items
        )
        for s in SEVERITIES
    }

    focal = _focal_articles(articles, events, mentions, focal_country)
    charts: dict[str, str] = {}
    if not focal.empty:
        for col, title in (("language", "by language"), ("outlet", "by outlet (top 15)")):
            if col in focal:
                top = focal[col].fillna("unknown").astype(str).value_counts().head(15)
                charts[col] = bar_chart(
                    [plain_text(x, 40) for x in top.index],
                    top.astype(float).tolist(),
                    f"Articles about {country_name(focal_country)} {title}",
                    f"focal-{col}",
                )
    ser = series.copy() if series is not None else pd.DataFrame(columns=["unique_id", "ds", "y"])
    ser["ds"] = pd.to_datetime(ser["ds"])
    ser = ser[ser["ds"] <= cutoff]
    for kind, color in (("cov", "#2563eb"), ("tone", "#b45309")):
        own = ser[ser["unique_id"] == f"{kind}:{focal_country}"].sort_values("ds").tail(120)
        if not own.empty:
            what = "Articles mentioning" if kind == "cov" else "Mean tone of articles about"
            charts[kind] = line_chart(
                own, "ds", "y", f"{what} {country_name(focal_country)}", f"focal-{kind}", color
            )
    metrics, stage_rows, flat = _stats(stats)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(files("earlywarn.report").joinpath("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    page = env.get_template("report.html.j2").render(
        as_of=cutoff.strftime("%Y-%m-%d"),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
        focal=focal_country,
        focal_name=country_name(focal_country),
        alerts=alert_items,
        counts=counts,
        severities=SEVERITIES,
        metrics=metrics,
        stage_rows=stage_rows,
        flat_stats=flat,
        health=[] if health is None else health.sort_values(["status", "check"]).to_dict("records"),
        charts=charts,
        focal_articles=len(focal),
        stories=_top_stories(articles, stories),
        edges=_edges(edges, cutoff),
        n_series=int(ser["unique_id"].nunique()),
        n_anomalies=int(anomalies["is_anomaly"].sum())
        if anomalies is not None and "is_anomaly" in anomalies
        else 0,
        plotly_js=get_plotlyjs(),
    )
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    log.info("report written to %s (%d alerts)", out, len(alert_items))
    return out
