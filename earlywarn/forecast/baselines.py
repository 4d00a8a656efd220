"""Baseline forecasters: Naive, SeasonalNaive, Mean, Drift (fpp3, chapter 5).

Uncertainty comes from the one-step residuals, scaled per step by the textbook multipliers
(``sqrt(h)`` for the naive, ``sqrt(k + 1)`` seasons for the seasonal naive ...), either as a
normal distribution or, with ``method="empirical"``, by rescaling the residuals themselves;
``"auto"`` uses the residuals when there are at least 20 of them.

Examples
--------
>>> import pandas as pd
>>> y = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=6, freq="MS"),
...                   "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
>>> Drift().fit(y).predict(1)["yhat"].tolist()
[7.0]
>>> SeasonalNaive(season_length=3).fit(y).predict(3)["yhat"].tolist()
[4.0, 5.0, 6.0]
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from earlywarn.errors import UsageError
from earlywarn.forecast._data import SeriesData
from earlywarn.forecast._dist import EmpiricalPredictive, NormalPredictive, Predictive
from earlywarn.forecast.base import BaseForecaster

__all__ = ["Drift", "Mean", "Naive", "SeasonalNaive"]

_METHODS = ("auto", "normal", "empirical")


class _Baseline(BaseForecaster):
    _tags: ClassVar[dict[str, Any]] = {"requires:min_length": 2}

    def __init__(self, method: str = "auto") -> None:
        self.method = method

    def _validate_params(self) -> None:
        if self.method not in _METHODS:
            raise UsageError(
                f"{type(self).__name__}: method={self.method!r} is not one of {_METHODS}"
            )

    def _point_and_residuals(self, s: SeriesData) -> dict[str, np.ndarray | float | int]:
        raise NotImplementedError

    def _path(self, state: dict, n: int, h: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _fit(self, s: SeriesData) -> dict:
        state = self._point_and_residuals(s)
        res = np.asarray(state["res"], dtype=float)
        state["res"] = res - res.mean() if len(res) else res
        state["sd"] = float(np.sqrt(np.mean(res**2))) if len(res) else 0.0
        return state

    def _predict(self, state: dict, s: SeriesData, h: int) -> Predictive:
        mean, scale = self._path(state, len(s), h)
        res = state["res"]
        empirical = self.method == "empirical" or (self.method == "auto" and len(res) >= 20)
        if empirical:
            return EmpiricalPredictive(mean, res, scale)
        return NormalPredictive(mean, state["sd"] * scale)


class Naive(_Baseline):
    """Last value carried forward; spread grows as ``sqrt(h)``."""

    def _point_and_residuals(self, s: SeriesData) -> dict:
        return {"last": float(s.y[-1]), "res": np.diff(s.y)}

    def _path(self, state: dict, n: int, h: int) -> tuple[np.ndarray, np.ndarray]:
        k = np.arange(1, h + 1)
        return np.full(h, state["last"]), np.sqrt(k)


class SeasonalNaive(_Baseline):
    """Value of the same season last cycle; ``season_length=None`` infers it from the frequency
    (7 daily, 52 weekly, 12 monthly). Needs one full season plus one period.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2024-01-01", periods=6,
    ...                   freq="MS"), "y": [1.0, 5, 2, 6, 3, 7]})
    >>> SeasonalNaive(season_length=2).fit(y).predict(h=2)
      unique_id         ds  yhat
    0         a 2024-07-01   3.0
    1         a 2024-08-01   7.0
    """

    def __init__(self, season_length: int | None = None, method: str = "auto") -> None:
        self.season_length = season_length
        self.method = method

    def _validate_params(self) -> None:
        super()._validate_params()
        m = self.season_length
        if m is not None and (not isinstance(m, int) or m < 1):
            raise UsageError(f"SeasonalNaive: season_length={m!r} must be a positive integer")

    def _m(self, s: SeriesData) -> int:
        return int(self.season_length or s.season)

    def _min_length(self, s: SeriesData) -> int:
        return self._m(s) + 1

    def _point_and_residuals(self, s: SeriesData) -> dict:
        m = self._m(s)
        return {"last": s.y[-m:].copy(), "m": m, "res": s.y[m:] - s.y[:-m]}

    def _path(self, state: dict, n: int, h: int) -> tuple[np.ndarray, np.ndarray]:
        m = state["m"]
        k = np.arange(1, h + 1)
        return state["last"][(k - 1) % m], np.sqrt((k - 1) // m + 1)


class Mean(_Baseline):
    """Historical mean; spread ``sd * sqrt(1 + 1/T)``."""

    def _point_and_residuals(self, s: SeriesData) -> dict:
        mu = float(np.mean(s.y))
        return {"mu": mu, "res": s.y - mu}

    def _path(self, state: dict, n: int, h: int) -> tuple[np.ndarray, np.ndarray]:
        return np.full(h, state["mu"]), np.full(h, np.sqrt(1 + 1 / n))


class Drift(_Baseline):
    """Line through the first and last value; spread ``sd * sqrt(h (1 + h/(T-1)))``."""

    def _point_and_residuals(self, s: SeriesData) -> dict:
        slope = float((s.y[-1] - s.y[0]) / (len(s) - 1))
        return {"last": float(s.y[-1]), "slope": slope, "res": np.diff(s.y) - slope}

    def _path(self, state: dict, n: int, h: int) -> tuple[np.ndarray, np.ndarray]:
        k = np.arange(1, h + 1)
        return state["last"] + k * state["slope"], np.sqrt(k * (1 + k / max(n - 1, 1)))
