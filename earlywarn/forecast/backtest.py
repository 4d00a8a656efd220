"""Rolling-origin backtests: every fit sees only the data up to its cutoff.

For a series of ``n`` periods, fold ``f`` (``0 .. folds-1``) trains on the first
``initial + f * step`` periods and scores the next ``horizon``; ``step`` defaults to
``horizon`` and ``initial`` to ``n - horizon - (folds - 1) * step``. Folds are computed per
series, so series of different lengths and frequencies mix freely. The exceedance threshold
of a fold is the 95th percentile of its training data.

Examples
--------
>>> import pandas as pd
>>> from earlywarn.forecast import Naive, SeasonalNaive
>>> y = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=30, freq="MS"),
...                   "y": [float(i % 12 + i) for i in range(30)]})
>>> res = backtest(y, {"naive": Naive(), "snaive": SeasonalNaive()}, horizon=3, folds=2)
>>> res.forecasts["cutoff"].nunique(), len(res.metrics)
(2, 2)
>>> float(res.summary().loc["snaive", "crps_rel"])
1.0
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from earlywarn._log import get_logger
from earlywarn._progress import Progress
from earlywarn.errors import UsageError
from earlywarn.forecast._data import SeriesData, iter_groups, prepare
from earlywarn.forecast.base import BaseForecaster
from earlywarn.forecast.baselines import SeasonalNaive
from earlywarn.forecast.runlog import log_backtest, prepare_logging
from earlywarn.forecast.scoring import _KEYS, _METRICS, _QCOLS, LEVELS, score, score_folds
from earlywarn.scale import map_series

if TYPE_CHECKING:
    from distributed import Client

    from earlywarn.tracking import Tracker

__all__ = ["LEVELS", "BacktestResult", "backtest"]

_log = get_logger(__name__)


@dataclass
class BacktestResult:
    """Forecasts and scores of a backtest.

    Attributes
    ----------
    forecasts : DataFrame
        ``unique_id, model, cutoff, ds, y, yhat, q05 .. q95, p_exceed, threshold``.
    metrics : DataFrame
        One row per series and model: ``unique_id, model, folds, mase, smape, crps,
        coverage90, width90, brier``.
    reference : str
        Name of the seasonal-naive model the relative scores divide by.
    timings : dict
        Seconds spent computing (``compute``: fits and scores), refitting the best model on
        all data for the registry (``champion_fit``) and logging to MLflow (``tracking``,
        with its parts as ``tracking_<part>``).
    run_id : str or None
        The MLflow parent run, when logged.
    fold_metrics : DataFrame
        One row per series, model and fold: ``unique_id, model, fold, cutoff, mase, smape,
        crps, coverage90, width90, brier``.
    failures : DataFrame
        One row per series, model and fold that gave no forecast, with why: ``unique_id,
        model, cutoff, reason`` (a failed fit, a series too short for the model ...).
    """

    forecasts: pd.DataFrame
    metrics: pd.DataFrame
    reference: str
    timings: dict[str, float] = field(default_factory=dict)
    run_id: str | None = None
    fold_metrics: pd.DataFrame = field(default_factory=pd.DataFrame)
    failures: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["unique_id", "model", "cutoff", "reason"])
    )

    def summary(self) -> pd.DataFrame:
        """Per model: mean metrics, ``crps_rel`` (geometric mean over series of CRPS over the
        reference's) and ``mase_rel`` (mean MASE over the reference's); best first."""
        m = self.metrics
        if m.empty:
            return pd.DataFrame(
                columns=[
                    "series",
                    "mase",
                    "smape",
                    "crps",
                    "coverage90",
                    "width90",
                    "brier",
                    "crps_rel",
                    "mase_rel",
                ]
            )
        agg = m.groupby("model").agg(
            series=("unique_id", "nunique"),
            mase=("mase", "mean"),
            smape=("smape", "mean"),
            crps=("crps", "mean"),
            coverage90=("coverage90", "mean"),
            width90=("width90", "mean"),
            brier=("brier", "mean"),
        )
        ref = m[m["model"] == self.reference].set_index("unique_id")
        rel_crps, rel_mase = {}, {}
        for name, part in m.groupby("model"):
            part = part.set_index("unique_id")
            common = part.index.intersection(ref.index)
            ratio = part.loc[common, "crps"] / ref.loc[common, "crps"]
            ratio = ratio[np.isfinite(ratio) & (ratio > 0)]
            rel_crps[name] = float(np.exp(np.log(ratio).mean())) if len(ratio) else np.nan
            base = ref.loc[common, "mase"].mean()
            rel_mase[name] = float(part.loc[common, "mase"].mean() / base) if base else np.nan
        agg["crps_rel"] = pd.Series(rel_crps).round(6)
        agg["mase_rel"] = pd.Series(rel_mase).round(6)
        return agg.sort_values("crps_rel")


def _cutoffs(n: int, horizon: int, folds: int, step: int, initial: int | None) -> list[int]:
    start = n - horizon - (folds - 1) * step if initial is None else initial
    return [
        start + f * step
        for f in range(folds)
        if start + f * step + horizon <= n and start + f * step >= 1
    ]


def _nothing_to_score(
    series: list[SeriesData],
    skipped: Mapping[str, str],
    horizon: int,
    initial: int | None,
) -> str:
    """Why a backtest has not one fold to score: no series, or none long enough."""
    if not series:
        why = f" ({len(skipped)} skipped: {dict(list(skipped.items())[:3])})" if skipped else ""
        return f"nothing to backtest: y holds no usable series{why}"
    longest = max(len(s.y) for s in series)
    need = horizon + 1 if initial is None else max(initial, 1) + horizon
    return (
        f"nothing to backtest: no series is long enough for one fold of horizon={horizon}"
        + ("" if initial is None else f" after initial={initial}")
        + f" ({need} points needed, the longest of {len(series)} series has {longest}); "
        "shorten the horizon" + ("" if initial is None else " or the initial window")
    )


def _series_frame(s: SeriesData, end: int) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": s.uid, "ds": s.ds[:end], "y": s.y[:end]})


def _failure(uid: str, name: str, cutoff: pd.Timestamp, reason: str) -> dict[str, object]:
    return {"unique_id": uid, "model": name, "cutoff": cutoff, "reason": reason}


def _why(fitted: BaseForecaster, uid: str) -> str:
    return str(getattr(fitted, "skipped_", {}).get(uid, "no forecast (prediction failed)"))


def _backtest_one(
    uid: str,
    frame: pd.DataFrame,
    *,
    models: Mapping[str, BaseForecaster],
    horizon: int,
    folds: int,
    step: int,
    initial: int | None,
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    series, _ = prepare(frame)
    if not series:
        return pd.DataFrame(), []
    s = series[0]
    parts, failures = [], []
    for end in _cutoffs(len(s), horizon, folds, step, initial):
        train = _series_frame(s, end)
        thr = {uid: float(np.quantile(s.y[:end], 0.95))}
        actual = s.y[end : end + horizon]
        for name, model in models.items():
            t0 = time.perf_counter()
            fitted = model.clone()
            try:
                fc = fitted.fit(train).predict_frame(horizon, LEVELS, thr)
            except Exception as exc:  # one model failing on one fold is a row, not a crash
                fc, reason = pd.DataFrame(), f"{type(exc).__name__}: {exc}"
            else:
                reason = _why(fitted, uid)
            if fc.empty:
                failures.append(_failure(uid, name, pd.Timestamp(s.ds[end - 1]), reason))
                continue
            fc.insert(1, "model", name)
            fc.insert(2, "cutoff", s.ds[end - 1])
            fc.insert(4, "y", actual)
            fc["seconds"] = time.perf_counter() - t0
            fc["train_len"] = end
            parts.append(fc)
    return (pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()), failures


def _global_folds(
    series: list[SeriesData], horizon: int, folds: int, step: int, initial: int | None
) -> list[tuple[pd.Timestamp, list[tuple[SeriesData, int]]]]:
    """Each cutoff date of a global model's folds and the (series, end) whose fold it is."""
    by_cutoff: dict[pd.Timestamp, list[tuple[SeriesData, int]]] = {}
    for s in series:
        for end in _cutoffs(len(s), horizon, folds, step, initial):
            by_cutoff.setdefault(pd.Timestamp(s.ds[end - 1]), []).append((s, end))
    return sorted(by_cutoff.items(), key=lambda kv: kv[0])


