"""``render_report``: one offline HTML report of a nightly run, readable on a phone."""

from __future__ import annotations

from datetime import date, datetime, timezone
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn import __version__
from earlywarn._atomic import write_atomic
from earlywarn._log import get_logger
from earlywarn.alerts.evidence import forecast_for
from earlywarn.alerts.rules import SEVERITIES
from earlywarn.health import gate_state
from earlywarn.labels import (
    alert_reason,
    alert_title,
    country_label,
    country_name,
    dataset_label,
    edge_kind_label,
    event_code_label,
    evidence_dict,
    language_name,
    number,
    rarity,
    score_kind,
    series_label,
)
from earlywarn.report._text import fmt_time as _fmt_time
from earlywarn.report._text import plain_text, safe_url
from earlywarn.report._watch import watch_list
from earlywarn.report.charts import evidence_figure, trend_figure
from earlywarn.report.track import track_section

__all__ = ["render_report", "write_scripts"]

log = get_logger(__name__)

_MAX_ALERT_CHARTS = 60


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
    alerts: pd.DataFrame,
    forecasts: pd.DataFrame | None = None,
    cutoff: pd.Timestamp | None = None,
    locale: str = "en",
) -> list[dict[str, Any]]:
    if alerts is None or alerts.empty:
        return []
    frame = alerts.copy()
    frame["_rank"] = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(-1)
    frame["_open"] = ~frame["status"].isin(["resolved", "dismissed"])
    frame = frame.sort_values(["_open", "_rank", "score"], ascending=False)
    out = []
    for i, row in enumerate(frame.to_dict("records")):
        ev = evidence_dict(row["evidence"])
        if cutoff is not None:
            ev = _with_forecast(ev, forecasts, cutoff)
        freq = ev.get("freq")
        ev.setdefault("unique_id", row["unique_id"])
        ev["label"] = series_label(str(row["unique_id"]), freq, locale)
        chart = evidence_figure(ev, locale) if ev.get("series") and i < _MAX_ALERT_CHARTS else None
        events = [
            {
                "date": _fmt_time(e.get("date")),
                "actors": plain_text(
                    f"{_actor(e, 'source', locale)} → {_actor(e, 'target', locale)}", 200
                ),
                "code": plain_text(event_code_label(e.get("cameo_code"), locale), 160),
                "goldstein": e.get("goldstein"),
                "dataset": dataset_label(e.get("origin"), locale),
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
                "language": plain_text(language_name(a.get("language"), locale), 40),
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
                "title": plain_text(alert_title(row, locale), 200),
                "unique_id": plain_text(row["unique_id"], 80),
                "label": plain_text(series_label(str(row["unique_id"]), freq, locale), 160),
                "reason": plain_text(alert_reason(ev, str(row["rule"]), locale), 600),
                "rarity": rarity(
                    anomaly.get("score", row["score"]),
                    freq,
                    score_kind(ev.get("detector")),
                    locale,
                ),
                "rule": plain_text(row["rule"], 80),
                "score": float(row["score"]) if pd.notna(row["score"]) else None,
                "status": plain_text(row["status"], 20),
                "ds": _fmt_time(row["ds"]),
                "rerun_at": _fmt_time(row.get("rerun_at")),
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


def _actor(event: dict[str, Any], side: str, locale: str = "en") -> str:
    name = str(event.get(f"{side}_name") or "")
    country = event.get(f"{side}_country")
    where = country_name(country, locale) if country else ""
    if where and where.lower() not in name.lower():
        return f"{name} ({where})" if name else where
    return name or "?"


def _top_stories(
    articles: pd.DataFrame, stories: pd.DataFrame | None, n: int = 12, locale: str = "en"
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
                "languages": ", ".join(
                    sorted(language_name(x, locale) for x in g["language"].dropna().unique())
                )
                if "language" in g
                else "",
                "published": _fmt_time(rep.get("published")),
            }
        )
    out.sort(key=lambda s: (s["outlets"], s["articles"], s["published"]), reverse=True)
    return out[:n]


def _edges(
    edges: pd.DataFrame, as_of: pd.Timestamp, n: int = 15, locale: str = "en"
) -> list[dict[str, Any]]:
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
            "kind": plain_text(edge_kind_label(r.get("kind"), locale), 60),
            "source": plain_text(_node(r.get("source"), locale), 80),
            "target": plain_text(_node(r.get("target"), locale), 80),
            "weight": r.get("weight"),
            "n_events": r.get("n_events"),
            "goldstein_mean": r.get("goldstein_mean"),
        }
        for r in e.to_dict("records")
    ]


