"""Tracker against a sqlite store, and against a real `mlflow server` that dies mid-run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from earlywarn.forecast import Naive
from earlywarn.tracking import Tracker, log_pipeline_run
from tests.mlflow_server import free_port as _free_port
from tests.mlflow_server import start_server as _start_server
from tests.mlflow_server import stop as _stop

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_sqlite_runs_params_metrics_artifacts(tmp_path: Path) -> None:
    t = Tracker(f"sqlite:///{tmp_path / 'mlflow.db'}", "t")
    with t.start_run("parent", tags={"k": "v"}) as parent:
        t.log_params({"h": 3, "models": "a,b"})
        with t.start_run("child", nested=True) as child:
            t.log_metrics({f"m{i}": float(i) for i in range(1500)})  # > one batch
        t.log_artifact(pd.DataFrame({"a": [1, 2]}), "frame.csv")
    assert not t.offline and t.pending() == 0
    info = t.get_run(parent.run_id)
    assert info["params"] == {"h": "3", "models": "a,b"} and info["status"] == "FINISHED"
    child_info = t.get_run(child.run_id)
    assert child_info["tags"]["mlflow.parentRunId"] == parent.run_id
    assert len(child_info["metrics"]) == 1500
    arts = [a.path for a in t._mlflow().list_artifacts(parent.run_id)]
    assert arts == ["frame.csv"]


def test_failed_block_marks_run_failed(tmp_path: Path) -> None:
    t = Tracker(f"sqlite:///{tmp_path / 'mlflow.db'}", "t")
    with pytest.raises(RuntimeError), t.start_run("boom") as run:
        raise RuntimeError("x")
    assert t.get_run(run.run_id)["status"] == "FAILED"


def test_log_pipeline_run(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    rid = log_pipeline_run(
        uri, "nightly", "2026-11-22", {"collect": 1.5}, {"events": 10}, {"alerts": 2}
    )
    assert rid is not None
    info = Tracker(uri, "nightly").get_run(rid)
    assert info["metrics"] == {"seconds_collect": 1.5, "rows_events": 10.0, "alerts": 2.0}
    assert info["params"] == {"as_of": "2026-11-22"}


def test_log_pipeline_run_never_raises_when_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default buffer is ./.earlywarn/mlflow-buffer
    port = _free_port()  # nothing listens there
    rid = log_pipeline_run(f"http://127.0.0.1:{port}", "nightly", "2026-11-22", {}, {}, {"x": 1})
    assert rid is None
    assert (tmp_path / ".earlywarn" / "mlflow-buffer" / "buffer.jsonl").exists()


@pytest.mark.slow
def test_outage_buffers_then_sync_replays(tmp_path: Path) -> None:
    y = pd.read_csv(DATA / "event_counts" / "YEM_gdelt_monthly_long.csv")
    port = _free_port()
    server = _start_server(tmp_path, port)  # stopped in the finally below, whatever fails
    buffer = tmp_path / "buffer"
    t = Tracker(f"http://127.0.0.1:{port}", "outage", buffer_dir=buffer)
    try:
        with t.start_run("nightly") as run:
            t.log_params({"as_of": "2026-11-22"})
            t.log_metrics({"before": 1.0})
            assert not t.offline
            _stop(server)  # the server dies mid-run
            t.log_metrics({"after": 2.0})
            t.log_artifact(pd.DataFrame({"a": [1]}), "metrics.csv")
            with t.start_run("child", nested=True) as child:
                t.log_metrics({"crps": 0.5})
            t.log_model(Naive().fit(y[y["unique_id"] == "YEM:total"]), "model")
        assert t.offline and t.pending() >= 5
        assert child.run_id.startswith("local-")
        server = _start_server(tmp_path, port)
        delivered = t.sync()
        assert delivered >= 5 and t.pending() == 0 and not t.offline
        info = t.get_run(run.run_id)
        assert info["metrics"] == {"before": 1.0, "after": 2.0}
        assert info["status"] == "FINISHED"
        client = t._mlflow()
        arts = {a.path for a in client.list_artifacts(run.run_id)}
        assert {"metrics.csv", "model"} <= arts
        exp = client.get_experiment_by_name("outage")
        children = client.search_runs(
            [exp.experiment_id], f"tags.mlflow.parentRunId = '{run.run_id}'"
        )
        assert [c.data.metrics for c in children] == [{"crps": 0.5}]
    finally:
        _stop(server)


def test_log_run_and_batch_in_one_call_each(tmp_path: Path) -> None:
    t = Tracker(f"sqlite:///{tmp_path / 'mlflow.db'}", "t")
    t.connect()
    with t.start_run("parent") as parent:
        child = t.log_run("m fold 0", params={"fold": 0}, metrics={"crps": 1.0}, step=0)
        t.log_batch(params={f"p{i}": i for i in range(150)}, metrics={"a": 1.0}, tags={"k": "v"})
    info = t.get_run(child)
    assert info["status"] == "FINISHED" and info["params"] == {"fold": "0"}
    assert info["tags"]["mlflow.parentRunId"] == parent.run_id
    pinfo = t.get_run(parent.run_id)
    assert len(pinfo["params"]) == 150 and pinfo["metrics"] == {"a": 1.0}
    assert pinfo["tags"]["k"] == "v"
    assert t.seconds["log_run"] > 0 and t.seconds["log_batch"] > 0


def test_background_connect_then_log(tmp_path: Path) -> None:
    t = Tracker(f"sqlite:///{tmp_path / 'mlflow.db'}", "bg")
    t.connect(background=True)
    rid = t.log_run("r", metrics={"x": 2.0})  # waits for the connecting thread
    assert t.get_run(rid)["metrics"] == {"x": 2.0} and "connect" in t.seconds


def test_offline_log_run_replays_into_another_store(tmp_path: Path) -> None:
    buffer = tmp_path / "buffer"
    down = Tracker(f"http://127.0.0.1:{_free_port()}", "replay", buffer_dir=buffer)
    with down.start_run("parent") as parent:
        child = down.log_run("child", params={"a": 1}, metrics={"m": 2.0}, tags={"t": "v"})
        down.log_batch(params={"x": 1}, metrics={"y": 3.0})
    assert down.offline and parent.run_id.startswith("local-") and child.startswith("local-")
    assert down.pending() == 4  # create_run, log_run, log_batch, end_run
    up = Tracker(f"sqlite:///{tmp_path / 'mlflow.db'}", "replay", buffer_dir=buffer)
    assert up.sync() == 4 and up.pending() == 0
    client = up._mlflow()
    runs = client.search_runs([client.get_experiment_by_name("replay").experiment_id])
    by_name = {r.info.run_name: r for r in runs}
    assert by_name["parent"].data.metrics == {"y": 3.0}
    assert by_name["child"].data.params == {"a": "1"}
    assert by_name["child"].data.tags["mlflow.parentRunId"] == by_name["parent"].info.run_id
    assert {r.info.status for r in runs} == {"FINISHED"}
