"""The offline buffer of :class:`earlywarn.tracking.Tracker` (no ``mlflow`` import here).

Calls that could not reach the tracking store are appended as JSON lines to
``buffer.jsonl``; :meth:`CallBuffer.replay` hands them back in order, rewriting the local run
ids (``local-…``) of runs created during the replay to the ids the store gave them.

Examples
--------
>>> import tempfile, pathlib
>>> buf = CallBuffer(pathlib.Path(tempfile.mkdtemp()))
>>> buf.append("create_run", {"local_id": "local-1", "name": "r"})
>>> buf.append("log_batch", {"run_id": "local-1", "metrics": {"m": 1.0}})
>>> seen = []
>>> def apply(op, rec):
...     seen.append((op, rec.get("run_id")))
...     return "server-7" if op == "create_run" else None
>>> buf.pending(), buf.replay(apply), buf.pending(), seen[1]
(2, 2, 0, ('log_batch', 'server-7'))
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from earlywarn._atomic import write_atomic
from earlywarn._log import get_logger, redact

__all__ = [
    "CALL_DEADLINE",
    "CREATES_RUN",
    "LOCAL",
    "CallBuffer",
    "bounded",
    "call_deadline",
    "default_buffer_dir",
    "fast_fail",
    "refused",
    "settled",
]

_log = get_logger(__name__)

#: prefix of run ids made up while the store is unreachable
LOCAL = "local-"
#: buffered operations whose result is a new run id (to map ``local_id`` to)
CREATES_RUN = ("create_run", "log_run")
_FAST_FAIL = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "5"}


#: Seconds one tracking call may take in all (environment ``EARLYWARN_MLFLOW_CALL_DEADLINE``).
#: MLflow's own timeout bounds each socket read, so a server dripping its answer a byte at
#: a time held the nightly job for as long as it dripped.
CALL_DEADLINE = 120.0


def call_deadline() -> float:
    """The deadline of one tracking call, in seconds (see :data:`CALL_DEADLINE`)."""
    raw = os.environ.get("EARLYWARN_MLFLOW_CALL_DEADLINE", "")
    try:
        value = float(raw) if raw.strip() else CALL_DEADLINE
    except ValueError:
        return CALL_DEADLINE
    return value if 0 < value < float("inf") else CALL_DEADLINE


#: Threads of run-making calls given up at the deadline and still running, by the call's
#: local run id: process state, as the threads themselves are (a new Tracker on the same
#: buffer, as each nightly run makes, must see them too).
_IN_FLIGHT: dict[str, threading.Thread] = {}
_IN_FLIGHT_LOCK = threading.Lock()


def bounded(fn: Callable[[], Any], what: str, call: str | None = None) -> Any:
    """``fn()`` in a daemon thread, waited for at most :func:`call_deadline` seconds.

    Past it a :class:`TimeoutError` names the call and the thread is left behind (a Python
    thread cannot be stopped; it ends with the connection or the process), so the caller
    buffers the call and goes on. A thread left behind is remembered under ``call`` (a
    run-making call's local run id), so a replay can wait for it (:func:`settled`).
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller
            box["error"] = exc

    limit = call_deadline()
    worker = threading.Thread(target=run, name=f"mlflow-{what}", daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        if call is not None:
            with _IN_FLIGHT_LOCK:
                _IN_FLIGHT[call] = worker
        raise TimeoutError(
            f"the tracking server did not finish {what} within {limit:g} s (it answers too "
            "slowly, or drips its answer)"
        )
    if "error" in box:
        raise box["error"]
    return box.get("value")


def settled(call: str, limit: float) -> bool:
    """Whether no thread of the call ``call`` given up at the deadline is still running,
    after waiting for it at most ``limit`` seconds.

    Its request may reach the store at any moment while it runs, so replaying the call
    then could make its run twice: the replay waits, then finds the run it made.
    """
    with _IN_FLIGHT_LOCK:
        worker = _IN_FLIGHT.get(call)
    if worker is None:
        return True
    worker.join(limit)
    if worker.is_alive():
        return False
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT.pop(call, None)
    return True


@contextlib.contextmanager
def fast_fail() -> Iterator[None]:
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


def default_buffer_dir(tracking_uri: str | None) -> Path:
    """Beside a sqlite store, else ``./.earlywarn/mlflow-buffer``."""
    if tracking_uri and tracking_uri.startswith("sqlite:///"):
        return Path(tracking_uri[len("sqlite:///") :]).parent / "mlflow-buffer"
    return Path.cwd() / ".earlywarn" / "mlflow-buffer"


def refused(exc: BaseException) -> bool:
    """Whether the store refused the call itself (MLflow's ``INVALID_PARAMETER_VALUE``: a
    registered model name holding '/' or ':', a parameter logged again with another value),
    as opposed to being out of reach. Sent again, such a call is refused again: a replay that
    stopped at it stopped there at every sync, and every call buffered after it (each
    nightly run's) waited behind it for good."""
    return getattr(exc, "error_code", None) == "INVALID_PARAMETER_VALUE"


def _substitute(rec: dict[str, Any], ids: Mapping[str, str]) -> dict[str, Any]:
    return {k: ids.get(v, v) if isinstance(v, str) else v for k, v in rec.items()}


class CallBuffer:
    """JSON-lines file of buffered tracking calls (plus copies of their artifacts).

    Parameters
    ----------
    directory : Path
        Holds ``buffer.jsonl`` and ``artifacts/``.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @property
    def file(self) -> Path:
        """The JSON-lines file."""
        return self.directory / "buffer.jsonl"

    def append(self, op: str, record: Mapping[str, Any]) -> None:
        """Buffer one call (on a line of its own, even after a line cut off mid-write)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"op": op, **record}, default=str) + "\n"
        with self.file.open("a+b") as fh:
            if fh.tell():
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":  # the last append was cut off: start a new line
                    line = "\n" + line
            fh.write(line.encode("utf-8"))

    @property
    def refused_file(self) -> Path:
        """Where calls the store refused (:func:`refused`) are set aside, with its reason."""
        return self.directory / "buffer.refused.jsonl"

    def set_aside(self, op: str, record: Mapping[str, Any], why: BaseException | str) -> None:
        """Keep a refused call in :attr:`refused_file` (never replayed) and warn."""
        reason = why if isinstance(why, str) else f"{type(why).__name__}: {redact(why)}"
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"op": op, **record, "refused": reason}, default=str) + "\n"
        with self.refused_file.open("a", encoding="utf-8") as fh:
            fh.write(line)
        _log.warning(
            "MLflow refused %s (%s); set aside in %s, not sent again", op, reason, self.refused_file
        )

    @property
    def torn_file(self) -> Path:
        """Where lines that are no JSON call (a write cut off) are set aside."""
        return self.directory / "buffer.torn.jsonl"

    def _lines(self) -> list[str]:
        """The buffered calls; a line that is no JSON object (the process killed or the disk
        full in the middle of an append) is moved to :attr:`torn_file` with a warning: it
        made every later sync fail, and the nightly run that found it logged nothing and
        buffered nothing, night after night."""
        if not self.file.exists():
            return []
        text = self.file.read_bytes().decode("utf-8", errors="replace")
        lines = [ln for ln in text.splitlines() if ln.strip()]
        good: list[str] = []
        torn: list[str] = []
        for ln in lines:
            try:
                rec = json.loads(ln)
            except ValueError:
                rec = None
            (good if isinstance(rec, dict) and "op" in rec else torn).append(ln)
        if torn:
            with self.torn_file.open("a", encoding="utf-8") as fh:
                fh.write("".join(ln + "\n" for ln in torn))
            write_atomic(self.file, "".join(ln + "\n" for ln in good))
            _log.warning(
                "MLflow buffer %s: %d line(s) cut off mid-write (a crash or a full disk) set "
                "aside in %s; the %d whole call(s) are kept",
                self.file,
                len(torn),
                self.torn_file,
                len(good),
            )
        return good

    def pending(self) -> int:
        """Number of buffered calls."""
        return len(self._lines())

    def replay(
        self,
        apply: Callable[[str, dict[str, Any]], Any],
        answers: Callable[[], bool] = lambda: False,
    ) -> int:
        """Call ``apply(op, record)`` for each buffered call in order; return how many succeeded.

        A call the store refuses (:func:`refused`) while it answers (``answers()``: a store
        out of order refuses every call so), and any call on a run it refused to make, is set
        aside (:meth:`set_aside`) and the replay goes on. Stops at any other failure
        and keeps the rest buffered (with the ids of runs created
        in this pass already rewritten), so it can be retried. When all succeed the buffer
        and its artifact copies are removed.
        """
        lines = self._lines()
        if not lines:
            return 0
        ids: dict[str, str] = {}
        lost: set[str] = set()  # local ids of runs the store refused to make
        done = sent = 0  # calls dealt with (sent or set aside), calls sent
        try:
            with fast_fail():
                for line in lines:
                    rec = json.loads(line)
                    op = rec.pop("op")
                    rec = _substitute(rec, ids)
                    call = str(rec["local_id"]) if op in CREATES_RUN else None
                    orphan = [v for v in rec.values() if isinstance(v, str) and v in lost]
                    if orphan:  # its run was refused: it can never be sent
                        self.set_aside(op, rec, f"its run {orphan[0]} was refused")
                        done += 1
                        continue
                    if call is not None and not settled(call, call_deadline()):
                        raise TimeoutError(
                            f"{op} {rec.get('name')!r}, given up at the deadline, still waits "
                            "for the store's answer; it is kept, not replayed (its run could "
                            "be made twice): sync again later"
                        )
                    try:
                        result = bounded(functools.partial(apply, op, rec), op, call)
                    except Exception as exc:
                        if not (refused(exc) and answers()):
                            raise
                        self.set_aside(op, rec, exc)
                        if call is not None:
                            lost.add(call)
                        done += 1
                        continue
                    if op in CREATES_RUN:
                        ids[rec["local_id"]] = str(result)
                    done += 1
                    sent += 1
        except Exception as exc:
            _log.warning(
                "MLflow sync stopped after %d of %d calls (%s: %s)",
                done,
                len(lines),
                type(exc).__name__,
                redact(exc),
            )
            rest = [json.dumps(_substitute(json.loads(ln), ids)) for ln in lines[done:]]
            write_atomic(self.file, "".join(ln + "\n" for ln in rest))  # no call lost
            return sent
        self.file.unlink()
        shutil.rmtree(self.directory / "artifacts", ignore_errors=True)
        return sent
