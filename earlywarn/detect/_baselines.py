"""Textbook baseline detectors that the defaults are measured against."""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlywarn.detect._base import BaseDetector
from earlywarn.errors import ConfigError

__all__ = ["SeasonalNaiveInterval"]

_PERIOD = {"D": 7, "W": 52, "MS": 12}


class SeasonalNaiveInterval(BaseDetector):
    """Outside the seasonal-naive prediction interval: ``y_t`` against ``y_{t-m}``.

    The forecast of ``y_t`` is the value one season back; its spread is the root mean
    square of every seasonal difference ``y_s - y_{s-m}`` before ``t`` (the textbook
    seasonal-naive interval, Hyndman & Athanasopoulos, *FPP3* 5.5). The score is the
    standardised excess ``(y_t - y_{t-m}) / sigma``; the default threshold is the upper
    end of the two-sided 99.9% interval (z = 3.29).

    Parameters
    ----------
    period : int or None
        Season length (None: 12 monthly, 52 weekly, 7 daily).
    threshold : float
        Anomaly threshold on the score: 3.29 is the upper end of the two-sided 99.9%
        interval of a normal forecast error.

    Examples
    --------
    >>> import pandas as pd
    >>> import numpy as np
    >>> noise = np.random.default_rng(0).poisson(20, 40).astype(float)
    >>> noise[37] = 90.0
    >>> y = pd.DataFrame({"unique_id": "YEM:total", "y": noise,
    ...                   "ds": pd.date_range("2010-01-01", periods=40, freq="MS")})
    >>> out = SeasonalNaiveInterval().fit(y).predict(y)
    >>> out.loc[out.is_anomaly, "y"].tolist()
    [90.0]
    """

    def __init__(self, period: int | None = None, threshold: float = 3.29) -> None:
        self.period = period
        self.threshold = threshold

    def _validate_params(self) -> None:
        super()._validate_params()
        if self.period is not None and (not isinstance(self.period, int) or self.period < 1):
            raise ConfigError(f"SeasonalNaiveInterval: period={self.period!r} must be an int >= 1")

    def _score_series(
        self, uid: str, ds: pd.Series, y: np.ndarray, freq: str, frame: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray]:
        m = int(self.period or _PERIOD.get(freq, 7))
        expected = np.full(len(y), np.nan)
        score = np.full(len(y), np.nan)
        if len(y) <= m:
            return expected, score
        expected[m:] = y[:-m]
        diff = y[m:] - y[:-m]
        sq = np.where(np.isnan(diff), 0.0, diff**2)
        n = np.cumsum(~np.isnan(diff))
        # sigma at t uses the differences strictly before t
        rms = np.sqrt(np.concatenate([[np.nan], np.cumsum(sq)[:-1] / np.fmax(n[:-1], 1)]))
        enough = np.concatenate([[False], n[:-1] >= 2])
        with np.errstate(invalid="ignore", divide="ignore"):
            z = diff / np.fmax(rms, 1e-9)
        z[~enough] = np.nan
        score[m:] = np.clip(z, -50, 50)
        return expected, score
