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
        assert {"prophet", "seasonal_naive", "naive", "ensemble"} <= models
        alerts = a.table("alerts")
        urls = set(a.query("SELECT url FROM articles")["url"])
    linked = [
        art["url"]
        for ev in alerts["evidence"]
        for art in json.loads(ev)["articles"]
        if art.get("url")
    ]
    # news series start with collection: the one English news night raises no coverage alert
    # (no "expected 0" against days never collected); evidence that links must link for real
    assert set(linked) <= urls
    for night in ("2016-02-29", "2016-05-31", "2018-10-31", "2019-11-20"):
        report = demo_out / f"report-{night}.html"
        html = report.read_text(encoding="utf-8")
        assert "earlywarn" in html and '<script src="http' not in html
        assert report.stat().st_size < 1_500_000, (night, report.stat().st_size)
    # the Yemen night has no alert, yet its forecasts are in the trend and watch list
    with Archive(demo_out / "demo.duckdb", read_only=True) as a:
        n = a.query("SELECT count(*) n FROM forecasts WHERE as_of = DATE '2016-05-31'")["n"][0]
    html = (demo_out / "report-2016-05-31.html").read_text(encoding="utf-8")
    watch = html.split('id="watch"')[1].split("</section>")[0]
    assert n > 0 and (f"{n} forecasts" in watch or f"{n} forecast " in watch) and watch.count("data-figure=") >= 3


@pytest.mark.slow
def test_demo_ledger_scores_the_first_nights_forecasts(demo_out: Path) -> None:
    with Archive(demo_out / "demo.duckdb", read_only=True) as a:
        scored = a.query(
            "SELECT l.model, s.y, c.y AS truth FROM forecast_ledger l "
            "JOIN forecast_scores s USING (forecast_id) "
            "JOIN counts c ON c.unique_id = l.unique_id AND c.ds = l.ds "
            "WHERE l.as_of = DATE '2016-02-29'"
        )
    assert len(scored) > 0 and (scored["y"] == scored["truth"]).all()
    assert "naive" in set(scored["model"])
    html = (demo_out / "report-2016-05-31.html").read_text(encoding="utf-8")
    track = html[html.index('id="track"') :]
    assert "naive" in track[: track.index("</section>")]


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


@pytest.mark.slow
def test_demo_nights_have_a_brief(demo_out: Path) -> None:
    """`earlywarn brief --as-of 2019-11-20` on the demo archive, as the README runs it."""
    from typer.testing import CliRunner

    from earlywarn.cli import app

    r = CliRunner().invoke(
        app, ["-q", "--archive", str(demo_out / "demo.duckdb"), "brief", "--as-of", "2019-11-20", "--json"]
    )
    assert r.exit_code == 0, r.stderr
    brief = json.loads(r.stdout)
    assert brief["previous"] == "2018-10-31" and brief["articles"] > 100
    assert "new_alerts" in brief["changes"] and len(brief["stories"]) == 8
    assert all(s["language"] == "en" and 1 <= len(s["summary"]) <= 3 for s in brief["stories"])
    with Archive(demo_out / "demo.duckdb", read_only=True) as a:
        vi = json.loads(a.query("SELECT brief FROM briefs WHERE as_of = DATE '2016-02-29'")["brief"][0])
    assert {s["language"] for s in vi["stories"]} == {"vi"}  # the Vietnamese night
    html = (demo_out / "report-2019-11-20.html").read_text(encoding="utf-8")
    from markupsafe import escape

    assert 'id="brief"' in html and str(escape(brief["stories"][0]["summary"][0][:30])) in html


def _loopback_port_open(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_demo_report_links_outlive_the_demo(demo_out: Path) -> None:
    """The demo collects through its loopback replay server, which stops when the demo
    ends: no link in a report may lead there. Articles keep their publishers' URLs."""
    import re
    from urllib.parse import urlsplit

    dead: list[str] = []
    article_links: list[str] = []
    for night in ("2016-02-29", "2016-05-31", "2018-10-31", "2019-11-20"):
        html = (demo_out / f"report-{night}.html").read_text(encoding="utf-8")
        for href in re.findall(r'<a [^>]*href="([^"]+)"', html):
            parts = urlsplit(href)
            if parts.hostname in ("127.0.0.1", "localhost", "::1"):
                if not _loopback_port_open(parts.port or 80):
                    dead.append(f"{night}: {href}")
            elif parts.scheme in ("http", "https"):
                article_links.append(href)
    assert not dead, f"report links to a closed loopback port: {dead[:5]}"
    with Archive(demo_out / "demo.duckdb", read_only=True) as a:
        urls = a.query("SELECT url, fetched_url FROM articles")
    assert not urls["url"].str.contains("127.0.0.1").any()  # the publishers' URLs
    assert urls["fetched_url"].str.startswith("http://127.0.0.1:").all()  # fetched for real
    assert set(article_links) & set(urls["url"])  # the reports link articles
    assert "https://www.bbc.com/news/world-europe-50473792" in set(urls["url"])
