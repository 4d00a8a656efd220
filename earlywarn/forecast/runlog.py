"""MLflow logging of a backtest: runs, metrics, artifacts and the champion model.

:func:`log_backtest` writes a parent run (params, ``best_*`` metrics, and in one upload
``series_metrics.csv``, ``summary.csv``, ``forecast.png`` of the best model and that model
refitted on all data as a pyfunc ``model/``), one nested run per model (its mean scores) and
per model and fold (the fold's scores, ``step`` = fold); with ``register`` the model becomes
``models:/earlywarn-<name>@champion``. MLflow's fixed costs (import, opening the store, a
fresh sqlite store's migrations) are paid in background threads (:func:`prepare_logging`)
while the models fit. MLflow itself is reached only through :class:`earlywarn.tracking.Tracker`.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.forecast._data import prepare
from earlywarn.forecast.scoring import _METRICS, score_folds

if TYPE_CHECKING:
    from earlywarn.forecast.backtest import BacktestResult
    from earlywarn.forecast.base import BaseForecaster
    from earlywarn.tracking import Tracker

__all__ = ["log_backtest", "prepare_logging"]

_log = get_logger(__name__)


def _plot(result: BacktestResult, y: pd.DataFrame, model: str, path: Path, n: int = 4) -> None:
    """Observed history and the ``model``'s 90% bands of every fold for ``n`` series (PNG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fc = result.forecasts[result.forecasts["model"] == model]
    ids = list(fc["unique_id"].drop_duplicates()[:n])
    fig = Figure(figsize=(8, 2.4 * max(len(ids), 1)))
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(ids), 1, squeeze=False)
    for ax, uid in zip(axes[:, 0], ids, strict=False):
        hist = y[y["unique_id"] == uid]
        ax.plot(pd.to_datetime(hist["ds"]), hist["y"], color="black", lw=1, label="observed")
        part = fc[fc["unique_id"] == uid]
        for _, f in part.groupby("cutoff"):
            ax.fill_between(f["ds"], f["q05"], f["q95"], color="tab:blue", alpha=0.25)
            ax.plot(f["ds"], f["yhat"], color="tab:blue", lw=1)
        ax.set_title(f"{uid}: {model} (90% band)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def _warm_plotting() -> None:
    """Import matplotlib and load its font cache (run in a thread while the models fit)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(1, 1))
        FigureCanvasAgg(fig)
        fig.subplots().set_title("warm-up")
        fig.canvas.draw()
    except Exception as exc:  # plotting is optional; log_backtest will report a real failure
        _log.debug("matplotlib warm-up failed (%s: %s)", type(exc).__name__, exc)


def prepare_logging(tracker: Tracker) -> None:
    """Start, in background threads, what :func:`log_backtest` will need: MLflow's client
    and store (see :meth:`Tracker.connect`) and matplotlib. Returns at once."""
    tracker.connect(background=True)
    threading.Thread(target=_warm_plotting, daemon=True, name="matplotlib-warm-up").start()


def _fit_champion(
    models: Mapping[str, BaseForecaster], best: str, y: pd.DataFrame, timings: dict[str, float]
) -> BaseForecaster | None:
    t0 = time.perf_counter()
    try:
        return models[best].clone().fit(y)
    except Exception as exc:  # the backtest is logged all the same, without a model
        _log.warning("could not refit %s on all data (%s: %s)", best, type(exc).__name__, exc)
        return None
    finally:
        timings["champion_fit"] = time.perf_counter() - t0


def log_backtest(
    tracker: Tracker,
    result: BacktestResult,
    y: pd.DataFrame,
    models: Mapping[str, BaseForecaster],
    *,
    horizon: int,
    folds: int,
    step: int,
    initial: int | None,
    name: str,
    register: bool = True,
    plot_series: int = 4,
    timings: dict[str, float] | None = None,
) -> str | None:
    """Log a backtest: a parent run, nested runs per model and fold, artifacts, champion.

    Each nested run is written whole (create, one ``log_batch``, end); the parent's params
    and metrics go in one ``log_batch``; ``series_metrics.csv``, ``summary.csv``,
    ``forecast.png`` (the best model on ``plot_series`` series; 0 for none) and the best
    model refitted on all data (``model/``, an MLflow pyfunc) go up in one artifact upload;
    with ``register`` that model becomes version ``champion`` of ``earlywarn-<name>``.
    ``timings`` (when given) receives ``champion_fit`` (the refit) and ``tracking_<operation>``
    seconds (``tracking_background``: importing MLflow and opening the store, off the
    critical path when :func:`prepare_logging` ran before the fits).
    """
    timings = {} if timings is None else timings
    before = dict(tracker.seconds)
    summary = result.summary()
    rows: dict[Any, dict[Any, Any]] = summary.to_dict("index")
    per_fold = result.fold_metrics
    if per_fold.empty and len(result.forecasts):
        per_fold = score_folds(result.forecasts, {s.uid: s for s in prepare(y)[0]})
    means = per_fold.groupby(["model", "fold"])[_METRICS].mean().reset_index()
    fold_rows = {
        (str(r["model"]), int(r["fold"])): {k: float(r[k]) for k in _METRICS}
        for r in means.to_dict("records")
    }
    best = None if summary.empty else str(summary.index[0])
    champion = _fit_champion(models, best, y, timings) if best is not None else None
    with tracker.start_run(name, tags={"earlywarn.kind": "backtest"}) as parent:
        for model, est in models.items():
            child = tracker.log_run(
                model,
                params={"estimator": type(est).__name__, **est.get_params()},
                metrics=rows.get(model, {}),
                tags={"earlywarn.model": model},
            )
            for fold in range(folds):
                if (model, fold) in fold_rows:
                    tracker.log_run(
                        f"{model} fold {fold}",
                        params={"fold": fold},
                        metrics=fold_rows[(model, fold)],
                        tags={"earlywarn.model": model},
                        parent=child,
                        step=fold,
                    )
        params: dict[str, Any] = {
            "horizon": horizon,
            "folds": folds,
            "step": step,
            "initial": initial,
            "n_series": result.forecasts["unique_id"].nunique(),
            "models": ",".join(models),
            "reference": result.reference,
        }
        metrics: dict[str, float] = {}
        if best is not None:
            params["best_model"] = best
            metrics = {f"best_{k}": float(v) for k, v in rows[best].items()}
        tracker.log_batch(params=params, metrics=metrics)
        if best is None:
            return parent.run_id
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            stage = Path(tmp)
            result.metrics.to_csv(stage / "series_metrics.csv", index=False)
            summary.reset_index().to_csv(stage / "summary.csv", index=False)
            if plot_series > 0:
                _plot(result, y, best, stage / "forecast.png", plot_series)
            timings["tracking_files"] = time.perf_counter() - t0
            if champion is not None:
                tracker.save_model(champion, stage / "model", pd.DataFrame({"h": [horizon]}))
            tracker.log_artifact(stage)
        if register and champion is not None:
            tracker.register_model(parent.run_id, f"earlywarn-{name}", "champion")
    background = ("connect", "prefetch")  # done in a thread while the models fitted
    timings.update(
        {
            f"tracking_{k}": v - before.get(k, 0.0)
            for k, v in tracker.seconds.items()
            if k not in background
        }
    )
    timings["tracking_background"] = sum(tracker.seconds.get(k, 0.0) for k in background)
    return parent.run_id
