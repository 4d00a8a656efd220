"""Pickup of official statements: real Vietnamese texts, the cross-language rule, the gold set."""

from __future__ import annotations

import pandas as pd
import pytest

from earlywarn.extract import extract_mentions
from earlywarn.focal.pickup import low_pickup, match_pickup, numbers, pickup_summary
from earlywarn.focal.pickup_eval import evaluate_pickup, load_corpus


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return load_corpus()


def test_vietnamese_statement_is_picked_up_by_its_cluster(corpus: pd.DataFrame) -> None:
    day = corpus[corpus["published"].dt.strftime("%Y-%m-%d").isin(["2013-10-22", "2013-10-23"])]
    st = day[
        day["article_id"] == "12233445"
    ]  # Báo Tin tức: Hàn Quốc bán chiến đấu cơ cho Philippines
    m = match_pickup(st, day, extract_mentions(day))
    got = set(m["article_id"])
    cluster = set(day.loc[day["cluster_id"] == "cluster_16", "article_id"]) - {"12233445"}
    assert len(got & cluster) >= 3 and got <= cluster
    assert (m["latency_hours"] > 0).all() and m["signals"].str.len().gt(0).all()
    by_outlet = pickup_summary(m, st, by="outlet")
    assert by_outlet["n_articles"].sum() == len(m) and by_outlet["outlet"].notna().all()


def test_cross_language_pickup_by_entities_and_numbers(corpus: pd.DataFrame) -> None:
    st = corpus[corpus["article_id"] == "12233473"].copy()  # VietnamPlus: Nga - Trung Quốc, dầu
    en = pd.DataFrame({
        "article_id": ["en1", "en2"],
        "title": ["Medvedev: Russia's Rosneft to supply China with more oil",
                  "China and Russia hold talks on trade"],
        "text": ["Russian Prime Minister Dmitry Medvedev, on an official visit to China, said "
                 "Rosneft would supply an extra 10 million tonnes of crude a year, some 100 million "
                 "tonnes over the next decade worth $85 billion.",
                 "Leaders of China and Russia met in Beijing to discuss trade, officials said."],
        "language": ["en", "en"], "outlet": ["Reuters", "Xinhua"], "country": ["GBR", "CHN"],
        "published": st["published"].iloc[0] + pd.to_timedelta([5, 6], unit="h"),
    })  # fmt: skip
    both = pd.concat([st, en], ignore_index=True)
    m = match_pickup(st, en, extract_mentions(both))
    assert list(m["article_id"]) == ["en1"]
    assert "numbers" in m["signals"].iloc[0] and "text" not in m["signals"].iloc[0]
    alerts = low_pickup(st, m, as_of=pd.Timestamp("2013-11-01"), min_articles=2)
    assert list(alerts["statement_id"]) == ["12233473"] and alerts["evidence"].iloc[0] == ["en1"]
    assert low_pickup(st, m, as_of=pd.Timestamp("2013-10-23"), min_articles=2).empty  # window open


def test_numbers_read_both_conventions() -> None:
    assert (
        numbers("20 tỷ USD, 40.000 người")
        == numbers("$20 billion, 40,000 people")
        == {"20", "40000"}
    )


@pytest.mark.slow
def test_eval_pickup_both_halves() -> None:
    table = evaluate_pickup().set_index("half")
    assert list(table.index) == ["tuning", "held_aside"]
    assert table["gold_pairs"].tolist() == [12, 19]
    assert table.loc["tuning", "precision"] >= 0.9 and table.loc["tuning", "recall"] >= 0.9


def test_a_ministry_social_account_post_is_measured_like_a_statement(
    corpus: pd.DataFrame, tmp_path
) -> None:
    """A post of a feed of a social kind owned by the ministry (family ``official:VNM``) goes
    through the nightly pickup like an official outlet's statement. The post is a real text
    (Báo Tin tức's report of 22/10/2013, read here as if the ministry's channel had posted
    it), its coverage the other outlets' reports of the same KTLAB cluster."""
    import datetime as dt

    from earlywarn.config import Settings
    from earlywarn.focal.narrative_stage import stage
    from earlywarn.schema import empty_frame
    from earlywarn.stage import StageContext
    from earlywarn.store import Archive, Write

    arts = corpus[corpus["cluster_id"] == "cluster_16"].drop(columns="cluster_id")
    feeds = pd.concat([empty_frame("feeds"), pd.DataFrame({
        "feed_id": ["yt", "news"], "url": ["https://www.youtube.com/feeds/videos.xml?channel_id=x",
                                           "https://news.example/rss"],
        "outlet": ["Ministry (YouTube)", "press"], "kind": ["youtube", "newspaper"],
        "country": [None, "VNM"], "language": ["vi", "vi"], "family": ["official:VNM", "press"],
    })])[list(empty_frame("feeds"))]  # fmt: skip
    day = dt.date(2013, 10, 25)
    arts = arts.assign(
        feed_id=["yt" if a == "12233445" else "news" for a in arts["article_id"]],
        url="https://x/" + arts["article_id"], as_of=pd.Timestamp(day),
    )  # fmt: skip
    arts = pd.concat([empty_frame("articles"), arts])[list(empty_frame("articles"))]
    with Archive(tmp_path / "a.duckdb") as archive:
        archive.commit_stage(day, "t", [Write("feeds", feeds), Write("articles", arts)])
        writes, stats = stage(StageContext(archive=archive, settings=Settings(), as_of=day, run_id="t"))
    pickups = next(w.frame for w in writes if w.table == "pickups")
    assert stats["statements"] == 1 and set(pickups["statement_id"]) == {"12233445"}
    assert len(pickups) >= 3 and set(pickups["outlet"]) <= set(arts["outlet"])
