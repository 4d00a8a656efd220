"""The completeness ledger, the per-source gate, held-back alerts and the banner."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from starlette.testclient import TestClient

from earlywarn.alerts.hold import hold_back, source_shares
from earlywarn.completeness import completeness_ledger
from earlywarn.config import WebSettings, load_settings
from earlywarn.demo import ReplayServer
from earlywarn.health import check_health, gate_state, tonight_feeds
from earlywarn.pipeline import run_nightly
from earlywarn.report import render_report
from earlywarn.store import Archive, Write
from earlywarn.web import create_app

NIGHT = date(2024, 5, 10)
EMPTY_ARTS = pd.DataFrame(columns=["as_of", "outlet", "date_flag", "text"])


def _catalog(n_vi: int = 4, n_en: int = 4) -> pd.DataFrame:
    vi = [("vi", "VNM", f"vn{i}") for i in range(n_vi)]
    en = [("en", "GBR", f"uk{i}") for i in range(n_en)]
    rows = [
        {"feed_id": fid, "outlet": f"outlet-{fid}", "language": lang, "country": c,
         "last_status": "ok", "entries": 20}
        for lang, c, fid in vi + en
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _history(feeds: pd.DataFrame, nights: int = 5, per_feed: int = 10) -> pd.DataFrame:
    frames = [
        completeness_ledger(
            as_of=NIGHT - timedelta(days=d),
            feeds=feeds,
            observed=dict.fromkeys(feeds["feed_id"], per_feed),
        )
        for d in range(nights, 0, -1)
    ]
    return pd.concat(frames, ignore_index=True)


def test_silent_zero_is_caught_at_the_first_poll_that_misses() -> None:
    feeds = _catalog(1, 1)
    observed = {"vn0": 0, "uk0": 9}  # vn0 answered with its usual 20 entries, none new
    led = completeness_ledger(as_of=NIGHT, feeds=feeds, observed=observed, history=_history(feeds))
    by = led.set_index(["level", "subject"])
    assert by.loc[("feed", "vn0"), "status"] == "silent"
    assert by.loc[("feed", "vn0"), "expected"] == 10.0
    assert by.loc[("language", "vi"), "status"] == "silent"
    assert by.loc[("country", "GBR"), "status"] == "ok"
    assert by.loc[("outlet", "outlet-uk0"), "observed"] == 9
    # a feed that is read fine but lists no entries is silent even without history
    empty = feeds.assign(entries=[0, 20])
    led = completeness_ledger(as_of=NIGHT, feeds=empty, observed={}).set_index("subject")
    assert led.loc["vn0", "status"] == "silent" and led.loc["uk0", "status"] == "new"


def test_expected_volume_is_robust_to_one_odd_night() -> None:
    feeds = _catalog(1, 0)
    hist = _history(feeds, nights=6)
    hist.loc[hist["as_of"] == hist["as_of"].max(), "observed"] = 500  # one burst
    led = completeness_ledger(as_of=NIGHT, feeds=feeds, observed={"vn0": 3}, history=hist)
    assert led.loc[led["level"] == "feed", "expected"].item() == 10.0
    assert led.loc[led["level"] == "feed", "status"].item() == "ok"  # 3 of 10 is not < 20%


def test_vietnamese_sources_down_close_the_gate_for_vietnamese_only() -> None:
    feeds = _catalog(4, 12)
    feeds.loc[feeds["language"] == "vi", "last_status"] = "http_503"
    observed = {f: 10 for f in feeds["feed_id"] if f.startswith("uk")}
    led = completeness_ledger(as_of=NIGHT, feeds=feeds, observed=observed, history=_history(feeds))
    h = check_health(as_of=NIGHT, feeds=feeds, articles=EMPTY_ARTS, ledger=led)
    gate = gate_state(h)
    assert gate.open  # 4 of 16 feeds: only a warning globally
    assert set(gate.closed) == {"language:vi", "country:VNM"}
    assert not gate.fully_open
    assert "4 of 4 feeds failed" in gate.closed["language:vi"]


def test_failure_share_counts_tonights_feeds_only() -> None:
    known = _catalog(4, 4).assign(last_status="timeout")
    known["last_fetched"] = pd.Timestamp("2024-05-10 01:00", tz="UTC")
    known.loc[known["feed_id"].str.startswith("uk"), "last_fetched"] = pd.Timestamp(
        "2024-04-01 01:00", tz="UTC"
    )  # an older catalog's feeds, still in the feeds table
    for feeds in (tonight_feeds(known), tonight_feeds(known, {"vn0", "vn1", "vn2", "vn3"})):
        h = check_health(as_of=NIGHT, feeds=feeds, articles=EMPTY_ARTS)
        assert h.loc[h["check"] == "feed_failures", "message"].item() == "4 of 4 feeds failed"


def _alerts(uids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "alert_id": [f"a{i}" for i in range(len(uids))],
            "rule": "spike",
            "unique_id": uids,
            "ds": pd.Timestamp(NIGHT),
            "severity": "high",
            "score": 4.0,
            "title": [f"spike in {u}" for u in uids],
            "evidence": [{"n": 1}] * len(uids),
        }
    )


def test_alerts_on_vietnamese_fed_series_are_held_with_their_reason() -> None:
    arts = pd.DataFrame(
        {
            "article_id": [str(i) for i in range(10)],
            "language": ["vi"] * 6 + ["en"] * 4,
            "country": ["VNM"] * 6 + ["GBR"] * 4,
        }
    )
    men = pd.DataFrame(
        {
            "article_id": [str(i) for i in range(10)],
            "kind": "country",
            "country": ["VNM"] * 6 + ["USA"] * 4,
        }
    )
    ev = pd.DataFrame(
        {"article_id": ["7", None], "source_country": ["USA", "YEM"], "target_country": [None, None]}
    )
    alerts = _alerts(["cov:VNM", "cov:USA", "ev:USA", "YEM:total", "ev:YEM"])
    health = pd.DataFrame(
        {
            "check": ["source_gate", "source_gate"],
            "subject": ["language:vi", "language:en"],
            "status": ["fail", "ok"],
            "message": ["language vi: 4 of 4 feeds failed", "fine"],
        }
    )
    shares = source_shares(alerts["unique_id"], articles=arts, mentions=men, events=ev)
    sent, held = hold_back(alerts, gate_state(health), shares, as_of=NIGHT)
    assert held["unique_id"].tolist() == ["cov:VNM"]
    assert held["scope"].item() == "language:vi"
    assert "100% of its articles come from language:vi" in held["reason"].item()
    assert sent["unique_id"].tolist() == ["cov:USA", "ev:USA", "YEM:total", "ev:YEM"]
    # the global gate closed: every collection-fed alert waits, imported counts go out
    closed = pd.concat(
        [health, pd.DataFrame({"check": ["feed_failures"], "subject": ["all"],
                               "status": ["fail"], "message": ["8 of 8 feeds failed"]})]
    )  # fmt: skip
    sent, held = hold_back(alerts, gate_state(closed), shares, as_of=NIGHT)
    assert sent["unique_id"].tolist() == ["YEM:total"]
    assert set(held["scope"]) == {"all"} and "8 of 8 feeds failed" in held["reason"].iloc[0]


def test_network_metrics_built_from_news_wait_and_imported_ones_go_out() -> None:
    """``net:`` series count distinct counterparts over the events table, news-coded and
    imported alike: the one news stands behind waits when its feeds are down, the one
    built from ICEWS alone goes out (it does not move when the feeds are down)."""
    arts = pd.DataFrame(
        {"article_id": ["a1", "a2", "a3"], "language": ["vi", "vi", "en"],
         "country": ["VNM", "VNM", "GBR"]}
    )  # fmt: skip
    men = pd.DataFrame({"article_id": ["a1", "a2"], "kind": "country", "country": "VNM"})
    ev = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3", None, None],
            "origin": ["coder", "coder", "coder", "icews", "icews"],
            "source_country": ["VNM", "VNM", "USA", "YEM", "SAU"],
            "target_country": ["CHN", "LAO", "CHN", "SAU", "YEM"],
        }
    )
    uids = ["net:VNM", "net:YEM", "tie:VNM~CHN", "comm:VNM", "YEM:total"]
    alerts = _alerts(uids)
    shares = source_shares(uids, articles=arts, mentions=men, events=ev)
    assert shares["net:VNM"] == {"language:vi": 1.0, "country:VNM": 1.0}
    assert "net:YEM" not in shares  # imported events only: not news-fed
    closed = pd.DataFrame({"check": ["feed_failures"], "subject": ["all"], "status": ["fail"],
                           "message": ["8 of 8 feeds failed"]})  # fmt: skip
    sent, held = hold_back(alerts, gate_state(closed), shares, as_of=NIGHT)
    assert held["unique_id"].tolist() == ["net:VNM", "tie:VNM~CHN", "comm:VNM"]
    assert sent["unique_id"].tolist() == ["net:YEM", "YEM:total"]
    vi_down = pd.DataFrame({"check": ["source_gate"], "subject": ["language:vi"],
                            "status": ["fail"], "message": ["language vi: 4 of 4 feeds failed"]})  # fmt: skip
    sent, held = hold_back(alerts, gate_state(vi_down), shares, as_of=NIGHT)
    assert "net:VNM" in held["unique_id"].tolist()
    assert "100% of its articles come from language:vi" in held["reason"].iloc[0]
    assert "net:YEM" in sent["unique_id"].tolist()


def _render(
    tmp_path: Path, health: pd.DataFrame, held: pd.DataFrame | None, locale: str = "en"
) -> str:
    empty = pd.DataFrame(columns=["unique_id", "ds", "y"])
    out = render_report(
        tmp_path / "r.html",
        as_of=NIGHT,
        alerts=pd.DataFrame(columns=["alert_id", "severity", "status"]),
        series=empty,
        forecasts=pd.DataFrame(),
        anomalies=pd.DataFrame(columns=["is_anomaly"]),
        articles=pd.DataFrame(columns=["article_id", "published", "language", "outlet"]),
        events=pd.DataFrame(),
        edges=pd.DataFrame(),
        stats={},
        health=health,
        held=held,
        locale=locale,
    )
    return out.read_text(encoding="utf-8")


def test_dead_collection_never_reads_as_an_all_clear(tmp_path: Path) -> None:
    """Every feed of two successive catalogs dead: the report and the review page carry a
    banner and never a bare "No alerts"; the failure count is over tonight's feeds."""
    night1, night2 = "2024-05-09", "2024-05-10"
    with ReplayServer() as base:
        settings = {}
        for night, n in ((night1, 5), (night2, 3)):
            cat = tmp_path / f"catalog-{night}.yaml"
            cat.write_text(
                "feeds:\n"
                + "".join(
                    f"- {{url: '{base}/feeds/dead-{night}-{i}.xml', language: vi, country: VNM}}\n"
                    for i in range(n)
                )
            )
            s = load_settings(
                environ={},
                archive=tmp_path / "a.duckdb",
                output_dir=tmp_path / "out",
                catalog=cat,
                scheduler="synchronous",
                max_forecast_series=1,
                http={"politeness_delay": 0, "allow_private": ["127.0.0.1"], "retries": 0},
            )
            run_nightly(s, night)
            settings[night] = s
    with Archive(settings[night2].archive, read_only=True) as a:
        h = a.table("health", "as_of = ?", [date(2024, 5, 10)])
        ledger = a.table("completeness", "as_of = ?", [date(2024, 5, 10)])
        runs = a.table("runs", "stage = 'alerts'")
    assert h.loc[h["check"] == "feed_failures", "message"].item() == "3 of 3 feeds failed"
    assert set(ledger.loc[ledger["level"] == "feed", "status"]) == {"failed"}
    assert ledger.loc[ledger["subject"] == "vi", "status"].item() == "failed"
    assert "suppressed_by_health" in json.loads(runs["rows"].iloc[-1])
    report = (tmp_path / "out" / f"report-{night2}.html").read_text(encoding="utf-8")
    assert 'id="gate-banner"' in report and "Data-health gate closed" in report
    assert "No alerts as of" not in report
    app = create_app(settings[night2].archive, read_only=True, web=WebSettings(anonymous_read=True))
    page = TestClient(app).get("/")
    assert page.status_code == 200
    assert 'id="gate-banner"' in page.text and "3 of 3 feeds failed" in page.text
    # a Vietnamese reader gets the banner in Vietnamese, not in the source English
    web = WebSettings(anonymous_read=True)
    vi = TestClient(create_app(settings[night2].archive, read_only=True, web=web, locale="vi"))
    vi_page = vi.get("/").text
    assert 'id="gate-banner"' in vi_page and "Cổng kiểm tra chất lượng dữ liệu đã đóng" in vi_page
    assert "Data-health gate" not in vi_page


