"""Fit the pooled onset-risk model (:class:`earlywarn.detect.OnsetRisk`) on labelled onsets.

Rows are (country, month) from ``since`` on (:func:`earlywarn.detect._onset.country_features`).
A row is *positive* when the month is in ``[onset - 1, onset]`` of a ``primary`` onset of
its country (:data:`POSITIVE`); the other months of ``[onset - 3, max(end, onset + 1)]`` and
a ``context`` crisis ``[onset - 3, max(end, onset + 1)]`` are left out of training (neutral,
as :func:`~earlywarn.alerts.evaluate.evaluate_alerts` counts them, or lead months whose
counts rarely show anything yet). The model is a standardised L2 logistic regression
(scikit-learn, ``C``: strong regularisation; 15 onsets in the tuning half).

Choices made on leave-one-country-out F1 of the tuning half (see below), 2026-12-06:
positive window ``[onset - 1, onset]`` (0.49; ``[onset - 3, onset]`` 0.42, ``[onset, onset]``
0.46, ``[onset, onset + 1]`` 0.42, ``[onset - 1, onset + 1]`` 0.43), ``C = 0.05`` (0.01:
0.43, 0.2: 0.46). A gradient-boosted classifier (depth 2, 100 trees) was worse there.

The alert threshold is chosen from leave-one-country-out predictions on the same (tuning)
data: each country's months are scored by a model fitted without that country, the
predictions are run through ``evaluate_alerts`` at every candidate threshold, and the one
with the best F1 of recall (onsets caught with lead >= 0) and precision, among those
raising at most ``max_false_rate`` false alerts per country-year, is kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from earlywarn.alerts.evaluate import _labels, _month_index, evaluate_alerts
from earlywarn.alerts.rules import Rule
from earlywarn.detect._onset import country_features, model_columns, predict_proba

__all__ = ["POSITIVE", "C", "fit_onset_model", "loco_predictions", "training_rows", "write_model"]

#: Regularisation of the shipped model (inverse L2 strength on standardised features).
C = 0.05
#: Months, relative to a primary onset, labelled positive (the rest of its window: neutral).
POSITIVE = (-1, 0)


def training_rows(
    series: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    since: str = "1997-01-01",
    max_lead: int = 3,
    positive: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Country-month features with ``label`` (0/1) and ``train`` (False: neutral or before
    ``since``)."""
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    cf = country_features(frame)
    at = (cf["ds"].dt.year * 12 + cf["ds"].dt.month - 1).to_numpy()  # _month_index, vectorised
    label = np.zeros(len(cf))
    neutral = np.zeros(len(cf), dtype=bool)
    for row in _labels(labels).to_dict("records"):
        s = _month_index(pd.Timestamp(row["start"]), "MS")
        e = _month_index(pd.Timestamp(row["end"]), "MS")
        mine = (cf["country"] == row["unique_id"]).to_numpy()
        if row["role"] == "primary":
            lo, hi = positive if positive is not None else POSITIVE
            pos = mine & (at >= s + lo) & (at <= s + hi)
            label[pos] = 1.0
            neutral |= mine & (at >= s - max_lead) & (at <= max(e, s + 1)) & ~pos
        else:
            neutral |= mine & (at >= s - max_lead) & (at <= max(e, s + 1))
    cf["label"] = label
    cf["train"] = ~neutral & (cf["ds"] >= pd.Timestamp(since)).to_numpy()
    return cf


def _fit(rows: pd.DataFrame, c: float) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    cols = list(model_columns())
    x = rows.loc[:, cols].to_numpy(float)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=c, max_iter=5000, tol=1e-10)
    lr.fit((x - scaler.mean_) / scale, rows["label"].to_numpy())
    return {
        "columns": cols,
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) for v in scale],
        "coef": [float(v) for v in lr.coef_[0]],
        "intercept": float(lr.intercept_[0]),
    }


def loco_predictions(rows: pd.DataFrame, c: float = C) -> np.ndarray:
    """Leave-one-country-out probabilities for every row of :func:`training_rows`."""
    prob = np.full(len(rows), np.nan)
    for country in sorted(rows["country"].unique()):
        mine = (rows["country"] == country).to_numpy()
        fit_on = rows[rows["train"].to_numpy() & ~mine]
        if fit_on["label"].sum() == 0:
            continue
        prob[mine] = predict_proba(_fit(fit_on, c), rows[mine])
    return prob


def _scored(rows: pd.DataFrame, prob: np.ndarray, series: pd.DataFrame) -> pd.DataFrame:
    an = rows[["anchor", "ds"]].rename(columns={"anchor": "unique_id"})
    an = an.assign(detector="onset_risk", score=prob)
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    return an.merge(frame, on=["unique_id", "ds"], how="inner").dropna(subset=["score"])


def fit_onset_model(
    series: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    c: float = C,
    since: str = "1997-01-01",
    max_false_rate: float = 0.5,
    positive: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Coefficients, threshold and leave-one-country-out figures of the onset-risk model.

    Use the tuning half only (``earlywarn.alerts.evaluate.development_data(...)["tuning"]``).
    """
    rows = training_rows(series, labels, since=since, positive=positive)
    model = _fit(rows[rows["train"]], c)
    prob = loco_predictions(rows, c)
    an = _scored(rows, prob, series)
    judged = prob[rows["train"].to_numpy() & ~np.isnan(prob)]
    grid = sorted({round(float(q), 4) for q in np.quantile(judged, np.linspace(0.95, 0.9995, 60))})
    best: tuple[float, float, dict[str, Any]] | None = None
    for th in grid:
        r = evaluate_alerts(
            series,
            labels,
            Rule("onset-risk", detector="onset_risk", threshold=th, cooldown=1),
            anomalies=an,
            since=since,
        )
        if r["false_alerts_per_country_year"] > max_false_rate:
            continue
        p, rec = r["precision"], r["recall"]
        f1 = 0.0 if not (p + rec) or np.isnan(p) else 2 * p * rec / (p + rec)
        if best is None or f1 > best[0] + 1e-12:
            best = (f1, th, r)
    if best is None:
        raise ValueError("no threshold reaches the false-alert target; raise max_false_rate")
    f1, th, r = best
    model.update(
        {
            "threshold": th,
            "C": c,
            "positive": list(positive if positive is not None else POSITIVE),
            "since": since,
            "fitted_on": "tuning",
            "rows": int(rows["train"].sum()),
            "positives": int(rows.loc[rows["train"], "label"].sum()),
            "loco": {
                "caught": int(r["caught"]),
                "onsets": int(r["onsets"]),
                "precision": round(float(r["precision"]), 4),
                "false_per_country_year": round(float(r["false_alerts_per_country_year"]), 4),
                "f1": round(float(f1), 4),
            },
        }
    )
    return model


def write_model(model: dict[str, Any], path: str | Path) -> None:
    """Write a model as the shipped JSON (rounded to 10 significant digits)."""

    def rnd(v: Any) -> Any:
        if isinstance(v, float):
            return float(f"{v:.10g}")
        if isinstance(v, list):
            return [rnd(x) for x in v]
        if isinstance(v, dict):
            return {k: rnd(x) for k, x in v.items()}
        return v

    Path(path).write_text(json.dumps(rnd(model), indent=1) + "\n", encoding="utf-8")
