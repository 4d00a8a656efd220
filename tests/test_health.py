from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from earlywarn.config import load_settings
from earlywarn.demo import CORPUS, ReplayServer
from earlywarn.health import check_health, gate_open
from earlywarn.io.history import import_history
from earlywarn.pipeline import run_nightly
from earlywarn.store import Archive

NIGHT = date(2024, 5, 10)


def _articles(per_night: dict[int, int], outlet: str = "vov.vn") -> pd.DataFrame:
    rows = []
    for day, n in per_night.items():
        rows += [
            {"as_of": date(2024, 5, day), "outlet": outlet, "date_flag": "ok", "text": "x" * 500}
        ] * n
    return pd.DataFrame(rows, columns=["as_of", "outlet", "date_flag", "text"])


def _feeds(statuses: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"feed_id": range(len(statuses)), "outlet": "o", "last_status": statuses})


def test_healthy_night_keeps_gate_open() -> None:
    h = check_health(
        as_of=NIGHT,
        feeds=_feeds(["ok"] * 9 + ["http_404"]),
        articles=_articles({6: 20, 7: 22, 8: 19, 9: 21, 10: 18}),
    )
    assert gate_open(h)
    assert set(h["check"]) >= {"feed_failures", "volume", "undated_share", "empty_text_share"}


def test_volume_collapse_closes_gate() -> None:
    h = check_health(
        as_of=NIGHT, feeds=_feeds(["ok"] * 10), articles=_articles({6: 20, 7: 22, 8: 19, 10: 2})
    )
    row = h[h["check"] == "volume"].iloc[0]
    assert row["status"] == "fail" and row["value"] < 0.2
    assert not gate_open(h)


def test_silent_source_and_drift_warn() -> None:
    arts = pd.concat([_articles({3: 5, 4: 5}, "silent.vn"), _articles({9: 4, 10: 4}, "alive.vn")])
    arts.loc[arts["as_of"] == NIGHT, "date_flag"] = "missing"
    arts.loc[arts["as_of"] == NIGHT, "text"] = "short"
    h = check_health(
        as_of=NIGHT,
        feeds=_feeds(["ok"]),
        articles=arts,
        origins=pd.DataFrame({"origin": ["icews"], "last_date": [pd.Timestamp("2024-01-01")]}),
    )
    by = {(r.check, r.subject): r.status for r in h.itertuples()}
    assert by[("silent_source", "silent.vn")] == "warn"
    assert ("silent_source", "alive.vn") not in by
    assert by[("undated_share", "articles")] == "warn"
    assert by[("empty_text_share", "articles")] == "warn"
    assert by[("stale_origin", "icews")] == "info"
    assert gate_open(h)  # warnings do not close the gate


def test_failing_feeds_hold_back_collection_alerts(tmp_path: Path) -> None:
    """Every feed fails: a data-health notice, no crisis alerts on collection-fed series,
    while imported history still alerts normally."""
    with ReplayServer() as base:
        cat = tmp_path / "catalog.yaml"
        cat.write_text(
            "feeds:\n" + "".join(f"- url: {base}/feeds/missing-{i}.xml\n" for i in range(4))
        )
        s = load_settings(
            environ={},
            archive=tmp_path / "a.duckdb",
            output_dir=tmp_path / "out",
            catalog=cat,
            scheduler="synchronous",
            max_forecast_series=2,
            http={"politeness_delay": 0, "allow_private": ["127.0.0.1"], "retries": 0},
        )
        import_history(s, "counts", CORPUS / "YEM_gdelt_monthly_long.csv")
        result = run_nightly(s, "2015-04-30")
    assert result.rows["health"]["gate_open"] == 0
    with Archive(s.archive, read_only=True) as a:
        h = a.table("health")
        alerts = a.table("alerts")
        runs = a.table("runs", "stage = 'alerts'")
    assert h.loc[h["check"] == "feed_failures", "status"].item() == "fail"
    assert not alerts["unique_id"].str.startswith(("cov:", "ev:", "dyad:", "tone:")).any()
    assert alerts["unique_id"].str.startswith("YEM:").any()  # the 2015 war in the imported counts
    assert "suppressed_by_health" in json.loads(runs["rows"].item())