def test_report_lists_held_alerts_with_reasons_and_no_banner_when_open(tmp_path: Path) -> None:
    health = pd.DataFrame(
        {
            "as_of": pd.Timestamp(NIGHT),
            "check": ["feed_failures", "source_gate"],
            "subject": ["all", "language:vi"],
            "value": [0.25, 1.0],
            "threshold": [0.5, 0.5],
            "status": ["warn", "fail"],
            "message": ["4 of 16 feeds failed", "language vi: 4 of 4 feeds failed"],
        }
    )
    _, held = hold_back(
        _alerts(["cov:VNM"]),
        gate_state(health),
        {"cov:VNM": {"language:vi": 0.9}},
        as_of=NIGHT,
    )
    html = _render(tmp_path, health, held)
    assert 'id="gate-banner"' in html and "partly closed" in html
    assert 'id="held"' in html and "90% of its articles come from language:vi" in html
    assert "No alerts as of" not in html
    vi = _render(tmp_path, health, held, locale="vi")
    assert "Cổng kiểm tra chất lượng dữ liệu đóng một phần" in vi and "partly closed" not in vi
    assert "Bị cổng kiểm tra chất lượng dữ liệu tạm giữ" in vi and "Held back" not in vi
    healthy = health.assign(status=["ok", "ok"])
    html = _render(tmp_path, healthy, held.iloc[0:0])
    assert 'id="gate-banner"' not in html and "No alerts as of" in html


