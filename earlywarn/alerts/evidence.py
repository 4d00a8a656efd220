"""Evidence packs: what an analyst needs to judge an alert, as plain JSON-ready data."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd

from earlywarn.detect._base import infer_freq
from earlywarn.labels import series_label
from earlywarn.series.ids import PERCEPTION_HEADS, SeriesId, parse_id

__all__ = ["build_evidence", "forecast_for", "period_bounds"]

_CHART_POINTS = {"D": 90, "W": 52, "MS": 36}
_PREFERRED_MODELS = ("ensemble", "prophet", "autoets", "autoarima", "seasonal_naive")


def period_bounds(ds: pd.Timestamp, freq: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``[start, end)`` of the period starting at ``ds``."""
    if freq == "MS":
        return ds, ds + pd.DateOffset(months=1)
    return ds, ds + pd.Timedelta(days=7 if freq == "W" else 1)


def _naive(values: pd.Series) -> pd.Series:
    out = pd.to_datetime(values, errors="coerce", utc=True)
    return out.dt.tz_localize(None)


def _iso(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    try:
        return pd.Timestamp(value).isoformat()
    except (TypeError, ValueError):
        return str(value)


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return _iso(value)
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    cols = [c for c in columns if c in frame.columns]
    return [
        {c: _clean(v) for c, v in zip(cols, row, strict=True)}
        for row in frame.loc[:, cols].itertuples(index=False, name=None)
    ]


def build_evidence(
    unique_id: str,
    ds: date | datetime | str | pd.Timestamp,
    *,
    as_of: date | datetime | str,
    series: pd.DataFrame,
    events: pd.DataFrame | None,
    articles: pd.DataFrame | None,
    mentions: pd.DataFrame | None,
    forecasts: pd.DataFrame | None,
    n_events: int = 10,
    n_articles: int = 10,
    perception: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The evidence pack for an anomaly of ``unique_id`` at period ``ds``.

    Returns a JSON-ready dict: ``unique_id``, ``label``, ``ds``, ``as_of``, ``freq``,
    ``window`` (start/end of the period), ``series`` (last points up to ``as_of``:
    ``ds``, ``y``), ``forecast`` (``model, yhat, q05, q50, q95`` expected for ``ds``, or
    None), ``forecast_band`` (the forecast rows over the chart range), ``events`` (top
    events behind ``ev:``/``dyad:``/imported series: ``event_id, date, source_name,
    source_country, target_name, target_country, cameo_code, root_code, quad_class,
    goldstein, sentence, url, article_id``), ``articles`` (``article_id, url, outlet,
    language, published, title, sentence``; for ``cov:``/``tone:`` the articles
    mentioning the country) and ``counts`` (events/articles in the window).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"unique_id": "ev:VNM", "ds": pd.date_range("2024-01-01", periods=3),
    ...                   "y": [1.0, 2.0, 9.0]})
    >>> ev = build_evidence("ev:VNM", "2024-01-03", as_of="2024-01-03", series=s,
    ...                     events=None, articles=None, mentions=None, forecasts=None)
    >>> [p["y"] for p in ev["series"]], ev["events"], ev["forecast"]
    ([1.0, 2.0, 9.0], [], None)
    """
    cutoff = pd.Timestamp(as_of)
    cutoff = cutoff.tz_convert("UTC").tz_localize(None) if cutoff.tzinfo else cutoff
    end_of_as_of = cutoff.normalize() + pd.Timedelta(days=1)
    ts = pd.Timestamp(ds)
    ts = ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo else ts
    own = series[series["unique_id"] == unique_id].copy()
    own["ds"] = _naive(own["ds"])
    own = own[own["ds"] <= cutoff].sort_values("ds")
    freq = infer_freq(own["ds"]) if len(own) > 1 else "D"
    start, end = period_bounds(ts, freq)
    end = min(end, end_of_as_of)
    chart = own.tail(_CHART_POINTS.get(freq, 90))
    sid = parse_id(unique_id)
    if sid.kind == "tie":  # a tie's score reads the week up to ds (earlywarn.network.shift)
        start = end - pd.Timedelta(days=7)

    fc_row, band = forecast_for(unique_id, ts, cutoff, chart, forecasts)
    evs = _events(sid, start, end, events)
    n_ev = len(evs)
    outlets: int | None = _event_outlets(evs, articles)
    evs = evs.head(n_events)
    tagged = (
        sid.kind in ("cov", "tone")
        and perception is not None
        and sid.country in set(perception["country"])
    )  # the focal country and its peers: the focal tagger's articles, as in their series
    if sid.kind in PERCEPTION_HEADS or tagged:
        arts, n_art, outlets = _perception_articles(
            sid, start, end, articles, perception, n_articles
        )
    elif sid.kind in ("cov", "tone", "tie"):
        arts, n_art, outlets = _mentioning_articles(
            sid.country, start, end, articles, mentions, n_articles, sid.target
        )
    else:
        arts = _event_articles(evs, articles, n_articles)
        n_art = len(arts)
    return {
        "unique_id": unique_id,
        "label": series_label(unique_id, freq),
        "ds": _iso(ts),
        "as_of": _iso(cutoff.normalize()),
        "freq": freq,
        "window": {"start": _iso(start), "end": _iso(end)},
        "series": [
            {"ds": _iso(d), "y": _clean(y)} for d, y in zip(chart["ds"], chart["y"], strict=True)
        ],
        "forecast": fc_row,
        "forecast_band": band,
        "events": _records(
            evs,
            [
                "event_id",
                "date",
                "source_name",
                "source_country",
                "target_name",
                "target_country",
                "cameo_code",
                "root_code",
                "quad_class",
                "goldstein",
                "sentence",
                "url",
                "article_id",
                "origin",
            ],
        ),
        "articles": arts,
        "counts": {
            "events_in_window": n_ev,
            "articles_in_window": n_art,
            "outlets_in_window": outlets,
        },
    }


def forecast_for(
    uid: str,
    ts: pd.Timestamp,
    cutoff: pd.Timestamp,
    chart: pd.DataFrame,
    forecasts: pd.DataFrame | None,
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The forecast expected for ``ts`` and the forecast rows over the chart's range.

    Uses forecasts made at or before ``cutoff`` (latest vintage if ``as_of`` is a
    column) and one model: ``ensemble``/``prophet``/... if present, else the first.
    """
    if forecasts is None or forecasts.empty or "unique_id" not in forecasts:
        return None, []
    fc = forecasts[forecasts["unique_id"] == uid].copy()
    if fc.empty:
        return None, []
    fc["ds"] = _naive(fc["ds"])
    if "as_of" in fc:
        made = _naive(fc["as_of"])
        fc = fc[made <= cutoff].assign(_made=made)
        fc = fc[fc["_made"] == fc.groupby(["model", "ds"])["_made"].transform("max")]
    if fc.empty:
        return None, []
    models = list(fc["model"].dropna().unique()) if "model" in fc else []
    preferred = [m for m in _PREFERRED_MODELS if m in models] or sorted(map(str, models))
    if preferred:
        fc = fc[fc["model"] == preferred[0]]
    cols = ["model", "ds", "yhat", "q05", "q50", "q95", "p_exceed", "threshold"]
    lo = chart["ds"].min() if not chart.empty else ts
    band = fc[fc["ds"] >= lo].sort_values("ds")
    at = fc[fc["ds"] == ts]
    row = _records(at, cols)[0] if not at.empty else None
    return row, _records(band, cols)


