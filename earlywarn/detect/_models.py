"""Model-based detectors: STL residuals, change points, isolation forest, forecast exceedance.

These refit a model per scored period on a trailing window, so they are slower than
the robust detectors; pass ``last=`` to :meth:`score` (``detect`` does) to score only
recent periods.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlywarn.detect._base import (
    BaseDetector,
    infer_freq,
    nan_stats,
    orient,
    trailing_windows,
    transform_values,
)
from earlywarn.errors import ConfigError
from earlywarn.series.ids import parse_id

__all__ = ["ChangePoint", "ForecastExceedance", "IsolationForestDetector", "STLResidual"]

_PERIOD = {"D": 7, "W": 4, "MS": 12}
_STL_WINDOW = {"D": 56, "W": 52, "MS": 36}


def _positions(n: int, mp: int, last: int | None) -> range:
    start = max(mp - 1, 0 if last is None else n - last)
    return range(start, n)


def _robust_z(value: float, history: np.ndarray, floor: float) -> float:
    history = history[~np.isnan(history)]
    med = float(np.median(history))
    scale = max(1.4826 * float(np.median(np.abs(history - med))), floor)
    return (value - med) / scale


class STLResidual(BaseDetector):
    """One-step STL surprise: ``y_t`` against an STL fit of the trailing window before ``t``.

    The expectation is the last trend value plus its last step plus the seasonal value
    one period back; the score is a robust z of ``y_t - expected`` against the fit's
    residuals (STL's own end-point residual is damped, so it is not used).

    Parameters
    ----------
    period : int or None
        Seasonal period (None: 7 daily, 4 weekly, 12 monthly).
    window : int or None
        Trailing window (None: 56 daily, 52 weekly, 36 monthly); at least ``2 * period + 1``
        points are needed to score.
    transform, direction, threshold
        As in :class:`RobustZScore`.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "ev:VNM", "ds": pd.date_range("2024-01-01", periods=42),
    ...                   "y": [10.0, 12, 11, 10, 12, 5, 4] * 5 + [10, 12, 11, 60, 12, 5, 4]})
    >>> out = STLResidual().fit(y).predict(y, last=7)
    >>> out.loc[out.is_anomaly, "y"].tolist()
    [60.0]
    """

    def __init__(
        self,
        period: int | None = None,
        window: int | None = None,
        transform: str = "auto",
        direction: str = "up",
        threshold: float = 3.5,
    ) -> None:
        self.period = period
        self.window = window
        self.transform = transform
        self.direction = direction
        self.threshold = threshold

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        self._last = last
        return super()._score(frame, last)

    def _score_series(
        self, uid: str, ds: pd.Series, y: np.ndarray, freq: str, frame: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray]:
        from statsmodels.tsa.seasonal import STL

        period = int(self.period or _PERIOD.get(freq, 7))
        w = int(self.window or max(_STL_WINDOW.get(freq, 56), 2 * period + 2))
        mp = 2 * period + 2
        x = transform_values(y, uid, self.transform)
        expected = np.full(len(y), np.nan)
        score = np.full(len(y), np.nan)
        for t in _positions(len(x), mp + 1, getattr(self, "_last", None)):
            seg = x[max(0, t - w) : t]  # history before t: STL end points follow the data
            if np.isnan(seg).any() or np.isnan(x[t]) or len(seg) < mp:
                continue
            res = STL(seg, period=period, robust=True).fit()
            slope = float(res.trend[-1] - res.trend[-2])
            fitted = float(res.trend[-1] + slope + res.seasonal[-period])
            floor = 1e-9 if self.transform == "none" else 1 / np.sqrt(max(np.expm1(fitted), 0) + 1)
            z = _robust_z(float(x[t] - fitted), np.asarray(res.resid), floor)
            score[t] = float(np.clip(orient(np.array([z]), self.direction)[0], -50, 50))
            expected[t] = fitted if self.transform == "none" else float(np.expm1(fitted))
        return expected, score


class ChangePoint(BaseDetector):
    """Recent upward level shifts found by ``ruptures`` (PELT) on a trailing window.

    At each period ``t`` the window ending at ``t`` is segmented; if the last change
    point lies within the last ``recent`` periods the score is the shift in mean (after
    minus before) in robust noise units, otherwise 0.

    Parameters
    ----------
    window : int or None
        Trailing window (None: 60 daily, 26 weekly, 24 monthly).
    recent : int
        How recent (periods) a change point must be to flag period ``t``.
    penalty : float
        PELT penalty factor (times ``sigma**2 * log(window)``).
    transform, direction, threshold
        As in :class:`RobustZScore`.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "ev:VNM", "ds": pd.date_range("2024-01-01", periods=40),
    ...                   "y": [10.0, 11, 9, 10] * 8 + [40, 42, 39, 41, 40, 43, 41, 40]})
    >>> out = ChangePoint().fit(y).predict(y, last=8)
    >>> out.loc[out.is_anomaly, "ds"].dt.day.min()
    np.int32(2)
    """

    def __init__(
        self,
        window: int | None = None,
        recent: int = 3,
        penalty: float = 3.0,
        transform: str = "auto",
        direction: str = "up",
        threshold: float = 3.5,
    ) -> None:
        self.window = window
        self.recent = recent
        self.penalty = penalty
        self.transform = transform
        self.direction = direction
        self.threshold = threshold

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        self._last = last
        return super()._score(frame, last)

    def _score_series(
        self, uid: str, ds: pd.Series, y: np.ndarray, freq: str, frame: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray]:
        import ruptures as rpt

        w = int(self.window or {"D": 60, "W": 26, "MS": 24}.get(freq, 60))
        mp = max(2 * self.recent + 4, w // 3)
        x = transform_values(y, uid, self.transform)
        expected = np.full(len(y), np.nan)
        score = np.full(len(y), np.nan)
        for t in _positions(len(x), mp, getattr(self, "_last", None)):
            seg = x[max(0, t - w + 1) : t + 1]
            if np.isnan(seg).any():
                continue
            d = np.diff(seg)
            sigma = max(1.4826 * float(np.median(np.abs(d - np.median(d)))) / np.sqrt(2), 0.05)
            pen = self.penalty * sigma**2 * np.log(len(seg))
            bkps = rpt.Pelt(model="l2", min_size=1, jump=1).fit(seg).predict(pen=pen)
            cps = [0, *bkps]
            before_mean = float(np.mean(seg[cps[-2] :]))
            z = 0.0
            if len(cps) >= 3 and cps[-2] >= len(seg) - self.recent:
                before_mean = float(np.mean(seg[cps[-3] : cps[-2]]))
                z = (float(np.mean(seg[cps[-2] :])) - before_mean) / sigma
            score[t] = float(orient(np.array([z]), self.direction)[0])
            expected[t] = before_mean if self.transform == "none" else float(np.expm1(before_mean))
        return expected, score


class IsolationForestDetector(BaseDetector):
    """Multivariate outliers across a country's series (scikit-learn ``IsolationForest``).

    Series are grouped by country (``parse_id(uid).country``); at each period the forest
    is trained on the group's (log) vectors of the trailing window plus ``t`` itself
    (a point beyond the training range would otherwise look like the boundary). The score is a robust z of the forest's anomaly score of ``t`` against the
    anomaly scores of the training rows; every series of the group gets the group's
    score, and ``expected`` is each series' trailing median.

    Parameters
    ----------
    window, min_periods : int or None
        Training window and minimum history (None: 90/30 daily, 36/12 monthly).
    n_estimators : int
        Trees per forest.
    random_state : int
        Seed, for reproducible scores.
    threshold : float
        Anomaly threshold on the score.

    Examples
    --------
    >>> import pandas as pd
    >>> ds = pd.date_range("2024-01-01", periods=40)
    >>> a = [10.0, 11, 9, 10] * 10; b = [5.0, 6, 5, 4] * 10
    >>> a[-1], b[-1] = 60.0, 30.0
    >>> y = pd.DataFrame({"unique_id": ["ev:VNM"] * 40 + ["ev:VNM:q4"] * 40,
    ...                   "ds": list(ds) * 2, "y": a + b})
    >>> out = IsolationForestDetector(n_estimators=50).fit(y).predict(y, last=3)
    >>> out.loc[out.is_anomaly, "ds"].dt.day.unique().tolist()
    [9]
    """

    def __init__(
        self,
        window: int | None = None,
        min_periods: int | None = None,
        n_estimators: int = 100,
        random_state: int = 0,
        threshold: float = 3.5,
    ) -> None:
        self.window = window
        self.min_periods = min_periods
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.threshold = threshold

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        from sklearn.ensemble import IsolationForest

        frame = frame.assign(group=[parse_id(str(u)).country or str(u) for u in frame["unique_id"]])
        parts = []
        for _, g in frame.groupby("group", sort=False):
            wide = g.pivot(index="ds", columns="unique_id", values="y").sort_index()
            freq = infer_freq(pd.DatetimeIndex(wide.index))
            w = int(self.window or {"D": 90, "W": 52, "MS": 36}.get(freq, 90))
            mp = int(self.min_periods or {"D": 30, "W": 20, "MS": 12}.get(freq, 30))
            X = np.sign(wide.to_numpy(float)) * np.log1p(np.abs(wide.fillna(0).to_numpy(float)))
            score = np.full(len(X), np.nan)
            for t in _positions(len(X), mp + 1, last):
                sample = X[max(0, t - w) : t + 1]  # history and t itself: nothing later
                forest = IsolationForest(
                    n_estimators=self.n_estimators, random_state=self.random_state
                ).fit(sample)
                raw = -forest.score_samples(sample)
                score[t] = _robust_z(float(raw[-1]), raw[:-1], 1e-3)
            for uid in wide.columns:
                yv = wide[uid].to_numpy(float)
                med, _, _ = nan_stats(trailing_windows(yv, w))
                part = pd.DataFrame(
                    {"unique_id": uid, "ds": wide.index, "y": yv, "expected": med, "score": score}
                )
                parts.append(part.dropna(subset=["y"]).iloc[-last:] if last else part)
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


class ForecastExceedance(BaseDetector):
    """``y`` above what a forecast expected: z against the forecast's q50..q95 spread.

    The score is ``(y - q50) / ((q95 - q50) / 1.645)``, so the default threshold 1.645
    flags ``y > q95``. If ``forecasts`` has an ``as_of`` column only forecasts made
    before ``ds`` are used (the latest such vintage); several models are averaged
    unless ``model`` names one.

    Parameters
    ----------
    forecasts : DataFrame
        ``unique_id, model, ds, yhat, q50, q95`` (as in the ``forecasts`` table).
    model : str or None
        Which model's forecasts to use.
    threshold : float
        Anomaly threshold on the score.

    Examples
    --------
    >>> import pandas as pd
    >>> ds = pd.date_range("2024-01-01", periods=3)
    >>> fc = pd.DataFrame({"unique_id": "cov:VNM", "model": "m", "ds": ds, "yhat": 10.0,
    ...                    "q05": 6.0, "q50": 10.0, "q95": 14.0})
    >>> y = pd.DataFrame({"unique_id": "cov:VNM", "ds": ds, "y": [9.0, 13.0, 30.0]})
    >>> ForecastExceedance(fc).fit(y).predict(y).is_anomaly.tolist()
    [False, False, True]
    """

    def __init__(
        self,
        forecasts: pd.DataFrame | None = None,
        model: str | None = None,
        threshold: float = 1.645,
    ) -> None:
        self.forecasts = forecasts
        self.model = model
        self.threshold = threshold

    def _validate_params(self) -> None:
        super()._validate_params()
        if self.forecasts is None:
            raise ConfigError("ForecastExceedance needs forecasts=<forecasts frame>")
        missing = {"unique_id", "ds", "q50", "q95"} - set(self.forecasts.columns)
        if missing:
            raise ConfigError(f"ForecastExceedance: forecasts lack columns {sorted(missing)}")

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        assert self.forecasts is not None
        fc = self.forecasts.copy()
        fc["ds"] = pd.to_datetime(fc["ds"])
        if fc["ds"].dt.tz is not None:
            fc["ds"] = fc["ds"].dt.tz_convert("UTC").dt.tz_localize(None)
        if self.model is not None and "model" in fc:
            fc = fc[fc["model"] == self.model]
        if "as_of" in fc:
            fc = fc[pd.to_datetime(fc["as_of"]) < fc["ds"]]
            latest = fc.groupby(["unique_id", "ds"])["as_of"].transform("max")
            fc = fc[fc["as_of"] == latest]
        if "yhat" not in fc:
            fc = fc.assign(yhat=fc["q50"])
        fc = fc.groupby(["unique_id", "ds"], as_index=False)[["yhat", "q50", "q95"]].mean()
        out = frame.merge(fc, on=["unique_id", "ds"], how="inner")
        spread = (out["q95"] - out["q50"]).clip(lower=1e-9) / 1.645
        out["score"] = (out["y"] - out["q50"]) / spread
        out["expected"] = out["yhat"]
        if last:
            out = out.groupby("unique_id", group_keys=False).tail(last)
        return out
