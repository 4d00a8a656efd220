"""`earlywarn demo` end to end, as the README runs it: offline, on the bundled corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from earlywarn.store import Archive

#: the session's demo (built by the first test that needs it) takes minutes on a busy machine
pytestmark = pytest.mark.timeout(1500)


@pytest.mark.slow
def test_demo_leaves_every_output(demo_out: Path) -> None:
    with Archive(demo_out / "demo.duckdb", read_only=True) as a:
        langs = a.query("SELECT language, count(*) n FROM articles GROUP BY 1")
        assert {"vi", "en"} <= set(langs["language"])
        coded = a.query("SELECT count(*) n FROM events WHERE origin = 'coder'")["n"][0]
        assert coded > 100
        assert a.count("edges") > 0 and a.count("forecasts") > 0 and a.count("anomalies") > 0
        models = set(a.query("SELECT DISTINCT model FROM forecasts")["model"])
        assert {"prophet", "seasonal_naive"} <= models
        alerts = a.table("alerts")
        urls = set(a.query("SELECT url FROM articles")["url"])
    linked = [
        art["url"]
        for ev in alerts["evidence"]
        for art in json.loads(ev)["articles"]
        if art.get("url")
    ]
    assert linked and set(linked) <= urls
    for night in ("2016-05-31", "2018-10-31", "2019-11-20"):
        html = (demo_out / f"report-{night}.html").read_text(encoding="utf-8")
        assert "earlywarn" in html and '<script src="http' not in html


@pytest.mark.slow
def test_demo_runs_are_in_mlflow(demo_out: Path) -> None:
    import mlflow

    mlflow.set_tracking_uri(f"sqlite:///{demo_out / 'mlflow.db'}")
    runs = mlflow.search_runs(search_all_experiments=True)
    assert len(runs) >= 3
    assert (runs["status"] == "FINISHED").all()


@pytest.mark.slow
def test_demo_registers_its_champion(demo_out: Path) -> None:
    """models:/earlywarn-demo@champion in the demo's mlflow.db loads and forecasts."""
    import pandas as pd

    from earlywarn.tracking import Tracker

    model = Tracker(f"sqlite:///{demo_out / 'mlflow.db'}", "demo").load_model("earlywarn-demo")
    fc = model.predict(pd.DataFrame({"h": [3]}))
    assert set(fc["unique_id"]) == {"YEM:total", "YEM:root14", "YEM:root19"}
    assert len(fc) == 9 and fc["yhat"].notna().all()


@pytest.mark.slow
def test_demo_rerun_changes_no_row_counts(demo_out: Path) -> None:
    with Archive(demo_out / "demo.duckdb", read_only=True) as a:
        before = a.counts()
    r = subprocess.run(
        [sys.executable, "-m", "earlywarn.cli", "-q", "demo", "--out", str(demo_out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    with Archive(demo_out / "demo.duckdb", read_only=True) as a:
        assert a.counts() == before
