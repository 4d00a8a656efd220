"""Leak-free predictive quantiles of every period, from a global model refitted on the past.

A surprise detector needs, for each period ``t`` of each series, the predictive distribution
of ``y[t]`` from a model that saw only the past. :func:`rolling_quantiles` refits a global
forecaster (:class:`~earlywarn.forecast.GlobalQuantileGB`, :class:`~earlywarn.forecast.GlobalNegBin`
or a :class:`~earlywarn.forecast.QuantileAverage` of them) every ``refit_every`` periods on the
rows whose target lies at or before the refit date, and predicts each period until the next
refit from the features of the period before it (lags, rolling means, cross-sectional levels:
values at or before that period only). Refit dates are fixed by the calendar (for monthly
series with ``refit_every=12``: each model sees up to a December and predicts the next
January to December), so adding later data never changes an earlier prediction.

The fits are independent and run on Dask when a ``client`` is given (one task per refit).

Examples
--------
>>> import numpy as np, pandas as pd
>>> from earlywarn.forecast import GlobalQuantileGB
>>> rng = np.random.default_rng(0)
>>> ds = pd.date_range("2010-01-01", periods=72, freq="MS")
>>> y = pd.concat([pd.DataFrame({"unique_id": f"C{i}:x", "ds": ds,
...                              "y": rng.poisson(5 + 3 * i, 72).astype(float)}) for i in range(5)])
>>> q = rolling_quantiles(y, GlobalQuantileGB(max_iter=20, max_horizon=1), levels=(0.5, 0.9))
>>> sorted(q.columns), str(q["ds"].min().date())  # first model with 200 rows: to 2014-12
(['ds', 'q0.5', 'q0.9', 'unique_id'], '2015-01-01')
>>> bool((q["q0.5"] <= q["q0.9"]).all())
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from earlywarn.errors import UsageError
from earlywarn.forecast._data import prepare
from earlywarn.forecast._dist import QuantilePredictive
from earlywarn.forecast.base import BaseForecaster
from earlywarn.forecast.global_model import (
    _LEVELS19,
    FEATURES,
    MIN_ORIGIN,
    GlobalQuantileGB,
    QuantileAverage,
    _Global,
    _Panel,
)
from earlywarn.forecast.global_negbin import GlobalNegBin

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["default_surprise_model", "rolling_quantiles"]

#: Fewest pooled training rows before a first model is fitted.
MIN_ROWS = 200


def default_surprise_model() -> QuantileAverage:
    """The shipped ``ensemble`` (``models/ensemble.yaml``: global_gb and global_nb
    quantiles averaged 3:1), each member trained for one horizon only (the one asked of
    :func:`rolling_quantiles`)."""
    gb = GlobalQuantileGB(
        max_horizon=1, max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40
    )
    return QuantileAverage({"gb": gb, "nb": GlobalNegBin(max_horizon=1)}, {"gb": 3, "nb": 1})


def _members(model: BaseForecaster) -> list[tuple[_Global, float]]:
    if isinstance(model, _Global):
        return [(model, 1.0)]
    if isinstance(model, QuantileAverage):
        out = []
        for name, m in model._members().items():
            if not isinstance(m, _Global):
                raise UsageError(
                    f"rolling_quantiles: member {name!r} is a {type(m).__name__}; every "
                    "member must be a global model (GlobalQuantileGB, GlobalNegBin)"
                )
            out.append((m, float((model.weights or {}).get(name, 1.0))))
        return out
    raise UsageError(
        f"rolling_quantiles needs a global model (GlobalQuantileGB, GlobalNegBin or a "
        f"QuantileAverage of them), got {type(model).__name__}"
    )


def _period(ds: pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Calendar period numbers (months, weeks or days since 1970) that fix refit dates."""
    if freq == "MS":
        return np.asarray(ds.year * 12 + ds.month - 1, dtype=np.int64)
    days = np.asarray((ds - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1), dtype=np.int64)
    return days // 7 if freq.startswith("W") else days


def _fit_predict(
    members: list[tuple[_Global, float]],
    X: np.ndarray,
    target: np.ndarray,
    Xp: np.ndarray,
    base: np.ndarray,
    levels: np.ndarray,
) -> np.ndarray:
    """Fit every member on ``(X, target)`` and return the weighted quantile average of the
    predictions for ``Xp`` (count scale, shape ``(len(Xp), len(levels))``)."""
    parts, weights = [], []
    k = np.ones(len(X))  # one horizon per fit: GlobalNegBin keys its per-horizon fits by k
    for m, w in members:
        fitted = m._fit_group(X, target, k)
        q = m._quantiles(fitted, Xp, base)
        values = np.clip(np.expm1(np.sort(q, axis=1)), 0, None)
        parts.append(QuantilePredictive(values[:, 0], m._levels(), values).quantile(levels))
        weights.append(w)
    return np.asarray(np.average(parts, axis=0, weights=weights))


