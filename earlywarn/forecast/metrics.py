"""Forecast accuracy metrics (point, quantile, interval and event), numpy in, float out.

Examples
--------
>>> import numpy as np
>>> y = np.array([10.0, 12.0]); yhat = np.array([11.0, 11.0])
>>> mase(y, yhat, insample=np.array([1.0, 2.0, 3.0, 4.0]), m=1)
1.0
>>> round(smape(y, yhat), 3)
9.11
>>> levels = np.array([0.1, 0.5, 0.9])
>>> round(crps_from_quantiles(y, np.array([[9.0, 10.0, 11.0], [9.0, 10.0, 11.0]]), levels), 3)
0.8
>>> coverage(y, np.array([9.0, 9.0]), np.array([11.0, 11.0])), brier(np.array([0.5]), np.array([1]))
(0.5, 0.25)
"""

from __future__ import annotations

import numpy as np

__all__ = ["brier", "coverage", "crps_from_quantiles", "interval_width", "mase", "pinball", "smape"]


def mase(y: np.ndarray, yhat: np.ndarray, insample: np.ndarray, m: int = 1) -> float:
    """Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive (lag ``m``).

    Falls back to lag 1 when the history is shorter than ``m + 1``; NaN for a flat history.
    """
    insample = np.asarray(insample, dtype=float)
    if len(insample) <= m:
        m = 1
    if len(insample) <= m:
        return float("nan")
    scale = float(np.mean(np.abs(insample[m:] - insample[:-m])))
    if scale == 0:
        return float("nan")
    return float(np.mean(np.abs(np.asarray(y) - np.asarray(yhat))) / scale)


def smape(y: np.ndarray, yhat: np.ndarray) -> float:
    """Symmetric MAPE in percent (0..200); a period where both are 0 counts as 0."""
    y, yhat = np.asarray(y, dtype=float), np.asarray(yhat, dtype=float)
    den = np.abs(y) + np.abs(yhat)
    ratio = np.divide(2 * np.abs(y - yhat), den, out=np.zeros_like(den), where=den > 0)
    return float(100 * np.mean(ratio))


def pinball(y: np.ndarray, qv: np.ndarray, q: float | np.ndarray) -> np.ndarray:
    """Pinball (quantile) loss of forecasts ``qv`` at level ``q``, elementwise."""
    diff = np.asarray(y, dtype=float) - np.asarray(qv, dtype=float)
    return np.maximum(q * diff, (q - 1) * diff)


def crps_from_quantiles(y: np.ndarray, qvalues: np.ndarray, levels: np.ndarray) -> float:
    """CRPS approximated by twice the mean pinball loss over the quantile ``levels``.

    ``qvalues`` has shape ``(n, len(levels))``; the result is averaged over the ``n`` points.
    """
    y = np.asarray(y, dtype=float)[:, None]
    levels = np.asarray(levels, dtype=float)[None, :]
    return float(2 * np.mean(pinball(y, qvalues, levels)))


def coverage(y: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of observations inside ``[lower, upper]``."""
    y = np.asarray(y, dtype=float)
    return float(np.mean((y >= lower) & (y <= upper)))


def interval_width(lower: np.ndarray, upper: np.ndarray) -> float:
    """Mean width of the intervals."""
    return float(np.mean(np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)))


def brier(p: np.ndarray, outcome: np.ndarray) -> float:
    """Brier score of probabilities ``p`` for binary ``outcome`` (lower is better)."""
    return float(np.mean((np.asarray(p, dtype=float) - np.asarray(outcome, dtype=float)) ** 2))