def _events(
    sid: Any, start: pd.Timestamp, end: pd.Timestamp, events: pd.DataFrame | None
) -> pd.DataFrame:
    if events is None or events.empty or sid.kind in ("cov", "tone", "comm"):
        return pd.DataFrame()
    ev: Any = events.copy()
    when = _naive(ev["date"])
    ev = ev[(when >= start) & (when < end)]
    if sid.kind == "tie":
        from earlywarn.network.evidence import tie_events

        ev = tie_events(ev, sid.country or "", sid.target or "")
    src = ev.get("source_country")
    dst = ev.get("target_country")
    if src is None or dst is None:
        return pd.DataFrame()
    if sid.kind == "dyad":
        ev = ev[(src.loc[ev.index] == sid.country) & (dst.loc[ev.index] == sid.target)]
    elif sid.kind != "tie":
        ev = ev[(src.loc[ev.index] == sid.country) | (dst.loc[ev.index] == sid.country)]
    if sid.quad_class is not None and "quad_class" in ev:
        ev = ev[pd.to_numeric(ev["quad_class"], errors="coerce") == sid.quad_class]
    if sid.root is not None and "root_code" in ev:
        ev = ev[ev["root_code"].astype(str).str.zfill(2) == sid.root]
    keys = [c for c in ("num_mentions", "num_sources") if c in ev]
    ev = ev.assign(_mag=pd.to_numeric(ev.get("goldstein"), errors="coerce").abs())
    ev = ev.sort_values([*keys, "_mag"], ascending=False, na_position="last", kind="stable")
    return ev.drop(columns="_mag")


_ART_COLS = ["article_id", "url", "outlet", "language", "published", "title"]


