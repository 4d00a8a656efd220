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
``metrics`` lists what the reader looks at; it must name metrics a backtest scores (every
backtest scores and logs them all, and ranks the models by CRPS against the last value).

Logged to MLflow (:func:`earlywarn.forecast.runlog.log_backtest`): a parent run (params, ``best_*`` metrics, and in one
upload ``series_metrics.csv``, ``summary.csv``, ``forecast.png`` of the best model and that
model refitted on all data as a pyfunc ``model/``), one nested run per model (its mean
scores) and per model and fold (the fold's scores, ``step`` = fold); with ``register`` the
model becomes ``models:/earlywarn-<name>@champion``. MLflow's fixed costs (import, opening
the store, a fresh sqlite store's migrations) are paid in background threads while the
models fit; ``BacktestResult.timings`` reports what remains on the critical path.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from earlywarn._log import get_logger
from earlywarn._progress import Progress
from earlywarn._yaml import read_config_text, safe_load
from earlywarn.errors import ConfigError, path_problem
from earlywarn.forecast.backtest import BacktestResult, backtest
from earlywarn.forecast.scoring import _METRICS

if TYPE_CHECKING:
    from distributed import Client


__all__ = ["load_series", "run_experiment"]

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
    """Read the long frame an experiment's ``series`` entry describes.

    The file (or the archive's answer) must be a long frame ``unique_id, ds, y``, and the
    ``ids`` asked for must name series in it: an unreadable file, a table of another shape
    or an id naming no series is a :class:`ConfigError` naming the key. The archive is
    opened read-only (a ``query`` can read it, never change it, and a mistyped ``archive``
    creates nothing).
    """
    from earlywarn.store import Archive

    if not isinstance(spec, Mapping):
        raise ConfigError(
            f"{source}: key 'series' must be a mapping with 'path' (or 'archive' and "
            f"'query'), got {spec!r:.200}"
        )
    ids = spec.get("ids")
    if ids is not None and (
        not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not ids
    ):
        raise ConfigError(
            f"{source}: key 'series.ids' must be a list of series ids (text), got {ids!r:.200}"
        )
    if "path" in spec:
        path = _resolve(base, str(spec["path"]))
        if not path.is_file():
            raise ConfigError(f"{source}: key 'series.path': no file {path}")
        try:
            frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        except (OSError, ValueError, UnicodeError, ImportError) as exc:  # ParserError too
            raise ConfigError(
                f"{source}: key 'series.path': {path} cannot be read as a "
                f"{'Parquet' if path.suffix == '.parquet' else 'CSV'} table "
                f"({type(exc).__name__}: {str(exc)[:300]})"
            ) from exc
        what = f"key 'series.path': {path}"
    elif "query" in spec:
        import duckdb

        archive = Archive(
            _resolve(base, str(spec.get("archive", "earlywarn.duckdb"))), read_only=True
        )
        try:
            frame = archive.query(str(spec["query"]))
        except duckdb.Error as exc:
            raise ConfigError(
                f"{source}: key 'series.query' failed on the archive (read-only): {str(exc)[:300]}"
            ) from exc
        finally:
            archive.close()
        what = "key 'series.query'"
    else:
        raise ConfigError(f"{source}: key 'series' needs 'path' or 'query' (with 'archive')")
    missing = sorted({"unique_id", "ds", "y"} - set(frame.columns))
    if missing:
        raise ConfigError(
            f"{source}: {what} lacks column(s) {missing}: a series is a long table "
            f"unique_id, ds, y (got columns {[str(c)[:40] for c in frame.columns[:10]]})"
        )
    if ids is not None:
        known = set(frame["unique_id"].astype(str))
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ConfigError(
                f"{source}: key 'series.ids': {unknown[:5]} name no series of {what}; "
                f"it holds {len(known)} (e.g. {sorted(known)[:5]})"
            )
        frame = frame[frame["unique_id"].astype(str).isin(ids)]
    return frame


#: whole-number keys of an experiment: (key, default, largest allowed)
_COUNTS = (("horizon", None, 100_000), ("folds", 3, 1_000), ("step", None, 100_000),
           ("initial", None, 10_000_000))  # fmt: skip


def _whole(value: Any, key: str, path: Path, top: int) -> int:
    """``value`` if it is a whole number from 1 to ``top``, else a ConfigError naming ``key``.

    ``horizon: 1e9`` is a string in YAML, ``.nan`` a float, ``[6]`` a list: each ended the
    backtest in an internal error (int() failed deep inside).
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise ConfigError(
            f"{path}: key {key!r} must be a whole number from 1 to {top}, got {value!r}"
        )
    return value


def run_experiment(
    path: str | Path,
    *,
    tracking_uri: str | None = None,
    client: Client | None = None,
    progress: Progress | None = None,
) -> BacktestResult:
    """Run the backtest an ``experiments/*.yaml`` file defines; log it when a URI is given."""
    from earlywarn.forecast.specs import load_models
    from earlywarn.tracking import Tracker

    path = Path(path)
    problem = path_problem(path)  # a named pipe would be read for ever, a device for good
    if problem is not None:
        raise ConfigError(f"{path}: the experiment file {problem}")
    try:
        spec = safe_load(read_config_text(path, "the experiment"))
    except yaml.YAMLError as exc:
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
    counts = {
        key: _whole(spec.get(key, default), key, path, top)
        for key, default, top in _COUNTS
        if key in spec or default is not None
    }
    names = [spec["models"]] if isinstance(spec["models"], str) else spec["models"]
    if not isinstance(names, list) or not all(isinstance(m, str) for m in names):
        raise ConfigError(f"{path}: key 'models' must be a list of model names")
    base = path.resolve().parent
    y = load_series(spec["series"], base, source=str(path))
    available = load_models(_resolve(base, str(spec.get("models_dir", "models"))))
    unknown = [m for m in names if m not in available]
    if unknown:
        raise ConfigError(
            f"{path}: key 'models': unknown model(s) {unknown}; known: {sorted(available)}"
        )
    models = {m: available[m] for m in names}
    name = str(spec.get("name") or path.stem)
    metrics = spec.get("metrics", [])
    if not isinstance(metrics, list) or not set(map(str, metrics)) <= set(_METRICS):
        raise ConfigError(  # 'crsp' was accepted without a word
            f"{path}: key 'metrics' must list metrics a backtest scores ({', '.join(_METRICS)}), "
            f"got {metrics!r}"
        )
    register = spec.get("register", True)
    if not isinstance(register, bool):  # 'register: "false"' registered: bool("false")
        raise ConfigError(f"{path}: key 'register' must be true or false, got {register!r}")
    if register and any(c in name for c in "/:"):  # MLflow refuses the model name, at the end
        raise ConfigError(
            f"{path}: key 'name': {name!r} names the registered model earlywarn-{name}, and "
            "MLflow model names cannot hold '/' or ':'; rename it, or set register: false"
        )
    tracker = None
    if tracking_uri:
        tracker = Tracker(tracking_uri, str(spec.get("experiment", name)))
    return backtest(
        y,
        models,
        horizon=counts["horizon"],
        folds=counts["folds"],
        step=counts.get("step"),
        initial=counts.get("initial"),
        tracker=tracker,
        client=client,
        experiment_name=name,
        register=register,
        progress=progress,
    )
