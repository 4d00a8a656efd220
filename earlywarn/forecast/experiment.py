"""Experiments: a YAML file that names the series, the models, the folds; run and logged.

``experiments/yemen.yaml``::

    name: yemen-monthly
    series: {path: ../shared/data/event_counts/YEM_gdelt_monthly_long.csv}
    models: [snaive, naive, drift, prophet, autoets]   # names of specs in models/
    horizon: 6
    folds: 3
    step: 6
    register: true                                     # best model -> alias "champion"

``series`` is a CSV/Parquet ``path`` (relative to the repository, i.e. the parent of the
experiment file's folder, or to that folder) or an ``archive`` plus a SQL ``query``
returning ``unique_id, ds, y``. ``models_dir`` defaults to ``models/`` in the repository.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from earlywarn._log import get_logger
from earlywarn.errors import ConfigError
from earlywarn.forecast._data import prepare

if TYPE_CHECKING:
    from distributed import Client

    from earlywarn.forecast.backtest import BacktestResult
    from earlywarn.forecast.base import BaseForecaster
    from earlywarn.tracking import Tracker

__all__ = ["load_series", "log_backtest", "run_experiment"]

_log = get_logger(__name__)
_KEYS = {
    "name",
    "description",
    "series",
    "models",
    "models_dir",
    "horizon",
    "folds",
    "step",
    "initial",
    "metrics",
    "register",
    "experiment",
}


def _resolve(base: Path, value: str) -> Path:
    p = Path(value)
    if p.is_absolute():
        return p
    for root in (base.parent, base):
        if (root / p).exists():
            return (root / p).resolve()
    return (base.parent / p).resolve()


def load_series(
    spec: Mapping[str, Any], base: Path, *, source: str = "<experiment>"
) -> pd.DataFrame:
    """Read the long frame an experiment's ``series`` entry describes."""
    if "path" in spec:
        path = _resolve(base, str(spec["path"]))
        if not path.exists():
            raise ConfigError(f"{source}: key 'series.path': no file {path}")
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    elif "query" in spec:
        from earlywarn.store import Archive

        archive = Archive(_resolve(base, str(spec.get("archive", "earlywarn.duckdb"))))
        try:
            frame = archive.query(str(spec["query"]))
        finally:
            archive.close()
    else:
        raise ConfigError(f"{source}: key 'series' needs 'path' or 'query' (with 'archive')")
    if "ids" in spec:
        frame = frame[frame["unique_id"].isin(list(spec["ids"]))]
    return frame


def run_experiment(
    path: str | Path, *, tracking_uri: str | None = None, client: Client | None = None
) -> BacktestResult:
    """Run the backtest an ``experiments/*.yaml`` file defines; log it when a URI is given."""
    from earlywarn.forecast.backtest import backtest
    from earlywarn.forecast.specs import load_models
    from earlywarn.tracking import Tracker

    path = Path(path)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the experiment ({exc})") from exc
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{path}: an experiment must be a mapping")
    extra = set(spec) - _KEYS
    if extra:
        raise ConfigError(
            f"{path}: key {sorted(extra)[0]!r} is not allowed; allowed keys: {sorted(_KEYS)}"
        )
    for key in ("series", "models", "horizon"):
        if key not in spec:
            raise ConfigError(f"{path}: key {key!r} is missing")
    base = path.resolve().parent
    y = load_series(spec["series"], base, source=str(path))
    available = load_models(_resolve(base, str(spec.get("models_dir", "models"))))
    unknown = [m for m in spec["models"] if m not in available]
    if unknown:
        raise ConfigError(
            f"{path}: key 'models': unknown model(s) {unknown}; known: {sorted(available)}"
        )
    models = {m: available[m] for m in spec["models"]}
    name = str(spec.get("name") or path.stem)
    tracker = None
    if tracking_uri:
        tracker = Tracker(tracking_uri, str(spec.get("experiment", name)))
    return backtest(
        y,
        models,
        horizon=int(spec["horizon"]),
        folds=int(spec.get("folds", 3)),
        step=spec.get("step"),
        initial=spec.get("initial"),
        tracker=tracker,
        client=client,
        experiment_name=name,
    )


def _plot(result: BacktestResult, y: pd.DataFrame, model: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fc = result.forecasts[result.forecasts["model"] == model]
    ids = list(fc["unique_id"].drop_duplicates()[:4])
    fig, axes = plt.subplots(len(ids), 1, figsize=(8, 2.4 * max(len(ids), 1)), squeeze=False)
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
    plt.close(fig)


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
) -> str | None:
    """Log a backtest: a parent run, nested runs per model and fold, artifacts, champion."""
    from earlywarn.forecast.backtest import _score

    summary = result.summary()
    rows: dict[Any, dict[Any, Any]] = summary.to_dict("index")
    fc = result.forecasts
    history = {s.uid: s for s in prepare(y)[0]}
    fold_of = fc.groupby(["unique_id", "model"])["cutoff"].rank(method="dense").astype(int) - 1
    with tracker.start_run(name, tags={"earlywarn.kind": "backtest"}) as parent:
        tracker.log_params(
            {
                "horizon": horizon,
                "folds": folds,
                "step": step,
                "initial": initial,
                "n_series": fc["unique_id"].nunique(),
                "models": ",".join(models),
                "reference": result.reference,
            }
        )
        for model, est in models.items():
            with tracker.start_run(model, nested=True, tags={"earlywarn.model": model}):
                tracker.log_params({"estimator": type(est).__name__, **est.get_params()})
                if model in summary.index:
                    tracker.log_metrics({str(k): float(v) for k, v in rows[model].items()})
                for fold in range(folds):
                    part = fc[(fc["model"] == model) & (fold_of == fold)]
                    if part.empty:
                        continue
                    with tracker.start_run(f"{model} fold {fold}", nested=True):
                        scores = _score(part, history).drop(columns=["unique_id", "model"])
                        tracker.log_params({"fold": fold})
                        tracker.log_metrics(
                            {str(k): float(v) for k, v in scores.mean().items()}, step=fold
                        )
        if summary.empty:
            return parent.run_id
        best = str(summary.index[0])
        tracker.log_params({"best_model": best})
        tracker.log_metrics({f"best_{k}": float(v) for k, v in rows[best].items()})
        with tempfile.TemporaryDirectory() as tmp:
            tracker.log_artifact(result.metrics, "series_metrics.csv")
            tracker.log_artifact(summary.reset_index(), "summary.csv")
            plot = Path(tmp) / "forecast.png"
            _plot(result, y, best, plot)
            tracker.log_artifact(plot)
            fitted = models[best].clone().fit(y)
            tracker.log_model(fitted, "model", pd.DataFrame({"h": [horizon]}))
        if register:
            tracker.register_model(parent.run_id, f"earlywarn-{name}", "champion")
        return parent.run_id
