"""Past-only features of a monthly count series for the pooled onset-risk model.

Every feature at month ``t`` reads values at or before ``t`` only (trailing windows; the
count-rate detectors of :mod:`earlywarn.detect._rate` and :mod:`earlywarn.detect._bocpd`
are as_of-safe), so appending later months never changes an earlier row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlywarn.detect._bocpd import RateChangePoint
from earlywarn.detect._rate import RateCusum, RateSurprise

__all__ = ["FEATURES", "onset_features"]

#: Feature names, in the order of the shipped coefficients.
FEATURES = (
    "log_level",
    "ratio_1m",
    "ratio_3m",
    "ratio_6m",
    "ratio_12m_36m",
    "surprise",
    "surprise_6m",
    "cusum",
    "changepoint",
    "since_spike",
    "zero_share",
    "vs_max",
    "rise_prev",
)

_SURPRISE_CAP = 20.0


def _trailing_mean(x: np.ndarray, k: int, lag: int = 0) -> np.ndarray:
    """Mean of ``x[t-lag-k+1 .. t-lag]`` at each ``t`` (NaN until ``k`` values exist)."""
    s = pd.Series(x).rolling(k, min_periods=k).mean().to_numpy()
    if lag:
        s = np.concatenate([np.full(min(lag, len(s)), np.nan), s[: max(len(s) - lag, 0)]])
    return s


def _series_features(y: np.ndarray) -> dict[str, np.ndarray]:
    x = np.clip(np.nan_to_num(y, nan=0.0), 0, None)
    out: dict[str, np.ndarray] = {}
    out["log_level"] = np.log1p(_trailing_mean(x, 3))
    for k in (1, 3, 6):
        recent = _trailing_mean(x, k)
        base = _trailing_mean(x, 12, lag=k)  # the 12 months before the recent window
        out[f"ratio_{k}m"] = np.log((recent + 1.0) / (base + 1.0))
    out["ratio_12m_36m"] = np.log((_trailing_mean(x, 12) + 1.0) / (_trailing_mean(x, 36, 12) + 1.0))
    base = _trailing_mean(x, 12, lag=1)
    spike = (x > 2.0 * base + 5.0) & np.isfinite(base)
    last = np.full(len(x), np.nan)
    seen = np.nan
    for i in range(len(x)):
        last[i] = i - seen if np.isfinite(seen) else 120.0
        if spike[i]:
            seen = float(i)
    # months since the last spike before t (a spike at t itself is in the ratios)
    out["since_spike"] = np.log1p(np.fmin(last, 120.0))
    m3 = _trailing_mean(x, 3)
    past_max = pd.Series(m3).shift(3).rolling(120, min_periods=12).max().to_numpy()
    out["vs_max"] = np.log((m3 + 1.0) / (past_max + 1.0))
    out["rise_prev"] = np.concatenate([[np.nan], out["ratio_1m"][:-1]]) if len(x) else m3
    out["zero_share"] = (
        pd.Series(x == 0).astype(float).rolling(12, min_periods=12).mean().to_numpy()
    )
    return out


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
        36 months of history before them have NaN ratios.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "MLI:pv_events",
    ...                   "ds": pd.date_range("2015-01-01", periods=60, freq="MS"),
    ...                   "y": [10.0, 12, 9, 11] * 14 + [40, 60, 80, 90]})
    >>> f = onset_features(y)
    >>> round(float(f["ratio_3m"].iloc[-1]), 2)
    1.71
    """
    frame = frame.loc[:, ["unique_id", "ds", "y"]].copy()
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce").astype(float)
    frame = frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    parts = []
    for _, g in frame.groupby("unique_id", sort=False):
        feats = _series_features(g["y"].to_numpy(float))
        parts.append(pd.DataFrame(feats, index=g.index))
    out = pd.concat([frame, pd.concat(parts)], axis=1)
    for name, det in (
        ("surprise", RateSurprise()),
        ("surprise_6m", RateSurprise(spans=(6,), gate=1.0)),
        ("cusum", RateCusum()),
        ("changepoint", RateChangePoint()),
    ):
        s = det.fit(frame).score(frame)
        out[name] = np.log1p(np.clip(s["score"].to_numpy(float), 0.0, _SURPRISE_CAP))
    return out.loc[:, ["unique_id", "ds", "y", *FEATURES]]
