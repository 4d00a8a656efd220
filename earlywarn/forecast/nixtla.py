"""statsforecast models (AutoETS, AutoARIMA, Theta), one per series, normal intervals.

statsforecast reports central intervals; the predictive sd is read back from the 80 % one
(its intervals are Gaussian), which gives any quantile and exceedance probability.

Examples
--------
>>> AutoARIMA(season_length=12).get_params()
{'season_length': 12}
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from earlywarn.forecast._data import SeriesData
from earlywarn.forecast._dist import NormalPredictive, Predictive
from earlywarn.forecast.base import BaseForecaster

__all__ = ["AutoARIMA", "AutoETS", "Theta"]

_Z80 = 1.2815515655446004


class _StatsForecast(BaseForecaster):
    _tags: ClassVar[dict[str, Any]] = {"requires:min_length": 8}

    def __init__(self, season_length: int | None = None) -> None:
        self.season_length = season_length

    def _make(self, m: int) -> Any:
        raise NotImplementedError

    def _fit(self, s: SeriesData) -> Any:
        m = int(self.season_length or s.season)
        if m > 1 and len(s) < 2 * m + 1:
            m = 1
        return self._make(m).fit(np.asarray(s.y, dtype=float))

    def _predict(self, state: Any, s: SeriesData, h: int) -> Predictive:
        out = state.predict(h=h, level=[80])
        mean = np.asarray(out["mean"], dtype=float)
        sd = np.asarray(out["hi-80"], dtype=float) - np.asarray(out["lo-80"], dtype=float)
        return NormalPredictive(mean, np.maximum(np.nan_to_num(sd / (2 * _Z80)), 0.0))


class AutoETS(_StatsForecast):
    """statsforecast ``AutoETS`` (model chosen by AICc)."""

    def _make(self, m: int) -> Any:
        from statsforecast.models import AutoETS as _AutoETS

        return _AutoETS(season_length=m)


class AutoARIMA(_StatsForecast):
    """statsforecast ``AutoARIMA``."""

    def _make(self, m: int) -> Any:
        from statsforecast.models import AutoARIMA as _AutoARIMA

        return _AutoARIMA(season_length=m)


class Theta(_StatsForecast):
    """statsforecast ``Theta`` (the standard theta method, seasonally adjusted)."""

    def _make(self, m: int) -> Any:
        from statsforecast.models import Theta as _Theta

        return _Theta(season_length=m)