def _event_outlets(evs: pd.DataFrame, articles: pd.DataFrame | None) -> int | None:
    """Distinct outlets of the articles the events were coded from (None: no event came
    from an article, e.g. imported datasets)."""
    if evs.empty or "article_id" not in evs or evs["article_id"].isna().all():
        return None
    if articles is None or articles.empty or "outlet" not in articles:
        return None
    used = articles[articles["article_id"].isin(evs["article_id"].dropna())]
    return int(used["outlet"].dropna().nunique())


def _event_articles(
    evs: pd.DataFrame, articles: pd.DataFrame | None, n: int
) -> list[dict[str, Any]]:
    if evs.empty or "article_id" not in evs:
        return []
    first = evs.dropna(subset=["article_id"]).drop_duplicates("article_id")
    out: list[dict[str, Any]] = []
    table = (
        articles.drop_duplicates("article_id").set_index("article_id")
        if articles is not None and not articles.empty
        else None
    )
    for row in first.head(n).itertuples(index=False):
        aid = row.article_id
        rec: dict[str, Any] = {
            "article_id": aid,
            "url": _clean(getattr(row, "url", None)),
            "outlet": None,
            "language": _clean(getattr(row, "language", None)),
            "published": None,
            "title": None,
            "sentence": _clean(getattr(row, "sentence", None)),
        }
        if table is not None and aid in table.index:
            art = table.loc[aid]  # type: ignore[index]
            for c in _ART_COLS[1:]:
                val = _clean(art.get(c))
                if val is not None:
                    rec[c] = val
        out.append(rec)
    return out


def _perception_articles(
    sid: SeriesId,
    start: pd.Timestamp,
    end: pd.Timestamp,
    articles: pd.DataFrame | None,
    perception: pd.DataFrame | None,
    n: int,
) -> tuple[list[dict[str, Any]], int, int]:
    """The articles behind a perception series (``per:``, ``ptone:``, ``pneg:`` ...): those
    the focal tagger found the country in (``pneg:`` the negative ones), restricted to the
    series' language, source country or outlet, most salient first; for a narrative's series
    (``nar=``, with a ``story_id`` column in ``articles``) the narrative's articles."""
    if articles is None or perception is None or perception.empty:
        return [], 0, 0
    rows = perception[(perception["country"] == sid.country) & (perception["count"] > 0)]
    if sid.kind == "pneg":
        rows = rows[rows["n_negative"].fillna(0) > rows["n_positive"].fillna(0)]
    key, _, value = (sid.label or "").partition("=")
    col = {"lang": "language", "src": "country", "out": "outlet", "nar": "story_id"}.get(key)
    if col is not None and col not in articles:
        col = None
    safe = articles[col].astype(str).str.replace(":", "_").str.replace(" ", "_") if col else None
    arts = articles if safe is None else articles[safe == value]
    weight = rows.assign(entity=sid.country, count=(rows["salience"].fillna(0) * 100).round())
    if key == "nar" and col is not None:  # a narrative: all its articles, naming the country first
        others = arts.loc[~arts["article_id"].isin(weight["article_id"]), ["article_id"]]
        weight = pd.concat([weight, others.assign(entity=sid.country, count=0)], ignore_index=True)
    return _mentioning_articles(sid.country, start, end, arts, weight, n)


def _mentioning_articles(
    country: str | None,
    start: pd.Timestamp,
    end: pd.Timestamp,
    articles: pd.DataFrame | None,
    mentions: pd.DataFrame | None,
    n: int,
    other: str | None = None,
) -> tuple[list[dict[str, Any]], int, int]:
    """Articles naming ``country`` (and ``other``'s side too, for a tie)."""
    if articles is None or articles.empty or mentions is None or mentions.empty or not country:
        return [], 0, 0
    if other:
        from earlywarn.network.evidence import tie_article_weights

        weight = tie_article_weights(mentions, country, other)
    else:
        hit = mentions[(mentions["entity"] == country) | (mentions.get("country") == country)]
        weight = (
            hit.groupby("article_id")["count"].sum()
            if "count" in hit
            else hit.groupby("article_id").size()
        )
    arts = articles[articles["article_id"].isin(weight.index)].copy()
    when = _naive(arts["published"])
    arts = arts[(when >= start) & (when < end)]
    arts = arts.assign(_w=arts["article_id"].map(weight)).sort_values(
        ["_w", "published"], ascending=False, kind="stable"
    )
    recs = _records(arts.head(n), _ART_COLS)
    summaries = arts.head(n).get("summary")
    for rec, summ in zip(
        recs, summaries if summaries is not None else [None] * len(recs), strict=True
    ):
        rec["sentence"] = _clean(summ)
    outlets = int(arts["outlet"].dropna().nunique()) if "outlet" in arts else len(arts)
    return recs, len(arts), outlets
