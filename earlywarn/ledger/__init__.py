"""The ledger: every nightly forecast and alert written once, scored when the truth arrives.

Forecasts and alerts are recorded append-only in the same transaction that makes them
(``forecast_ledger``, ``alert_ledger``): a forced rerun of a night adds nothing and changes
nothing already recorded. A forecast's ``forecast_id`` names the night, the series, the
target period and the model with its version (:func:`model_version`), and only the night's
first forecast run writes ledger rows: a model added (or changed) before a rerun of a past
night gets none dated that night, since a track record holds only forecasts made on the
night they are dated (a model's own past is the backtest's, ``earlywarn backtest``). Each
later night resolves what it can:

* a forecast of ``(unique_id, ds)`` is scored once period ``ds`` is complete in that night's
  series (a later period exists, or ``ds`` plus one period is on or before ``as_of``): CRPS
  over the seven recorded quantiles (twice the mean pinball loss), absolute error of the
  median, whether the 90% interval held the truth, and the Brier score of ``p_exceed``;
* an alert is decided by a reviewer (``dismissed`` means false, ``resolved`` confirmed) or
  else by later data: once ``periods`` more periods are observed, it is confirmed when their
  mean stays beyond the 90th (10th, for a drop) percentile of the 12 periods before the
  alert, and false otherwise. Until then it is open (no outcome row).

:func:`skill` turns the ledger into skill per model (or series, or rule) and month, next to
the last-value forecast made on the same nights for the same targets.

Examples
--------
>>> import pandas as pd
>>> from datetime import date
>>> fc = pd.DataFrame({"unique_id": "a", "model": "naive", "ds": pd.to_datetime(["2024-02-01"]),
...     "yhat": [5.0], "q05": [1.0], "q10": [2.0], "q25": [4.0], "q50": [5.0], "q75": [6.0],
...     "q90": [8.0], "q95": [9.0], "p_exceed": [0.2], "threshold": [7.0]})
>>> led = forecast_entries(fc, date(2024, 1, 31), {"naive": "v1"})
>>> led[["horizon", "model_version"]].values.tolist()
[[1, 'v1']]
>>> y = pd.DataFrame({"unique_id": "a", "ds": pd.to_datetime(["2024-01-01", "2024-02-01"]),
...     "y": [4.0, 12.0]})
>>> sc = resolve_forecasts(led, y, date(2024, 2, 29))
>>> sc[["y", "hit90", "brier"]].round(3).values.tolist()
[[12.0, False, 0.64]]
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from earlywarn.forecast._data import infer_offset
from earlywarn.forecast.metrics import pinball

__all__ = [
    "LEVELS",
    "RERUN_AT",
    "alert_entries",
    "alert_skill",
    "forecast_entries",
    "live_alerts",
    "model_version",
    "resolve_alerts",
    "resolve_forecasts",
    "rule_version",
    "skill",
    "track_record",
]

#: Quantile levels recorded for every forecast (columns ``q05`` ... ``q95``).
LEVELS: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
_QCOLS = [f"q{round(q * 100):02d}" for q in LEVELS]


def _hash(*parts: Any) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def model_version(model: Any) -> str:
    """``<earlywarn version>:<hash of the model's class and parameters>``.

    Examples
    --------
    >>> from earlywarn.forecast import Naive
    >>> model_version(Naive()) == model_version(Naive())
    True
    """
    from earlywarn import __version__

    params = model.get_params() if hasattr(model, "get_params") else {}
    return f"{__version__}:{_hash(type(model).__name__, sorted(params.items()))[:8]}"


def rule_version(rule: Any) -> str:
    """``<earlywarn version>:<hash of the rule's definition>`` (any field changed, new version)."""
    from earlywarn import __version__

    return f"{__version__}:{_hash(repr(rule))[:8]}"


