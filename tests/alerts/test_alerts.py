"""evaluate_rules, build_evidence and the lifecycle on real ICEWS rows and real articles."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from earlywarn.alerts import (
    AlertNotFoundError,
    Rule,
    acknowledge,
    build_evidence,
    dismiss,
    evaluate_rules,
    load_rules,
    resolve,
)
from earlywarn.alerts.evaluate import evaluate_alerts
from earlywarn.detect import detect
from earlywarn.errors import ConfigError
from earlywarn.schema import TABLES, validate
from tests.alerts.frames import DATA, frames

AS_OF = "2018-09-26"  # 46 events involving Vietnam that day, the most in the sample


@pytest.fixture(scope="module")
def f() -> dict[str, pd.DataFrame]:
    return frames()


@pytest.fixture(scope="module")
def anomalies(f) -> pd.DataFrame:
    return detect(f["series"], as_of=AS_OF, lookback=None)


def test_evidence_for_event_series(f) -> None:
    ev = build_evidence(
        "ev:VNM",
        "2018-10-31",
        as_of="2018-10-31",
        series=f["series"],
        events=f["events"],
        articles=f["articles"],
        mentions=f["mentions"],
        forecasts=None,
    )
    assert ev["series"][-1] == {"ds": "2018-10-31T00:00:00", "y": 21.0}
    assert len(ev["series"]) == 64
    assert ev["counts"]["events_in_window"] == 21
    assert all(
        "Vietnam" in (e["source_name"] + e["target_name"])
        or e["source_country"] == "VNM"
        or e["target_country"] == "VNM"
        for e in ev["events"]
    )
    # the real articles attached to that day's events come first, with outlet and sentence
    top = ev["articles"][0]
    assert top["url"].startswith("http://www.baomoi.com/")
    assert top["outlet"] and top["language"] == "vi" and top["title"] and top["sentence"]
    json.dumps(ev)  # JSON-ready


def test_evidence_for_dyad_coverage_and_forecast(f) -> None:
    dy = build_evidence(
        "dyad:CHN>VNM",
        "2018-09-12",
        as_of=AS_OF,
        series=f["series"],
        events=f["events"],
        articles=None,
        mentions=None,
        forecasts=None,
    )
    assert len(dy["events"]) == 3 and all(
        e["source_country"] == "CHN" and e["target_country"] == "VNM" for e in dy["events"]
    )
    day = f["articles"]["published"].dt.tz_localize(None).dt.normalize().max()
    fc = pd.DataFrame(
        {
            "unique_id": "cov:VNM",
            "model": ["naive", "ensemble"],
            "ds": [day, day],
            "yhat": [1.0, 2.0],
            "q05": 0.0,
            "q50": [1.0, 2.0],
            "q95": [3.0, 4.0],
            "p_exceed": None,
            "threshold": None,
        }
    )
    cov = build_evidence(
        "cov:VNM",
        day,
        as_of=day,
        series=f["series"],
        events=f["events"],
        articles=f["articles"],
        mentions=f["mentions"],
        forecasts=fc,
    )
    assert cov["events"] == []
    assert cov["articles"] and all(
        a["published"].startswith(day.strftime("%Y-%m-%d")) for a in cov["articles"]
    )
    assert cov["forecast"]["model"] == "ensemble" and cov["forecast"]["q95"] == 4.0


def test_evaluate_rules_columns_ids_and_rerun(f, anomalies) -> None:
    rules = [
        Rule(
            "vn-events",
            series=("ev:VNM",),
            threshold=1.5,
            window="2D",
            cooldown=1,
            severity=((1.5, "medium"), (4.0, "high")),
        )
    ]
    kw = dict(
        as_of=AS_OF,
        series=f["series"],
        events=f["events"],
        articles=f["articles"],
        mentions=f["mentions"],
    )
    out = evaluate_rules(anomalies, rules, **kw)
    assert list(out.columns) == list(TABLES["alerts"].columns)
    validate(out, "alerts")
    assert len(out) == 1
    row = out.iloc[0]
    assert row.unique_id == "ev:VNM" and row.ds == pd.Timestamp(AS_OF) and row.status == "new"
    evidence = json.loads(row.evidence)
    assert evidence["events"] and evidence["anomaly"]["y"] == 46.0
    again = evaluate_rules(anomalies, rules, **kw)
    assert again.alert_id.tolist() == out.alert_id.tolist()
    # nothing fires when the anomaly is outside the window
    later = evaluate_rules(anomalies, rules, **{**kw, "as_of": "2018-10-05"})
    assert later.empty and list(later.columns) == list(TABLES["alerts"].columns)


def _episode_frame(scores: list[float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ds = pd.date_range("2024-03-01", periods=len(scores))
    an = pd.DataFrame(
        {
            "unique_id": "cov:VNM",
            "ds": ds,
            "detector": "ensemble",
            "y": 10.0,
            "expected": 5.0,
            "score": scores,
            "is_anomaly": False,
        }
    )
    return an, an[["unique_id", "ds", "y"]]


def test_lifecycle_resolve_reopen_dismiss_escalate() -> None:
    rule = Rule(
        "spike",
        series=("cov:*",),
        threshold=3.0,
        window="1D",
        cooldown=2,
        severity=((3.0, "medium"), (6.0, "high")),
    )
    an, s = _episode_frame([0, 0, 4.0, 0, 0, 0, 0])
    kw = dict(series=s, events=None, articles=None, mentions=None)
    first = evaluate_rules(an.iloc[:3], [rule], as_of="2024-03-03", **kw)
    aid = first.alert_id.iloc[0]
    with pytest.raises(AlertNotFoundError):
        acknowledge(first, "nope", "lan")
    acked = acknowledge(first, aid, "lan", "watching")
    assert acked.status.iloc[0] == "acknowledged" and "lan" in acked.note.iloc[0]
    # the signal continues and gets stronger: same id (episode continues), still acknowledged,
    # escalated in the evidence
    an2, _ = _episode_frame([0, 0, 4.0, 0, 7.0, 0, 0])
    second = evaluate_rules(an2.iloc[:5], [rule], as_of="2024-03-05", previous=acked, **kw)
    assert second.alert_id.iloc[0] == aid and second.status.iloc[0] == "acknowledged"
    ev = json.loads(second.evidence.iloc[0])
    assert ev["escalated"] and ev["previous_severity"] == "medium"
    assert second.severity.iloc[0] == "high"
    # resolved, then the signal returns within the episode: reopened
    done = resolve(first, aid, "lan", "handled")
    back = evaluate_rules(an2.iloc[:5], [rule], as_of="2024-03-05", previous=done, **kw)
    assert back.status.iloc[0] == "reopened"
    # dismissed stays dismissed
    gone = dismiss(first, aid, "lan", "crawler glitch")
    still = evaluate_rules(an2.iloc[:5], [rule], as_of="2024-03-05", previous=gone, **kw)
    assert still.status.iloc[0] == "dismissed"


def test_min_duration_needs_consecutive_periods() -> None:
    rule = Rule("tone", series=("cov:*",), threshold=3.0, window="1D", min_duration=2)
    an, s = _episode_frame([0, 4.0, 0, 4.0])
    kw = dict(series=s, events=None, articles=None, mentions=None)
    assert evaluate_rules(an, [rule], as_of="2024-03-04", **kw).empty
    an, s = _episode_frame([0, 0, 4.0, 4.0])
    assert len(evaluate_rules(an, [rule], as_of="2024-03-04", **kw)) == 1


def test_evaluation_on_yemen_meets_target() -> None:
    series = pd.read_csv(DATA / "event_counts" / "YEM_gdelt_monthly_long.csv", parse_dates=["ds"])
    res = evaluate_alerts(
        series, DATA / "event_counts" / "YEM_known_crisis_periods.csv", load_rules()
    )
    assert res["onsets"] == 2
    assert res["recall"] >= 0.8
    assert res["false_alerts_per_series_year"] <= 2.0
    assert all(v is not None and v >= 0 for v in res["lead_times"].values())


def test_news_fed_alerts_are_corroborated_by_families(f) -> None:
    # the real articles are attached to Vietnam's last events: alert on that day
    day = pd.Timestamp(f["articles"]["published"].max()).tz_convert(None).normalize()
    an = pd.DataFrame(
        {
            "unique_id": "ev:VNM",
            "ds": [day - pd.Timedelta(days=1), day],
            "detector": "ensemble",
            "y": [10.0, 40.0],
            "expected": 10.0,
            "score": [0.0, 9.0],
            "is_anomaly": [False, True],
        }
    )
    rule = Rule("vn-events", series=("ev:VNM",), threshold=3.0, window="2D", severity="high")
    kw = dict(
        as_of=day,
        series=f["series"],
        events=f["events"],
        articles=f["articles"],
        mentions=f["mentions"],
    )
    out = evaluate_rules(an, [rule], **kw)
    families = json.loads(out.iloc[0].evidence)["corroboration"]["families"]
    assert families >= 1  # ev:VNM's events that day were coded from real articles
    enough = evaluate_rules(an, [rule], min_families=families, **kw)
    assert enough.iloc[0].severity == "high"
    short = evaluate_rules(an, [rule], min_families=families + 1, **kw)
    assert short.iloc[0].severity == "low"  # raised, but not above low
    assert json.loads(short.iloc[0].evidence)["corroboration"]["capped_from"] == "high"
    # without articles (imported events) the rule is not held back
    no_news = evaluate_rules(an, [rule], min_families=5, **{**kw, "articles": None})
    assert no_news.iloc[0].severity == "high"


def test_min_outlets_is_deprecated_with_a_warning_that_says_what_to_do(tmp_path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n  - {name: old, series: ['cov:*'], threshold: 3, min_outlets: 2}\n"
        "  - {name: new, series: ['cov:*'], threshold: 3}\n",
        encoding="utf-8",
    )
    with pytest.warns(FutureWarning) as caught:
        old, new = load_rules(path)
    (msg,) = [str(w.message) for w in caught]
    assert "rule #0 ('old')" in msg and "'min_outlets' is deprecated and ignored" in msg
    assert "min_families" in msg and "EARLYWARN_MIN_FAMILIES" in msg
    assert replace(old, name="new") == new  # ignored: the rule is the same without it
    with pytest.raises(ConfigError, match="unknown key"):  # a misspelling is still an error
        path.write_text("rules:\n  - {name: x, min_outlet: 2}\n", encoding="utf-8")
        load_rules(path)