def test_ledger_and_held_alerts_are_kept_in_the_archive(tmp_path: Path) -> None:
    feeds = _catalog(1, 1)
    led = completeness_ledger(as_of=NIGHT, feeds=feeds, observed={"vn0": 2})
    with Archive(tmp_path / "a.duckdb") as a:
        a.commit([Write("completeness", led, replace={"as_of": NIGHT})])
        a.commit([Write("completeness", led, replace={"as_of": NIGHT})])  # idempotent
        assert len(a.table("completeness")) == len(led) == 2 + 2 + 2 + 2
        _, held = hold_back(
            _alerts(["cov:VNM"]),
            gate_state(pd.DataFrame({"check": ["feed_failures"], "subject": ["all"],
                                     "status": ["fail"], "message": ["2 of 2 feeds failed"]})),
            {},
            as_of=NIGHT,
        )  # fmt: skip
        a.commit([Write("held_alerts", held, replace={"as_of": NIGHT})])
        kept = a.table("held_alerts")
        assert kept["reason"].item() == "data-health gate closed: 2 of 2 feeds failed"
        assert json.loads(kept["evidence"].item()) == {"n": 1}


def _degraded_night() -> pd.DataFrame:
    """A night's ledger with feed vn0 read in a degraded way (the rest read fine)."""
    feeds = _catalog(2, 1)
    feeds.loc[feeds["feed_id"] == "vn0", "last_status"] = "degraded_parse"
    return completeness_ledger(
        as_of=NIGHT, feeds=feeds, observed=dict.fromkeys(feeds["feed_id"], 10),
        history=_history(feeds),
    )  # fmt: skip


