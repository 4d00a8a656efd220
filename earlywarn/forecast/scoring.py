"""Scores of backtest forecasts: per series, model and fold, and their means.

The metrics (:mod:`earlywarn.forecast.metrics`) are MASE, sMAPE, CRPS on the quantile grid
:data:`LEVELS`, 90% interval coverage and width, and the Brier score of the exceedance
probability. Kept apart from :mod:`earlywarn.forecast.backtest` so that the MLflow logging
(:mod:`earlywarn.forecast.runlog`) can score without importing the backtest.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlywarn.forecast import metrics as mt
from earlywarn.forecast._data import SeriesData
from earlywarn.forecast.base import quantile_column

__all__ = ["LEVELS", "score", "score_folds"]

#: quantile levels scored in a backtest (CRPS is approximated on this grid)
LEVELS: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 20))
_QCOLS = [quantile_column(q, "pct") for q in LEVELS]
_KEYS = ["unique_id", "model"]
_METRICS = ["mase", "smape", "crps", "coverage90", "width90", "brier"]


def score_folds(fc: pd.DataFrame, history: Mapping[str, SeriesData]) -> pd.DataFrame:
    """One row per series, model and fold: ``unique_id, model, fold, cutoff, mase, ...``."""
    rows = []
    levels = np.asarray(LEVELS)
    # a fold is numbered among all of its series' cutoffs, so a model that failed on one
    # fold keeps the same numbers as the others on the rest
    cutoffs: dict[str, dict[object, int]] = {
        str(uid): {c: i for i, c in enumerate(sorted(part.unique()))}
        for uid, part in fc.groupby("unique_id", sort=False)["cutoff"]
    }
    for (uid, model), part in fc.groupby(["unique_id", "model"], sort=True):
        s = history[str(uid)]
        for cutoff, f in part.groupby("cutoff", sort=True):
            fold = cutoffs[str(uid)][cutoff]
            y, q = f["y"].to_numpy(), f[_QCOLS].to_numpy()
            hist = s.y[: int(f["train_len"].iloc[0])]
            rows.append(
                {
                    "unique_id": uid,
                    "model": model,
                    "fold": fold,
                    "cutoff": cutoff,
                    "mase": mt.mase(y, f["yhat"].to_numpy(), hist, s.season),
                    "smape": mt.smape(y, f["yhat"].to_numpy()),
                    "crps": mt.crps_from_quantiles(y, q, levels),
                    "coverage90": mt.coverage(y, f["q05"].to_numpy(), f["q95"].to_numpy()),
                    "width90": mt.interval_width(f["q05"].to_numpy(), f["q95"].to_numpy()),
                    "brier": mt.brier(f["p_exceed"].to_numpy(), y > f["threshold"].to_numpy()),
                }
            )
    return pd.DataFrame(rows, columns=[*_KEYS[:2], "fold", "cutoff", *_METRICS])


def score(
    fc: pd.DataFrame,
    history: Mapping[str, SeriesData],
    per_fold: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per series and model: the mean of its fold scores (``folds`` = how many)."""
    folds = score_folds(fc, history) if per_fold is None else per_fold
    grouped = folds.groupby(_KEYS[:2], sort=True)
    out = grouped[_METRICS].mean()
    out.insert(0, "folds", grouped.size())
    return out.reset_index()[[*_KEYS[:2], "folds", *_METRICS]]
