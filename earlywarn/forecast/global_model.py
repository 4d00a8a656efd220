"""Global forecasters: one model learned across every series of a frequency.

Conflict counts are short, sparse and bursty per series, but alike across countries; a model
pooled over all series learns how counts move after a given recent history (as the ViEWS
competition entries do) and beats the last value where per-series models cannot.

:class:`GlobalQuantileGB` fits scikit-learn's ``HistGradientBoostingRegressor`` with the
quantile loss, one per level, direct multi-horizon: rows ``(features at origin t, horizon k)
-> log1p(y[t+k]) - log1p(mean of y[t-2..t])``. The features describe the origin on the log
scale: the last three values, means over 3, 6, 12 and 36 periods, the 12-period maximum,
share of zeros and standard deviation of ``log1p``, the periods since the last spike (a month
about double its previous year's mean), the horizon, the calendar position of the target, the
mean recent level of all series at that date (a continent-wide shift is visible to every
series), that of the other series sharing the country prefix (``"SDN:pv_events"`` and
``"SDN:ucdp_fatalities"``), and the kind of series (the part after the prefix, a categorical
feature; no per-country parameter is learned, so the model applies to countries it never saw).
The target is relative to the series' own recent level, which normalises the scale. Quantiles
are mapped back with ``expm1`` (quantiles survive monotone maps), sorted, and clipped at zero.
``window`` limits the training origins to the latest periods; boosting runs on ``n_threads``
OpenMP threads (one by default: on busy shared cores OpenMP's waiting threads made a fit 15
times slower).

:class:`~earlywarn.forecast.global_negbin.GlobalNegBin` is a negative-binomial regression
on the same features. :class:`QuantileAverage` averages the quantiles of several forecasters (Vincentisation),
optionally weighted, e.g. the two above.

Every origin only sees values at or before it; the backtest fits a global model once per
fold on all series truncated at the fold's cutoff date (see
:func:`earlywarn.forecast.backtest.backtest`).

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> ds = pd.date_range("2010-01-01", periods=60, freq="MS")
>>> y = pd.concat([pd.DataFrame({"unique_id": f"C{i}:x", "ds": ds,
...                              "y": rng.poisson(5 + i, 60).astype(float)}) for i in range(4)])
>>> fc = GlobalQuantileGB(max_iter=30).fit(y).predict_quantiles(3, [0.1, 0.5, 0.9])
>>> len(fc), bool((fc["q0.1"] <= fc["q0.9"]).all())
(12, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from earlywarn._log import get_logger
from earlywarn.errors import UsageError
from earlywarn.forecast._data import SeriesData, prepare
from earlywarn.forecast._dist import Predictive, QuantilePredictive
from earlywarn.forecast.base import BaseForecaster

__all__ = ["FEATURES", "GlobalQuantileGB", "QuantileAverage", "origin_features"]

_log = get_logger(__name__)

#: Quantile levels 0.05, 0.10 ... 0.95.
_LEVELS19: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 20))
#: Periods of history an origin needs (the longest lag used with full weight is 12).
MIN_ORIGIN = 12


def _log_mean(a: np.ndarray, w: int) -> np.ndarray:
    """``log1p`` of the trailing ``w``-period mean at every index (shorter at the start)."""
    c = np.concatenate([[0.0], np.cumsum(a)])
    idx = np.arange(1, len(a) + 1)
    lo = np.maximum(idx - w, 0)
    return np.log1p((c[idx] - c[lo]) / (idx - lo))


def _trailing(a: np.ndarray, w: int, fn: Any) -> np.ndarray:
    from numpy.lib.stride_tricks import sliding_window_view

    pad = np.concatenate([np.full(w - 1, np.nan), a])
    return fn(sliding_window_view(pad, w), axis=1)


def _since_spike(logy: np.ndarray, cap: int = 36) -> np.ndarray:
    """Periods since the last spike (``log1p(y)`` at least ``log(2)`` above its previous
    12-period log mean, i.e. about double), capped at ``cap``; ``cap`` before any spike."""
    prev = np.concatenate([[np.nan], _trailing(logy, 12, np.nanmean)[:-1]])
    spike = logy - prev > np.log(2)
    out = np.empty(len(logy))
    last = -cap
    for i, hit in enumerate(spike):
        if hit:
            last = i
        out[i] = min(i - last, cap)
    return out


def _calendar(ds: pd.DatetimeIndex, season: int) -> np.ndarray:
    """Position in the seasonal cycle (month of year, day of week ...), as an angle."""
    if season == 12:
        pos = ds.month.to_numpy() - 1
    elif season == 7:
        pos = ds.dayofweek.to_numpy()
    elif season == 52:
        pos = ds.isocalendar().week.to_numpy(dtype=int) - 1
    else:
        pos = np.zeros(len(ds), dtype=int)
    return 2 * np.pi * pos / max(season, 1)


def _kind(uid: str) -> str:
    return uid.split(":", 1)[1] if ":" in uid else ""


#: Feature names, in the column order of :meth:`_Panel.rows`.
FEATURES: tuple[str, ...] = (
    "l0", "l1", "l2", "m3", "m6", "m12", "m36", "max12", "zero12", "k", "sin", "cos",
    "level", "sibling", "sd12", "since", "kind",
)  # fmt: skip
_KIND = FEATURES.index("kind")


class _Panel:
    """Per-series feature columns on the series' own index, plus cross-sectional levels."""

    def __init__(self, series: Sequence[SeriesData]) -> None:
        self.series = {s.uid: s for s in series}
        # the kind of a series (``"pv_events"`` in ``"SDN:pv_events"``) as a small integer
        kinds = sorted({_kind(s.uid) for s in series})
        self.kind = {s.uid: float(kinds.index(_kind(s.uid))) for s in series}
        self.cols: dict[str, dict[str, np.ndarray]] = {}
        frames = []
        for s in series:
            y = np.clip(np.asarray(s.y, dtype=float), 0, None)
            logy = np.log1p(y)
            c = {
                "l0": logy,
                "l1": np.concatenate([[np.nan], logy[:-1]]),
                "l2": np.concatenate([[np.nan, np.nan], logy[:-2]])[: len(logy)],
                "m3": _log_mean(y, 3),
                "m6": _log_mean(y, 6),
                "m12": _log_mean(y, 12),
                "m36": _log_mean(y, 36),
                "max12": np.log1p(_trailing(y, 12, np.nanmax)),
                "zero12": _trailing((y == 0).astype(float), 12, np.nanmean),
                "sd12": _trailing(logy, 12, np.nanstd),
                "since": _since_spike(logy),
            }
            self.cols[s.uid] = c
            frames.append(pd.DataFrame({"uid": s.uid, "ds": s.ds, "m3": c["m3"], "m6": c["m6"]}))
        panel = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        self.level = panel.groupby("ds")["m3"].mean() if len(panel) else pd.Series(dtype=float)
        if len(panel):
            panel["country"] = panel["uid"].str.split(":").str[0]
            total = panel.groupby(["country", "ds"])["m6"].agg(["sum", "count"])
            panel = panel.join(total, on=["country", "ds"])
            with np.errstate(invalid="ignore", divide="ignore"):
                others = (panel["sum"] - panel["m6"]) / (panel["count"] - 1)
            # no sibling series: the series' own level stands in (never an all-empty column)
            others = others.where(panel["count"] > 1, panel["m6"])
            self.sibling = {
                u: others[g.index].to_numpy() for u, g in panel.groupby("uid", sort=False)
            }
        else:
            self.sibling = {}

    def rows(self, uid: str, t: np.ndarray, k: np.ndarray) -> np.ndarray:
        s, c = self.series[uid], self.cols[uid]
        # the target's position in the seasonal cycle: the origin's plus k periods
        cal = _calendar(s.ds[t], s.season) + 2 * np.pi * k / max(s.season, 1)
        level = self.level.reindex(s.ds[t]).to_numpy()
        return np.column_stack(
            [
                c["l0"][t],
                c["l1"][t],
                c["l2"][t],
                c["m3"][t],
                c["m6"][t],
                c["m12"][t],
                c["m36"][t],
                c["max12"][t],
                c["zero12"][t],
                k,
                np.sin(cal),
                np.cos(cal),
                level,
                self.sibling[uid][t],
                c["sd12"][t],
                c["since"][t],
                np.full(len(t), self.kind[uid]),
            ]
        ).astype(float)


