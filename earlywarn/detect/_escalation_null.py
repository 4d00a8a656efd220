"""The pooled negative-binomial null of :class:`~earlywarn.detect.EscalationTest`.

For a conflict series and month ``t``, ``R`` is the sum of the last ``m`` months and ``b``
the mean of a lagged baseline (:func:`escalation_rows`). Under the null ``R`` is negative
binomial with mean ``m (b + c) e^d`` and variance ``mu + alpha mu^2``,
``log alpha = a0 + a1 log1p(b) + a2 / n`` (``n`` baseline months), the five numbers fitted
by maximum likelihood over many countries' series at once (:func:`fit_escalation_model`),
one set per series kind, ``m`` and baseline; the p-values are optionally mapped to the
pooled share of rows at least as extreme (:func:`calibrated_p`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from earlywarn.detect._base import infer_freq, load_model_json
from earlywarn.detect._onset import onset_series

__all__ = [
    "calibrated_p",
    "escalation_rows",
    "fit_escalation_model",
    "fit_null",
    "load_escalation_model",
    "model_key",
    "upper_p",
]

_P_FLOOR = 1e-30
_N_PARAMS = 5


def model_key(kind: str, m: int, baseline: Sequence[int]) -> str:
    """The key of one fitted parameter set: ``"ev:m2:6-24"``.

    Examples
    --------
    >>> model_key("f", 3, (6, 12))
    'f:m3:6-12'
    """
    return f"{kind}:m{int(m)}:{int(baseline[0])}-{int(baseline[1])}"


def _monthly(frame: pd.DataFrame) -> list[str]:
    return [
        str(u)
        for u, g in frame.groupby("unique_id", sort=False)
        if onset_series(str(u)) is not None and infer_freq(g["ds"]) == "MS"
    ]


def escalation_rows(
    frame: pd.DataFrame, m: int, baseline: Sequence[int], min_baseline: int = 3
) -> pd.DataFrame:
    """Per conflict series and month: ``unique_id, kind, ds, y, R, b, n``.

    ``R`` is the sum of the ``m`` months ending at ``ds`` (NaN unless all are observed),
    ``b`` the mean of the observed months ``ds - baseline[1] .. ds - baseline[0]`` and
    ``n`` their number (rows with ``n < min_baseline`` have ``b`` NaN). Months are calendar
    months: a missing month is missing, not zero. Only past and present values are read.

    Examples
    --------
    >>> f = pd.DataFrame({"unique_id": "MLI:pv_events",
    ...                   "ds": pd.date_range("2020-01-01", periods=10, freq="MS"),
    ...                   "y": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 50]})
    >>> r = escalation_rows(f, 2, (6, 8), min_baseline=2)
    >>> r[["R", "b", "n"]].iloc[-1].tolist()  # 9 + 50 against months 2-4 (2, 3, 4)
    [59.0, 3.0, 3.0]
    """
    lo, hi = int(baseline[0]), int(baseline[1])
    parts = []
    for uid in _monthly(frame):
        g = frame[frame["unique_id"] == uid]
        s = g.set_index("ds")["y"].astype(float)
        full = s.reindex(pd.date_range(s.index.min(), s.index.max(), freq="MS"))
        r = full.rolling(m, min_periods=m).sum()
        past = full.shift(lo)
        b = past.rolling(hi - lo + 1, min_periods=1).mean()
        n = past.notna().astype(float).rolling(hi - lo + 1, min_periods=1).sum()
        b[n < min_baseline] = np.nan
        part = pd.DataFrame(
            {
                "ds": full.index,
                "y": full.to_numpy(),
                "R": r.to_numpy(),
                "b": b.to_numpy(),
                "n": n.to_numpy(),
            }
        )
        part = part[part["ds"].isin(g["ds"])]
        parts.append(part.assign(unique_id=uid, kind=onset_series(uid)))
    cols = ["unique_id", "kind", "ds", "y", "R", "b", "n"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]


def _nb_parts(theta: np.ndarray, m: int, b: np.ndarray, n: np.ndarray) -> tuple[Any, Any]:
    d, logc, a0, a1, a2 = theta
    mu = m * (b + np.exp(logc)) * np.exp(d)
    alpha = np.exp(np.clip(a0 + a1 * np.log1p(b) + a2 / n, -20, 20))
    return mu, 1.0 / alpha


def _negloglik(theta: np.ndarray, m: int, r: np.ndarray, b: np.ndarray, n: np.ndarray) -> float:
    mu, size = _nb_parts(theta, m, b, n)
    ll = (
        special.gammaln(r + size)
        - special.gammaln(size)
        - special.gammaln(r + 1)
        + size * np.log(size / (size + mu))
        + r * np.log(mu / (size + mu))
    )
    return float(-np.mean(ll))


def fit_escalation_model(
    frame: pd.DataFrame,
    windows: Sequence[int] = (1, 2, 3),
    baselines: Sequence[Sequence[int]] = ((6, 12), (6, 24)),
    min_baseline: int = 3,
) -> dict[str, Any]:
    """Fit the pooled negative-binomial null of :class:`EscalationTest` on ``frame``.

    One parameter set ``[d, log c, a0, a1, a2]`` per series kind (``"ev"``, ``"f"``),
    window ``m`` and baseline, fitted by maximum likelihood over every (series, month) of
    ``frame`` with a baseline. No labels are read. Returns a mapping ready for
    ``EscalationTest(model=...)`` (and for :func:`json.dump`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ds = pd.date_range("2000-01-01", periods=120, freq="MS")
    >>> f = pd.concat([pd.DataFrame({"unique_id": f"{c}:pv_events", "ds": ds,
    ...                              "y": rng.negative_binomial(4, 4 / 24, 120)})
    ...                for c in ("MLI", "NER", "TCD")])
    >>> model = fit_escalation_model(f, windows=(1,), baselines=((6, 12),))
    >>> d, logc, a0, a1, a2 = model["params"]["ev:m1:6-12"]
    >>> mean_at_20 = (20 + np.exp(logc)) * np.exp(d)  # the null's mean at a baseline of 20
    >>> bool(18 < mean_at_20 < 22), bool(0.1 < np.exp(a0 + a1 * np.log1p(20)) < 0.6)
    (True, True)
    """
    params: dict[str, list[float]] = {}
    calib: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for bl in baselines:
        for m in windows:
            rows = escalation_rows(frame, m, bl, min_baseline)
            for kind, (theta, cal, used) in fit_null(rows, m).items():
                params[model_key(kind, m, bl)] = theta
                calib[model_key(kind, m, bl)] = cal
                counts[model_key(kind, m, bl)] = used
    return {"params": params, "calibration": calib, "rows": counts, "min_baseline": min_baseline}


def fit_null(rows: pd.DataFrame, m: int) -> dict[str, tuple[list[float], list[float], int]]:
    """Maximum-likelihood null parameters per series kind from :func:`escalation_rows`
    (window ``m``): ``kind -> ([d, log c, a0, a1, a2], calibration, rows used)``.

    The calibration maps the negative binomial's p-value to the pooled share of rows at
    least as extreme (:func:`calibrated_p`): conflict counts have heavier tails than any
    one negative binomial, and the combination of a country's p-values needs them on one
    scale.
    """
    rows = rows[rows["R"].notna() & rows["b"].notna()]
    out = {}
    for kind, g in rows.groupby("kind"):
        r, b, n = (g[c].to_numpy(float) for c in ("R", "b", "n"))
        start = np.array([0.0, np.log(0.5), 0.0, 0.0, 0.0])
        res = optimize.minimize(
            _negloglik,
            start,
            args=(m, r, b, n),
            method="L-BFGS-B",
            bounds=[(-2, 3), (-5, 5), (-8, 6), (-3, 3), (-10, 10)],
        )
        theta = [round(float(v), 6) for v in res.x]
        out[str(kind)] = (theta, _calibration(upper_p(theta, m, g)), len(g))
    return out


#: ``log10`` of the p-values at which the calibration curve is read (1 down to 1e-8).
_GRID = -np.arange(0.0, 9.0)


def _calibration(p: np.ndarray) -> list[float]:
    """``log10`` share of ``p`` at or below each grid point; where fewer than 10 rows are
    that small, extended on the slope from 1e-1 to the last point with 10 or more (a
    slope between 0.2 and 1 per decade)."""
    p = np.sort(np.asarray(p, float))
    out: list[float] = []
    for x in _GRID:
        k = np.searchsorted(p, 10.0**x, side="right")
        if k < 10 and len(out) >= 3:
            break
        out.append(float(np.log10(max(k, 1) / len(p))))
    slope = float(np.clip((out[1] - out[-1]) / (len(out) - 2), 0.2, 1.0)) if len(out) > 2 else 1.0
    while len(out) < len(_GRID):
        out.append(out[-1] - slope)
    return [round(float(v), 6) for v in np.minimum.accumulate(out)]


def calibrated_p(p: np.ndarray, calibration: Sequence[float]) -> np.ndarray:
    """The pooled share of rows whose null p-value is at or below ``p`` (interpolated in
    ``log10``-``log10``, extended below 1e-8 on the last slope).

    Examples
    --------
    >>> cal = [0.0, -0.9, -1.5, -2.0, -2.5, -3.0, -3.5, -4.0, -4.5]  # a heavy tail
    >>> calibrated_p(np.array([1.0, 1e-2, 1e-10]), cal).round(8).tolist()
    [1.0, 0.03162278, 3.16e-06]
    """
    lx = np.log10(np.clip(np.asarray(p, float), _P_FLOOR, 1.0))
    cal = np.asarray(calibration, float)
    grid = _GRID[::-1]
    vals = cal[::-1]
    out = np.interp(lx, grid, vals)
    slope = (cal[-2] - cal[-1]) / (_GRID[-2] - _GRID[-1])
    below = lx < _GRID[-1]
    out[below] = cal[-1] + slope * (lx[below] - _GRID[-1])
    return np.clip(10.0**out, _P_FLOOR, 1.0)


def load_escalation_model(path: str | Path | None = None) -> dict[str, Any]:
    """The pooled null's parameters (``None``: the shipped ``escalation.json``).

    Examples
    --------
    >>> sorted(load_escalation_model()["params"])[:2]
    ['ev:m1:6-12', 'ev:m1:6-24']
    """
    model = load_model_json(
        "escalation.json", path, "escalation model", "experiments/escalation/study.py"
    )
    return dict(model)


def upper_p(theta: Sequence[float], m: int, rows: pd.DataFrame) -> np.ndarray:
    """Mid-p ``P(R' > R) + P(R' = R) / 2`` of each row's ``R`` under the pooled null."""
    b, n, r = (rows[c].to_numpy(float) for c in ("b", "n", "R"))
    mu, size = _nb_parts(np.asarray(theta, float), m, b, n)
    prob = size / (size + mu)
    p = stats.nbinom.sf(r, size, prob) + 0.5 * stats.nbinom.pmf(r, size, prob)
    return np.clip(p, _P_FLOOR, 1.0)
