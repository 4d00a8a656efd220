"""Forecasting: the estimator contract, models, backtests and metrics.

Heavy libraries (Prophet, statsmodels, statsforecast, scikit-learn, mlflow, dask) are
imported inside the methods that need them, so importing this package stays fast.
"""

from __future__ import annotations

from earlywarn.forecast._data import SeriesInputError
from earlywarn.forecast.base import BaseForecaster
from earlywarn.forecast.baselines import Drift, Mean, Naive, SeasonalNaive

__all__ = [
    "BaseForecaster",
    "Drift",
    "Mean",
    "Naive",
    "SeasonalNaive",
    "SeriesInputError",
]
