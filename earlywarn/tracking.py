"""Experiment tracking on MLflow: the only earlywarn module that imports ``mlflow``.

:class:`Tracker` is a thin layer over ``MlflowClient`` (no fluent global run state):

* runs are context managers (``start_run(name, nested=True)`` makes a child of the open run);
* params/metrics go out in ``log_batch`` calls (chunked to MLflow's limits);
* frames are logged as CSV artifacts, fitted forecasters as ``pyfunc`` models with a signature,
  and ``register_model`` gives a version an alias (``champion``);
* when the tracking store fails or is unreachable, every call is appended as a JSON line to
  ``buffer_dir/buffer.jsonl`` (artifacts copied beside it) and the work goes on; ``sync()``
  replays the buffer later, mapping the local run ids to the server's.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> t = Tracker(f"sqlite:///{d / 'mlflow.db'}", "doc")
>>> with t.start_run("parent") as run:
...     t.log_params({"h": 3}); t.log_metrics({"crps": 1.5})
>>> t.offline, t.get_run(run.run_id)["metrics"]
(False, {'crps': 1.5})
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
import uuid
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.errors import TrackingError

__all__ = ["RunHandle", "Tracker", "log_pipeline_run"]

_log = get_logger(__name__)
_LOCAL = "local-"
_FAST_FAIL = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "5"}


@dataclass
class RunHandle:
    """An open run: its id (``local-…`` while buffered) and name."""

    run_id: str
    name: str
    tags: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def _fast_fail() -> Iterator[None]:
    """Make MLflow's HTTP client fail fast (no retry storm) for the duration of one call."""
    saved = {k: os.environ.get(k) for k in _FAST_FAIL}
    for key, value in _FAST_FAIL.items():
        os.environ.setdefault(key, value)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)


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


def _default_buffer(tracking_uri: str | None) -> Path:
    if tracking_uri and tracking_uri.startswith("sqlite:///"):
        return Path(tracking_uri[len("sqlite:///") :]).parent / "mlflow-buffer"
    return Path.cwd() / ".earlywarn" / "mlflow-buffer"


