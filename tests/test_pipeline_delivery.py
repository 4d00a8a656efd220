"""Alerts reach a real loopback webhook from the nightly job, once, even across reruns."""

from __future__ import annotations

import json
from pathlib import Path

from earlywarn.config import load_settings
from earlywarn.demo import CORPUS, ReplayServer
from earlywarn.io.history import import_history
from earlywarn.pipeline import run_nightly
from earlywarn.store import Archive
from tests.alerts.servers import webhook_server


def test_nightly_delivers_each_alert_once(tmp_path: Path) -> None:
    with ReplayServer() as base, webhook_server() as (hook, port):
        cat = tmp_path / "catalog.yaml"
        cat.write_text(f"feeds:\n- url: {base}/feeds/tuoitre-vn.xml\n  language: vi\n")
        channels = tmp_path / "channels.yaml"
        channels.write_text(
            "channels:\n- name: desk-hook\n  kind: cloudevents\n"
            f"  url: http://127.0.0.1:{port}/events\n  min_severity: low\n"
        )
        s = load_settings(
            environ={},
            archive=tmp_path / "a.duckdb",
            output_dir=tmp_path / "out",
            catalog=cat,
            channels=channels,
            scheduler="synchronous",
            max_forecast_series=2,
            http={"politeness_delay": 0, "allow_private": ["127.0.0.1"], "retries": 0},
        )
        import_history(s, "counts", CORPUS / "YEM_gdelt_monthly_long.csv")
        first = run_nightly(s, "2015-04-30")
        assert first.rows["alerts"]["alerts"] > 0
        sent = len(hook.requests)
        assert sent == first.rows["alerts"]["enqueued"] > 0
        again = run_nightly(s, "2015-04-30")
        forced = run_nightly(s, "2015-04-30", force=True)
        assert "deliver" in again.ran and "deliver" in forced.ran
        assert len(hook.requests) == sent  # nothing sent twice
    event = json.loads(hook.requests[0].body)
    assert hook.requests[0].headers["content-type"].startswith("application/cloudevents+json")
    assert event["specversion"] == "1.0" and event["type"] == "org.earlywarn.alert.v1"
    with Archive(s.archive, read_only=True) as a:
        outbox = a.table("outbox")
    assert (outbox["status"] == "sent").all()
    assert len({json.loads(r.body)["id"] for r in hook.requests}) == sent