def forecast_entries(
    fc: pd.DataFrame,
    as_of: date,
    versions: Mapping[str, str],
    known: Iterable[str] = (),
) -> pd.DataFrame:
    """Ledger rows for tonight's forecasts (``unique_id, model, ds, yhat, q05 .. q95, ...``),
    without those whose ``forecast_id`` is already ``known``.

    The ``forecast_id`` hashes the night, series, period, model name and model version: the
    same model with other parameters or another earlywarn version is another forecaster.
    Call it on a night's first forecast run only (the forecast stage does): a rerun's rows
    would be forecasts never made on that night.
    """
    out = fc.copy()
    out["ds"] = pd.to_datetime(out["ds"])
    out["as_of"] = pd.Timestamp(as_of)
    out["model_version"] = out["model"].map(versions).fillna("unknown")
    out["forecast_id"] = [
        _hash(as_of, u, m, v, d)
        for u, m, v, d in zip(
            out["unique_id"], out["model"], out["model_version"], out["ds"], strict=True
        )
    ]
    out["horizon"] = out.groupby(["unique_id", "model"])["ds"].rank(method="first").astype(int)
    out["recorded_at"] = pd.Timestamp.now(tz="UTC")
    for c in [*_QCOLS, "p_exceed", "threshold"]:
        if c not in out:
            out[c] = np.nan
    out = out[~out["forecast_id"].isin(set(known))]
    from earlywarn.schema import TABLES

    return out[list(TABLES["forecast_ledger"].columns)].reset_index(drop=True)


def _complete(ledger: pd.DataFrame, series: pd.DataFrame, as_of: date) -> pd.Series:
    """Per ledger row: is period ``ds`` over, given tonight's series?"""
    last = series.groupby("unique_id")["ds"].max()
    later = ledger["ds"] < ledger["unique_id"].map(last)
    step = {}
    for uid, g in series.groupby("unique_id"):
        ds = pd.DatetimeIndex(g["ds"]).sort_values()
        if len(ds) >= 2:
            step[uid] = infer_offset(ds)
    ends = [
        (d + step[u]) if u in step else pd.NaT
        for u, d in zip(ledger["unique_id"], ledger["ds"], strict=True)
    ]
    ended = pd.Series(pd.DatetimeIndex(ends), index=ledger.index) <= pd.Timestamp(
        as_of
    ) + pd.Timedelta(days=1)
    return later | ended


