"""The trend and watch-list section: the series whose forecasts change most, with bands.

Shown every night, alerts or not: the forecasts a night made are what an analyst
watches before anything crosses a threshold.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from earlywarn.alerts.evidence import forecast_for
from earlywarn.detect._base import infer_freq
from earlywarn.labels import period_word, series_label
from earlywarn.report.charts import trend_figure

__all__ = ["watch_list"]

_CHART_POINTS = {"D": 60, "W": 52, "MS": 36}


def _num(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _mid(row: dict[str, Any]) -> float | None:
    q50 = _num(row.get("q50"))
    return q50 if q50 is not None else _num(row.get("yhat"))


def watch_list(
    series: pd.DataFrame | None,
    forecasts: pd.DataFrame | None,
    cutoff: pd.Timestamp,
    *,
    n: int = 12,
    charts: int = 6,
    locale: str = "en",
) -> dict[str, Any]:
    """The ``n`` series with the largest forecast change, the first ``charts`` with a chart.

    The change is the forecast median's mean over the horizon against the mean of as
    many last observed periods, relative to that recent level (at least 1).

    Returns
    -------
    dict
        ``rows`` (``uid, label, last, last_ds, recent, ahead, next, q05, q95, next_ds,
        change, change_pct, horizon, model, chart``), ``n_forecasts`` and ``n_series``.

    Examples
    --------
    >>> s = pd.DataFrame({"unique_id": "ev:SYR:q4", "ds": pd.date_range("2024-01-01", periods=10),
    ...                   "y": [5.0] * 10})
    >>> f = pd.DataFrame({"unique_id": "ev:SYR:q4", "model": "snaive",
    ...                   "ds": pd.date_range("2024-01-11", periods=3), "yhat": 9.0,
    ...                   "q05": 6.0, "q50": 9.0, "q95": 12.0})
    >>> w = watch_list(s, f, pd.Timestamp("2024-01-10"))
    >>> w["n_forecasts"], w["rows"][0]["label"], w["rows"][0]["change_pct"]
    (3, 'Fighting in Syria (events per day)', 80.0)
    """
    empty: dict[str, Any] = {"rows": [], "n_forecasts": 0, "n_series": 0}
    if forecasts is None or forecasts.empty or series is None or series.empty:
        if forecasts is not None and not forecasts.empty:
            empty["n_forecasts"] = len(forecasts)
            empty["n_series"] = int(forecasts["unique_id"].nunique())
        return empty
    ser = series.copy()
    ser["ds"] = pd.to_datetime(ser["ds"])
    ser = ser[ser["ds"] <= cutoff]
    by_id = dict(tuple(ser.sort_values("ds").groupby("unique_id", sort=False)))
    rows: list[dict[str, Any]] = []
    for uid in forecasts["unique_id"].dropna().unique():
        own = by_id.get(uid)
        if own is None or own.empty:
            continue
        freq = infer_freq(own["ds"]) if len(own) > 1 else "D"
        chart = own.tail(_CHART_POINTS.get(freq, 60))
        last_ds = pd.Timestamp(own["ds"].iloc[-1])
        _, band = forecast_for(str(uid), last_ds, cutoff, chart, forecasts)
        ahead = [b for b in band if pd.Timestamp(b["ds"]) > last_ds]
        mids = [m for b in ahead if (m := _mid(b)) is not None]
        if not mids:
            continue
        recent = float(own["y"].tail(len(mids)).mean())
        ahead_mean = sum(mids) / len(mids)
        change = ahead_mean - recent
        first = ahead[0]
        rows.append(
            {
                "uid": str(uid),
                "label": series_label(str(uid), freq, locale),
                "freq": freq,
                "last": _num(own["y"].iloc[-1]),
                "last_ds": last_ds.strftime("%Y-%m-%d"),
                "recent": recent,
                "ahead": ahead_mean,
                "next": _mid(first),
                "q05": _num(first.get("q05")),
                "q95": _num(first.get("q95")),
                "next_ds": pd.Timestamp(first["ds"]).strftime("%Y-%m-%d"),
                "horizon": f"{len(mids)} {period_word(freq, len(mids), locale)}",
                "model": first.get("model"),
                "change": change,
                "change_pct": round(100.0 * change / max(abs(recent), 1.0), 1),
                "_points": chart,
                "_band": band,
            }
        )
    rows.sort(key=lambda r: abs(r["change_pct"]), reverse=True)
    rows = rows[:n]
    for i, r in enumerate(rows):
        pts, band = r.pop("_points"), r.pop("_band")
        r["chart"] = (
            trend_figure(
                [
                    {"ds": d.isoformat(), "y": _num(y)}
                    for d, y in zip(pts["ds"], pts["y"], strict=True)
                ],
                band,
                r["label"],
                locale,
            )
            if i < charts
            else None
        )
    return {
        "rows": rows,
        "n_forecasts": len(forecasts),
        "n_series": int(forecasts["unique_id"].nunique()),
    }
