"""Run bookkeeping of :class:`earlywarn.tracking.Tracker`, free of any ``mlflow`` import.

:class:`RunLogger` holds the public logging API (runs, batches, artifacts, registration,
buffer and sync). Every store operation goes through ``_call(op, record)``, which runs the
subclass' ``_do_<op>`` method online or, when the store fails, appends the call to the
offline :class:`~earlywarn._tracking_buffer.CallBuffer`. ``earlywarn.tracking.Tracker``
supplies the ``_do_*`` methods (the only code that talks to MLflow).

Examples
--------
>>> _params({"h": 3, "long": "x" * 600})["long"][-3:], len(_params({"long": "x" * 600})["long"])
('xxx', 500)
>>> _metrics({"a": 1, "b": float("nan"), "c": None})
{'a': 1.0}
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._log import get_logger, redact
from earlywarn._tracking_buffer import (
    CREATES_RUN,
    LOCAL,
    CallBuffer,
    bounded,
    default_buffer_dir,
    fast_fail,
    refused,
)
from earlywarn.errors import TrackingError

__all__ = ["RunHandle", "RunLogger"]

_log = get_logger(__name__)


@dataclass
class RunHandle:
    """An open run: its id (``local-…`` while buffered) and name."""

    run_id: str
    name: str
    tags: dict[str, str] = field(default_factory=dict)


def _now_ms() -> int:
    return int(time.time() * 1000)


class RunLogger:
    """The logging API over ``_do_<op>`` store operations (see the module docstring).

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
        self.buffer_dir = Path(buffer_dir) if buffer_dir else default_buffer_dir(tracking_uri)
        self.offline = False
        self.seconds: dict[str, float] = {}
        self._buffer = CallBuffer(self.buffer_dir)
        self._client: Any = None
        self._experiment_id: str | None = None
        self._stack: list[RunHandle] = []
        self._lock = threading.Lock()
        self._connector: threading.Thread | None = None

    # -- plumbing -------------------------------------------------------------------------
    @property
    def buffer_file(self) -> Path:
        """The JSON-lines buffer of calls not yet delivered."""
        return self._buffer.file

    def _timed(self, key: str, start: float) -> None:
        self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - start

    def _call(self, op: str, record: dict[str, Any]) -> Any:
        """Run ``op`` online, or buffer it (and stay offline) when the store fails."""
        t0 = time.perf_counter()
        try:
            if not self.offline and not self._has_local_ids(record):
                try:
                    with fast_fail():
                        do = getattr(self, f"_do_{op}")
                        call = str(record["local_id"]) if op in CREATES_RUN else None
                        return bounded(lambda: do(**record), op, call)
                except Exception as exc:
                    if refused(exc) and op not in CREATES_RUN and self._store_answers():
                        self._buffer.set_aside(op, record, exc)  # sent again, refused again
                        return None
                    self.offline = True
                    _log.warning(
                        "MLflow tracking failed (%s: %s); buffering calls in %s",
                        type(exc).__name__,
                        redact(exc),
                        self.buffer_file,
                    )
            self._buffer.append(op, record)
            return None
        finally:
            self._timed(op, t0)

    @staticmethod
    def _has_local_ids(record: Mapping[str, Any]) -> bool:
        return any(str(record.get(k) or "").startswith(LOCAL) for k in ("run_id", "parent"))

    def _current(self, run_id: str | None) -> str:
        if run_id:
            return run_id
        if not self._stack:
            raise TrackingError("no open run: use `with tracker.start_run(name):` or pass run_id")
        return self._stack[-1].run_id

    def _store_answers(self) -> bool:
        """Whether the store answers (its experiment can be read). Only then is MLflow's
        INVALID_PARAMETER_VALUE about the call: a ``file:`` store in maintenance mode or a
        URI its model registry does not support raise it for every call."""
        try:
            with fast_fail():
                bounded(getattr(self, "_exp_id"), "experiment")  # noqa: B009 (Tracker's)
        except Exception:
            return False
        return True

    def _apply(self, op: str, record: dict[str, Any]) -> Any:
        """Replay one buffered call (switching experiment when a run was made in another).

        A call given up at the deadline (:func:`bounded`) may still reach the store after
        it was buffered: its run then exists, tagged with the call's ``local_id``, and is
        taken (and completed, for a ``log_run`` cut short) instead of made a second time.
        """
        if op in CREATES_RUN and record.get("experiment") != self.experiment:
            self._experiment_id = None
            self.experiment = record["experiment"]
        if op in CREATES_RUN:
            found = self._delivered(str(record["local_id"]))
            if found is not None:
                run_id, finished = found
                if op == "log_run" and not finished:
                    self._do_log_batch(  # type: ignore[attr-defined]
                        run_id,
                        record["params"],
                        record["metrics"],
                        record["step"],
                        record["timestamp"],
                    )
                    self._do_end_run(run_id, record["status"])  # type: ignore[attr-defined]
                _log.info(
                    "MLflow sync: %s %r reached the store after it was given up (run %s); "
                    "not made again",
                    op,
                    record.get("name"),
                    run_id,
                )
                return run_id
        return getattr(self, f"_do_{op}")(**record)

    def _delivered(self, local_id: str) -> tuple[str, bool] | None:
        """The run a buffered call ``local_id`` already made in the store (its id, and
        whether it is finished), or None. The base class knows no store."""
        return None

    # -- public API -----------------------------------------------------------------------
    @contextlib.contextmanager
    def start_run(
        self, name: str, nested: bool = False, tags: Mapping[str, str] | None = None
    ) -> Iterator[RunHandle]:
        """Open a run (a child of the open run when ``nested``); ends FINISHED or FAILED."""
        parent = self._stack[-1].run_id if nested and self._stack else None
        local_id = LOCAL + uuid.uuid4().hex
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

    def log_run(
        self,
        name: str,
        *,
        params: Mapping[str, Any] | None = None,
        metrics: Mapping[str, float] | None = None,
        tags: Mapping[str, str] | None = None,
        parent: str | None = None,
        step: int = 0,
    ) -> str:
        """Write a finished run in one go (create, one ``log_batch``, end); return its id.

        ``parent`` defaults to the open run, so inside ``start_run`` this makes a nested run.
        """
        local_id = LOCAL + uuid.uuid4().hex
        record = {
            "local_id": local_id,
            "name": name,
            "tags": {str(k): str(v) for k, v in (tags or {}).items()},
            "parent": parent or (self._stack[-1].run_id if self._stack else None),
            "experiment": self.experiment,
            "params": _params(params or {}),
            "metrics": _metrics(metrics or {}),
            "step": int(step),
            "timestamp": _now_ms(),
            "status": "FINISHED",
        }
        return str(self._call("log_run", record) or local_id)

    def log_batch(
        self,
        params: Mapping[str, Any] | None = None,
        metrics: Mapping[str, float] | None = None,
        tags: Mapping[str, str] | None = None,
        *,
        step: int = 0,
        run_id: str | None = None,
    ) -> None:
        """Log params (stringified, 500 characters at most), metrics (NaN dropped) and tags
        in as few ``log_batch`` calls as MLflow's limits allow."""
        self._call(
            "log_batch",
            {
                "run_id": self._current(run_id),
                "params": _params(params or {}),
                "metrics": _metrics(metrics or {}),
                "step": int(step),
                "timestamp": _now_ms(),
                "tags": {str(k): str(v) for k, v in (tags or {}).items()},
            },
        )

    def log_params(self, params: Mapping[str, Any], run_id: str | None = None) -> None:
        """Log parameters (values stringified, 500 characters at most) in batches."""
        self.log_batch(params=params, run_id=run_id)

    def log_metrics(
        self, metrics: Mapping[str, float], step: int = 0, run_id: str | None = None
    ) -> None:
        """Log metrics in ``log_batch`` calls; NaN/None values are dropped."""
        self.log_batch(metrics=metrics, step=step, run_id=run_id)

    def log_artifact(
        self,
        obj: str | Path | pd.DataFrame,
        name: str | None = None,
        *,
        artifact_path: str | None = None,
        run_id: str | None = None,
    ) -> None:
        """Log a file, or a directory's contents (one upload), or a frame as ``name`` (CSV)."""
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

    def register_model(
        self, run_id: str, name: str, alias: str = "champion", *, artifact_path: str = "model"
    ) -> str | None:
        """Register ``runs:/run_id/artifact_path`` as a version of ``name`` with ``alias``."""
        return self._call(
            "register",
            {"run_id": run_id, "artifact_path": artifact_path, "name": name, "alias": alias},
        )

    def pending(self) -> int:
        """Number of buffered calls waiting for :meth:`sync`."""
        return self._buffer.pending()

    def sync(self) -> int:
        """Replay buffered calls to the store; return how many were delivered.

        Stops at the first failure and keeps the rest buffered (so it can be retried).
        """
        done = self._buffer.replay(self._apply, self._store_answers)
        # stopped: the store is out of reach, later calls buffer (a call it refused is set
        # aside, not counted as waiting)
        self.offline = self._buffer.pending() > 0
        return done


def _params(params: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v)[:500] for k, v in params.items()}


def _metrics(metrics: Mapping[str, Any]) -> dict[str, float]:
    return {str(k): float(v) for k, v in metrics.items() if v is not None and pd.notna(v)}
