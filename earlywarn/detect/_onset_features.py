"""Past-only features of a monthly count series for the pooled onset-risk model.

Four generic summaries, each at month ``t`` reading values at or before ``t`` only
(trailing windows), so appending later months never changes an earlier row:

- ``level``: ``log1p`` of the mean of the last 3 months;
- ``rise_12m``, ``rise_24m``: ``log1p(y[t])`` against ``log1p`` of the mean of the 12 (24)
  months before ``t``;
- ``run``: how many months in a row, up to ``t``, the count has been at least 1.5 times its
  own 12-month baseline (``log1p``, capped at 12).

They replaced 13 summaries per kind (rate ratios over four spans, negative-binomial
surprise, CUSUM, BOCPD, months since a spike ...) that did not generalise across
countries (``experiments/onset_risk/README.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["FEATURES", "onset_features"]

#: Feature names, in the order of the shipped coefficients.
FEATURES = ("level", "rise_12m", "rise_24m", "run")

#: A month is *above baseline* when ``(1 + y) / (1 + mean of the 12 months before) >= 1.5``.
_ABOVE = np.log(1.5)
_RUN_CAP = 12


def _trailing_mean(x: np.ndarray, k: int, lag: int = 0) -> np.ndarray:
    """Mean of ``x[t-lag-k+1 .. t-lag]`` at each ``t`` (NaN until ``k`` values exist)."""
    return np.asarray(pd.Series(x).rolling(k, min_periods=k).mean().shift(lag).to_numpy())


def _series_features(y: np.ndarray) -> dict[str, np.ndarray]:
    x = np.clip(np.nan_to_num(y, nan=0.0), 0, None)
    now = np.log1p(x)
    base12 = np.log1p(_trailing_mean(x, 12, lag=1))
    above = (now - base12) >= _ABOVE  # False while the baseline is NaN
    run = np.zeros(len(x))
    for i in np.flatnonzero(above):
        run[i] = (run[i - 1] if i else 0.0) + 1.0
    return {
        "level": np.log1p(_trailing_mean(x, 3)),
        "rise_12m": now - base12,
        "rise_24m": now - np.log1p(_trailing_mean(x, 24, lag=1)),
        "run": np.log1p(np.minimum(run, _RUN_CAP)),
    }


def onset_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Features of every (series, month) of a long frame, from the past only.

    Parameters
    ----------
    frame : DataFrame
        Long frame ``unique_id, ds, y`` of monthly counts (sorted or not).

    Returns
    -------
    DataFrame
        ``unique_id, ds, y`` and one column per name in :data:`FEATURES`; rows without
        12 (24) months of history before them have NaN rises.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "MLI:pv_events",
    ...                   "ds": pd.date_range("2015-01-01", periods=60, freq="MS"),
    ...                   "y": [10.0, 12, 9, 11] * 14 + [40, 60, 80, 90]})
    >>> f = onset_features(y)
    >>> round(float(f["rise_12m"].iloc[-1]), 2), round(float(f["run"].iloc[-1]), 2)
    (1.34, 1.61)
    """
    frame = frame.loc[:, ["unique_id", "ds", "y"]].copy()
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce").astype(float)
    frame = frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    parts = [
        pd.DataFrame(_series_features(g["y"].to_numpy(float)), index=g.index)
        for _, g in frame.groupby("unique_id", sort=False)
    ]
    out = pd.concat([frame, pd.concat(parts)], axis=1)
    return out.loc[:, ["unique_id", "ds", "y", *FEATURES]]
