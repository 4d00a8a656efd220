"""Bayesian online change-point detection (Adams & MacKay 2007) on a count rate.

Counts are negative binomial with a known size (the over-dispersion of
:class:`~earlywarn.detect.RateSurprise`'s predictive model: the series' own, shrunk
towards the median of the series of the same kind) and a Beta prior on the success
probability, which is conjugate: within a segment of ``k`` periods summing to ``S`` the
next count is Beta-negative-binomial. A new segment's prior is centred on the pooled
level of the series of the same kind (one pseudo-period), so a series with a few months of
history is scored against what similar series look like.

The run length (periods since the last change) is tracked exactly up to ``max_run``
periods (mass beyond is kept at ``max_run``: the segment's last ``max_run`` periods), with
a constant hazard ``1 / expected_run``. The score of period ``t`` is the posterior
probability that the rate changed *upwards* within the last ``recent`` periods, as
``-log10(1 - P)``: evidence accumulates over months (a rise that no single month shows
becomes certain after a few), and a single outlier followed by ordinary months is
explained as noise or a short segment rather than kept.

Measured on the tuning half of the African crisis series (``earlywarn eval alerts``'
counting; ``pv_events``, at least 20 events a month): P >= 0.7 (score 0.5) catches 7 of
15 onsets with lead >= 0 at precision 0.41, as :class:`~earlywarn.detect.RateSurprise`
does at its shipped threshold (7/15, 0.42); it is not better there, so the shipped rules
keep ``rate_surprise``. Its score is a posterior probability, not a p-value, so it is not
a component of the default :class:`~earlywarn.detect.Ensemble`.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from earlywarn.detect._base import resolve_window
from earlywarn.detect._rate import _MAX_SCORE, _RateModel
from earlywarn.errors import ConfigError

__all__ = ["RateChangePoint"]


def _bnb_logpmf(y: float, r: float, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """``log P(y)`` of the Beta-negative-binomial: NB(``r``, p) with p ~ Beta(alpha, beta)."""
    return (
        special.gammaln(y + r)
        - special.gammaln(r)
        - special.gammaln(y + 1.0)
        + special.betaln(alpha + r, beta + y)
        - special.betaln(alpha, beta)
    )


class RateChangePoint(_RateModel):
    """Posterior probability that a count rate stepped up in the last ``recent`` periods.

    Bayesian online change-point detection with a negative-binomial likelihood and a
    conjugate Beta prior (see the module docstring). The score is ``-log10(1 - P)``
    where ``P`` is the posterior mass of run lengths ``1 .. recent`` whose segment mean is
    above the mean of the ``window`` periods before it (a step *up*), given data up to
    ``t`` only; a posterior, not a p-value: thresholds are set from a target false-alert
    rate (``earlywarn eval alerts --calibrate``).

    Parameters
    ----------
    expected_run : float
        Prior expected periods between changes (hazard ``1 / expected_run``).
    recent : int
        A change is recent when the current segment started at most this many periods ago.
    max_run : int
        Run lengths tracked exactly (longer segments use their last ``max_run`` periods).
    window : int or None
        Periods before a new segment that its mean is compared with, and the trailing
        window of the dispersion estimate (None: 12 monthly, 26 weekly, 28 daily).
    prior_strength : float
        Weight of a new segment's prior, centred on the larger of the pooled level of the
        kind and the series' own trailing mean (Beta shape ``1 + prior_strength / 2``:
        vague, a new regime can sit at any level).
    shrink : float
        As in :class:`~earlywarn.detect.RateSurprise` (used for ``expected``).
    threshold : float
        Anomaly threshold on ``-log10(1 - P)`` (1 means P >= 0.9).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "MLI:pv_events",
    ...                   "ds": pd.date_range("2020-01-01", periods=40, freq="MS"),
    ...                   "y": [10.0, 12, 9, 11, 13, 8] * 6 + [24, 27, 25, 30]})
    >>> s = RateChangePoint().fit(y).score(y)  # P = 0.84, then 0.95; the step is 4 months old
    >>> s["score"].round(1).tolist()[-5:]
    [0.0, 0.0, 0.8, 1.3, 0.0]
    """

    def __init__(
        self,
        expected_run: float = 60.0,
        recent: int = 3,
        max_run: int = 120,
        window: int | None = None,
        prior_strength: float = 1.0,
        shrink: float = 24.0,
        threshold: float = 1.0,
    ) -> None:
        self.expected_run = expected_run
        self.recent = recent
        self.max_run = max_run
        self.window = window
        self.prior_strength = prior_strength
        self.shrink = shrink
        self.threshold = threshold

    def _validate_params(self) -> None:
        super()._validate_params()
        if not (isinstance(self.expected_run, (int, float)) and self.expected_run > 1):
            raise ConfigError(
                f"RateChangePoint: expected_run={self.expected_run!r} must be a number > 1"
            )
        for key in ("recent", "max_run"):
            v = getattr(self, key)
            if not (isinstance(v, int) and not isinstance(v, bool) and v >= 1):
                raise ConfigError(f"RateChangePoint: {key}={v!r} must be an int >= 1")
        if self.recent >= self.max_run:
            raise ConfigError(
                f"RateChangePoint: recent={self.recent!r} must be below max_run={self.max_run!r}"
            )

    def _score_arrays(
        self, uid: str, kind: str, at: np.ndarray, y: np.ndarray, freq: str
    ) -> tuple[np.ndarray, np.ndarray]:
        x = np.clip(np.nan_to_num(y, nan=0.0), 0, None)
        mean, _, _ = self._predictive(kind, at, y, freq)
        level = np.fmax(np.nan_to_num(self._pool[kind][0][at], nan=1.0), 0.1)
        # the pooled over-dispersion of the kind: a series' own, from a window of
        # near-zero counts, makes any burst look ordinary (measured worse on the tuning half)
        size = 1.0 / np.clip(np.nan_to_num(self._pool[kind][1][at], nan=0.5), 0.01, 100.0)
        n = len(x)
        kmax = self.max_run
        h = 1.0 / float(self.expected_run)
        w = resolve_window(self.window, None, freq)[0]
        cum = np.concatenate([[0.0], np.cumsum(x)])
        score = np.zeros(n)
        # log P(run length = k) after observing x[t]; index k-1 for k = 1 .. kmax
        logp = np.full(kmax, -np.inf)
        for t in range(n):
            r = float(size[t]) if np.isfinite(size[t]) else 2.0
            mu0 = max(float(level[t]), float(np.nan_to_num(mean[t], nan=0.0)))
            a0 = 1.0 + self.prior_strength / 2  # vague: a new regime can be at any level
            b0 = mu0 * (a0 - 1.0) / r
            # predictive of x[t] for every current run length k (segment x[t-k .. t-1])
            k = np.arange(1, kmax + 1)
            avail = k <= t
            seg = np.where(avail, cum[t] - cum[np.clip(t - k, 0, None)], 0.0)
            pred_grow = _bnb_logpmf(x[t], r, a0 + r * k, b0 + seg)
            pred_new = float(_bnb_logpmf(x[t], r, np.array([a0]), np.array([b0]))[0])
            new = np.full(kmax, -np.inf)
            if t == 0:
                new[0] = 0.0
            else:
                grow = logp + np.log1p(-h) + pred_grow
                # run length k -> k+1; the mass at kmax stays at kmax (last kmax periods)
                new[1:] = grow[:-1]
                new[-1] = np.logaddexp(new[-1], grow[-1])
                new[0] = np.log(h) + pred_new  # sum_k P(k) * h * pred_new, P sums to 1
            new -= special.logsumexp(new)
            logp = new
            if t < 1:
                continue
            # recent segments (k = 1 .. recent) that start after the series' first period
            # and sit above the window before them: a step up
            m = min(self.recent, t)
            kk = np.arange(1, m + 1)
            seg_mean = (cum[t + 1] - cum[t + 1 - kk]) / kk
            lo = np.clip(t + 1 - kk - w, 0, None)
            before_n = (t + 1 - kk) - lo
            before = np.where(before_n > 0, (cum[t + 1 - kk] - cum[lo]) / np.fmax(before_n, 1), mu0)
            up = seg_mean > before
            mass = float(np.sum(np.exp(logp[:m])[up]))
            score[t] = -np.log10(max(1.0 - mass, 10.0**-_MAX_SCORE))
        score = np.clip(score, 0.0, _MAX_SCORE)
        score[np.isnan(y)] = np.nan
        return mean, score
