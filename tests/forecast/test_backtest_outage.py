"""A backtest whose MLflow server dies while the models fit: it finishes, buffers every
tracking call, and ``earlywarn tracking sync`` later delivers the runs and the champion."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from earlywarn.forecast import Naive, SeasonalNaive
from earlywarn.forecast.backtest import backtest
from earlywarn.tracking import Tracker
from tests.mlflow_server import free_port, start_server, stop


class _KillsServer(Naive):
    """A naive forecaster that kills the tracking server (its process group) when it fits."""

    def __init__(self, server_pid: int = 0, method: str = "auto") -> None:
        self.server_pid = server_pid
        self.method = method

    def _fit(self, s):  # type: ignore[no-untyped-def]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server_pid, signal.SIGKILL)
        return super()._fit(s)


@pytest.mark.slow
def test_server_dies_mid_backtest_then_cli_sync_delivers(
    tmp_path: Path, yemen2: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default buffer of an HTTP store is ./.earlywarn/
    port = free_port()
    uri = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path, port)
    try:
        tracker = Tracker(uri, "outage-backtest")
        tracker.connect()  # online before the run
        models = {"snaive": SeasonalNaive(), "killer": _KillsServer(server.pid)}
        res = backtest(
            yemen2, models, horizon=3, folds=2, step=3, tracker=tracker, experiment_name="bt"
        )
        server.wait(timeout=10)
        assert res.summary().shape[0] == 2  # the backtest finished and scored both models
        assert tracker.offline and res.run_id is not None and res.run_id.startswith("local-")
        pending = tracker.pending()
        assert pending >= 1 + 2 + 2 * 2  # parent, models, folds (and artifacts, register)
        assert (tmp_path / ".earlywarn" / "mlflow-buffer" / "buffer.jsonl").exists()

        server = start_server(tmp_path, port)
        done = subprocess.run(
            [sys.executable, "-m", "earlywarn.cli", "--tracking-uri", uri, "tracking", "sync"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert f"replayed {pending} buffered tracking calls" in done.stdout

        fresh = Tracker(uri, "outage-backtest")
        assert fresh.pending() == 0
        client = fresh._mlflow()
        exp = client.get_experiment_by_name("outage-backtest")
        runs = client.search_runs([exp.experiment_id])
        names = sorted(r.info.run_name for r in runs)
        assert names == sorted(
            ["bt", "snaive", "killer"] + [f"{m} fold {k}" for m in ("snaive", "killer") for k in (0, 1)]
        )
        assert {r.info.status for r in runs} == {"FINISHED"}
        parent = next(r for r in runs if r.info.run_name == "bt")
        assert {"series_metrics.csv", "summary.csv", "model"} <= {
            a.path for a in client.list_artifacts(parent.info.run_id)
        }
        version = client.get_model_version_by_alias("earlywarn-bt", "champion")
        assert version.run_id == parent.info.run_id
    finally:
        stop(server)