def rolling_quantiles(
    y: pd.DataFrame,
    model: BaseForecaster | None = None,
    *,
    horizon: int = 1,
    window: int = 1,
    refit_every: int = 12,
    levels: Sequence[float] = _LEVELS19,
    client: Client | None = None,
) -> pd.DataFrame:
    """Quantiles of every period ``horizon`` steps ahead, from models fitted on earlier
    periods only.

    Parameters
    ----------
    y : DataFrame
        Long frame ``unique_id, ds, y`` (series of one or several frequencies; each
        frequency is pooled separately).
    model : forecaster or None
        A global model or a quantile average of global models; ``None``:
        :func:`default_surprise_model`.
    horizon : int
        Steps ahead: the quantiles of ``y[t]`` come from the features of ``t - horizon``
        (1: one step ahead).
    window : int
        Periods summed in the target: the quantiles of ``y[t - window + 1] + ... + y[t]``
        from the features of ``t - horizon`` (a direct model of the sum; ``window`` must
        not exceed ``horizon``, so every summed period lies after the origin). 1: ``y[t]``.
    refit_every : int
        Periods between refits, on the calendar (12 for monthly series: once a year).
    levels : sequence of float
        Quantile levels returned.
    client : distributed.Client or None
        Run each refit as a Dask task (serial when ``None``).

    Returns
    -------
    DataFrame
        ``unique_id, ds, q<level>...`` for every period (the last of the window) after the
        first refit with at least 200 pooled training rows. Gaps are filled forward, never
        from later values. A model is trained on rows whose window ends at or before its
        refit date.
    """
    for name, v in (("refit_every", refit_every), ("horizon", horizon), ("window", window)):
        if int(v) < 1:
            raise UsageError(f"rolling_quantiles: {name}={v!r} must be >= 1")
    if int(window) > int(horizon):
        raise UsageError(
            f"rolling_quantiles: window={window!r} exceeds horizon={horizon!r}; the summed "
            "periods must all lie after the forecast origin (pass horizon >= window)"
        )
    members = _members(model if model is not None else default_surprise_model())
    for m, _ in members:
        m._validate_params()
    lv = np.array(sorted(float(v) for v in levels))
    cols = [f"q{v:g}" for v in lv]
    series, _ = prepare(y)
    by_freq: dict[str, list[Any]] = {}
    for s in series:
        if len(s) >= MIN_ORIGIN + 2:
            by_freq.setdefault(s.freq.freqstr, []).append(s)
    jobs, keys = [], []
    for freq, group in by_freq.items():
        panel = _Panel(group)
        X, target, when, uid = _rows(panel, group, int(horizon), int(window))
        per = _period(pd.DatetimeIndex(when), freq)
        cut = np.unique(per[(per + 1) % int(refit_every) == 0])
        for i, c in enumerate(cut):
            train = per <= c
            nxt = cut[i + 1] if i + 1 < len(cut) else np.iinfo(np.int64).max
            pred = (per > c) & (per <= nxt)
            if train.sum() < MIN_ROWS or not pred.any():
                continue
            base = X[pred, FEATURES.index("m3")]
            jobs.append((X[train], target[train], X[pred], base))
            keys.append(pd.DataFrame({"unique_id": uid[pred], "ds": when[pred]}))
    if not jobs:
        return pd.DataFrame(columns=["unique_id", "ds", *cols])
    if client is None:
        results = [_fit_predict(members, *j, lv) for j in jobs]
    else:
        futures = [client.submit(_fit_predict, members, *j, lv, pure=False) for j in jobs]
        results = client.gather(futures)
    out = pd.concat(
        [k.join(pd.DataFrame(r, columns=cols)) for k, r in zip(keys, results, strict=True)],
        ignore_index=True,
    )
    return out.sort_values(["unique_id", "ds"]).reset_index(drop=True)


def _rows(panel: _Panel, group: list[Any], h: int, w: int = 1) -> tuple[np.ndarray, ...]:
    """Horizon-``h`` rows of every series: features at ``t``, target
    ``log1p(y[t+h-w+1] + ... + y[t+h])`` relative to the 3-period level at ``t``, the
    date of ``t+h`` and the series."""
    Xs, ts, whens, uids = [], [], [], []
    for s in group:
        t = np.arange(MIN_ORIGIN - 1, len(s) - h)
        if not len(t):
            continue
        Xs.append(panel.rows(s.uid, t, np.full(len(t), float(h))))
        c = panel.cols[s.uid]
        if w == 1:
            ts.append(c["l0"][t + h] - c["m3"][t])
        else:
            y = np.clip(np.asarray(s.y, dtype=float), 0, None)
            cum = np.concatenate([[0.0], np.cumsum(y)])
            ts.append(np.log1p(cum[t + h + 1] - cum[t + h + 1 - w]) - c["m3"][t])
        whens.append(np.asarray(s.ds[t + h]))
        uids.append(np.full(len(t), s.uid, dtype=object))
    if not Xs:
        return np.empty((0, len(FEATURES))), np.empty(0), np.empty(0, "M8[ns]"), np.empty(0, object)
    return np.vstack(Xs), np.concatenate(ts), np.concatenate(whens), np.concatenate(uids)