def resolve_forecasts(ledger: pd.DataFrame, series: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Score the unscored ledger rows whose truth tonight's ``series`` holds.

    Forecasts made on or after ``as_of`` are never scored (no look-ahead).
    """
    from earlywarn.schema import TABLES

    cols = list(TABLES["forecast_scores"].columns)
    if ledger.empty or series.empty:
        return pd.DataFrame(columns=cols)
    led = ledger[pd.to_datetime(ledger["as_of"]) < pd.Timestamp(as_of)].copy()
    led["ds"] = pd.to_datetime(led["ds"])
    truth = series[["unique_id", "ds", "y"]].copy()
    truth["ds"] = pd.to_datetime(truth["ds"])
    led = led.merge(truth, on=["unique_id", "ds"], how="inner")
    led = led[led["y"].notna()]
    if led.empty:
        return pd.DataFrame(columns=cols)
    led = led[_complete(led, truth, as_of).to_numpy()]
    if led.empty:
        return pd.DataFrame(columns=cols)
    y = led["y"].to_numpy(float)
    q = led[_QCOLS].to_numpy(float)
    levels = np.asarray(LEVELS)[None, :]
    led["crps"] = 2 * np.mean(pinball(y[:, None], q, levels), axis=1)
    led["abs_error"] = np.abs(y - led["q50"].to_numpy(float))
    led["hit90"] = (led["q05"].to_numpy(float) <= y) & (y <= led["q95"].to_numpy(float))
    thr = led["threshold"].to_numpy(float)
    p = led["p_exceed"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        led["brier"] = np.where(np.isfinite(thr) & np.isfinite(p), (p - (y > thr)) ** 2, np.nan)
    led["resolved_as_of"] = pd.Timestamp(as_of)
    return led[cols].reset_index(drop=True)


#: SQL column for a query over ``alerts``: when the alert was first raised by a forced
#: rerun of the night it is dated (``alert_ledger.rerun``, its ``recorded_at``), NULL for
#: one that night's own run raised (or recorded before schema v13). The inbox, the
#: review page and the report show it, so an alert is never shown as raised on a night
#: that did not raise it.
RERUN_AT = (
    "(SELECT l.recorded_at FROM alert_ledger l "
    "WHERE l.alert_id = alerts.alert_id AND l.rerun) AS rerun_at"
)


def alert_entries(
    alerts: pd.DataFrame,
    as_of: date,
    rule_versions: Mapping[str, str],
    known: Iterable[str] = (),
    *,
    rerun: bool = False,
) -> pd.DataFrame:
    """Ledger rows for alerts raised tonight, without those already ``known``.

    ``rerun``: tonight's alerts stage is a forced rerun of a night whose first run already
    committed (a rule added or changed since, or later data, may raise alerts that night's
    run did not). Its new alerts are real (they are delivered now), but they were not raised
    on the night they are dated: they are recorded with ``rerun`` true and ``recorded_at``
    the time they were first seen, and the track record (:func:`alert_skill`) and
    :func:`earlywarn.alerts.evaluate.evaluate_alerts` never count them as raised live.
    """
    from earlywarn.schema import TABLES

    cols = list(TABLES["alert_ledger"].columns)
    out = alerts[~alerts["alert_id"].isin(set(known))].copy()
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["as_of"] = pd.Timestamp(as_of)
    out["rule_version"] = out["rule"].map(rule_versions).fillna("unknown")
    out["recorded_at"] = pd.Timestamp.now(tz="UTC")
    out["rerun"] = bool(rerun)
    return out[cols].reset_index(drop=True)


def live_alerts(ledger: pd.DataFrame) -> pd.Series:
    """Per ledger row: was the alert raised on the night it is dated (not ``rerun``)?

    Rows recorded before schema version 13 have no ``rerun`` value (NULL) and count as live:
    whether they came from a rerun cannot be told any more.

    Examples
    --------
    >>> live_alerts(pd.DataFrame({"rerun": [False, True, None]})).tolist()
    [True, False, True]
    """
    if "rerun" not in ledger:
        return pd.Series(True, index=ledger.index)
    return ~ledger["rerun"].astype("boolean").fillna(False).astype(bool)


def resolve_alerts(
    ledger: pd.DataFrame,
    statuses: pd.DataFrame,
    series: pd.DataFrame,
    as_of: date,
    *,
    periods: int = 3,
    baseline: int = 12,
) -> pd.DataFrame:
    """Outcomes for open ledger alerts: by a reviewer's decision first, else by later data
    (see the module docstring). ``statuses`` is ``alert_id, status`` from the alerts table."""
    from earlywarn.schema import TABLES

    cols = list(TABLES["alert_outcomes"].columns)
    rows: list[dict[str, Any]] = []
    status = dict(zip(statuses.get("alert_id", []), statuses.get("status", []), strict=True))
    by_uid: dict[str, pd.DataFrame] = (
        {str(u): g.sort_values("ds") for u, g in series.groupby("unique_id")} if len(series) else {}
    )
    for a in ledger.itertuples(index=False):
        st = status.get(a.alert_id)
        if st in ("dismissed", "resolved"):
            outcome = "false" if st == "dismissed" else "confirmed"
            rows.append(
                {
                    "alert_id": a.alert_id,
                    "outcome": outcome,
                    "decided_by": "reviewer",
                    "detail": f"marked {st} by a reviewer",
                }
            )
            continue
        g = by_uid.get(str(a.unique_id))
        if g is None:
            continue
        ds = pd.to_datetime(g["ds"]).to_numpy()
        y = g["y"].to_numpy(float)
        at = pd.Timestamp(str(a.ds)).to_datetime64()
        before, after = y[ds < at][-baseline:], y[ds > at]
        now = y[ds == at]
        if len(after) < periods or len(before) < 3 or not len(now):
            continue
        later = float(np.mean(after[:periods]))
        up = now[0] >= np.median(before)
        bound = float(np.quantile(before, 0.9 if up else 0.1))
        held = later > bound if up else later < bound
        rows.append(
            {
                "alert_id": a.alert_id,
                "outcome": "confirmed" if held else "false",
                "decided_by": "data",
                "detail": (
                    f"mean of the next {periods} periods {later:.3g} "
                    f"{'above' if held == up else 'below'} the pre-alert "
                    f"{'90th' if up else '10th'} percentile {bound:.3g}"
                ),
            }
        )
    out = pd.DataFrame(rows, columns=[c for c in cols if c != "resolved_as_of"])
    out.insert(1, "resolved_as_of", pd.Timestamp(as_of))
    return out[cols]


def skill(
    ledger: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    by: tuple[str, ...] = ("model",),
    freq: str | None = "MS",
    reference: str = "naive",
) -> pd.DataFrame:
    """Skill of the scored ledger forecasts per ``by`` (and month of ``as_of``).

    Columns: ``n``, ``crps``, ``mae``, ``coverage90``, ``brier`` and ``crps_rel``: the CRPS
    divided by that of the ``reference`` model's forecasts of the same targets made on the
    same nights (below 1 beats the last-value forecast); NaN when the reference is absent.
    """
    if ledger.empty or scores.empty:
        return pd.DataFrame(
            columns=[*by, "period", "n", "crps", "mae", "coverage90", "brier", "crps_rel"]
        )
    d = ledger.merge(scores, on="forecast_id", how="inner")
    d["as_of"] = pd.to_datetime(d["as_of"])
    d["period"] = d["as_of"].dt.to_period(freq[0] if freq else "Y").dt.start_time if freq else "all"
    ref = d[d["model"] == reference][["as_of", "unique_id", "ds", "crps"]].rename(
        columns={"crps": "crps_ref"}
    )
    d = d.merge(ref, on=["as_of", "unique_id", "ds"], how="left")
    keys = [*by, "period"]
    g = d.groupby(keys, dropna=False)
    out = g.agg(
        n=("crps", "size"),
        crps=("crps", "mean"),
        mae=("abs_error", "mean"),
        coverage90=("hit90", "mean"),
        brier=("brier", "mean"),
    )
    paired = d[d["crps_ref"].notna()].groupby(keys, dropna=False)
    out["crps_rel"] = paired["crps"].sum() / paired["crps_ref"].sum().replace(0, np.nan)
    return out.reset_index()


def alert_skill(ledger: pd.DataFrame, outcomes: pd.DataFrame, by: str = "rule") -> pd.DataFrame:
    """Per rule (or series): alerts raised, confirmed, false, still open, and precision,
    over the alerts raised live; ``rerun``: those first raised by a forced rerun of their
    night, counted apart and never scored (they were not raised when dated)."""
    cols = [by, "raised", "confirmed", "false", "open", "precision", "rerun"]
    if ledger.empty:
        return pd.DataFrame(columns=cols)
    live = live_alerts(ledger)
    d = ledger[live].merge(outcomes[["alert_id", "outcome"]], on="alert_id", how="left")
    d["outcome"] = d["outcome"].fillna("open")
    t = pd.crosstab(d[by], d["outcome"]).reindex(
        columns=["confirmed", "false", "open"], fill_value=0
    )
    t.insert(0, "raised", t.sum(axis=1))
    decided = t["confirmed"] + t["false"]
    t["precision"] = (t["confirmed"] / decided.replace(0, np.nan)).round(3)
    late = ledger[~live].groupby(by).size()
    t = t.reindex(t.index.union(late.index), fill_value=0)
    t["rerun"] = late.reindex(t.index, fill_value=0).astype(int)
    t.index.name = by
    return t.reset_index().rename_axis(None, axis=1)[cols]


def track_record(
    archive: Any, as_of: date, days: int = 365, top: int = 20
) -> dict[str, pd.DataFrame]:
    """Skill of the forecasts scored and the alerts raised in the ``days`` before ``as_of``.

    ``{"forecasts": skill per model, "monthly": skill per model and month of the night the
    forecast was made, "series": skill per series and model (the ``top`` series with the most
    scored forecasts), "alerts": outcomes per rule}``, for the report, the review page and
    MLflow. Every ``crps_rel`` is relative to the last-value forecast (``naive``) of the same
    targets made on the same nights.
    """
    lo = pd.Timestamp(as_of) - pd.Timedelta(days=days)
    ledger = archive.query(
        "SELECT * FROM forecast_ledger WHERE as_of >= ? AND as_of < ?", [lo, pd.Timestamp(as_of)]
    )
    scores = archive.query(
        "SELECT * FROM forecast_scores WHERE resolved_as_of <= ?", [pd.Timestamp(as_of)]
    )
    alerts = archive.query(
        "SELECT * FROM alert_ledger WHERE as_of >= ? AND as_of <= ?", [lo, pd.Timestamp(as_of)]
    )
    outcomes = archive.query(
        "SELECT * FROM alert_outcomes WHERE resolved_as_of <= ?", [pd.Timestamp(as_of)]
    )
    series = skill(ledger, scores, by=("unique_id", "model"), freq=None)
    if len(series):
        busiest = series.groupby("unique_id")["n"].sum().nlargest(top).index
        series = series[series["unique_id"].isin(busiest)].sort_values(["unique_id", "model"])
    return {
        "forecasts": skill(ledger, scores, by=("model",), freq=None),
        "monthly": skill(ledger, scores, by=("model",), freq="MS").sort_values(
            ["period", "model"], ignore_index=True
        ),
        "series": series.reset_index(drop=True),
        "alerts": alert_skill(alerts, outcomes),
    }
