"""Evidence that a count rate went up: multi-period negative-binomial surprise and a CUSUM.

Both detectors share one predictive model of the next count. The baseline rate of a
series is a Gamma posterior from its trailing window and a prior pooled across the series
of the same kind in the frame (the median level of their windows at that period, so a
series with a few months of history is still scored, against what similar series look
like); month-to-month over-dispersion is pooled the same way and shrunk towards each
series' own. Pooled values at period ``t`` use only windows ending before ``t``.
The predictive distribution of a count is then negative binomial, and its upper tail
probability is a calibrated p-value under "no change".
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from earlywarn.detect._base import (
    BaseDetector,
    cauchy_combine,
    infer_freq,
    resolve_window,
    trailing_windows,
)
from earlywarn.errors import ConfigError
from earlywarn.series.kinds import series_kind

__all__ = ["RateCusum", "RateSurprise"]

_MAX_SCORE = 50.0


def _window_stats(y: np.ndarray, w: int, lag: int = 0) -> tuple[np.ndarray, ...]:
    """Count, sum and variance of the ``w`` values before ``t - lag``, at each ``t``."""
    win = trailing_windows(np.clip(y, 0, None), w)
    if lag:
        shift = min(lag, len(y))
        win = np.vstack([np.full((shift, w), np.nan), win[: len(y) - shift]])
    n = np.sum(~np.isnan(win), axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        total = np.nansum(win, axis=1)
        var = np.nanvar(win, axis=1, ddof=1)
    return n, total, var


class _RateModel(BaseDetector):
    """Shared predictive model; the pooled prior is recomputed for every period from the
    windows of all series of the same kind that end before it (so scores stay as_of-safe)."""

    score_kind = "neglog10p"

    window: int | None
    prior_strength: float
    shrink: float

    def _validate_params(self) -> None:
        super()._validate_params()
        if not (isinstance(self.prior_strength, (int, float)) and self.prior_strength > 0):
            raise ConfigError(
                f"{type(self).__name__}: prior_strength={self.prior_strength!r} must be > 0 "
                "(pseudo-periods of the pooled prior)"
            )
        if not (isinstance(self.shrink, (int, float)) and self.shrink >= 0):
            raise ConfigError(f"{type(self).__name__}: shrink={self.shrink!r} must be >= 0")

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        # one pass in numpy: the frame is sorted by (unique_id, ds) by BaseDetector.score
        uids = frame["unique_id"].astype(str).to_numpy()
        at, periods = pd.factorize(frame["ds"], sort=True)
        y_all = frame["y"].to_numpy(float)
        cuts = np.r_[np.flatnonzero(np.r_[True, uids[1:] != uids[:-1]]), len(uids)]
        parts = [(str(uids[i]), slice(i, j)) for i, j in itertools.pairwise(cuts)]
        info = {
            uid: (series_kind(uid).kind, self.freqs_.get(uid) or infer_freq(frame["ds"].iloc[sl]))
            for uid, sl in parts
        }
        self._pool = self._pooled(parts, info, at, y_all, len(periods))
        try:
            out = []
            for uid, sl in parts:
                kind, freq = info[uid]
                exp, score = self._score_arrays(uid, kind, at[sl], y_all[sl], freq)
                keep = slice(-last, None) if last else slice(None)
                out.append((uid, sl, exp[keep], score[keep], keep))
        finally:
            del self._pool
        if not out:
            return pd.DataFrame()
        idx = np.concatenate([np.arange(len(y_all))[sl][keep] for _, sl, _, _, keep in out])
        return pd.DataFrame(
            {
                "unique_id": uids[idx],
                "ds": frame["ds"].to_numpy()[idx],
                "y": y_all[idx],
                "expected": np.concatenate([o[2] for o in out]),
                "score": np.concatenate([o[3] for o in out]),
            }
        )

    def _pooled(
        self,
        parts: list[tuple[str, slice]],
        info: dict[str, tuple[str, str]],
        at: np.ndarray,
        y_all: np.ndarray,
        n_periods: int,
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per kind and period: the median level of the trailing windows of every series,
        and the median squared over-dispersion ``(var - mean) / mean**2`` of those with a
        mean of at least 1 (method of moments; one bursty series does not set it)."""
        cols: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {}
        for uid, sl in parts:
            kind, freq = info[uid]
            n, total, var = _window_stats(y_all[sl], resolve_window(self.window, None, freq)[0])
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(n > 0, total / np.fmax(n, 1), np.nan)
                inv = np.where((mean >= 1) & (n > 2), (var - mean) / mean**2, np.nan)
            level_row = np.full(n_periods, np.nan)
            inv_row = np.full(n_periods, np.nan)
            level_row[at[sl]] = mean
            inv_row[at[sl]] = inv
            lv, iv = cols.setdefault(kind, ([], []))
            lv.append(level_row)
            iv.append(inv_row)
        out = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN periods stay NaN
            for kind, (lv, iv) in cols.items():
                out[kind] = (
                    np.nanmedian(np.vstack(lv), axis=0),
                    np.nanmedian(np.vstack(iv), axis=0),
                )
        return out

    def _predictive(
        self, kind: str, at: np.ndarray, y: np.ndarray, freq: str, lag: int = 0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, NB size of one period, and the posterior shape ``a`` of the rate, at each ``t``,
        from the window ending ``lag`` periods before ``t`` (``lag=0``: up to ``t - 1``)."""
        w = resolve_window(self.window, None, freq)[0]
        level, inv_phi = (p[at] for p in self._pool[kind])
        n, total, own_var = _window_stats(y, w, lag)
        unknown = np.isnan(level) & (n == 0)  # no history and nothing to pool: not scored
        level = np.fmax(np.nan_to_num(level, nan=1.0), 0.1)
        inv_phi = np.clip(np.nan_to_num(inv_phi, nan=0.5), 0.01, 100.0)
        b = self.prior_strength + n
        a = self.prior_strength * level + total
        mean = np.where(unknown, np.nan, a / b)
        with np.errstate(invalid="ignore", divide="ignore"):
            own_inv = np.where(n > 2, (own_var - mean) / np.fmax(mean, 1e-9) ** 2, inv_phi)
        own_inv = np.clip(np.nan_to_num(own_inv, nan=0.5), 0.0, 100.0)
        weight = n / (n + self.shrink) if self.shrink else np.ones_like(mean)
        inv = np.fmax(weight * own_inv + (1 - weight) * inv_phi, 1e-3)
        return mean, 1.0 / inv, a

    def _score_arrays(
        self, uid: str, kind: str, at: np.ndarray, y: np.ndarray, freq: str
    ) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


def _nb_logsf(k: np.ndarray, mean: np.ndarray, size: np.ndarray) -> np.ndarray:
    """``log P(Y >= k)`` for a negative binomial with ``mean`` and ``size``."""
    prob = size / (size + np.maximum(mean, 1e-9))  # NaN mean stays NaN
    return np.asarray(stats.nbinom.logsf(np.ceil(k - 1e-9) - 1, size, prob))


class RateSurprise(_RateModel):
    """Surprise of the last 1, 2, 3 ... periods' counts given the rate before them.

    For each span ``k`` in ``spans`` the sum of the last ``k`` counts is compared with
    the negative-binomial predictive of a ``k``-period sum, from the trailing ``window``
    before the span (a rise spread over three months accumulates evidence that no single
    month shows). A span's evidence counts only while the latest period is itself in the
    top ``gate`` of its own predictive (a past spike alone does not keep later, ordinary
    periods flagged). The ``k`` p-values are combined with the Cauchy combination (valid
    under dependence; a single strong p-value carries it), and the score is
    ``-log10 p``. Every period is scored, also the first ones: the pooled prior stands
    in for missing history.

    Parameters
    ----------
    spans : tuple of int
        Spans, in periods, whose sums are tested.
    window : int or None
        Trailing baseline window in periods (None: 12 monthly, 26 weekly, 28 daily).
    prior_strength : float
        Weight of the pooled prior level, in pseudo-periods.
    shrink : float
        Periods of own history at which the own dispersion gets half the weight.
    gate : float
        Upper-tail probability of the latest period below which longer spans count.
    threshold : float
        Anomaly threshold on ``-log10 p``.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "SDN:pv_events",
    ...                   "ds": pd.date_range("2020-01-01", periods=54, freq="MS"),
    ...                   "y": [20.0, 25, 18, 22, 30, 21] * 8 + [24, 19, 23, 26, 140, 160]})
    >>> out = RateSurprise().fit(y).predict(y)
    >>> out.loc[out.is_anomaly, "y"].tolist()
    [140.0]
    >>> short = pd.DataFrame({"unique_id": "SSD:pv_events", "y": [30.0, 28, 35],
    ...                       "ds": pd.date_range("2024-04-01", periods=3, freq="MS")})
    >>> both = pd.concat([y, short])  # 3 months of history: scored against the pooled prior
    >>> s = RateSurprise().fit(both).score(both)
    >>> int(s.loc[s.unique_id == "SSD:pv_events", "score"].notna().sum())
    3
    """

    def __init__(
        self,
        spans: tuple[int, ...] = (1, 2, 3),
        window: int | None = None,
        prior_strength: float = 1.0,
        shrink: float = 24.0,
        gate: float = 0.1,
        threshold: float = 5.0,
    ) -> None:
        self.spans = spans
        self.window = window
        self.prior_strength = prior_strength
        self.shrink = shrink
        self.gate = gate
        self.threshold = threshold

    def _validate_params(self) -> None:
        super()._validate_params()
        spans = self.spans
        if not spans or not all(isinstance(k, int) and k >= 1 for k in spans):
            raise ConfigError(
                f"RateSurprise: spans={spans!r} must be positive ints, e.g. (1, 2, 3)"
            )
        if not (isinstance(self.gate, (int, float)) and 0 < self.gate <= 1):
            raise ConfigError(f"RateSurprise: gate={self.gate!r} must be in (0, 1]")

    def _score_arrays(
        self, uid: str, kind: str, at: np.ndarray, y: np.ndarray, freq: str
    ) -> tuple[np.ndarray, np.ndarray]:
        x = np.clip(y, 0, None)
        ps = []
        expected = None
        latest = None
        for k in sorted(set(self.spans)):
            mean, size, a = self._predictive(kind, at, y, freq, lag=k - 1)
            if expected is None:
                expected = mean
            total = np.convolve(np.nan_to_num(x), np.ones(k))[: len(x)]
            total[: k - 1] = np.nan
            # k periods: mean k*m, variance k*m + k*m^2/size + (k*m)^2/a
            ksize = k / (1.0 / size + k / a)
            p = np.exp(_nb_logsf(total, k * mean, ksize))
            if k == 1:
                latest = p
            elif latest is not None:
                p = np.where(latest <= self.gate, p, np.nan)
            ps.append(p)
        p = cauchy_combine(np.vstack(ps))
        if latest is not None:  # no span counted: the latest period alone
            p = np.where(np.isnan(p), latest, p)
        score = np.clip(-np.log10(np.clip(p, 1e-300, 1.0)), 0.0, _MAX_SCORE)
        score[np.isnan(y)] = np.nan
        assert expected is not None
        return expected, score


class RateCusum(_RateModel):
    """One-sided CUSUM of the negative-binomial log-likelihood ratio for a rate rise.

    At each period the statistic adds ``log f(y_t | ratio * m) - log f(y_t | m)`` (the
    evidence for the rate having gone up by ``ratio`` against its predictive mean ``m``)
    over the last ``memory`` periods at most: ``S_t = max_k sum_{t-k < s <= t} llr_s`` for
    ``k = 1 .. memory`` (a CUSUM restarted from the best start in that span), so small
    excesses month after month add up. The memory is bounded because the baseline ``m``
    adapts: evidence older than the trailing window is already in the baseline, and an
    unbounded CUSUM never comes back down after a rise the baseline has absorbed (it kept
    a series that stepped up years ago flagged at every ordinary excess). The score is
    ``S_t`` in ``log10`` units at the periods that add to it (0 at the others, so a past
    spike does not keep flagging ordinary periods): a likelihood ratio, read as ``-log10
    p`` (by Ville's inequality, under no change the ratio since a fixed start exceeds
    ``10**s`` with probability at most ``10**-s``; the best of ``memory`` starts makes the
    reading optimistic by at most ``log10(memory)``).

    Parameters
    ----------
    ratio : float
        The rate increase the CUSUM is tuned to detect.
    memory : int or None
        Most periods the evidence is summed over (None: the trailing ``window``).
    window, prior_strength, shrink, threshold
        As in :class:`RateSurprise`.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "ev:MLI:q4",
    ...                   "ds": pd.date_range("2020-01-01", periods=30, freq="MS"),
    ...                   "y": [10.0, 12, 9, 11, 13, 8] * 4 + [20, 22, 25, 24, 26, 30]})
    >>> out = RateCusum().fit(y).predict(y)
    >>> out.loc[out.is_anomaly, "ds"].dt.strftime("%Y-%m").tolist()[:1]
    ['2022-03']
    """

    def __init__(
        self,
        ratio: float = 2.0,
        memory: int | None = None,
        window: int | None = None,
        prior_strength: float = 1.0,
        shrink: float = 24.0,
        threshold: float = 3.0,
    ) -> None:
        self.ratio = ratio
        self.memory = memory
        self.window = window
        self.prior_strength = prior_strength
        self.shrink = shrink
        self.threshold = threshold

    def _validate_params(self) -> None:
        super()._validate_params()
        if not (isinstance(self.ratio, (int, float)) and self.ratio > 1):
            raise ConfigError(f"RateCusum: ratio={self.ratio!r} must be a number > 1")
        m = self.memory
        if m is not None and not (isinstance(m, int) and not isinstance(m, bool) and m >= 1):
            raise ConfigError(f"RateCusum: memory={m!r} must be None or an int >= 1")

    def _score_arrays(
        self, uid: str, kind: str, at: np.ndarray, y: np.ndarray, freq: str
    ) -> tuple[np.ndarray, np.ndarray]:
        x = np.clip(y, 0, None)
        mean, size, a = self._predictive(kind, at, y, freq)
        size = 1.0 / (1.0 / size + 1.0 / a)
        m1 = self.ratio * mean
        llr = np.asarray(
            stats.nbinom.logpmf(x, size, size / (size + m1))
            - stats.nbinom.logpmf(x, size, size / (size + mean))
        ) / np.log(10.0)
        memory = int(self.memory or resolve_window(self.window, None, freq)[0])
        # C[i] = llr[0] + ... + llr[i-1]; S_t = C[t+1] - min(C[t+1-memory] .. C[t])
        cum = np.concatenate([[0.0], np.cumsum(np.nan_to_num(llr))])
        low = np.nanmin(trailing_windows(cum, memory)[1:], axis=1)
        stat = np.fmax(cum[1:] - low, 0.0)
        score = np.where(np.nan_to_num(llr) > 0, np.fmax(stat, 0.0), 0.0)
        score[np.isnan(y) | np.isnan(mean)] = np.nan
        return mean, np.clip(score, 0.0, _MAX_SCORE)