def test_degraded_rows_read_the_flag_not_the_message() -> None:
    """The ledger flags the rows a degraded read touched (the feed, its outlet, and the
    groups with part of their volume read so); a healthy row whose message happens to
    contain the marker is not counted, and a reworded message loses no degraded row."""
    from earlywarn.completeness import degraded_rows

    led = _degraded_night()
    flagged = led.loc[led["degraded"], ["level", "subject", "status"]].values.tolist()
    assert flagged == [
        ["feed", "vn0", "degraded"], ["outlet", "outlet-vn0", "degraded"],
        ["language", "vi", "ok"], ["country", "VNM", "ok"],
    ]  # fmt: skip
    healthy = (led["subject"] == "uk0") & (led["level"] == "feed")
    led.loc[healthy, "message"] = "operator note: (degraded_parse) was fixed upstream"
    led.loc[led["degraded"], "message"] = "đọc ở chế độ suy giảm"  # reworded, translated
    assert degraded_rows(led).tolist() == led["degraded"].tolist()
    h = check_health(as_of=NIGHT, feeds=_catalog(2, 1), articles=EMPTY_ARTS, ledger=led)
    assert h.loc[h["check"] == "degraded_feed", "subject"].tolist() == ["vn0"]
    try:
        degraded_rows(led.drop(columns="degraded"))
    except ValueError as exc:
        assert "no 'degraded' column" in str(exc)
    else:
        raise AssertionError("a ledger without the flag was read from its text")


