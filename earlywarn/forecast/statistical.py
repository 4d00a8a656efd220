"""statsmodels models: ETS, SARIMAX and a count GLM (Poisson / negative binomial on lags).

The seasonal period is inferred from each series' frequency (7 daily, 52 weekly, 12 monthly);
a seasonal part is dropped, with a debug log, when a series has fewer than two full seasons.

Examples
--------
>>> import pandas as pd
>>> y = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=30, freq="D"),
...                   "y": [float(i % 7 + 10) for i in range(30)]})
>>> fc = CountGLM(family="poisson", lags=2).fit(y).predict(3)
>>> len(fc), bool((fc["yhat"] > 0).all())
(3, True)
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from earlywarn._log import get_logger
from earlywarn.errors import UsageError
from earlywarn.forecast._data import SeriesData
from earlywarn.forecast._dist import NegBinPredictive, NormalPredictive, Predictive
from earlywarn.forecast.base import BaseForecaster

__all__ = ["ETS", "SARIMAX", "CountGLM"]

_log = get_logger(__name__)


def _season(s: SeriesData, requested: int | None) -> int:
    m = int(requested or s.season)
    if m > 1 and len(s) < 2 * m + 2:
        _log.debug("series %s: %d periods < two seasons of %d, no seasonality", s.uid, len(s), m)
        return 1
    return m


class ETS(BaseForecaster):
    """Exponential smoothing state-space model (``statsmodels`` ``ETSModel``), normal errors."""

    _tags: ClassVar[dict[str, Any]] = {"requires:min_length": 6}

    def __init__(
        self,
        error: str = "add",
        trend: str | None = "add",
        damped_trend: bool = True,
        seasonal: str | None = None,
        seasonal_periods: int | None = None,
    ) -> None:
        self.error = error
        self.trend = trend
        self.damped_trend = damped_trend
        self.seasonal = seasonal
        self.seasonal_periods = seasonal_periods

    def _validate_params(self) -> None:
        for name, allowed in (
            ("error", ("add", "mul")),
            ("trend", (None, "add", "mul")),
            ("seasonal", (None, "add", "mul")),
        ):
            if getattr(self, name) not in allowed:
                raise UsageError(f"ETS: {name}={getattr(self, name)!r} is not one of {allowed}")

    def _fit(self, s: SeriesData) -> Any:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        m = _season(s, self.seasonal_periods) if self.seasonal else 1
        model = ETSModel(
            pd.Series(s.y),
            error=self.error,
            trend=self.trend,
            damped_trend=bool(self.damped_trend and self.trend),
            seasonal=self.seasonal if m > 1 else None,
            seasonal_periods=m if m > 1 else None,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return model.fit(disp=False)

    def _predict(self, state: Any, s: SeriesData, h: int) -> Predictive:
        pred = state.get_prediction(start=len(s), end=len(s) + h - 1)
        mean = np.asarray(pred.predicted_mean, dtype=float)
        return NormalPredictive(mean, np.sqrt(np.asarray(pred.var_pred_mean, dtype=float)))


class SARIMAX(BaseForecaster):
    """Seasonal ARIMA (``statsmodels`` state space); ``seasonal_order`` is ``(P, D, Q)``."""

    _tags: ClassVar[dict[str, Any]] = {"requires:min_length": 8}

    def __init__(
        self,
        order: tuple[int, int, int] = (1, 1, 1),
        seasonal_order: tuple[int, int, int] = (0, 0, 0),
        trend: str | None = None,
    ) -> None:
        self.order = order
        self.seasonal_order = seasonal_order
        self.trend = trend

    def _validate_params(self) -> None:
        for name in ("order", "seasonal_order"):
            value = getattr(self, name)
            if len(tuple(value)) != 3 or any(int(v) < 0 for v in value):
                raise UsageError(f"SARIMAX: {name}={value!r} must be three non-negative integers")

    def _fit(self, s: SeriesData) -> Any:
        from statsmodels.tsa.statespace.sarimax import SARIMAX as _SARIMAX

        m = _season(s, None) if any(self.seasonal_order) else 1
        seasonal = (*tuple(int(v) for v in self.seasonal_order), m) if m > 1 else (0, 0, 0, 0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = _SARIMAX(
                s.y, order=tuple(self.order), seasonal_order=seasonal, trend=self.trend
            )
            return model.fit(disp=False)

    def _predict(self, state: Any, s: SeriesData, h: int) -> Predictive:
        fc = state.get_forecast(h)
        return NormalPredictive(
            np.asarray(fc.predicted_mean, dtype=float),
            np.sqrt(np.asarray(fc.var_pred_mean, dtype=float)),
        )


def _glm(target: np.ndarray, X: np.ndarray, family: Any, penalty: float = 0.0) -> np.ndarray:
    """Maximum-likelihood GLM coefficients: IRLS, or L-BFGS from the intercept-only fit when
    IRLS diverges. IRLS overflows (``NaN, inf or invalid value detected in weights``) on a
    series of zeros with one huge burst, such as Eritrea's UCDP fatalities (95% zero months,
    15,068 deaths in February 1999); the likelihood is the same, L-BFGS just gets there.
    ``penalty > 0``: ridge (``penalty / 2`` times the squared slopes, not the intercept,
    added to the mean negative log-likelihood)."""
    import statsmodels.api as sm

    model = sm.GLM(target, X, family=family)
    start = np.zeros(X.shape[1])
    start[0] = np.log(max(float(np.mean(target)), 1e-8))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if penalty > 0:
            weights = np.full(X.shape[1], float(penalty))
            weights[0] = 0.0
            params = model.fit_regularized(alpha=weights, L1_wt=0, start_params=start).params
        else:
            params = None
            try:
                params = model.fit().params
            except (ValueError, np.linalg.LinAlgError) as exc:
                _log.debug("IRLS failed (%s); refitting with L-BFGS", exc)
            if params is None or not np.all(np.isfinite(params)):
                params = model.fit(method="lbfgs", start_params=start, maxiter=500).params
    params = np.asarray(params, dtype=float)
    if not np.all(np.isfinite(params)):
        raise ValueError("the count GLM did not converge (non-finite coefficients)")
    return params


def _season_back(k: int, m: int) -> int:
    """From an origin, the offset of the last value of the season ``k`` steps ahead (period
    ``m``), in ``(-m, 0]``: ``-11`` for one month ahead, ``0`` for twelve."""
    return k - m * -(-k // m)


class CountGLM(BaseForecaster):
    """Poisson or negative-binomial (NB2) GLM per series on ``log1p`` lags and the seasonal
    lag, one regression per horizon (direct multi-step).

    Horizon ``k`` regresses ``y[t + k]`` on ``log1p(y[t]) .. log1p(y[t - lags + 1])`` and
    ``log1p`` of the season's last value, over the origins ``t`` of the last ``window``
    periods; horizons past ``max_horizon`` (or past what a short series supports) reuse the
    last fitted one. ``penalty`` is a ridge on the slopes. The NB dispersion of a horizon is
    Cameron and Trivedi's moment estimate from its Poisson fit; the quantiles are the
    negative binomial's own. A series (or window) of zeros forecasts zeros. Unpenalised
    coefficients are maximum likelihood by IRLS, or by L-BFGS when IRLS diverges (``_glm``).

    Why so (tuning half of the crisis split, MASE 6.6 times the last value's before): the
    old model simulated one step at a time, feeding its draws back into the lags, with a
    linear time trend on the log link, fitted to all of a series' decades. On series that
    rose from years of zeros to a war the fitted elasticity of ``y`` to its ``log1p`` lags
    exceeds 1, so six compounded steps exploded (or, with the dispersion of decades, the
    paths collapsed to zero); the trend of a series whose one event is its last months
    (Malawi's UCDP fatalities: one month of 2 deaths in 37 years) took a coefficient of
    10,000 and forecast 30 deaths a month; and one burst in a run of zeros (Cameroon's
    fatalities, 572 then 9) gave a horizon slopes of 12 and 19 and forecasts 100 times any
    value seen since. Direct horizons, no trend, a recent window and the ridge remove each.

    Parameters
    ----------
    family : {"negbin", "poisson"}
    lags : int
        Lags of ``log1p(y)`` at the origin.
    seasonal : bool
        Add the season's last value (when the series has two seasons and ten periods).
    max_horizon : int
        Horizons fitted; longer ones reuse the last.
    window : int or None
        Fit on the last ``window`` periods (None: all); ``models/count_nb.yaml`` uses 96.
    penalty : float
        Ridge weight on the slopes (0: plain maximum likelihood).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=30, freq="MS"),
    ...                   "y": [0.0] * 27 + [2.0, 0.0, 0.0]})
    >>> fc = CountGLM(window=24, penalty=0.01).fit(y).predict_quantiles(3, [0.5, 0.95])
    >>> fc[["q0.5", "q0.95"]].to_numpy().tolist()
    [[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]]
    """

    _tags: ClassVar[dict[str, Any]] = {"requires:min_length": 10, "y:counts": True}

    def __init__(
        self,
        family: str = "negbin",
        lags: int = 3,
        seasonal: bool = True,
        max_horizon: int = 12,
        window: int | None = None,
        penalty: float = 1.0,
    ) -> None:
        self.family = family
        self.lags = lags
        self.seasonal = seasonal
        self.max_horizon = max_horizon
        self.window = window
        self.penalty = penalty

    def _validate_params(self) -> None:
        if self.family not in ("poisson", "negbin"):
            raise UsageError(f"CountGLM: family={self.family!r} must be 'poisson' or 'negbin'")
        if int(self.lags) < 1:
            raise UsageError(f"CountGLM: lags={self.lags!r} must be >= 1")
        if int(self.max_horizon) < 1:
            raise UsageError(f"CountGLM: max_horizon={self.max_horizon!r} must be >= 1")
        if self.window is not None and int(self.window) < 10:
            raise UsageError(f"CountGLM: window={self.window!r} must be None or at least 10")
        if float(self.penalty) < 0:
            raise UsageError(f"CountGLM: penalty={self.penalty!r} must be >= 0")

    def _season(self, s: SeriesData, n: int) -> int:
        m = s.season
        return m if self.seasonal and m > int(self.lags) and n >= m + 10 else 0

    def _design(self, logy: np.ndarray, t: np.ndarray, k: int, m: int) -> np.ndarray:
        """Rows of origins ``t`` for horizon ``k``: intercept, lags, the season's last value."""
        cols = [np.ones(len(t))] + [logy[t - j] for j in range(int(self.lags))]
        if m:
            cols.append(logy[t + _season_back(k, m)])
        return np.column_stack(cols)

    def _fit(self, s: SeriesData) -> dict:
        import statsmodels.api as sm

        y = s.y
        if np.any(y < 0):
            raise ValueError("a count model needs non-negative values")
        if not np.any(y > 0):
            return {"zero": True}
        if self.window is not None:
            y = y[-int(self.window) :]
            if not np.any(y > 0):
                return {"zero": True}
        logy, n = np.log1p(y), len(y)
        m = self._season(s, n)
        fits: dict[int, tuple[np.ndarray, float]] = {}
        pen = float(self.penalty)
        for k in range(1, int(self.max_horizon) + 1):
            t = np.arange(max(int(self.lags) - 1, -_season_back(k, m) if m else 0), n - k)
            if len(t) < int(self.lags) + 4:
                break
            X = self._design(logy, t, k, m)
            target = y[t + k]
            beta = _glm(target, X, sm.families.Poisson(), pen)
            alpha = 0.0
            if self.family == "negbin":  # Cameron and Trivedi's auxiliary regression
                mu = np.exp(np.minimum(X @ beta, 50.0))
                alpha = float(max(np.sum((target - mu) ** 2 - target) / np.sum(mu**2), 1e-8))
                beta = _glm(target, X, sm.families.NegativeBinomial(alpha=alpha), pen)
            fits[k] = (beta, alpha)
        if not fits:
            raise ValueError(f"{n} periods are too few for {self.lags} lags")
        return {"zero": False, "fits": fits, "m": m, "cap": float(np.log(10 * y.max() + 10))}

    def _predict(self, state: dict, s: SeriesData, h: int) -> Predictive:
        if state["zero"]:
            return NegBinPredictive(np.zeros(h), np.zeros(h))
        logy, fits, m = np.log1p(s.y), state["fits"], state["m"]
        origin = np.array([len(logy) - 1])
        mu, alpha = np.empty(h), np.empty(h)
        for k in range(1, h + 1):
            beta, alpha[k - 1] = fits[min(k, max(fits))]
            x = self._design(logy, origin, k, m)[0]
            mu[k - 1] = np.exp(min(float(x @ beta), state["cap"]))
        return NegBinPredictive(mu, alpha)
