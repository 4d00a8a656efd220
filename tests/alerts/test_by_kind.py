"""Rules by kind: real ACLED and UCDP series imported with ``earlywarn import`` raise
alerts through the shipped rules, and the ACLED importer reads ISO timestamps.

The series are real rows of ``shared/data/crisis_series`` (ACLED political-violence
events and UCDP GED deaths per month) for Ethiopia, a tuning-half country, up to the
November 2020 onset of the Tigray war.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from earlywarn.alerts import load_rules
from earlywarn.config import load_settings
from earlywarn.io import read_acled
from earlywarn.io.history import import_history
from earlywarn.pipeline import run_nightly
from earlywarn.store import Archive

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_shipped_rules_find_imported_series_by_kind() -> None:
    rules = load_rules()

    def names(uid: str) -> list[str]:
        return [r.name for r in rules if r.matches(uid)]

    assert names("ETH:pv_events") == ["material-conflict-volume"]
    assert names("ETH:ucdp_fatalities") == ["fatalities-surge"]
    assert names("ETH:root19") == names("ev:ETH:r19") == ["fighting-surge"]
    assert names("YEM:total") == ["event-volume-surge"]
    assert names("ev:ETH") == []  # all events of a news-coded country: no rule (as before)


def test_imported_acled_and_ucdp_series_raise_alerts(tmp_path: Path) -> None:
    full = pd.read_csv(DATA / "crisis_series" / "acled_africa_monthly_long.csv", parse_dates=["ds"])
    eth = full[full["unique_id"].isin(["ETH:pv_events", "ETH:ucdp_fatalities"])]
    eth = eth[eth["ds"] <= "2020-12-01"]
    csv = tmp_path / "ETH_acled_ucdp_monthly.csv"
    eth.to_csv(csv, index=False)
    cfg = tmp_path / "earlywarn.toml"
    cfg.write_text(
        f'archive = "{tmp_path / "a.duckdb"}"\noutput_dir = "{tmp_path / "out"}"\n'
        'scheduler = "synchronous"\n'
    )
    s = load_settings(cfg, environ={})
    report = import_history(s, "counts", csv)
    assert report["rows_kept"] == len(eth)
    run_nightly(s, "2020-11-30", stages=["series", "detect", "alerts"])
    with Archive(s.archive, read_only=True) as a:
        alerts = a.table("alerts")
    fired = alerts[alerts["unique_id"] == "ETH:pv_events"]
    assert list(fired["rule"]) == ["material-conflict-volume"]
    ev = json.loads(fired["evidence"].iloc[0])
    assert ev["anomaly"]["ds"].startswith("2020-11") and ev["anomaly"]["y"] == 243.0
    assert ev["anomaly"]["expected"] > 10  # a real baseline, not a zero-filled past
    # the month before the onset raises nothing
    run_nightly(s, "2020-10-31", stages=["series", "detect", "alerts"])
    with Archive(s.archive, read_only=True) as a:
        assert a.table("alerts", "as_of = ?", ["2020-10-31"]).empty


ACLED_ISO = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp\n"
    "ETH1001,2021-01-02T00:00:00Z,2021,1,Political violence,Battles,Armed clash,"
    "Military Forces of Ethiopia (2018-),,1,TPLF: Tigray People's Liberation Front,,2,12,,231,"
    "Eastern Africa,Ethiopia,Tigray,Central Tigray,Abiy Addi,Abiy Addi,13.6229,39.0031,1,"
    "Reuters,International,Clashes near Abiy Addi,3,,1611000000\n"
    "ETH1002,2021-01-03T23:30:00+03:00,2021,1,Political violence,Battles,Armed clash,"
    "Military Forces of Ethiopia (2018-),,1,TPLF: Tigray People's Liberation Front,,2,12,,231,"
    "Eastern Africa,Ethiopia,Tigray,Central Tigray,Abiy Addi,Abiy Addi,13.6229,39.0031,1,"
    "Reuters,International,Clashes,0,,1611000000\n"
    "ETH1003,2021-01-04 00:00:00,2021,1,Political violence,Battles,Armed clash,A,,1,B,,2,12,,"
    "231,Eastern Africa,Ethiopia,Tigray,,,x,13.6,39.0,1,Reuters,International,x,0,,1611000000\n"
    "ETH1004,04 January 2021,2021,1,Political violence,Battles,Armed clash,A,,1,B,,2,12,,"
    "231,Eastern Africa,Ethiopia,Tigray,,,x,13.6,39.0,1,Reuters,International,x,0,,1611000000\n"
    "ETH1005,2021-13-40T00:00:00Z,2021,1,Political violence,Battles,Armed clash,A,,1,B,,2,12,,"
    "231,Eastern Africa,Ethiopia,Tigray,,,x,13.6,39.0,1,Reuters,International,x,0,,1611000000\n"
)


def test_acled_reads_iso_timestamps(tmp_path: Path) -> None:
    p = tmp_path / "acled.csv"
    p.write_text(ACLED_ISO, encoding="utf-8")
    ev, report = read_acled(p)
    assert report.reasons == {"bad_date": 1}
    # the calendar date as written, whatever the offset
    assert [str(d)[:10] for d in ev["date"]] == [
        "2021-01-02",
        "2021-01-03",
        "2021-01-04",
        "2021-01-04",
    ]
    assert set(ev["location_country"]) == {"ETH"}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("rules:\n  - name: a\n    kind: [weather]\n", "key 'kind'"),
        ("rules:\n  - name: a\n    event_class: ['cameo:1']\n", "key 'event_class'"),
        ("rules:\n  - name: a\n    min_per_month: lots\n", "key 'min_per_month'"),
    ],
)
def test_kind_keys_are_validated(tmp_path: Path, text: str, needle: str) -> None:
    from earlywarn.errors import ConfigError

    p = tmp_path / "rules.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=needle.replace("[", r"\[")):
        load_rules(p)


def test_shipped_thresholds_come_from_the_tuning_half() -> None:
    from dataclasses import replace

    from earlywarn.alerts.evaluate import (
        LABELLED_FROM,
        alert_table,
        calibrate_threshold,
        development_data,
        textbook_detectors,
    )
    from earlywarn.detect import detect

    data = development_data(DATA)
    series, labels = data["tuning"]
    assert labels["unique_id"].isin(series["unique_id"].str[:3]).all()
    assert not set(series["unique_id"]) & set(data["held_aside"][0]["unique_id"])
    rules = {r.name: r for r in load_rules()}
    an = detect(series, as_of=series["ds"].max(), lookback=None)
    rule = rules["material-conflict-volume"]
    # 0.015 false alerts per country-year for the two rules covering the tuning half
    since = LABELLED_FROM["tuning"]
    assert (
        calibrate_threshold(series, labels, rule, target=0.0075, anomalies=an, since=since)
        == rule.threshold
    )
    table = alert_table(
        {"tuning": (series, labels)},
        {"shipped": list(rules.values()), "nb": textbook_detectors()["nb_surprise"]},
    ).set_index("candidate")
    assert table.loc["shipped", "false_per_country_year"] <= 0.05
    assert table.loc["shipped", "precision"] > 2 * table.loc["nb", "precision"]
    assert table.loc["shipped", "onsets"] == 15
    loose = replace(rule, threshold=2.0, min_per_month=0)
    assert calibrate_threshold(series, labels, loose, target=10.0, anomalies=an) == 2.0