def origin_features(y: pd.DataFrame, horizon: int = 1) -> pd.DataFrame:
    """The features a global model sees at the last period of each series (for inspection).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "A:x", "ds": pd.date_range("2020-01-01", periods=14,
    ...                   freq="MS"), "y": [0.0, 1.0] * 7})
    >>> origin_features(y).shape
    (1, 18)
    """
    series, _ = prepare(y)
    panel = _Panel(series)
    names = list(FEATURES)
    out = []
    for s in series:
        X = panel.rows(s.uid, np.array([len(s) - 1]), np.array([horizon]))
        out.append(pd.DataFrame(X, columns=names).assign(unique_id=s.uid))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=[*names, "unique_id"])


class _Global(BaseForecaster):
    """Shared machinery: pooled training rows per frequency, prediction at each series' end."""

    _tags: ClassVar[dict[str, Any]] = {
        "capability:global": True,
        "y:counts": True,
        "requires:min_length": MIN_ORIGIN + 2,
    }

    def __init__(self, max_horizon: int = 12, window: int | None = None) -> None:
        self.max_horizon = max_horizon
        self.window = window

    def _validate_params(self) -> None:
        if int(self.max_horizon) < 1:
            raise UsageError(
                f"{type(self).__name__}: max_horizon={self.max_horizon!r} must be >= 1"
            )
        if self.window is not None and int(self.window) < 1:
            raise UsageError(
                f"{type(self).__name__}: window={self.window!r} must be >= 1 or None (all)"
            )

    def _training(self, panel: _Panel, uids: Sequence[str], H: int) -> tuple[np.ndarray, ...]:
        Xs, ys, ks = [], [], []
        for uid in uids:
            n = len(panel.series[uid])
            logy = panel.cols[uid]["l0"]
            for k in range(1, H + 1):
                first = MIN_ORIGIN - 1 if self.window is None else n - k - int(self.window)
                t = np.arange(max(first, MIN_ORIGIN - 1), n - k)
                if not len(t):
                    continue
                X = panel.rows(uid, t, np.full(len(t), k))
                Xs.append(X)
                ys.append(logy[t + k] - panel.cols[uid]["m3"][t])
                ks.append(np.full(len(t), k))
        if not Xs:
            return np.empty((0, len(FEATURES))), np.empty(0), np.empty(0)
        return np.vstack(Xs), np.concatenate(ys), np.concatenate(ks)

    def _fit_group(self, X: np.ndarray, target: np.ndarray, k: np.ndarray) -> Any:
        raise NotImplementedError

    def _quantiles(self, model: Any, X: np.ndarray, base: np.ndarray) -> np.ndarray:
        """Quantiles of ``log1p(y)``, shape ``(len(X), len(levels))``."""
        raise NotImplementedError

    def _levels(self) -> np.ndarray:
        raise NotImplementedError

    def fit(self, y: pd.DataFrame, X: pd.DataFrame | None = None) -> _Global:
        """Fit one model per frequency on every series of ``y``; return ``self``."""
        if X is not None:
            raise UsageError(f"{type(self).__name__} does not use exogenous variables")
        self._validate_params()
        series, skipped = prepare(y)
        keep = []
        for s in series:
            need = self._min_length(s)
            if len(s) < need:
                skipped[s.uid] = f"too short: {len(s)} periods, {type(self).__name__} needs {need}"
            else:
                keep.append(s)
        fitted: dict[str, tuple[SeriesData, Any]] = {}
        by_freq: dict[str, list[SeriesData]] = {}
        for s in keep:
            by_freq.setdefault(s.freq.freqstr, []).append(s)
        for freq, group in by_freq.items():
            panel = _Panel(group)
            H = max(1, min(int(self.max_horizon), min(len(s) for s in group) // 3))
            Xtr, target, k = self._training(panel, [s.uid for s in group], H)
            if len(target) < 50:
                for s in group:
                    skipped[s.uid] = f"too few pooled training rows ({len(target)}) for {freq}"
                continue
            try:
                model = self._fit_group(Xtr, target, k)
            except Exception as exc:  # one frequency failing must not stop the others
                for s in group:
                    skipped[s.uid] = f"fit failed: {type(exc).__name__}: {exc}"
                continue
            for s in group:
                last = len(s) - 1
                rows = panel.rows(s.uid, np.full(H, last), np.arange(1, H + 1))
                base = np.full(H, panel.cols[s.uid]["m3"][last])
                fitted[s.uid] = (s, {"model": model, "X": rows, "base": base, "H": H})
        for uid, why in skipped.items():
            _log.debug("series %s skipped: %s", uid, why)
        self.fitted_ = fitted
        self.skipped_ = skipped
        return self

    def _predict(self, state: dict, s: SeriesData, h: int) -> Predictive:
        k = np.minimum(np.arange(1, h + 1), state["H"]) - 1
        q = self._quantiles(state["model"], state["X"][k], state["base"][k])
        values = np.clip(np.expm1(np.sort(q, axis=1)), 0, None)
        levels = self._levels()
        mid = values[:, int(np.argmin(np.abs(levels - 0.5)))]
        return QuantilePredictive(mid, levels, values)


def _check_median_levels(model: Any) -> None:
    """Refuse ``model.quantiles`` outside (0, 1) or without 0.5 (the point forecast ``yhat``
    is the 0.5 level: without it yhat was another level, or NaN)."""
    q = list(model.quantiles)
    if 0.5 not in q or any(not 0 < v < 1 for v in q):
        raise UsageError(
            f"{type(model).__name__}: quantiles={model.quantiles!r} must be in (0, 1) and "
            "include 0.5"
        )


#: bounds sklearn's HistGradientBoostingRegressor checks only when fitting
_BOOSTING = {
    "max_iter": (1, np.inf, True),
    "learning_rate": (0, np.inf, False),
    "min_samples_leaf": (1, np.inf, True),
    "random_state": (0, 2**32 - 1, True),
}


class GlobalQuantileGB(_Global):
    """Pooled quantile gradient boosting on log-scale origin features (module docstring)."""

    def __init__(
        self,
        quantiles: Sequence[float] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95),
        max_horizon: int = 12,
        window: int | None = None,
        max_iter: int = 150,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 40,
        random_state: int = 0,
        n_threads: int | None = 1,
    ) -> None:
        super().__init__(max_horizon, window)
        self.quantiles = quantiles
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state
        self.n_threads = n_threads

    def _threads(self) -> Any:
        """Limit OpenMP to ``n_threads`` while boosting: on shared or busy cores, OpenMP's
        waiting threads made one fit 15 times slower (52 s vs 3.5 s for the same trees)."""
        from contextlib import nullcontext

        from threadpoolctl import threadpool_limits

        if self.n_threads is None:
            return nullcontext()
        return threadpool_limits(limits=int(self.n_threads), user_api="openmp")

    def _validate_params(self) -> None:
        super()._validate_params()
        _check_median_levels(self)
        self._check_bounds(**_BOOSTING, max_leaf_nodes=(2, np.inf, True))

    def _levels(self) -> np.ndarray:
        return np.array(sorted(self.quantiles), dtype=float)

    def _fit_group(self, X: np.ndarray, target: np.ndarray, k: np.ndarray) -> Any:
        from sklearn.ensemble import HistGradientBoostingRegressor

        with self._threads():
            return [
                HistGradientBoostingRegressor(
                    loss="quantile",
                    quantile=float(q),
                    max_iter=int(self.max_iter),
                    learning_rate=float(self.learning_rate),
                    max_leaf_nodes=int(self.max_leaf_nodes),
                    min_samples_leaf=int(self.min_samples_leaf),
                    random_state=int(self.random_state),
                    categorical_features=[_KIND],
                ).fit(X, target)
                for q in self._levels()
            ]

    def _quantiles(self, model: Any, X: np.ndarray, base: np.ndarray) -> np.ndarray:
        with self._threads():
            return np.column_stack([m.predict(X) for m in model]) + base[:, None]


class QuantileAverage(BaseForecaster):
    """Average the quantiles of several forecasters (Vincentisation), level by level,
    weighted by ``weights`` (member name -> weight, 1 when not given).

    Members are forecasters or specs ``{estimator, params}`` as in ``models/*.yaml``. Global
    when any member is; series a member skipped are left out.
    """

    _tags: ClassVar[dict[str, Any]] = {"capability:global": True, "requires:min_length": 2}

    def __init__(
        self,
        members: Mapping[str, BaseForecaster | Mapping[str, Any]] | None = None,
        weights: Mapping[str, float] | None = None,
        quantiles: Sequence[float] = _LEVELS19,
    ) -> None:
        self.members = members
        self.weights = weights
        self.quantiles = quantiles

    def _members(self) -> dict[str, BaseForecaster]:
        """The members; a member given as a spec ``{estimator, params}`` (as in
        ``models/*.yaml``) is built with :func:`earlywarn.forecast.specs.make_estimator`."""
        from earlywarn.forecast.specs import make_estimator

        out: dict[str, BaseForecaster] = {}
        from earlywarn.forecast.global_negbin import GlobalNegBin

        for name, m in (self.members or {"gb": GlobalQuantileGB(), "nb": GlobalNegBin()}).items():
            where = f"QuantileAverage member {name!r}"
            if isinstance(m, Mapping):
                if "estimator" not in m or not isinstance(m.get("params") or {}, Mapping):
                    raise ValueError(
                        f"{where}: give {{estimator: NAME, params: {{...}}}}, got {m!r:.120}"
                    )
                m = make_estimator(str(m["estimator"]), m.get("params"), source=where)
            elif not isinstance(m, BaseForecaster):
                raise ValueError(f"{where}: not a forecaster or a spec, got {m!r:.80}")
            out[name] = m
        return out

    def _validate_params(self) -> None:
        """Members that build, weights naming members with finite weights >= 0 (one > 0),
        quantile levels inside (0, 1): a NaN weight made every score NaN, a negative one
        dropped the model from the table, a misspelled member name was weighted 1."""
        members = self._members()  # a member spec that does not build raises here
        if not members:
            raise ValueError("QuantileAverage: members is empty; name at least one forecaster")
        weights = self.weights or {}
        if not isinstance(weights, Mapping):
            raise ValueError(
                f"QuantileAverage: weights must map member names to numbers, got {weights!r:.80}"
            )
        unknown = sorted(str(k) for k in weights if k not in members)
        if unknown:
            raise ValueError(
                f"QuantileAverage: weights name no member {unknown}; members: {sorted(members)}"
            )
        values = {}
        for name in members:
            w = weights.get(name, 1.0)
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0 <= w < np.inf:
                raise ValueError(
                    f"QuantileAverage: weight of {name!r} must be a finite number >= 0, "
                    f"got {w!r:.40}"
                )
            values[name] = float(w)
        if not any(values.values()):
            raise ValueError("QuantileAverage: every weight is 0; give one member a weight > 0")
        levels = list(self.quantiles)
        if not levels or not all(isinstance(q, (int, float)) and 0 < q < 1 for q in levels):
            raise ValueError(
                f"QuantileAverage: quantiles must be levels between 0 and 1, got {levels!r:.80}"
            )

    def fit(self, y: pd.DataFrame, X: pd.DataFrame | None = None) -> QuantileAverage:
        """Fit every member on ``y``; return ``self``."""
        self._validate_params()
        self.members_ = {k: m.clone().fit(y, X) for k, m in self._members().items()}
        common = set.intersection(*(set(m.fitted_) for m in self.members_.values()))
        first = next(iter(self.members_.values()))
        self.fitted_ = {u: (first.fitted_[u][0], None) for u in sorted(common)}
        self.skipped_ = {u: why for m in self.members_.values() for u, why in m.skipped_.items()}
        return self

    def _predict(self, state: Any, s: SeriesData, h: int) -> Predictive:
        levels = np.array(sorted(self.quantiles), dtype=float)
        parts, w = [], []
        for name, m in self.members_.items():
            st = m.fitted_[s.uid][1]
            parts.append(m._predict(st, s, h).quantile(levels))
            w.append(float((self.weights or {}).get(name, 1.0)))
        values = np.average(parts, axis=0, weights=w)
        return QuantilePredictive(values[:, int(np.argmin(np.abs(levels - 0.5)))], levels, values)
