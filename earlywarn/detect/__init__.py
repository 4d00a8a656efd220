"""Anomaly detection over long series frames (``unique_id, ds, y``).

Every detector follows the scikit-learn estimator contract and is *as_of-safe*: the
score at period ``t`` uses only values up to ``t``.

Examples
--------
>>> import pandas as pd
>>> from earlywarn.detect import RobustZScore, detect
>>> y = pd.DataFrame({"unique_id": "cov:VNM", "ds": pd.date_range("2024-01-01", periods=30),
...                   "y": [20.0, 22, 19, 21, 20] * 5 + [21, 20, 90, 22, 20]})
>>> bool(RobustZScore().fit(y).predict(y).is_anomaly.sum() == 1)
True
"""

from __future__ import annotations

from earlywarn.detect._base import BaseDetector, cauchy_combine, infer_freq, tail_probability
from earlywarn.detect._baselines import SeasonalNaiveInterval
from earlywarn.detect._bocpd import RateChangePoint
from earlywarn.detect._detect import DEFAULT_LOOKBACK, detect
from earlywarn.detect._ensemble import Ensemble, default_detectors
from earlywarn.detect._escalation import EscalationTest
from earlywarn.detect._models import (
    ChangePoint,
    ForecastExceedance,
    IsolationForestDetector,
    STLResidual,
)
from earlywarn.detect._onset import OnsetRisk
from earlywarn.detect._rate import RateCusum, RateSurprise
from earlywarn.detect._robust import CountSurprise, RobustZScore, ShareSpike, total_series
from earlywarn.detect._surprise import ForecastSurprise

__all__ = [
    "DEFAULT_LOOKBACK",
    "BaseDetector",
    "ChangePoint",
    "CountSurprise",
    "Ensemble",
    "EscalationTest",
    "ForecastExceedance",
    "ForecastSurprise",
    "IsolationForestDetector",
    "OnsetRisk",
    "RateChangePoint",
    "RateCusum",
    "RateSurprise",
    "RobustZScore",
    "STLResidual",
    "SeasonalNaiveInterval",
    "ShareSpike",
    "cauchy_combine",
    "default_detectors",
    "detect",
    "infer_freq",
    "tail_probability",
    "total_series",
]
