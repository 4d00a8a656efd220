"""Fast trailing-window detectors: robust z-score, count surprise and share spike."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from earlywarn._log import get_logger
from earlywarn.detect._base import (
    BaseDetector,
    nan_stats,
    orient,
    resolve_window,
    trailing_windows,
    transform_values,
)
from earlywarn.errors import ConfigError
from earlywarn.series.ids import parse_id
from earlywarn.series.kinds import is_level

__all__ = ["CountSurprise", "RobustZScore", "ShareSpike", "total_series"]

log = get_logger(__name__)

_MAX_SCORE = 50.0


class RobustZScore(BaseDetector):
    """Robust z-score of ``y_t`` against the median and MAD of a trailing window.

    ``expected`` is the trailing median; the score is ``(x_t - median) / scale`` with
    ``scale = max(1.4826 * MAD, floor)`` on the transformed values. For counts
    (``log1p`` transform) the floor is the Poisson spread ``1 / sqrt(median + 1)`` so that
    sparse series do not fire on a single event.

    Parameters
    ----------
    window, min_periods : int or None
        Trailing window length and the history needed to score, in periods
        (``None``: 28/14 for daily, 26/10 weekly, 12/6 monthly series).
    transform : {"auto", "log1p", "none"}
        ``"auto"`` uses ``"none"`` for ``tone:`` series and ``"log1p"`` otherwise.
    direction : {"up", "down", "both"}
        Which deviations count as anomalous (``"down"`` for falling tone).
    threshold : float
        Anomaly threshold on the score.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "ev:VNM", "ds": pd.date_range("2024-01-01", periods=30),
    ...                   "y": [10.0, 12, 9, 11, 10] * 5 + [10, 11, 9, 60, 10]})
    >>> out = RobustZScore().fit(y).predict(y)
    >>> out.loc[out.is_anomaly, "ds"].dt.strftime("%Y-%m-%d").tolist()
    ['2024-01-29']
    """

    score_kind = "z"

    def __init__(
        self,
        window: int | None = None,
        min_periods: int | None = None,
        transform: str = "auto",
        direction: str = "up",
        threshold: float = 3.5,
    ) -> None:
        self.window = window
        self.min_periods = min_periods
        self.transform = transform
        self.direction = direction
        self.threshold = threshold

    def _score_series(
        self, uid: str, ds: pd.Series, y: np.ndarray, freq: str, frame: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray]:
        w, mp = resolve_window(self.window, self.min_periods, freq)
        x = transform_values(y, uid, self.transform)
        med, mad, count = nan_stats(trailing_windows(x, w))
        scale = 1.4826 * mad
        if self.transform == "none" or (self.transform == "auto" and is_level(uid)):
            floor = np.full_like(med, 1e-9)
            expected = med
        else:
            raw_med = np.expm1(np.abs(med)) * np.sign(med)
            floor = 1.0 / np.sqrt(np.clip(raw_med, 0, None) + 1.0)
            expected = raw_med
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (x - med) / np.fmax(scale, floor)
        z = orient(z, self.direction)
        z[(count < mp) | np.isnan(x)] = np.nan
        return expected, np.clip(z, -_MAX_SCORE, _MAX_SCORE)


class CountSurprise(BaseDetector):
    """Upper-tail surprise of a count given its trailing-window rate: ``-log10 P(Y >= y_t)``.

    The rate is the trailing mean; with ``family="negbin"`` the dispersion comes from
    the trailing variance (method of moments; Poisson when not over-dispersed).

    Parameters
    ----------
    window, min_periods : int or None
        Trailing window and minimum history, in periods (frequency defaults if None).
    family : {"negbin", "poisson"}
        Count distribution.
    threshold : float
        Anomaly threshold on ``-log10 p`` (3 means p < 0.001).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "ev:VNM:r14", "ds": pd.date_range("2024-01-01", periods=20),
    ...                   "y": [2.0, 0, 1, 3, 2] * 3 + [1, 2, 15, 2, 1]})
    >>> out = CountSurprise().fit(y).predict(y)
    >>> out.loc[out.is_anomaly, "y"].tolist()
    [15.0]
    """

    score_kind = "neglog10p"

    def __init__(
        self,
        window: int | None = None,
        min_periods: int | None = None,
        family: str = "negbin",
        threshold: float = 3.0,
    ) -> None:
        self.window = window
        self.min_periods = min_periods
        self.family = family
        self.threshold = threshold

    def _validate_params(self) -> None:
        super()._validate_params()
        if self.family not in ("negbin", "poisson"):
            raise ConfigError(f"CountSurprise: family={self.family!r}; use 'negbin' or 'poisson'")

    def _score_series(
        self, uid: str, ds: pd.Series, y: np.ndarray, freq: str, frame: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray]:
        w, mp = resolve_window(self.window, self.min_periods, freq)
        win = trailing_windows(np.clip(y, 0, None), w)
        count = np.sum(~np.isnan(win), axis=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(win, axis=1)
            var = np.nanvar(win, axis=1, ddof=1)
        rate = np.fmax(mean, 1.0 / w)
        k = np.ceil(np.clip(y, 0, None) - 1e-9)
        logp = np.asarray(stats.poisson.logsf(k - 1, rate))
        if self.family == "negbin":
            over = var > rate * 1.05
            size = np.where(over, rate**2 / np.fmax(var - rate, 1e-9), 1.0)
            prob = size / (size + rate)
            nb = np.asarray(stats.nbinom.logsf(k - 1, size, prob))
            logp = np.where(over, nb, logp)
        score = np.clip(-logp / np.log(10.0), 0.0, _MAX_SCORE)
        score[(count < mp) | np.isnan(y)] = np.nan
        return mean, score


def _total_key(uid: str) -> str | None:
    sid = parse_id(uid)
    if sid.kind == "counts":
        if sid.label == "total" or sid.country is None:
            return None
        return f"{sid.country}:total"
    if sid.kind in ("ev", "dyad"):
        return r"ev:[A-Z]{3}"
    if sid.kind == "cov":
        return r"cov:[A-Z]{3}"
    return None


def total_series(frame: pd.DataFrame, uid: str) -> pd.Series | None:
    """The total volume a series is a share of, from the same long frame.

    ``ev:`` and ``dyad:`` series are shares of all events (the sum of the
    country-level ``ev:XXX`` series), ``cov:`` of all coverage (sum of ``cov:XXX``),
    imported ``C:label`` of ``C:total``. Returns a series indexed by ``ds`` or None.

    Examples
    --------
    >>> f = pd.DataFrame({"unique_id": ["YEM:total", "YEM:root14"],
    ...                   "ds": pd.to_datetime(["2015-01-01"] * 2), "y": [100.0, 7.0]})
    >>> total_series(f, "YEM:root14").tolist()
    [100.0]
    """
    key = _total_key(uid)
    if key is None:
        return None
    uids = frame["unique_id"].astype(str)
    mask = uids == key if ":total" in key else uids.str.fullmatch(key)
    if not mask.any():
        return None
    return frame.loc[mask].groupby("ds")["y"].sum()


class ShareSpike(BaseDetector):
    """A spike in a series' share of total volume, so that a bigger crawl is not a crisis.

    The share ``y_t / total_t`` is compared (robust z on the log share) with its
    trailing median and MAD. ``expected`` is the trailing median share times ``total_t``.

    Parameters
    ----------
    total : DataFrame or None
        ``ds, y`` total volume per period for every series; ``None`` derives each
        series' total from the frame being scored (see :func:`total_series`). Series
        without a total get NaN scores.
    window, min_periods : int or None
        Trailing window and minimum history, in periods.
    threshold : float
        Anomaly threshold on the z score.

    Examples
    --------
    >>> import pandas as pd
    >>> ds = pd.date_range("2024-01-01", periods=20)
    >>> total = [100.0] * 10 + [1000.0] * 10          # the crawl grows tenfold
    >>> part = [10.0] * 10 + [100.0] * 9 + [400.0]      # same share, then a real spike
    >>> y = pd.DataFrame({"unique_id": "YEM:root14", "ds": ds, "y": part})
    >>> tot = pd.DataFrame({"ds": ds, "y": total})
    >>> out = ShareSpike(total=tot, min_periods=5).fit(y).predict(y)
    >>> out.loc[out.is_anomaly, "ds"].dt.day.tolist()
    [20]
    """

    score_kind = "z"

    def __init__(
        self,
        total: pd.DataFrame | None = None,
        window: int | None = None,
        min_periods: int | None = None,
        threshold: float = 3.5,
    ) -> None:
        self.total = total
        self.window = window
        self.min_periods = min_periods
        self.threshold = threshold

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        self._totals: dict[str | None, pd.Series | None] = {}
        try:
            return super()._score(frame, last)
        finally:
            del self._totals

    def _score_series(
        self, uid: str, ds: pd.Series, y: np.ndarray, freq: str, frame: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray]:
        key = "__given__" if self.total is not None else _total_key(uid)
        if key not in self._totals:
            if self.total is not None:
                given = self.total.assign(ds=pd.to_datetime(self.total["ds"]))
                self._totals[key] = given.groupby("ds")["y"].sum()
            else:
                self._totals[key] = total_series(frame, uid)
        tot = self._totals[key]
        if tot is None:
            log.debug("ShareSpike: no total volume for %s; scores are NaN", uid)
            nan = np.full(len(y), np.nan)
            return nan, nan.copy()
        t = tot.reindex(pd.DatetimeIndex(ds)).to_numpy(float)
        w, mp = resolve_window(self.window, self.min_periods, freq)
        with np.errstate(invalid="ignore", divide="ignore"):
            x = np.log((np.clip(y, 0, None) + 0.5) / (np.clip(t, 0, None) + 0.5))
            x[~(t > 0)] = np.nan
        med, mad, count = nan_stats(trailing_windows(x, w))
        expected = np.exp(med) * (t + 0.5) - 0.5
        floor = 1.0 / np.sqrt(np.clip(expected, 0, None) + 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (x - med) / np.fmax(1.4826 * mad, floor)
        z[(count < mp) | np.isnan(x)] = np.nan
        return expected, np.clip(z, -_MAX_SCORE, _MAX_SCORE)
