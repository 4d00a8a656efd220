"""Public social feeds (YouTube, Mastodon, Bluesky, Reddit) collected over a loopback server.

The fixtures follow each platform's published format (tests/collect/fixtures/social/README.md
says where each comes from); Reddit is a real capture from the shared data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from earlywarn.collect import Feed, collect, parse_feed
from earlywarn.collect.catalog import KINDS, SOCIAL_KINDS, load_catalog, normalize_link
from earlywarn.errors import ConfigError
from tests.collect.conftest import DATA, Route, Server, settings

FIXTURES = Path(__file__).parent / "fixtures" / "social"
AS_OF = dt.date(2016, 1, 1)
XML = {"Content-Type": "application/xml; charset=utf-8"}


def _feeds(server: Server) -> list[Feed]:
    server.routes["/feeds/videos.xml?channel_id=UCaaaaaaaaaaaaaaaaaaaaaa"] = Route(
        (FIXTURES / "youtube_channel.xml").read_bytes(), headers=XML
    )
    server.routes["/@EU_Commission.rss"] = Route(
        (FIXTURES / "mastodon_profile.rss").read_bytes(), headers=XML
    )
    server.routes["/profile/seasia-watcher.bsky.social/rss"] = Route(
        (FIXTURES / "bluesky_profile.rss").read_bytes(), headers=XML
    )
    server.routes["/search.rss?q=vietnam"] = Route(
        (DATA / "rss_feeds" / "rss-parser" / "input" / "reddit.rss").read_bytes(), headers=XML
    )
    return [
        Feed(server.url("/feeds/videos.xml?channel_id=UCaaaaaaaaaaaaaaaaaaaaaa"), outlet="MOFA YouTube",
             language="vi", country="VNM", kind="youtube", family="state:VNM"),
        Feed(server.url("/@EU_Commission.rss"), outlet="EU Commission (Mastodon)", language="en",
             kind="mastodon"),
        Feed(server.url("/profile/seasia-watcher.bsky.social/rss"), outlet="SE Asia watcher",
             language="en", kind="bluesky"),
        Feed(server.url("/search.rss?q=vietnam"), outlet="Reddit search", language="en",
             kind="reddit"),
    ]  # fmt: skip


def test_social_kinds_are_catalog_kinds(tmp_path: Path) -> None:
    assert set(KINDS) > SOCIAL_KINDS and "official" in KINDS
    p = tmp_path / "c.yaml"
    p.write_text(
        "- {url: 'https://bsky.app/profile/x.bsky.social/rss', outlet: X, kind: bluesky}\n"
        "- {url: 'https://e.com/rss', outlet: E, kind: tiktok}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"key 'kind' must be one of .*'bluesky'.*got 'tiktok'"):
        load_catalog(p)


def test_youtube_description_is_the_summary() -> None:
    entries = parse_feed(
        (FIXTURES / "youtube_channel.xml").read_bytes(), "https://www.youtube.com/"
    )
    assert [e.link for e in entries] == [
        "https://www.youtube.com/watch?v=AbCdEfGhIjK",
        "https://www.youtube.com/watch?v=ZyXwVuTsRqP",
    ]
    assert entries[0].summary.startswith("Người phát ngôn Bộ Ngoại giao")
    assert entries[1].summary == ""
    assert entries[0].published == dt.datetime(2013, 10, 23, 9, 30, tzinfo=dt.timezone.utc)


def test_collect_social_feeds(server: Server) -> None:
    result = collect(_feeds(server), AS_OF, settings=settings())
    arts = result.articles.set_index("url")
    assert result.stats["feeds_ok"] == 4 and result.stats["posts"] == len(arts)
    # posts are never fetched as pages: only the four feeds were requested
    assert sorted(server.hits) == sorted(
        ["/feeds/videos.xml?channel_id=UCaaaaaaaaaaaaaaaaaaaaaa", "/@EU_Commission.rss",
         "/profile/seasia-watcher.bsky.social/rss", "/search.rss?q=vietnam"]
    )  # fmt: skip
    yt = arts.loc["https://www.youtube.com/watch?v=AbCdEfGhIjK"]
    assert yt["title"] == "Họp báo thường kỳ Bộ Ngoại giao ngày 23/10/2013"
    assert "Biển Đông" in yt["text"] and yt["country"] == "VNM"
    # a video with no description keeps its title as its text
    assert arts.loc["https://www.youtube.com/watch?v=ZyXwVuTsRqP", "text"] == ""
    # Mastodon: no item title, HTML description -> plain text; title = the first words
    toot = arts.loc[
        normalize_link("https://social.network.europa.eu/@EU_Commission/111111111111111111")
    ]
    assert toot["text"].startswith("We welcome the agreement between #")
    assert "Vietnam and the EU on forest law enforcement (FLEGT)." in toot["text"]
    assert toot["title"].startswith("We welcome the agreement between") and toot["title"].endswith(
        "…"
    )
    assert toot["published"] == pd.Timestamp("2013-10-23 15:02", tz="UTC")
    # Bluesky: the generic "@handle post" title is replaced; ISO 8601 createdAt is the date
    sky = arts.loc["https://bsky.app/profile/seasia-watcher.bsky.social/post/3kabc2def3ghi"]
    assert sky["title"].startswith("Hanoi's foreign ministry says talks with Beijing")
    assert '"as soon as possible"' in sky["text"]
    assert sky["published"] == pd.Timestamp("2013-10-23 12:41:07.512", tz="UTC")
    # Reddit (real capture): titles are the submissions' own
    red = arts[arts["outlet"] == "Reddit search"]
    reddit = (DATA / "rss_feeds" / "rss-parser" / "input" / "reddit.rss").read_bytes()
    links = {normalize_link(e.link) for e in parse_feed(reddit, "https://www.reddit.com/")}
    assert set(red.index) == links and "The water is too deep, so he improvises" in set(
        red["title"]
    )
    assert red["text"].str.contains("submitted by").all()