def test_migration_14_flags_the_degraded_rows_of_a_v13_archive(tmp_path: Path) -> None:
    """An archive at schema version 13 (migrations 1 to 13 replayed, the completeness
    table as it was then) holding a degraded night gains the ``degraded`` column, set from
    the status or the marker its message carried then; the health rows and the report
    built from the migrated ledger still name the degraded feed."""
    import duckdb

    from earlywarn.store import MIGRATIONS, SCHEMA_VERSION

    led = _degraded_night()
    path = tmp_path / "v13.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for version in range(1, 14):
        for stmt in MIGRATIONS[version]:
            con.execute(stmt)
    con.execute('ALTER TABLE completeness DROP COLUMN "degraded"')  # v13 had no flag
    con.execute("INSERT INTO meta VALUES ('schema_version', '13')")
    old = led.drop(columns="degraded")
    con.register("old", old)
    con.execute("INSERT INTO completeness SELECT * FROM old")
    con.close()
    with Archive(path) as a:
        assert SCHEMA_VERSION >= 14
        assert a.query("SELECT value FROM meta WHERE key = 'schema_version'")["value"][0] == str(
            SCHEMA_VERSION
        )
        kept = a.table("completeness")
    assert kept["degraded"].notna().all()
    got = kept.set_index(["level", "subject"])["degraded"].astype(bool)
    want = led.set_index(["level", "subject"])["degraded"]
    assert got.sort_index().to_dict() == want.sort_index().to_dict() and want.sum() == 4
    h = check_health(as_of=NIGHT, feeds=_catalog(2, 1), articles=EMPTY_ARTS, ledger=kept)
    assert h.loc[h["check"] == "degraded_feed", "subject"].tolist() == ["vn0"]
    html = _render(tmp_path, h, None)
    assert 'id="degraded-note"' in html and "1 feed was read in a degraded way" in html
