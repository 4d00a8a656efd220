"""Narratives of the focal country: real Vietnamese reports, one English report, the stage."""

from __future__ import annotations

import pandas as pd
import pytest

from earlywarn.extract import cluster_stories, extract_mentions
from earlywarn.focal.narratives import crossings, narratives
from earlywarn.focal.pickup_eval import load_corpus


@pytest.fixture(scope="module")
def crash() -> pd.DataFrame:
    """KTLAB cluster 24 (Lao Airlines crash, Vietnamese victims, three Vietnamese outlets)
    and an English report of the same crash written for the test, a day after the last."""
    vi = load_corpus()
    vi = vi[vi["cluster_id"] == "cluster_24"].drop(columns="cluster_id")
    en = pd.DataFrame({
        "article_id": ["en-crash"], "language": ["en"], "outlet": ["ABC News"],
        "country": ["AUS"],
        "title": ["Laos plane crash: bodies of Vietnamese and Australian victims recovered"],
        "text": ["Rescuers in Laos recovered more bodies from the Mekong River after a Lao Airlines "
                 "ATR-72 crashed near Pakse, killing all 49 people on board, including Vietnamese, "
                 "Australian and French passengers. Vietnam sent a team to Pakse to help."],
        "published": [pd.Timestamp("2013-10-20 09:00", tz="UTC")],
    })  # fmt: skip
    return pd.concat([vi, en], ignore_index=True)


def test_narrative_spreads_to_english(crash: pd.DataFrame) -> None:
    stories = cluster_stories(crash, extract_mentions(crash), window_days=5)
    n = narratives(crash, stories, country="VNM", as_of="2013-10-20")
    assert len(n) == 1, n[["title", "languages"]]
    row = n.iloc[0]
    assert row["languages"] == ["en", "vi"] and row["new_languages"] == ["en"]
    assert row["status"] == "spreading" and row["new_countries"] == ["AUS"]
    assert row["n_articles"] == 4 and row["key_phrases_vi"]
    cross = crossings(n, crash, as_of="2013-10-20")
    assert list(cross["language"]) == ["en"] and cross["evidence"].iloc[0][0] == "en-crash"
    # the day before, the narrative was Vietnamese only and had stopped for nothing
    before = narratives(crash, stories, country="VNM", as_of="2013-10-19")
    assert before.iloc[0]["languages"] == ["vi"] and before.iloc[0]["status"] == "steady"
    # three days after its last article it is fading
    later = narratives(crash, stories, country="VNM", as_of="2013-10-23")
    assert later.iloc[0]["status"] == "fading" and later.iloc[0]["new_languages"] == []


def test_crossing_raises_the_rule_alert_with_its_evidence(crash: pd.DataFrame, tmp_path) -> None:
    import datetime as dt

    from earlywarn.alerts import load_rules
    from earlywarn.config import Settings
    from earlywarn.focal.narrative_stage import narratives_summary, perception_alerts
    from earlywarn.schema import empty_frame
    from earlywarn.stage import StageContext
    from earlywarn.store import Archive, Write

    day = dt.date(2013, 10, 20)
    stories = cluster_stories(crash, extract_mentions(crash), window_days=5)
    n = narratives(crash, stories, country="VNM", as_of=day).assign(as_of=day, country="VNM")
    arts = pd.concat([empty_frame("articles"), crash.assign(url=crash["article_id"], as_of=day)])
    with Archive(tmp_path / "a.duckdb") as archive:
        archive.commit_stage(day, "t", [Write("articles", arts[list(empty_frame("articles"))]),
                                        Write("narratives", n)])  # fmt: skip
        ctx = StageContext(archive=archive, settings=Settings(), as_of=day, run_id="t")
        rules = load_rules()
        alerts = perception_alerts(ctx, rules, archive.table("alerts"))
        assert list(alerts["rule"]) == ["narrative-new-language"]
        a = alerts.iloc[0]
        assert a["unique_id"] == "cov:VNM" and a["severity"] == "low"  # 2 languages now
        assert "reaches English" in a["title"]
        import json

        from earlywarn.labels import alert_reason, alert_title

        ev = json.loads(a["evidence"])
        # read in Vietnamese: the title and the reason made again from the evidence
        assert alert_title(a.to_dict(), "vi").startswith("Câu chuyện về Việt Nam lan sang Tiếng Anh: ")
        assert "(Tiếng Việt)" in alert_reason(ev, a["rule"], "vi")
        assert alert_reason(ev, a["rule"]).startswith("A story about Vietnam appeared in English")
        assert ev["language"] == "en" and ev["languages_before"] == ["vi"]
        assert ev["articles"][0]["article_id"] == "en-crash" and len(ev["articles"]) == 4
        # the same crossing tomorrow keeps its id; a stricter rule raises nothing
        again = perception_alerts(ctx, rules, alerts)
        assert list(again["alert_id"]) == list(alerts["alert_id"])
        strict = [r if r.name != "narrative-new-language" else
                  type(r)(**{**r.__dict__, "threshold": 3.0}) for r in rules]  # fmt: skip
        assert perception_alerts(ctx, strict, archive.table("alerts")).empty
        summary = narratives_summary(archive, "VNM", day)
        assert summary["new_languages"].iloc[0] == ["en"]