def _node(value: Any, locale: str = "en") -> str:
    text = str(value or "")
    if len(text) == 3 and text.isupper():
        return country_label(text, locale)
    from earlywarn.network.actors import node_label

    return node_label(text, locale) if text.startswith(("PER:", "ORG:")) else text


def _ego(
    network: pd.DataFrame | None, focal: str, charts: dict[str, Any], locale: str, n: int = 12
) -> list[dict[str, Any]]:
    """The focal country's strongest ties in the week's slice (``network``: its edges);
    the ego-network figure goes into ``charts["network"]``."""
    if network is None or network.empty:
        return []
    from earlywarn.network import ego_figure, ego_metrics, to_graph

    fig = ego_figure(network, focal, locale=locale)
    if fig:
        charts["network"] = fig
    m = ego_metrics(to_graph(network, "all"), focal).head(n)
    vi = str(locale).startswith("vi")
    from earlywarn.i18n import translations

    tr = translations(locale).gettext
    kinds = {"country": tr("country"), "person": tr("person"), "org": tr("organisation")}
    return [
        {
            "name": plain_text(r["label_vi"] if vi else r["label_en"], 80),
            "kind": kinds.get(r["kind"], r["kind"]),
            "events": int(r["n_events"]),
            "articles": int(r["n_articles"]),
            "same": bool(r["same_community"]),
        }
        for r in m.to_dict("records")
    ]


def _stats(
    stats: dict[str, Any], locale: str = "en"
) -> tuple[list[str], list[dict[str, Any]], dict[str, Any]]:
    """Stages x metrics table from either ``{stage: {metric: v}}`` or ``{metric: {stage: v}}``,
    its numbers written as ``locale`` writes them."""
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
    rows = [
        {"stage": s, **{m: _fmt_stat(v.get(m), locale) for m in metrics}} for s, v in stages.items()
    ]
    return metrics, rows, {k: _fmt_stat(v, locale) for k, v in flat.items()}


def _fmt_stat(v: Any, locale: str = "en") -> str:
    """A run statistic as text: ``1,234`` and ``0.39`` in English, ``1.234`` and ``0,39`` in
    Vietnamese.

    Examples
    --------
    >>> _fmt_stat(2689, "vi"), _fmt_stat(0.39, "vi"), _fmt_stat({"a": 1.5}, "en")
    ('2.689', '0,39', 'a: 1.50')
    """
    from earlywarn.i18n import format_number

    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return format_number(v, locale, 2, fixed=True)
    if isinstance(v, int):
        return format_number(v, locale, 0)
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_fmt_stat(x, locale)}" for k, x in v.items())
    return plain_text(v, 200)


def write_scripts(folder: str | Path) -> list[str]:
    """Write ``plotly-<version>.min.js`` and ``charts.js`` into ``folder`` unless there already.

    Every report in the folder shares them, so each report stays small. Returns the file
    names, in the order a page loads them.
    """
    import plotly

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"plotly-{plotly.__version__}.min.js", "charts.js"]
    sources = [
        files("plotly").joinpath("package_data", "plotly.min.js"),
        files("earlywarn.report").joinpath("static", "charts.js"),
    ]
    for name, src in zip(names, sources, strict=True):
        data = src.read_bytes()
        dest = folder / name
        if not dest.is_file() or dest.stat().st_size != len(data) or dest.read_bytes() != data:
            write_atomic(dest, data)
    return names