class Tracker:
    """MLflow tracking with an offline buffer (see the module docstring).

    Parameters
    ----------
    tracking_uri : str, optional
        ``sqlite:///…/mlflow.db``, ``http://127.0.0.1:5000`` …; None uses MLflow's default.
    experiment : str
        Experiment name (created on first use).
    buffer_dir : Path, optional
        Where calls are buffered while the store is unreachable (default: beside a sqlite
        store, else ``./.earlywarn/mlflow-buffer``).
    """

    def __init__(
        self,
        tracking_uri: str | None = None,
        experiment: str = "earlywarn",
        *,
        buffer_dir: Path | None = None,
    ) -> None:
        self.tracking_uri = tracking_uri
        self.experiment = experiment
        self.buffer_dir = Path(buffer_dir) if buffer_dir else _default_buffer(tracking_uri)
        self.offline = False
        self._client: Any = None
        self._experiment_id: str | None = None
        self._stack: list[RunHandle] = []

    # -- plumbing -------------------------------------------------------------------------
    @property
    def buffer_file(self) -> Path:
        """The JSON-lines buffer of calls not yet delivered."""
        return self.buffer_dir / "buffer.jsonl"

    def _mlflow(self) -> Any:
        if self._client is None:
            from mlflow import MlflowClient

            self._client = MlflowClient(
                tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri
            )
        return self._client

    def _exp_id(self) -> str:
        if self._experiment_id is None:
            client = self._mlflow()
            exp = client.get_experiment_by_name(self.experiment)
            self._experiment_id = (
                exp.experiment_id if exp is not None else client.create_experiment(self.experiment)
            )
        return self._experiment_id

    def _call(self, op: str, record: dict[str, Any]) -> Any:
        """Run ``op`` online, or buffer it (and stay offline) when the store fails."""
        if not self.offline and not self._has_local_ids(record):
            try:
                with _fast_fail():
                    return getattr(self, f"_do_{op}")(**record)
            except Exception as exc:
                self.offline = True
                _log.warning(
                    "MLflow tracking failed (%s: %s); buffering calls in %s",
                    type(exc).__name__,
                    exc,
                    self.buffer_file,
                )
        self.buffer_dir.mkdir(parents=True, exist_ok=True)
        with self.buffer_file.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"op": op, **record}, default=str) + "\n")
        return None

    @staticmethod
    def _has_local_ids(record: Mapping[str, Any]) -> bool:
        return any(str(record.get(k) or "").startswith(_LOCAL) for k in ("run_id", "parent"))

    def _current(self, run_id: str | None) -> str:
        if run_id:
            return run_id
        if not self._stack:
            raise TrackingError("no open run: use `with tracker.start_run(name):` or pass run_id")
        return self._stack[-1].run_id

    # -- online operations (one per buffered op) --------------------------------------------
    def _do_create_run(
        self, local_id: str, name: str, tags: dict[str, str], parent: str | None, experiment: str
    ) -> str:
        if parent:
            tags = {**tags, "mlflow.parentRunId": parent}
        run = self._mlflow().create_run(self._exp_id(), run_name=name, tags=tags)
        return str(run.info.run_id)

    def _do_end_run(self, run_id: str, status: str) -> None:
        self._mlflow().set_terminated(run_id, status)

    def _do_log_batch(
        self,
        run_id: str,
        params: dict[str, str],
        metrics: dict[str, float],
        step: int,
        timestamp: int,
    ) -> None:
        from mlflow.entities import Metric, Param

        client = self._mlflow()
        plist = [Param(k, v) for k, v in params.items()]
        mlist = [Metric(k, float(v), timestamp, step) for k, v in metrics.items()]
        for i in range(0, max(len(plist), 1), 100):
            if plist[i : i + 100]:
                client.log_batch(run_id, params=plist[i : i + 100])
        for i in range(0, len(mlist), 1000):
            client.log_batch(run_id, metrics=mlist[i : i + 1000])

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

    # -- public API -----------------------------------------------------------------------
    @contextlib.contextmanager
    def start_run(
        self, name: str, nested: bool = False, tags: Mapping[str, str] | None = None
    ) -> Iterator[RunHandle]:
        """Open a run (a child of the open run when ``nested``); ends FINISHED or FAILED."""
        parent = self._stack[-1].run_id if nested and self._stack else None
        local_id = _LOCAL + uuid.uuid4().hex
        record = {
            "local_id": local_id,
            "name": name,
            "tags": dict(tags or {}),
            "parent": parent,
            "experiment": self.experiment,
        }
        run_id = self._call("create_run", record) or local_id
        handle = RunHandle(run_id, name, dict(tags or {}))
        self._stack.append(handle)
        status = "FAILED"
        try:
            yield handle
            status = "FINISHED"
        finally:
            self._stack.pop()
            self._call("end_run", {"run_id": run_id, "status": status})

    def log_params(self, params: Mapping[str, Any], run_id: str | None = None) -> None:
        """Log parameters (values stringified, 500 characters at most) in batches."""
        values = {str(k): str(v)[:500] for k, v in params.items()}
        self._call(
            "log_batch",
            {
                "run_id": self._current(run_id),
                "params": values,
                "metrics": {},
                "step": 0,
                "timestamp": int(time.time() * 1000),
            },
        )

    def log_metrics(
        self, metrics: Mapping[str, float], step: int = 0, run_id: str | None = None
    ) -> None:
        """Log metrics in ``log_batch`` calls; NaN/None values are dropped."""
        values = {str(k): float(v) for k, v in metrics.items() if v is not None and pd.notna(v)}
        self._call(
            "log_batch",
            {
                "run_id": self._current(run_id),
                "params": {},
                "metrics": values,
                "step": int(step),
                "timestamp": int(time.time() * 1000),
            },
        )

    def log_artifact(
        self,
        obj: str | Path | pd.DataFrame,
        name: str | None = None,
        *,
        artifact_path: str | None = None,
        run_id: str | None = None,
    ) -> None:
        """Log a file or directory, or a frame as ``name`` (CSV)."""
        staging = self.buffer_dir / "artifacts" / uuid.uuid4().hex
        if isinstance(obj, pd.DataFrame):
            staging.mkdir(parents=True, exist_ok=True)
            path = staging / (name or "frame.csv")
            obj.to_csv(path, index=False)
        else:
            path = Path(obj)
            if self.offline:  # keep a copy: the original may be a temporary file
                staging.mkdir(parents=True, exist_ok=True)
                target = staging / path.name
                if path.is_dir():
                    shutil.copytree(path, target)
                else:
                    shutil.copy2(path, target)
                path = target
        self._call(
            "log_artifacts",
            {"run_id": self._current(run_id), "path": str(path), "artifact_path": artifact_path},
        )

    def log_model(
        self,
        estimator: Any,
        name: str,
        input_example: pd.DataFrame | None = None,
        run_id: str | None = None,
    ) -> str:
        """Log a fitted forecaster as an MLflow ``pyfunc`` with a signature; return its URI.

        The model's input is a frame with an integer column ``h``; its output is
        ``estimator.predict_frame(h)`` (``unique_id, ds, yhat, q05, q50, q95, ...``).
        """
        import mlflow
        from mlflow.models import infer_signature

        example = input_example if input_example is not None else pd.DataFrame({"h": [3]})
        out = estimator.predict_frame(int(example["h"].iloc[0]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            signature = infer_signature(example, out)
        target = self.buffer_dir / "artifacts" / uuid.uuid4().hex / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings(), _quiet_mlflow():
            warnings.simplefilter("ignore")
            mlflow.pyfunc.save_model(
                str(target),
                python_model=_pyfunc_model(estimator),
                signature=signature,
                input_example=example,
                pip_requirements=[f"mlflow=={mlflow.__version__}", f"pandas=={pd.__version__}"],
            )
        rid = self._current(run_id)
        self._call("log_artifacts", {"run_id": rid, "path": str(target), "artifact_path": name})
        return f"runs:/{rid}/{name}"

    def register_model(
        self, run_id: str, name: str, alias: str = "champion", *, artifact_path: str = "model"
    ) -> str | None:
        """Register ``runs:/run_id/artifact_path`` as a version of ``name`` with ``alias``."""
        return self._call(
            "register",
            {"run_id": run_id, "artifact_path": artifact_path, "name": name, "alias": alias},
        )

    def load_model(self, name: str, alias: str = "champion") -> Any:
        """Load ``models:/name@alias`` from this tracker's registry as a pyfunc model."""
        import mlflow

        old_registry, old_tracking = mlflow.get_registry_uri(), mlflow.get_tracking_uri()
        if self.tracking_uri:
            mlflow.set_registry_uri(self.tracking_uri)
            mlflow.set_tracking_uri(self.tracking_uri)
        try:
            return mlflow.pyfunc.load_model(f"models:/{name}@{alias}")
        finally:
            mlflow.set_registry_uri(old_registry)
            mlflow.set_tracking_uri(old_tracking)

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

    def pending(self) -> int:
        """Number of buffered calls waiting for :meth:`sync`."""
        if not self.buffer_file.exists():
            return 0
        return sum(
            1 for line in self.buffer_file.read_text(encoding="utf-8").splitlines() if line.strip()
        )

    def sync(self) -> int:
        """Replay buffered calls to the store; return how many were delivered.

        Stops at the first failure and keeps the rest buffered (so it can be retried).
        """
        if not self.buffer_file.exists():
            self.offline = False
            return 0
        lines = [
            ln for ln in self.buffer_file.read_text(encoding="utf-8").splitlines() if ln.strip()
        ]
        ids: dict[str, str] = {}
        done = 0
        try:
            with _fast_fail():
                for line in lines:
                    rec = json.loads(line)
                    op = rec.pop("op")
                    for key, value in list(rec.items()):
                        if isinstance(value, str) and value in ids:
                            rec[key] = ids[value]
                    if op == "create_run" and rec.get("experiment") != self.experiment:
                        self._experiment_id = None
                        self.experiment = rec["experiment"]
                    result = getattr(self, f"_do_{op}")(**rec)
                    if op == "create_run":
                        ids[rec["local_id"]] = result
                    done += 1
        except Exception as exc:
            _log.warning(
                "MLflow sync stopped after %d of %d calls (%s: %s)",
                done,
                len(lines),
                type(exc).__name__,
                exc,
            )
            rest = lines[done:]
            # a run created in this pass keeps its new id in the lines still buffered
            rest = [_rewrite(line, ids) for line in rest]
            self.buffer_file.write_text("".join(ln + "\n" for ln in rest), encoding="utf-8")
            return done
        self.buffer_file.unlink()
        shutil.rmtree(self.buffer_dir / "artifacts", ignore_errors=True)
        self.offline = False
        return done


def _rewrite(line: str, ids: Mapping[str, str]) -> str:
    rec = json.loads(line)
    for key, value in list(rec.items()):
        if isinstance(value, str) and value in ids:
            rec[key] = ids[value]
    return json.dumps(rec, default=str)


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
        with tracker.start_run(f"nightly {as_of}", tags={"earlywarn.kind": "nightly"}) as run:
            tracker.log_params({"as_of": str(as_of)})
            figures = {f"seconds_{k}": v for k, v in stage_seconds.items()}
            figures.update({f"rows_{k}": v for k, v in rows.items()})
            figures.update(metrics)
            tracker.log_metrics(figures)
        return None if run.run_id.startswith(_LOCAL) else run.run_id
    except Exception as exc:
        _log.warning("could not log the nightly run (%s: %s)", type(exc).__name__, exc)
        return None
