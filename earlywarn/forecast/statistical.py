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
from earlywarn.forecast._data import SeriesData
from earlywarn.forecast._dist import NormalPredictive, Predictive, SamplePredictive
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
                raise ValueError(f"ETS: {name}={getattr(self, name)!r} is not one of {allowed}")

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
                raise ValueError(f"SARIMAX: {name}={value!r} must be three non-negative integers")

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


def _glm(target: np.ndarray, X: np.ndarray, family: Any) -> Any:
    """Maximum-likelihood GLM fit: IRLS, or L-BFGS from the intercept-only fit when IRLS
    diverges. IRLS overflows (``NaN, inf or invalid value detected in weights``) on a
    series of zeros with one huge burst, such as Eritrea's UCDP fatalities (95% zero months,
    15,068 deaths in February 1999); the likelihood is the same, L-BFGS just gets there."""
    import statsmodels.api as sm

    model = sm.GLM(target, X, family=family)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = model.fit()
            if np.all(np.isfinite(fit.params)):
                return fit
        except (ValueError, np.linalg.LinAlgError) as exc:
            _log.debug("IRLS failed (%s); refitting with L-BFGS", exc)
        start = np.zeros(X.shape[1])
        start[0] = np.log(max(float(np.mean(target)), 1e-8))
        fit = model.fit(method="lbfgs", start_params=start, maxiter=500)
    if not np.all(np.isfinite(fit.params)):
        raise ValueError("the count GLM did not converge (non-finite coefficients)")
    return fit


class CountGLM(BaseForecaster):
    """Poisson or negative-binomial (NB2) GLM on ``log1p`` lags, a seasonal lag and a trend.

    Multi-step forecasts are simulated recursively (``n_samples`` paths, seeded). The NB
    dispersion is estimated by moments from a Poisson fit. A series of zeros forecasts zeros.
    The coefficients are maximum-likelihood by IRLS, or by L-BFGS when IRLS diverges (a
    burst thousands of times the usual level; see ``_glm``).
    """

    _tags: ClassVar[dict[str, Any]] = {"requires:min_length": 10, "y:counts": True}

    def __init__(
        self,
        family: str = "negbin",
        lags: int = 3,
        seasonal: bool = True,
        trend: bool = True,
        n_samples: int = 500,
        random_state: int = 0,
    ) -> None:
        self.family = family
        self.lags = lags
        self.seasonal = seasonal
        self.trend = trend
        self.n_samples = n_samples
        self.random_state = random_state

    def _validate_params(self) -> None:
        if self.family not in ("poisson", "negbin"):
            raise ValueError(f"CountGLM: family={self.family!r} must be 'poisson' or 'negbin'")
        if int(self.lags) < 1:
            raise ValueError(f"CountGLM: lags={self.lags!r} must be >= 1")

    def _lag_set(self, s: SeriesData) -> list[int]:
        lags = list(range(1, int(self.lags) + 1))
        m = s.season
        if self.seasonal and m > int(self.lags) and len(s) >= m + 10:
            lags.append(m)
        return lags

    def _fit(self, s: SeriesData) -> dict:
        import statsmodels.api as sm

        y = s.y
        if np.any(y < 0):
            raise ValueError("a count model needs non-negative values")
        if not np.any(y > 0):
            return {"zero": True}
        lags = self._lag_set(s)
        p = max(lags)
        n = len(y)
        rows = np.arange(p, n)
        X = np.column_stack(
            [np.ones(len(rows))]
            + [np.log1p(y[rows - lag]) for lag in lags]
            + ([rows / n] if self.trend else [])
        )
        target = y[rows]
        pois = _glm(target, X, sm.families.Poisson())
        alpha = 0.0
        fit = pois
        if self.family == "negbin":
            mu = pois.mu
            alpha = float(
                max(
                    np.sum(((target - mu) ** 2 - mu) / mu**2) / max(len(rows) - X.shape[1], 1),
                    1e-8,
                )
            )
            fit = _glm(target, X, sm.families.NegativeBinomial(alpha=alpha))
        return {
            "zero": False,
            "beta": np.asarray(fit.params),
            "alpha": alpha,
            "lags": lags,
            "cap": float(np.log(10 * y.max() + 10)),
            "n": n,
        }

    def _predict(self, state: dict, s: SeriesData, h: int) -> Predictive:
        ns = int(self.n_samples)
        if state["zero"]:
            return SamplePredictive(np.zeros((h, ns)))
        rng = np.random.default_rng(int(self.random_state))
        lags, beta, alpha, n = state["lags"], state["beta"], state["alpha"], state["n"]
        p = max(lags)
        paths = np.tile(s.y[-p:], (ns, 1))
        out = np.empty((h, ns))
        for k in range(h):
            cols = [np.ones(ns)] + [np.log1p(paths[:, -lag]) for lag in lags]
            if self.trend:
                cols.append(np.full(ns, (n + k) / n))
            mu = np.exp(np.minimum(np.column_stack(cols) @ beta, state["cap"]))
            lam = rng.gamma(1 / alpha, alpha * mu) if alpha > 0 else mu
            draw = rng.poisson(lam).astype(float)
            out[k] = draw
            paths = np.column_stack([paths[:, 1:], draw])
        return SamplePredictive(out)