def _global_fold(
    series: list[SeriesData],
    name: str,
    model: BaseForecaster,
    cutoff: pd.Timestamp,
    members: list[tuple[SeriesData, int]],
    horizon: int,
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """One fold of a global model: one fit on every series truncated at ``cutoff`` (no
    series sees past it), forecasts for the ``members`` whose fold it is."""
    train = pd.concat(
        [_series_frame(s, int(s.ds.searchsorted(cutoff, side="right"))) for s in series],
        ignore_index=True,
    )
    train = train[train.groupby("unique_id")["ds"].transform("size") > 0]
    thr = {s.uid: float(np.quantile(s.y[:end], 0.95)) for s, end in members}
    t0 = time.perf_counter()
    fitted = model.clone()
    try:
        fc = fitted.fit(train).predict_frame(horizon, LEVELS, thr)
    except Exception as exc:  # the fold fails for every member, the backtest goes on
        reason = f"{type(exc).__name__}: {exc}"
        return pd.DataFrame(), [_failure(s.uid, name, cutoff, reason) for s, _ in members]
    seconds = (time.perf_counter() - t0) / max(len(members), 1)
    wanted = {s.uid: (s, end) for s, end in members}
    fc = fc[fc["unique_id"].isin(wanted)]
    parts = []
    for uid, f in fc.groupby("unique_id", sort=False):
        s, end = wanted[str(uid)]
        f = f.copy()
        f.insert(1, "model", name)
        f.insert(2, "cutoff", cutoff)
        f.insert(4, "y", s.y[end : end + horizon])
        f["seconds"] = seconds
        f["train_len"] = end
        parts.append(f)
    done = set(fc["unique_id"])
    failures = [_failure(u, name, cutoff, _why(fitted, u)) for u in wanted if u not in done]
    return (pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()), failures


def _named_models(models: object) -> dict[str, BaseForecaster]:
    """``models`` as a dict of forecasters, or a UsageError saying what to pass.

    Examples
    --------
    >>> list(_named_models({"snaive": SeasonalNaive()}))
    ['snaive']
    >>> _named_models(["snaive"])
    Traceback (most recent call last):
    ...
    earlywarn.errors.UsageError: models must map names to forecasters, e.g. {'snaive': ew.forecast.SeasonalNaive(), 'prophet': ew.forecast.Prophet()}, or be ew.forecast.load_models('models/'); got ['snaive']
    """
    named = dict(models) if isinstance(models, Mapping) else None
    if named is None or not all(isinstance(m, BaseForecaster) for m in named.values()):
        shown = repr(models)
        raise UsageError(
            "models must map names to forecasters, e.g. {'snaive': ew.forecast.SeasonalNaive(), "
            "'prophet': ew.forecast.Prophet()}, or be ew.forecast.load_models('models/'); "
            f"got {shown[:120] + '...' if len(shown) > 120 else shown}"
        )
    return {str(k): m for k, m in named.items()}


def backtest(
    y: pd.DataFrame,
    models: Mapping[str, BaseForecaster],
    *,
    horizon: int,
    folds: int = 3,
    step: int | None = None,
    initial: int | None = None,
    tracker: Tracker | None = None,
    client: Client | None = None,
    experiment_name: str | None = None,
    register: bool = True,
    progress: Progress | None = None,
) -> BacktestResult:
    """Rolling-origin evaluation of ``models`` on every series of ``y``.

    A ``SeasonalNaive`` reference is added when no model is one. With ``tracker`` the run is
    logged to MLflow (see :func:`earlywarn.forecast.runlog.log_backtest`; the tracker
    connects in background threads while the models fit, and the best model is registered
    as ``champion`` when ``register``); with ``client`` the series, and each fold of a global
    model, are processed in parallel on Dask (identical results). A model that fails on a
    series and fold gives a row of :attr:`BacktestResult.failures`, never a crash. ``progress(done, total, "series")`` hears of each series
    backtested (see :mod:`earlywarn._progress`).
    """
    if int(horizon) < 1 or int(folds) < 1:
        raise UsageError(f"horizon ({horizon!r}) and folds ({folds!r}) must be >= 1")
    step = int(step or horizon)
    models = _named_models(models)
    reference = next((k for k, v in models.items() if type(v) is SeasonalNaive), None)
    if reference is None:
        reference = "SeasonalNaive"
        models[reference] = SeasonalNaive()
    if tracker is not None:  # MLflow and matplotlib get ready in threads while models fit
        prepare_logging(tracker)
    t0 = time.perf_counter()
    series, skipped = prepare(y)
    fewer = {
        s.uid: n
        for s in series
        if (n := len(_cutoffs(len(s), int(horizon), int(folds), step, initial))) < int(folds)
    }
    global_models = {k: m for k, m in models.items() if m.get_tags().get("capability:global")}
    task = partial(
        _backtest_one,
        models={k: m for k, m in models.items() if k not in global_models},
        horizon=int(horizon),
        folds=int(folds),
        step=step,
        initial=initial,
    )
    groups = (
        list(iter_groups(pd.concat([_series_frame(s, len(s)) for s in series]))) if series else []
    )
    # global models: one pooled fit per fold (cutoff date), not per series; on Dask they are
    # submitted first (the longest tasks) and run beside the per-series batches
    global_tasks = [
        (name, model, cutoff, members)
        for name, model in global_models.items()
        for cutoff, members in _global_folds(series, int(horizon), int(folds), step, initial)
    ]
    if client is not None and global_tasks:
        [shared] = client.scatter([series], broadcast=False)
        pending = [
            client.submit(_global_fold, shared, *t, int(horizon), pure=False) for t in global_tasks
        ]
    per_series = map_series(task, groups, client, progress=progress)
    if client is not None and global_tasks:
        per_global = client.gather(pending)
    else:
        per_global = [_global_fold(series, *t, int(horizon)) for t in global_tasks]
    parts, fails = [], []
    for part, failed in [*per_series, *per_global]:
        if len(part):
            parts.append(part)
        fails.extend(failed)
    if not parts and not fails:  # not one fold to try: an empty result said nothing
        raise UsageError(_nothing_to_score(series, skipped, int(horizon), initial))
    fc = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(
            columns=[
                "unique_id",
                "model",
                "cutoff",
                "ds",
                "y",
                "yhat",
                *_QCOLS,
                "p_exceed",
                "threshold",
                "seconds",
                "train_len",
            ]
        )
    )
    history = {s.uid: s for s in series}
    per_fold = (
        score_folds(fc, history)
        if len(fc)
        else pd.DataFrame(columns=[*_KEYS, "fold", "cutoff", *_METRICS])
    )
    metrics = (
        score(fc, history, per_fold)
        if len(fc)
        else pd.DataFrame(columns=[*_KEYS, "folds", *_METRICS])
    )
    result = BacktestResult(
        fc,
        metrics,
        reference,
        {"compute": time.perf_counter() - t0, "tracking": 0.0},
        fold_metrics=per_fold,
        failures=pd.DataFrame(fails, columns=["unique_id", "model", "cutoff", "reason"]),
    )
    if len(result.failures):
        _log.warning(
            "backtest: %d series-folds had no forecast (see BacktestResult.failures)",
            len(result.failures),
        )
    if skipped:
        _log.warning("backtest skipped %d series: %s", len(skipped), skipped)
    if fewer:  # the metrics' ``folds`` column says so too; the caller asked for more
        _log.warning(
            "backtest: %d series have fewer than the %d folds asked (%s); a series of n "
            "periods holds at most (n - 1 - horizon) // step + 1 folds: pass fewer folds, a "
            "shorter horizon or a smaller step",
            len(fewer),
            int(folds),
            ", ".join(f"{uid}: {n}" for uid, n in list(fewer.items())[:5])
            + (", ..." if len(fewer) > 5 else ""),
        )
    if tracker is not None:
        t1 = time.perf_counter()
        result.run_id = log_backtest(
            tracker,
            result,
            y,
            models,
            horizon=int(horizon),
            folds=int(folds),
            step=step,
            initial=initial,
            name=experiment_name or "backtest",
            register=register,
            timings=result.timings,
        )
        elapsed = time.perf_counter() - t1
        result.timings["tracking"] = elapsed - result.timings.get("champion_fit", 0.0)
    return result
