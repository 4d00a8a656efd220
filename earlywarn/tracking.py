"""Experiment tracking on MLflow: the only earlywarn module that imports ``mlflow``.

:class:`Tracker` is a thin layer over one ``MlflowClient`` (no fluent global run state):

* runs are context managers (``start_run(name, nested=True)`` makes a child of the open run),
  and :meth:`Tracker.log_run` writes a whole finished run (tags, params, metrics) at once;
* params, metrics and tags go out together in as few ``log_batch`` calls as MLflow's limits
  allow (100 params, 100 tags, 1,000 entities per call);
* frames are logged as CSV artifacts, fitted forecasters as ``pyfunc`` models with a signature,
  and ``register_model`` gives a version an alias (``champion``);
* :meth:`Tracker.connect` can import MLflow and open the store in a background thread while
  the caller computes (a fresh sqlite store takes seconds to create);
* when the tracking store fails or is unreachable, every call is appended as a JSON line to
  ``buffer_dir/buffer.jsonl`` (artifacts copied beside it) and the work goes on; ``sync()``
  replays the buffer later, mapping the local run ids to the server's;
* ``seconds`` adds up the time spent per operation (to measure tracking overhead).

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> t = Tracker(f"sqlite:///{d / 'mlflow.db'}", "doc")
>>> with t.start_run("parent") as run:
...     t.log_batch(params={"h": 3}, metrics={"crps": 1.5})
...     child = t.log_run("fold 0", params={"fold": 0}, metrics={"crps": 1.2})
>>> t.offline, t.get_run(run.run_id)["metrics"], t.get_run(child)["status"]
(False, {'crps': 1.5}, 'FINISHED')
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
import uuid
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._log import get_logger, redact
from earlywarn._tracking_buffer import LOCAL, fast_fail
from earlywarn._tracking_runs import RunHandle, RunLogger
from earlywarn.errors import TrackingError
from earlywarn.stage import StageContext, StageResult

__all__ = ["RunHandle", "Tracker", "log_pipeline_run", "stage"]

_log = get_logger(__name__)

#: run tag holding the id a run had before the store answered (its buffered call's), so a
#: replay finds a run whose call was given up at the deadline but reached the store anyway
CALL_TAG = "earlywarn.call_id"
_MAX_PARAMS, _MAX_TAGS, _MAX_ENTITIES = 100, 100, 1000


@contextlib.contextmanager
def _quiet_mlflow() -> Iterator[None]:
    """Hide MLflow's INFO/WARNING chatter (pickling hints) during one call."""
    logger = logging.getLogger("mlflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def check_store(tracking_uri: str | None) -> None:
    """Refuse a ``sqlite:///`` file that is another application's database, or SQLite's
    in-memory database (``sqlite://``, ``sqlite:///``, ``sqlite:///:memory:``).

    MLflow creates its twenty tables in any SQLite file it is given (and runs its
    migrations there), so a URI naming another program's database would alter it.

    Raises
    ------
    TrackingError
        If the file holds tables but none of an MLflow store's, or the store is in memory.
    """
    uri = (tracking_uri or "").strip()
    if uri.lower().startswith("sqlite:") and (
        uri.split("?", 1)[0].lower() in ("sqlite:", "sqlite://", "sqlite:///", "sqlite:///:memory:")
        or "mode=memory" in uri.lower()
    ):  # SQLAlchemy's in-memory database: runs "logged" (a run id returned), then lost
        raise TrackingError(
            f"tracking URI {uri!r} names an in-memory SQLite database: every run would be lost "
            "when the command ends; give a file, such as sqlite:///mlflow.db"
        )
    path = _sqlite_path(tracking_uri)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return
    import sqlite3

    try:
        tables = _table_counts(path, ())[0]
    except sqlite3.DatabaseError:
        return  # not SQLite at all: MLflow's own error says so, and nothing is written
    if tables and not {"alembic_version", "experiments"} <= tables:
        shown = ", ".join(sorted(tables)[:5]) + (" ..." if len(tables) > 5 else "")
        raise TrackingError(
            f"{path} is an SQLite database of another application (tables {shown}), not an "
            "MLflow store: give tracking_uri a new file (sqlite:///mlflow.db)"
        )


def _sqlite_path(tracking_uri: str | None) -> Path | None:
    if not tracking_uri or not tracking_uri.startswith("sqlite:///"):
        return None
    return Path(tracking_uri[len("sqlite:///") :].split("?", 1)[0])


def _table_counts(path: Path, count: tuple[str, ...]) -> tuple[set[str], int]:
    """The tables of an SQLite file, opened read-only, and the rows of those of ``count``
    it holds (raises ``sqlite3.DatabaseError`` when it is no SQLite file)."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rows = sum(
            int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in count
            if t in tables
        )
    return tables, rows


def _set_aside_half_made(tracking_uri: str | None, exc: BaseException) -> bool:
    """Handle an SQLite store left half-made by its creation cut short (a full disk, a
    kill): MLflow's migrations do not roll their DDL back, so each later start failed
    with 'table trace_info already exists' and every nightly run only buffered its calls,
    for good. A store holding no run and no registered model is moved aside
    (``mlflow.db.half-made-<UTC time>``, with its journal) and True returned, so a new
    one is made; one holding runs raises :class:`TrackingError` saying what to do.
    Other errors: False."""
    path = _sqlite_path(tracking_uri)
    if path is None or "already exists" not in str(exc) or not path.is_file():
        return False
    import sqlite3

    try:
        held = _table_counts(path, ("runs", "registered_models"))[1]
    except sqlite3.DatabaseError:
        return False
    why = str(exc).splitlines()[0][:200]
    if held:
        raise TrackingError(
            f"the MLflow store {path} was left half-upgraded by an upgrade cut short (a full "
            f"disk?): {why}; it holds {held} run(s) or model(s), so it is left as it is: "
            "restore it from a backup, or move it away to start a new store (calls are "
            "buffered meanwhile and replayed into the store that answers)"
        ) from exc
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = path.with_name(f"{path.name}.half-made-{stamp}")
    for suffix in ("", "-journal", "-wal", "-shm"):  # a hot journal belongs to its file
        part = Path(f"{path}{suffix}")
        if part.exists():
            part.rename(f"{aside}{suffix}")
    with contextlib.suppress(Exception):  # MLflow keeps one engine per URI, open on the old file
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

        engine = SqlAlchemyStore._engine_map.pop(str(tracking_uri), None)
        if engine is not None:
            engine.dispose()
    _log.warning(
        "MLflow store %s was left half-made by its creation cut short (%s) and held no run: "
        "moved to %s; a new store is made",
        path, why, aside,
    )  # fmt: skip
    return True


class Tracker(RunLogger):
    """MLflow tracking with an offline buffer (see the module docstring).

    Parameters
    ----------
    tracking_uri, experiment, buffer_dir
        As for :class:`~earlywarn._tracking_runs.RunLogger`.

    Attributes
    ----------
    offline : bool
        True once a call failed: later calls go to the buffer until :meth:`sync`.
    seconds : dict
        Seconds spent per operation (``connect``, ``experiment``, ``create_run``,
        ``log_batch``, ``log_run``, ``log_artifacts``, ``save_model``, ``register`` ...).
    """

    # -- store ----------------------------------------------------------------------------
    def _mlflow(self) -> Any:
        with self._lock:
            if self._client is None:
                t0 = time.perf_counter()
                from mlflow import MlflowClient

                check_store(self.tracking_uri)
                try:
                    self._client = MlflowClient(
                        tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri
                    )
                except Exception as exc:
                    if not _set_aside_half_made(self.tracking_uri, exc):
                        raise
                    self._client = MlflowClient(
                        tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri
                    )
                self._timed("connect", t0)
            return self._client

    def _exp_id(self) -> str:
        client = self._mlflow()
        with self._lock:
            if self._experiment_id is None:
                t0 = time.perf_counter()
                exp = client.get_experiment_by_name(self.experiment)
                self._experiment_id = (
                    exp.experiment_id
                    if exp is not None
                    else client.create_experiment(self.experiment)
                )
                self._timed("experiment", t0)
            return self._experiment_id

    def _connect_quietly(self, remote: bool) -> None:
        try:
            self._mlflow()
            if not remote:  # a local store answers at once, no retries to wait for
                self._exp_id()
            t0 = time.perf_counter()
            import mlflow.pyfunc  # noqa: F401  (what logging a model needs, imported ahead)
            from mlflow.models import infer_signature  # noqa: F401

            with contextlib.suppress(Exception):  # private helper: a cache worth warming
                from mlflow.utils.requirements_utils import _init_modules_to_packages_map

                _init_modules_to_packages_map()  # ~0.6 s scan of installed packages
            self._timed("prefetch", t0)
        except Exception as exc:  # the foreground call will retry and buffer
            _log.debug("background MLflow connect failed (%s: %s)", type(exc).__name__, redact(exc))

    def connect(self, *, background: bool = False) -> None:
        """Import MLflow, open the store and find (or create) the experiment now.

        With ``background`` this runs in a daemon thread and returns at once (later calls
        wait for it), and also imports and warms what :meth:`save_model` needs. Against an
        HTTP server only the client is made in the background (the first request is left to
        the foreground, which fails fast and buffers).
        """
        if self._client is not None and self._experiment_id is not None:
            return
        if not background:
            with fast_fail():
                self._exp_id()
            return
        if self._connector is None:
            remote = str(self.tracking_uri or "").startswith(("http://", "https://"))
            self._connector = threading.Thread(
                target=self._connect_quietly, args=(remote,), daemon=True, name="mlflow-connect"
            )
            self._connector.start()

    # -- online operations (one per buffered op) --------------------------------------------
    def _do_create_run(
        self, local_id: str, name: str, tags: dict[str, str], parent: str | None, experiment: str
    ) -> str:
        if parent:
            tags = {**tags, "mlflow.parentRunId": parent}
        tags = {**tags, CALL_TAG: local_id}  # lets a replay find a run made after all
        run = self._mlflow().create_run(self._exp_id(), run_name=name, tags=tags)
        return str(run.info.run_id)

    def _delivered(self, local_id: str) -> tuple[str, bool] | None:
        if not re.fullmatch(
            re.escape(LOCAL) + "[0-9a-f]{1,64}", local_id
        ):  # not ours: no filter built
            return None
        runs = self._mlflow().search_runs(
            [self._exp_id()], filter_string=f"tags.`{CALL_TAG}` = '{local_id}'", max_results=1
        )
        if not runs:
            return None
        info = runs[0].info
        return str(info.run_id), info.status == "FINISHED"

    def _do_end_run(self, run_id: str, status: str) -> None:
        self._mlflow().set_terminated(run_id, status)

    def _do_log_batch(
        self,
        run_id: str,
        params: dict[str, str],
        metrics: dict[str, float],
        step: int,
        timestamp: int,
        tags: dict[str, str] | None = None,
    ) -> None:
        from mlflow.entities import Metric, Param, RunTag

        client = self._mlflow()
        plist = [Param(k, v) for k, v in params.items()]
        tlist = [RunTag(k, v) for k, v in (tags or {}).items()]
        mlist = [Metric(k, float(v), timestamp, step) for k, v in metrics.items()]
        while plist or tlist or mlist:
            p, plist = plist[:_MAX_PARAMS], plist[_MAX_PARAMS:]
            t, tlist = tlist[:_MAX_TAGS], tlist[_MAX_TAGS:]
            room = _MAX_ENTITIES - len(p) - len(t)
            m, mlist = mlist[:room], mlist[room:]
            client.log_batch(run_id, metrics=m, params=p, tags=t)

    def _do_log_run(
        self,
        local_id: str,
        name: str,
        tags: dict[str, str],
        parent: str | None,
        experiment: str,
        params: dict[str, str],
        metrics: dict[str, float],
        step: int,
        timestamp: int,
        status: str,
    ) -> str:
        run_id = self._do_create_run(local_id, name, tags, parent, experiment)
        self._do_log_batch(run_id, params, metrics, step, timestamp)
        self._do_end_run(run_id, status)
        return run_id

    def _do_log_artifacts(self, run_id: str, path: str, artifact_path: str | None) -> None:
        p = Path(path)
        if p.is_dir():
            self._mlflow().log_artifacts(run_id, str(p), artifact_path)
        else:
            self._mlflow().log_artifact(run_id, str(p), artifact_path)

    def _do_register(self, run_id: str, artifact_path: str, name: str, alias: str) -> str:
        from mlflow.exceptions import MlflowException

        client = self._mlflow()
        with contextlib.suppress(MlflowException):
            client.create_registered_model(name)
        source = f"{client.get_run(run_id).info.artifact_uri}/{artifact_path}"
        version = client.create_model_version(name, source, run_id=run_id)
        client.set_registered_model_alias(name, alias, version.version)
        return str(version.version)

    # -- models and reads -----------------------------------------------------------------
    def save_model(
        self, estimator: Any, path: str | Path, input_example: pd.DataFrame | None = None
    ) -> Path:
        """Write a fitted forecaster as an MLflow ``pyfunc`` model directory (with a signature).

        The model's input is a frame with an integer column ``h``; its output is
        ``estimator.predict_frame(h)`` (``unique_id, ds, yhat, q05, q50, q95, ...``). Log the
        directory with :meth:`log_artifact` (``artifact_path`` = its name), e.g. together
        with other artifacts in one upload.
        """
        t0 = time.perf_counter()
        import mlflow
        from mlflow.models import infer_signature

        example = input_example if input_example is not None else pd.DataFrame({"h": [3]})
        out = estimator.predict_frame(int(example["h"].iloc[0]))
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings(), _quiet_mlflow():
            warnings.simplefilter("ignore")
            mlflow.pyfunc.save_model(
                str(target),
                python_model=_pyfunc_model(estimator),
                signature=infer_signature(example, out),
                input_example=example,
                pip_requirements=[f"mlflow=={mlflow.__version__}", f"pandas=={pd.__version__}"],
            )
        self._timed("save_model", t0)
        return target

    def log_model(
        self,
        estimator: Any,
        name: str,
        input_example: pd.DataFrame | None = None,
        run_id: str | None = None,
    ) -> str:
        """Log a fitted forecaster as an MLflow ``pyfunc`` with a signature; return its URI."""
        target = self.save_model(
            estimator, self.buffer_dir / "artifacts" / uuid.uuid4().hex / name, input_example
        )
        rid = self._current(run_id)
        self._call("log_artifacts", {"run_id": rid, "path": str(target), "artifact_path": name})
        return f"runs:/{rid}/{name}"

    def load_model(self, name: str, alias: str = "champion") -> Any:
        """Load ``models:/name@alias`` from this tracker's registry as a pyfunc model."""
        import mlflow

        check_store(self.tracking_uri)
        # Resolved through a client bound to this tracker's store, so no process-wide MLflow
        # URI is set: mlflow.set_registry_uri pins the registry (and MLFLOW_REGISTRY_URI) for
        # every later caller in the process, even when "restored".
        uri = self.tracking_uri or mlflow.get_tracking_uri()
        client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
        version = client.get_model_version_by_alias(name, alias)
        source = client.get_model_version_download_uri(name, version.version)
        local = mlflow.artifacts.download_artifacts(
            artifact_uri=source, tracking_uri=uri, registry_uri=uri
        )
        return mlflow.pyfunc.load_model(local)

    def get_run(self, run_id: str) -> dict[str, Any]:
        """Params, metrics, tags and status of a run on the server."""
        run = self._mlflow().get_run(run_id)
        return {
            "params": dict(run.data.params),
            "metrics": dict(run.data.metrics),
            "tags": dict(run.data.tags),
            "status": run.info.status,
            "name": run.info.run_name,
        }


def _pyfunc_model(estimator: Any) -> Any:
    """Wrap a fitted forecaster in an ``mlflow.pyfunc.PythonModel`` (input: column ``h``)."""
    import mlflow.pyfunc

    class ForecasterModel(mlflow.pyfunc.PythonModel):  # type: ignore[name-defined,misc]
        def __init__(self, est: Any) -> None:
            self.estimator = est

        def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> Any:
            h = int(pd.DataFrame(model_input)["h"].iloc[0])
            return self.estimator.predict_frame(h)

    return ForecasterModel(estimator)


def log_pipeline_run(
    tracking_uri: str | None,
    experiment: str,
    as_of: Any,
    stage_seconds: Mapping[str, float],
    rows: Mapping[str, int],
    metrics: Mapping[str, float],
) -> str | None:
    """Log one nightly run (seconds per stage, rows per table, quality figures).

    Replays any earlier buffered calls first. Never raises: on failure the calls are
    buffered (beside a sqlite store) and ``None`` is returned; otherwise the run id.
    """
    try:
        tracker = Tracker(tracking_uri, experiment)
        if tracker.pending():
            tracker.sync()
        figures = {f"seconds_{k}": v for k, v in stage_seconds.items()}
        figures.update({f"rows_{k}": v for k, v in rows.items()})
        figures.update(metrics)
        run_id = tracker.log_run(
            f"nightly {as_of}",
            params={"as_of": str(as_of)},
            metrics=figures,
            tags={"earlywarn.kind": "nightly"},
        )
        return None if run_id.startswith(LOCAL) else run_id
    except Exception as exc:
        _log.warning("could not log the nightly run (%s: %s)", type(exc).__name__, redact(exc))
        return None


def _skill_metrics(track: Mapping[str, pd.DataFrame]) -> dict[str, float]:
    """The ledger's track record as MLflow metrics (``ledger.<figure>.<model or rule>``)."""
    import re

    def key(*parts: str) -> str:
        return re.sub(r"[^0-9A-Za-z_./ -]", "_", ".".join(parts))

    out: dict[str, float] = {}
    for r in track["forecasts"].to_dict("records"):
        for figure in ("crps", "crps_rel", "coverage90"):
            if pd.notna(r[figure]):
                out[key("ledger", figure, str(r["model"]))] = float(r[figure])
    for r in track["alerts"].to_dict("records"):
        if pd.notna(r["precision"]):
            out[key("ledger", "precision", str(r["rule"]))] = float(r["precision"])
    return out


def stage(ctx: StageContext) -> StageResult:
    """The nightly ``track`` stage: log tonight's seconds, rows, archive counts and the
    ledger's track record (forecast skill per model, alert precision per rule)."""
    from earlywarn.ledger import track_record

    rows = {f"{stage}.{k}": int(v) for stage, d in ctx.rows.items() for k, v in d.items()}
    metrics = {"archive." + k: float(v) for k, v in ctx.archive.counts().items()}
    metrics.update(_skill_metrics(track_record(ctx.archive, ctx.as_of)))
    mlflow_run = log_pipeline_run(
        ctx.settings.resolved_tracking_uri(),
        ctx.settings.experiment,
        ctx.as_of,
        stage_seconds=dict(ctx.timings),
        rows=rows,
        metrics=metrics,
    )
    return [], {"mlflow_run": 1 if mlflow_run else 0}
