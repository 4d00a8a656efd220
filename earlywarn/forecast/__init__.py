"""Forecasting: the estimator contract, models, backtests and metrics.

Heavy libraries (Prophet, statsmodels, statsforecast, scikit-learn, mlflow, dask) are
imported inside the methods that need them, so importing this package stays fast.

Examples
--------
>>> import pandas as pd
>>> from earlywarn.forecast import SeasonalNaive
>>> y = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=24, freq="MS"),
...                   "y": [float(i % 12) for i in range(24)]})
>>> SeasonalNaive().fit(y).predict(2)["yhat"].tolist()
[0.0, 1.0]
"""

from __future__ import annotations

from earlywarn.forecast import metrics
from earlywarn.forecast._data import SeriesInputError
from earlywarn.forecast.backtest import BacktestResult, backtest
from earlywarn.forecast.base import BaseForecaster
from earlywarn.forecast.baselines import Drift, Mean, Naive, SeasonalNaive
from earlywarn.forecast.experiment import run_experiment
from earlywarn.forecast.global_model import GlobalQuantileGB, QuantileAverage
from earlywarn.forecast.global_negbin import GlobalNegBin
from earlywarn.forecast.ml import GBQuantile
from earlywarn.forecast.nixtla import AutoARIMA, AutoETS, Theta
from earlywarn.forecast.prophet_model import Prophet
from earlywarn.forecast.rolling import rolling_quantiles
from earlywarn.forecast.run import forecast_frame
from earlywarn.forecast.specs import load_models
from earlywarn.forecast.statistical import ETS, SARIMAX, CountGLM

__all__ = [
    "ETS",
    "SARIMAX",
    "AutoARIMA",
    "AutoETS",
    "BacktestResult",
    "BaseForecaster",
    "CountGLM",
    "Drift",
    "GBQuantile",
    "GlobalNegBin",
    "GlobalQuantileGB",
    "Mean",
    "Naive",
    "Prophet",
    "QuantileAverage",
    "SeasonalNaive",
    "SeriesInputError",
    "Theta",
    "backtest",
    "forecast_frame",
    "load_models",
    "metrics",
    "rolling_quantiles",
    "run_experiment",
]
