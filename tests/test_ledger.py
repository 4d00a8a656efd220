"""The ledger on real Yemen counts: forecasts recorded once, scored when a later night runs."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import uvicorn

from earlywarn.config import Settings
from earlywarn.demo import CORPUS
from earlywarn.io.history import import_history
from earlywarn.ledger import alert_skill, skill
from earlywarn.pipeline import run_nightly
from earlywarn.store import Archive

STAGES = ["series", "health", "forecast", "detect", "alerts", "ledger", "report"]
FIRST, LATER = "2016-01-31", "2016-05-31"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ledger")
    s = Settings(
        archive=tmp / "a.duckdb",
        output_dir=tmp / "out",
        scheduler="synchronous",
        max_forecast_series=3,
        horizon=6,
    )
    import_history(s, "counts", CORPUS / "YEM_gdelt_monthly_long.csv")
    run_nightly(s, FIRST, stages=STAGES)
    run_nightly(s, LATER, stages=STAGES)
    return s.archive


def test_later_night_scores_earlier_forecasts_on_real_counts(archive: Path) -> None:
    with Archive(archive, read_only=True) as a:
        led = a.table("forecast_ledger")
        scores = a.table("forecast_scores")
        truth = a.table("counts")
    first = led[led["as_of"] == pd.Timestamp(FIRST)]
    assert set(first["model"]) >= {"naive", "seasonal_naive", "prophet"}
    assert first["horizon"].between(1, 6).all()
    scored = first.merge(scores, on="forecast_id")
    # Feb..May 2016 are observed by the later night; June is not: it stays pending
    assert set(scored["ds"].dt.strftime("%Y-%m")) == {"2016-02", "2016-03", "2016-04", "2016-05"}
    assert not scored["ds"].ge(pd.Timestamp("2016-06-01")).any()
    real = scored.merge(truth, on=["unique_id", "ds"], suffixes=("", "_count"))
    assert len(real) == len(scored)
    assert (real["y"] == real["y_count"]).all()
    assert (scored["crps"] >= 0).all() and scored["hit90"].notna().all()
    report = (archive.parent / "out" / f"report-{LATER}.html").read_text(encoding="utf-8")
    track = report[report.index('id="track"') :]
    track = track[: track.index("</section>")]
    assert "naive" in track and "prophet" in track and "Inside the 90% band" in track
    # over time (by the month the forecasts were made) and per series
    monthly = track[track.index('id="track-monthly"') :]
    assert "2016-01" in monthly[: monthly.index("</table>")]
    per_series = track[track.index('id="track-series"') :]
    assert "YEM:" in per_series[: per_series.index("</table>")]
    table = skill(led, scores, by=("model",), freq=None)
    naive = table.set_index("model").loc["naive"]
    assert naive["crps_rel"] == pytest.approx(1.0)
    assert table["n"].gt(0).all()


def test_track_record_in_vietnamese(archive: Path, tmp_path: Path) -> None:
    from datetime import date

    from earlywarn.ledger import track_record
    from earlywarn.report import render_report

    with Archive(archive, read_only=True) as a:
        track = track_record(a, date(2016, 5, 31))
        alerts = a.table("alerts")
    empty = pd.DataFrame()
    path = render_report(
        tmp_path / "r.html", as_of=LATER, alerts=alerts, series=empty, forecasts=empty,
        anomalies=empty, articles=empty, events=empty, edges=empty, stats={},
        locale="vi", track=track,
    )  # fmt: skip
    html = path.read_text(encoding="utf-8")
    assert "Kiểm chứng dự báo và cảnh báo" in html and "Nằm trong dải 90%" in html


def test_forced_rerun_never_overwrites_the_ledger(archive: Path, tmp_path: Path) -> None:
    copy = tmp_path / "a.duckdb"
    copy.write_bytes(archive.read_bytes())
    s = Settings(archive=copy, output_dir=tmp_path / "out", scheduler="synchronous",
                 max_forecast_series=3, horizon=6)  # fmt: skip
    with Archive(copy, read_only=True) as a:
        before = {t: a.table(t) for t in ("forecast_ledger", "forecast_scores", "alert_ledger")}
    run_nightly(s, FIRST, stages=STAGES, force=True)
    run_nightly(s, LATER, stages=STAGES, force=True)
    with Archive(copy, read_only=True) as a:
        for table, frame in before.items():
            after = a.table(table)
            pd.testing.assert_frame_equal(
                after.sort_values(after.columns[0]).reset_index(drop=True),
                frame.sort_values(frame.columns[0]).reset_index(drop=True),
                obj=table,
            )


def test_alert_outcomes_come_from_reviewers_before_data() -> None:
    from datetime import date

    from earlywarn.ledger import resolve_alerts

    ds = pd.date_range("2015-01-01", periods=20, freq="MS")
    y = pd.DataFrame({"unique_id": "u", "ds": ds, "y": [1.0] * 12 + [9.0] * 8})
    ledger = pd.DataFrame(
        {
            "alert_id": ["a", "b", "c"],
            "unique_id": "u",
            "rule": "r",
            "ds": [ds[12], ds[12], ds[18]],
        }
    )
    statuses = pd.DataFrame({"alert_id": ["a"], "status": ["dismissed"]})
    out = resolve_alerts(ledger, statuses, y, date(2016, 9, 1)).set_index("alert_id")
    assert out.loc["a", ["outcome", "decided_by"]].tolist() == ["false", "reviewer"]
    assert out.loc["b", ["outcome", "decided_by"]].tolist() == ["confirmed", "data"]
    assert "c" not in out.index  # one period after it: still open
    table = alert_skill(ledger, out.reset_index())
    assert table.iloc[0][["raised", "confirmed", "false", "open"]].tolist() == [3, 1, 1, 1]


def _serve(app: object) -> tuple[object, threading.Thread, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    return srv, thread, f"http://127.0.0.1:{port}"


def test_review_page_shows_the_track_record(archive: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from earlywarn.config import WebSettings
    from earlywarn.web import create_app
    from tests.web.test_browser import ARGS, CHROMIUM

    copy = tmp_path / "a.duckdb"
    copy.write_bytes(archive.read_bytes())
    app = create_app(copy, read_only=True, locale="vi", web=WebSettings(anonymous_read=True))
    srv, thread, url = _serve(app)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page()
                page.goto(url + "/track")
                models = page.locator("#track-models").inner_text()
                assert "naive" in models and "prophet" in models
                assert "Nằm trong dải 90%" in models
                assert "2016-01" in page.locator("#track-monthly").inner_text()
                assert "YEM:" in page.locator("#track-series").inner_text()
                page.goto(url + "/track?as_of=2016-02-15")  # before anything was scored
                assert page.locator("#track-models").count() == 0
                r = page.goto(url + "/track?as_of=May")
                assert r is not None and r.status == 400
            finally:
                browser.close()
    finally:
        srv.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=10)


@pytest.mark.slow
def test_nightly_run_logs_the_track_record_to_a_real_mlflow_server(
    archive: Path, tmp_path: Path
) -> None:
    from mlflow.tracking import MlflowClient

    from tests.mlflow_server import free_port, start_server, stop

    copy = tmp_path / "a.duckdb"
    copy.write_bytes(archive.read_bytes())
    port = free_port()
    server = start_server(tmp_path, port)
    uri = f"http://127.0.0.1:{port}"
    try:
        s = Settings(archive=copy, output_dir=tmp_path / "out", scheduler="synchronous",
                     max_forecast_series=3, horizon=6, tracking_uri=uri,
                     experiment="ledger")  # fmt: skip
        run_nightly(s, LATER, stages=["track"], force=True)
        client = MlflowClient(uri)
        exp = client.get_experiment_by_name("ledger")
        (run,) = client.search_runs([exp.experiment_id])
        m = run.data.metrics
        # the last-value forecast is the baseline every model is divided by
        assert m["ledger.crps_rel.naive"] == pytest.approx(1.0)
        assert 0 < m["ledger.crps_rel.prophet"] < 10
        assert 0 <= m["ledger.coverage90.prophet"] <= 1
        with Archive(copy, read_only=True) as a:
            scored = a.query(
                "SELECT avg(s.crps) AS crps FROM forecast_scores s JOIN forecast_ledger l "
                "USING (forecast_id) WHERE l.model = 'prophet' AND l.as_of < ?",
                [pd.Timestamp(LATER)],
            )
        assert m["ledger.crps.prophet"] == pytest.approx(float(scored["crps"].iloc[0]))
    finally:
        stop(server)
