"""Fit the pooled onset-risk model (:class:`earlywarn.detect.OnsetRisk`) on labelled onsets.

Rows are (country, month) from ``since`` on (:func:`earlywarn.detect._onset.country_features`).
A row is *positive* when the month is in ``[onset, onset]`` (:data:`POSITIVE`) of a
``primary`` or (:data:`CONTEXT`) ``context`` onset of its country; the other months of
``[onset - 3, max(end, onset + 1)]`` are left out of training (neutral, as
:func:`~earlywarn.alerts.evaluate.evaluate_alerts` counts later crisis months and context
crises, or lead months whose counts rarely show anything yet). The model is a standardised
L2 logistic regression (scikit-learn, :data:`C`).

The alert threshold is set from a target false-alert rate, never from the onsets caught:
each country's months are scored by a model fitted without that country, and the lowest
threshold at which these out-of-country scores raise at most :data:`RATE` false alerts per
country-year (:func:`~earlywarn.alerts.evaluate.calibrate_threshold`) is kept; the onsets
those scores catch at it are the model's leave-one-country-out figure.

Choices made on that figure (tuning half, ``experiments/onset_risk/study.py``, 2026-12-06):
9 features, onset months of primary and context crises as positives, ``C = 0.05``, positive
rows weighted 10 (the variants within one onset of it are in the table). The table is in ``experiments/onset_risk/README.md``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from earlywarn.alerts.evaluate import (
    _labels,
    _month_index,
    calibrate_threshold,
    evaluate_alerts,
)
from earlywarn.alerts.rules import Rule
from earlywarn.detect._onset import country_features, model_columns, predict_proba

__all__ = [
    "CONTEXT",
    "POSITIVE",
    "POSITIVE_WEIGHT",
    "RATE",
    "C",
    "fit_onset_model",
    "loco_figures",
    "loco_predictions",
    "training_rows",
    "write_model",
]

#: Regularisation of the shipped model (inverse L2 strength on standardised features).
C = 0.05
#: Months, relative to an onset, labelled positive (the rest of its window: neutral).
POSITIVE = (0, 0)
#: Whether ``context`` onsets are positives too (else their windows are neutral).
CONTEXT = True
#: Weight of a positive row against a negative one in the fit.
POSITIVE_WEIGHT = 10.0
#: False alerts per country-year the threshold is set for (the precision bar of 0.60 with
#: about one onset per 60 country-years allows about 0.01).
RATE = 0.01
#: Thresholds searched (probabilities).
_GRID = sorted({round(float(v), 5) for v in np.geomspace(1e-3, 0.95, 140)})


def training_rows(
    series: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    since: str = "1997-01-01",
    max_lead: int = 3,
    positive: tuple[int, int] = POSITIVE,
    context: bool = CONTEXT,
) -> pd.DataFrame:
    """Country-month features with ``label`` (0/1) and ``train`` (False: neutral or before
    ``since``).

    ``positive``: months relative to an onset labelled 1 (of primary onsets, and of context
    onsets when ``context``); the rest of ``[onset - max_lead, max(end, onset + 1)]`` is
    neutral. A month positive for one crisis and neutral for another stays positive.
    """
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    cf = country_features(frame)
    at = (cf["ds"].dt.year * 12 + cf["ds"].dt.month - 1).to_numpy()  # _month_index, vectorised
    label = np.zeros(len(cf))
    neutral = np.zeros(len(cf), dtype=bool)
    lo, hi = positive
    for row in _labels(labels).to_dict("records"):
        s = _month_index(pd.Timestamp(row["start"]), "MS")
        e = _month_index(pd.Timestamp(row["end"]), "MS")
        mine = (cf["country"] == row["unique_id"]).to_numpy()
        window = mine & (at >= s - max_lead) & (at <= max(e, s + 1))
        if row["role"] == "primary" or context:
            pos = mine & (at >= s + lo) & (at <= s + hi)
            label[pos] = 1.0
            neutral |= window & ~pos
        else:
            neutral |= window
    cf["label"] = label
    cf["train"] = (~neutral | (label == 1)) & (cf["ds"] >= pd.Timestamp(since)).to_numpy()
    return cf


def _fit(
    rows: pd.DataFrame,
    c: float,
    columns: list[str] | None = None,
    class_weight: dict[int, float] | None = None,
) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    cols = list(model_columns()) if columns is None else list(columns)
    x = rows.loc[:, cols].to_numpy(float)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=c, max_iter=5000, tol=1e-10, class_weight=class_weight)
    lr.fit((x - scaler.mean_) / scale, rows["label"].to_numpy())
    return {
        "columns": cols,
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) for v in scale],
        "coef": [float(v) for v in lr.coef_[0]],
        "intercept": float(lr.intercept_[0]),
    }


def loco_predictions(
    rows: pd.DataFrame,
    c: float = C,
    *,
    columns: list[str] | None = None,
    class_weight: dict[int, float] | None = None,
) -> np.ndarray:
    """Leave-one-country-out probabilities for every row of :func:`training_rows`
    (``columns``: another feature set of ``rows``, for studies)."""
    prob = np.full(len(rows), np.nan)
    for country in sorted(rows["country"].unique()):
        mine = (rows["country"] == country).to_numpy()
        fit_on = rows[rows["train"].to_numpy() & ~mine]
        if fit_on["label"].sum() == 0:
            continue
        prob[mine] = predict_proba(_fit(fit_on, c, columns, class_weight), rows[mine])
    return prob


def _scored(rows: pd.DataFrame, prob: np.ndarray, series: pd.DataFrame) -> pd.DataFrame:
    an = rows[["anchor", "ds"]].rename(columns={"anchor": "unique_id"})
    an = an.assign(detector="onset_risk", score=prob)
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    return an.merge(frame, on=["unique_id", "ds"], how="inner").dropna(subset=["score"])


def loco_figures(
    rows: pd.DataFrame,
    prob: np.ndarray,
    series: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    rate: float = RATE,
    since: str = "1997-01-01",
    threshold: float | None = None,
) -> dict[str, Any]:
    """Threshold for ``rate`` false alerts per country-year on the scores ``prob`` of
    ``rows`` (or the given ``threshold``), and what ``evaluate_alerts`` counts at it."""
    an = _scored(rows, prob, series)
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    rule = Rule("onset-risk", detector="onset_risk", threshold=0.5, cooldown=1)
    if threshold is None:
        threshold = calibrate_threshold(
            frame, labels, rule, target=rate, anomalies=an, grid=_GRID, since=since
        )
    r = evaluate_alerts(
        frame, labels, replace(rule, threshold=threshold), anomalies=an, since=since
    )
    p, rec = r["precision"], r["recall"]
    f1 = 0.0 if not (p + rec) or np.isnan(p) else 2 * p * rec / (p + rec)
    return {
        "threshold": threshold,
        "caught": int(r["caught"]),
        "onsets": int(r["onsets"]),
        "precision": round(float(p), 4),
        "false_per_country_year": round(float(r["false_alerts_per_country_year"]), 4),
        "true_alerts": int(r["true_alerts"]),
        "false_alerts": int(r["false_alerts"]),
        "f1": round(float(f1), 4),
    }


def fit_onset_model(
    series: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    c: float = C,
    since: str = "1997-01-01",
    rate: float = RATE,
    positive: tuple[int, int] = POSITIVE,
    context: bool = CONTEXT,
    positive_weight: float = POSITIVE_WEIGHT,
) -> dict[str, Any]:
    """Coefficients, threshold and leave-one-country-out figures of the onset-risk model.

    Use the tuning half only (``earlywarn.alerts.evaluate.development_data(...)["tuning"]``).
    """
    rows = training_rows(series, labels, since=since, positive=positive, context=context)
    weight = {0: 1.0, 1: positive_weight}
    model = _fit(rows[rows["train"]], c, class_weight=weight)
    prob = loco_predictions(rows, c, class_weight=weight)
    loco = loco_figures(rows, prob, series, labels, rate=rate, since=since)
    model.update(
        {
            "threshold": loco.pop("threshold"),
            "C": c,
            "positive": list(positive),
            "context_positive": context,
            "positive_weight": positive_weight,
            "false_alert_rate": rate,
            "since": since,
            "fitted_on": "tuning",
            "rows": int(rows["train"].sum()),
            "positives": int(rows.loc[rows["train"], "label"].sum()),
            "loco": loco,
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
