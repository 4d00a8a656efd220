"""Perception series, rules bound to the focal country, and the focal stage on a real archive."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from earlywarn.alerts.rules import bind_focal, load_rules
from earlywarn.config import load_settings
from earlywarn.focal.series import NEW_OUTLET_AFTER, perception_series
from earlywarn.focal.tagging import tag_articles
from earlywarn.pipeline import run_nightly
from earlywarn.series.kinds import is_level, series_kind
from earlywarn.store import Archive, Write


def _articles() -> pd.DataFrame:
    days = pd.date_range("2024-03-01", periods=20, freq="D", tz="UTC")
    rows = []
    for i, d in enumerate(days):
        rows.append(("quiet.com", "en", "USA", d, "Markets", "Stocks were flat today."))
        rows.append(("vn.vn", "vi", "VNM", d, "Thời tiết", "Hà Nội nắng nóng."))
        if i >= 15:  # a regional story: Vietnam and Thailand together, then Vietnam alone
            rows.append(("wire.com", "en", "GBR", d, "Floods", "Floods hit Vietnam and Thailand."))
        if i == 18:
            rows.append(
                ("quiet.com", "en", "USA", d, "Vietnam", "Vietnam's economy faces a crisis.")
            )
    frame = pd.DataFrame(
        rows, columns=["outlet", "language", "country", "published", "title", "text"]
    )
    frame["article_id"] = [f"a{i}" for i in range(len(frame))]
    return frame


def test_perception_series_compare_peers_and_break_down_the_focal_country() -> None:
    arts = _articles()
    per = tag_articles(arts, "VNM", ["THA", "CHN"])
    y = perception_series(arts, per, "VNM", ["THA", "CHN"])
    ids = set(y["unique_id"])
    assert {"per:VNM", "per:THA", "pshare:VNM", "ptone:VNM", "pneg:VNM", "pnew:VNM"} <= ids
    assert {"per:VNM:lang=en", "per:VNM:src=GBR", "per:VNM:out=vn.vn", "per:VNM:w"} <= ids
    day = y.set_index(["unique_id", "ds"])["y"]
    # a peer never named: zero volume and share from the grid's start (collection start), no tone
    chn = y[y["unique_id"] == "per:CHN"]
    assert chn["ds"].min() == pd.Timestamp("2024-03-01") and (chn["y"] == 0).all()
    assert (
        len(chn) == 20
        and "ptone:CHN" not in ids
        and day[("pshare:CHN", d19 := pd.Timestamp("2024-03-19"))] == 0
    )
    assert day[("per:VNM", d19)] == 3 and day[("per:THA", d19)] == 1
    assert day[("pshare:VNM:lang=en", d19)] == pytest.approx(2 / 3)
    new = y[(y["unique_id"] == "pnew:VNM") & (y["y"] > 0)]["ds"].tolist()
    assert new == [d19]  # quiet.com, collected for weeks; wire.com is first seen that day
    assert NEW_OUTLET_AFTER == 7
    assert all(series_kind(u).kind.startswith("perception") for u in ids)
    assert is_level("ptone:VNM") and not is_level("pneg:VNM")


def test_weekly_volume_leaves_out_partial_weeks() -> None:
    """Collection from Friday 1 to Wednesday 20 March: the weeks of 26 February and 18 March
    hold three days each, and their weekly volume read as a fall to under half (the nightly
    job's current week is partial six nights in seven). Whole weeks only; share and tone,
    a ratio and a mean, keep every week."""
    arts = _articles()
    y = perception_series(arts, tag_articles(arts, "VNM", ["THA"]), "VNM", ["THA"])
    by = {u: g.set_index("ds")["y"] for u, g in y.groupby("unique_id")}
    whole = [pd.Timestamp("2024-03-04"), pd.Timestamp("2024-03-11")]
    for c in ("VNM", "THA"):
        assert by[f"per:{c}:w"].index.tolist() == whole
        daily = by[f"per:{c}"]
        for wk in whole:
            assert by[f"per:{c}:w"][wk] == daily[wk : wk + pd.Timedelta(days=6)].sum()
    assert len(by["pshare:VNM:w"]) == 4 and by["pshare:VNM:w"].index.min() == pd.Timestamp(
        "2024-02-26"
    )
    end = perception_series(arts, tag_articles(arts, "VNM", []), "VNM", end="2024-03-24")
    assert end.loc[end["unique_id"] == "per:VNM:w", "ds"].max() == pd.Timestamp("2024-03-18")


def test_rules_follow_the_configured_focal_country() -> None:
    rules = bind_focal(load_rules(), load_settings(focal_country="Laos").focal_country)
    names = {r.name for r in rules if r.matches("pneg:LAO")}
    assert names == {"focal-negative-surge"}
    assert not any(r.matches("pneg:VNM") for r in rules)
    assert {r.name for r in rules if r.matches("pnew:LAO")} == {"focal-new-outlets"}


def test_focal_stage_tags_once_and_the_series_stage_reads_it(tmp_path: Path) -> None:
    s = load_settings(archive=tmp_path / "a.duckdb", output_dir=tmp_path, focal_peers=["THA"])
    from earlywarn.schema import TABLES

    arts = _articles().assign(url=lambda f: "https://x/" + f["article_id"], feed_id="f")
    arts = arts.reindex(columns=list(TABLES["articles"].columns))
    with Archive(s.archive) as a:
        a.commit_stage(date(2024, 3, 20), "import", [Write("articles", arts)])
    first = run_nightly(s, date(2024, 3, 20), stages=["focal"])
    again = run_nightly(s, date(2024, 3, 20), stages=["focal", "series"], force=True)
    with Archive(s.archive, read_only=True) as a:
        per = a.table("perception")
        series = a.table("series")
    assert first.rows["focal"]["tagged"] == len(arts) and again.rows["focal"]["tagged"] == 0
    assert set(per.loc[per["role"] == "peer", "country"]) == {"THA"}
    assert per.loc[per["country"] == "VNM", "article_id"].nunique() == len(arts)
    heads = set(series["unique_id"].str.split(":").str[0])
    assert {"per", "pshare", "ptone", "pneg", "pnew", "cov"} <= heads
    y = series.set_index(["unique_id", "ds"])["y"]
    d19 = pd.Timestamp("2024-03-19")
    # cov:VNM counts the articles the focal tagger found it in (no gazetteer mentions here)
    assert y[("cov:VNM", d19)] == y[("per:VNM", d19)] == 3
    assert (y.loc["cov:THA"] >= 0).all() and y[("cov:THA", d19)] == 1


def test_narrative_series_and_their_evidence() -> None:
    from earlywarn.alerts.evidence import build_evidence
    from earlywarn.focal.series import narrative_series

    arts = _articles()
    per = tag_articles(arts, "VNM", ["THA"])
    floods = arts[arts["title"] == "Floods"]["article_id"].tolist()  # days 16-20, one a day
    narr = pd.DataFrame({"narrative_id": ["s1", "s1"], "article_ids": [floods[:3], floods]})
    y = narrative_series(narr, arts, "VNM", end="2024-03-21")
    vol = y[y["unique_id"] == "per:VNM:nar=s1"]
    assert vol["ds"].min() == pd.Timestamp("2024-03-16") and vol["y"].tolist() == [1.0] * 5 + [0.0]
    assert y.loc[y["unique_id"] == "plang:VNM:nar=s1", "y"].max() == 1.0
    assert series_kind("plang:VNM:nar=s1").kind == "perception_languages"
    arts = arts.assign(story_id=["s1" if a in floods else a for a in arts["article_id"]])
    ev = build_evidence("per:VNM:nar=s1", "2024-03-18", as_of="2024-03-21", series=y,
                        events=None, articles=arts, mentions=None, forecasts=None,
                        perception=per)  # fmt: skip
    assert [a["title"] for a in ev["articles"]] == ["Floods"]
