"""Owner families and verified dates in the catalog; corroboration by families; feeds check."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from earlywarn.alerts import Rule, evaluate_rules
from earlywarn.cli import app
from earlywarn.collect.catalog import load_catalog, save_opml
from earlywarn.collect.verified import record_verified
from earlywarn.config import load_settings
from earlywarn.demo import ReplayServer
from earlywarn.errors import ConfigError
from earlywarn.pipeline import run_stage
from earlywarn.stage import StageContext
from earlywarn.store import Archive

FEEDS = Path(__file__).resolve().parents[2] / "feeds"


def test_every_global_feed_has_an_owner_family() -> None:
    feeds = load_catalog(FEEDS / "global.yaml")
    assert all(f.family for f in feeds)
    family = {f.outlet: f.family for f in feeds}
    assert {family[o] for o in ("VTV", "VOV", "Nhan Dan", "Bao Tin Tuc (VNA)")} == {"state:VNM"}
    assert {family[o] for o in ("Xinhua", "CGTN", "Global Times")} == {"state:CHN"}
    assert family["VnExpress"] == "FPT" and family["BBC Vietnamese"] == family["BBC"]
    assert len({f.family for f in feeds}) < len({f.outlet for f in feeds})
    assert {f.family for f in load_catalog(FEEDS / "global.opml")} == {f.family for f in feeds}


def test_verified_dates_are_read_checked_and_recorded(tmp_path: Path) -> None:
    yaml = tmp_path / "c.yaml"
    yaml.write_text(
        "# keep me\nfeeds:\n"
        "- {url: 'https://a.example/rss', family: A, verified: 2026-01-02}\n"
        '- {url: "https://b.example/rss", family: "state:VNM"}\n'
        "- url: https://c.example/rss\n"
    )
    a, b, c = load_catalog(yaml)
    assert (a.verified, b.verified, c.verified) == (date(2026, 1, 2), None, None)
    n = record_verified(
        yaml,
        {"https://a.example/rss": date(2026, 12, 6), "https://b.example/rss": date(2026, 12, 5)},
    )
    assert n == 2
    text = yaml.read_text()
    assert text.startswith("# keep me") and "verified: 2026-12-06" in text
    assert [f.verified for f in load_catalog(yaml)] == [date(2026, 12, 6), date(2026, 12, 5), None]
    opml = save_opml(load_catalog(yaml), tmp_path / "c.opml")
    assert record_verified(opml, {"https://c.example/rss": date(2026, 12, 7)}) == 1
    assert [f.verified for f in load_catalog(opml)][2] == date(2026, 12, 7)
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {url: 'https://a.example/rss', verified: yesterday}\n")
    with pytest.raises(ConfigError, match="key 'verified' must be a date"):
        load_catalog(bad)


def _catalog(base: str, tmp_path: Path) -> Path:
    cat = tmp_path / "catalog.yaml"
    cat.write_text(
        "feeds:\n"
        f"- {{url: '{base}/feeds/vnexpress-net.xml', outlet: VnExpress, family: FPT}}\n"
        f"- {{url: '{base}/feeds/gone.xml', outlet: Gone, verified: 2026-01-02}}\n"
    )
    return cat


def test_collection_records_the_last_good_fetch(tmp_path: Path) -> None:
    with ReplayServer() as base:
        cat = _catalog(base, tmp_path)
        s = load_settings(
            environ={},
            archive=tmp_path / "a.duckdb",
            catalog=cat,
            http={"politeness_delay": 0, "allow_private": ["127.0.0.1"], "retries": 0},
        )
        with Archive(s.archive) as archive:
            archive.con.execute(
                "INSERT INTO feeds (feed_id, url, verified) VALUES (?, ?, ?)",
                [load_catalog(cat)[1].feed_id, f"{base}/feeds/gone.xml", date(2026, 1, 2)],
            )
            ctx = StageContext(archive, s, date(2024, 5, 10), "run")
            run_stage(ctx, "collect")
            feeds = archive.table("feeds").set_index("outlet")
    today = datetime.now(timezone.utc).date()
    assert pd.Timestamp(feeds.loc["VnExpress", "verified"]).date() == today
    assert feeds.loc["VnExpress", "family"] == "FPT"
    assert feeds.loc["Gone", "last_status"] != "ok"
    assert pd.Timestamp(feeds.loc["Gone", "verified"]).date() == date(2026, 1, 2)  # kept


def test_feeds_check_online_fails_when_feeds_fail_and_records_good_ones(tmp_path: Path) -> None:
    with ReplayServer() as base:
        cat = _catalog(base, tmp_path)
        env = {"EARLYWARN_HTTP__ALLOW_PRIVATE": "127.0.0.1", "EARLYWARN_HTTP__RETRIES": "0",
               "EARLYWARN_HTTP__POLITENESS_DELAY": "0"}  # fmt: skip
        res = CliRunner().invoke(
            app, ["feeds", "check", str(cat), "--online", "--write-verified"], env=env
        )
    assert res.exit_code == 1, res.output
    assert "1 of 2 feeds failed" in res.output
    good, gone = load_catalog(cat)
    assert good.verified == datetime.now(timezone.utc).date()
    assert gone.verified == date(2026, 1, 2)


def _frames(outlets: list[tuple[str, str | None]]) -> dict[str, pd.DataFrame]:
    ds = pd.date_range("2024-01-01", periods=10)
    an = pd.DataFrame({"unique_id": "cov:VNM", "ds": ds, "detector": "ensemble",
                       "y": [5.0] * 8 + [30, 31], "expected": 5.0,
                       "score": [0.1] * 8 + [8.0, 9.0], "is_anomaly": False})  # fmt: skip
    ids = [str(i) for i in range(len(outlets))]
    arts = pd.DataFrame(
        {
            "article_id": ids,
            "url": [f"https://e.example/{i}" for i in ids],
            "outlet": [o for o, _ in outlets],
            "family": [f for _, f in outlets],
            "language": "vi",
            "published": pd.Timestamp("2024-01-10 06:00", tz="UTC"),
            "title": "t",
        }
    )
    men = pd.DataFrame(
        {"article_id": ids, "entity": "Việt Nam", "kind": "country", "country": "VNM"}
    )
    return {"anomalies": an, "articles": arts, "mentions": men}


@pytest.mark.parametrize(
    ("outlets", "severity", "families"),
    [
        ([("VTV", "state:VNM"), ("VOV", "state:VNM"), ("Nhan Dan", "state:VNM")], "low", 1),
        ([("VTV", "state:VNM"), ("VnExpress", "FPT")], "high", 2),
        ([("Blog A", None), ("Blog B", None)], "high", 2),  # no family: each outlet its own
    ],
)
def test_news_alerts_need_independent_families_above_low(
    outlets: list[tuple[str, str | None]], severity: str, families: int
) -> None:
    f = _frames(outlets)
    rule = Rule("spike", series=("cov:*",), threshold=3.0, window="2D", severity="high")
    out = evaluate_rules(
        f["anomalies"], [rule], as_of="2024-01-10", series=f["anomalies"][["unique_id", "ds", "y"]],
        events=None, articles=f["articles"], mentions=f["mentions"], min_families=2,
    )  # fmt: skip
    assert out["severity"].item() == severity
    corroboration = json.loads(out["evidence"].item())["corroboration"]
    assert corroboration["families"] == families and corroboration["required"] == 2
    if severity == "low":
        assert corroboration["capped_from"] == "high"