def _brief_section(brief: dict[str, Any] | None, locale: str) -> str:
    if not brief:
        return ""
    from earlywarn.brief.render import brief_section

    return brief_section(brief, locale=locale)


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
    locale: str = "en",
    brief: dict[str, Any] | None = None,
    track: dict[str, pd.DataFrame] | None = None,
    held: pd.DataFrame | None = None,
    network: pd.DataFrame | None = None,
    perception: Any = None,
) -> Path:
    """Write the run's report to ``path``: one HTML file that loads nothing from elsewhere.

    Sections: header (``as_of``, run stats per stage: ``stats`` is ``{stage: {"rows": n,
    "seconds": s}}`` or ``{"rows": {stage: n}, "seconds": {stage: s}}``, plain values are
    listed as well), the alert inbox with each alert's reason in one sentence and its
    evidence pack (chart with forecast band and the anomaly marked, top events with
    their dataset, linked articles), the trend and watch list (the series whose
    forecasts change most, with bands, alerts or not), the focal country's perception
    (``perception``: the section of :func:`earlywarn.focal.view.render_section`, with its
    volume and tone series), top stories and the network's
    top edges. Codes are shown with their names (:mod:`earlywarn.labels`). Every text is
    stripped of HTML (nh3) and escaped; only http(s) URLs are linked.

    Charts are Plotly figures as JSON (:mod:`earlywarn.report.charts`), drawn by
    ``plotly-<version>.min.js`` and ``charts.js`` written once beside the report
    (:func:`write_scripts`); a report without charts loads no script at all.
    The page is written to a temporary file beside ``path``, then moved into place, so a
    reader never sees half a report.
    Whenever the data-health gate (``health``) is not fully open, a banner tops the page
    and the alerts it held back (``held``, with their reasons) are listed. Feeds the
    completeness ledger marks as read in a degraded way (``degraded_feed`` health rows)
    are counted in a note under the header, so such a night does not read as complete.

    ``track`` (:func:`earlywarn.ledger.track_record`) adds the track record
    (:func:`earlywarn.report.track.track_section`): the skill of
    the forecasts scored so far per model, next to the last-value forecast, and the outcome
    of the alerts raised per rule.

    The report is written in ``locale`` (``en`` or ``vi``: gettext catalog of
    :mod:`earlywarn.i18n`, names from :mod:`earlywarn.labels`, dates and numbers by Babel).
    ``brief`` (:func:`earlywarn.brief.build_brief`) is put at the top when given.

    Returns
    -------
    Path
        The written file.
    """
    import jinja2

    from earlywarn.report._templates import report_env

    out = Path(path)
    cutoff = pd.Timestamp(as_of)
    cutoff = cutoff.tz_convert("UTC").tz_localize(None) if cutoff.tzinfo else cutoff
    alert_items = _alerts(alerts, forecasts, cutoff, locale)
    counts = {
        s: sum(
            a["severity"] == s and a["status"] not in ("resolved", "dismissed") for a in alert_items
        )
        for s in SEVERITIES
    }
    focal_name = country_name(focal_country, locale)
    charts: dict[str, Any] = {}
    empty = series is None or series.empty
    ser = pd.DataFrame(columns=["unique_id", "ds", "y"]) if empty else series.copy()
    ser["ds"] = pd.to_datetime(ser["ds"])
    ser = ser[ser["ds"] <= cutoff]
    for kind in ("per", "ptone"):
        uid = f"{kind}:{focal_country}"
        own = ser[ser["unique_id"] == uid].sort_values("ds").tail(120)
        if not own.empty:
            points = [
                {"ds": d.isoformat(), "y": float(y)}
                for d, y in zip(own["ds"], own["y"], strict=True)
            ]
            charts[f"series-{kind}"] = trend_figure(
                points, [], series_label(uid, None, locale), locale
            )
    watch = watch_list(ser, forecasts, cutoff, locale=locale)
    metrics, stage_rows, flat = _stats(stats, locale)
    has_charts = (
        bool(charts)
        or any(a["chart"] for a in alert_items)
        or any(r["chart"] for r in watch["rows"])
    )
    scripts = write_scripts(out.parent) if has_charts else []
    env = report_env(locale, jinja2.StrictUndefined)
    env.filters["num"] = lambda v: number(v, locale=locale)
    from earlywarn.labels import SEVERITY_NAMES, STATUS_NAMES

    page = env.get_template("report.html.j2").render(
        sev_labels=SEVERITY_NAMES,
        status_labels=STATUS_NAMES,
        as_of=cutoff.strftime("%Y-%m-%d"),
        generated=datetime.now(timezone.utc).replace(second=0, microsecond=0),
        version=__version__,
        focal=focal_country,
        focal_name=focal_name,
        alerts=alert_items,
        counts=counts,
        severities=SEVERITIES,
        metrics=metrics,
        stage_rows=stage_rows,
        flat_stats=flat,
        health=[] if health is None else health.sort_values(["status", "check"]).to_dict("records"),
        gate=None if health is None else gate_state(health),
        degraded=0 if health is None else int((health["check"] == "degraded_feed").sum()),
        held=[] if held is None else held.to_dict("records"),
        charts=charts,
        perception=perception,
        stories=_top_stories(articles, stories, locale=locale),
        edges=_edges(edges, cutoff, locale=locale),
        ego=_ego(network, focal_country, charts, locale),
        watch=watch,
        n_series=int(ser["unique_id"].nunique()),
        n_anomalies=int(anomalies["is_anomaly"].sum())
        if anomalies is not None and "is_anomaly" in anomalies
        else 0,
        scripts=scripts,
        brief=_brief_section(brief, locale),
        track=track_section(track, locale),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, page)
    log.info("report written to %s (%d alerts)", out, len(alert_items))
    return out
