"""Offline validation of the shipped catalogs and of the loader's error messages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pycountry
import pytest

from earlywarn.collect.catalog import KINDS, Feed, load_catalog, save_opml, save_yaml
from earlywarn.errors import ConfigError

FEEDS = Path(__file__).resolve().parents[2] / "feeds"


def test_global_catalog_is_large_multilingual_and_valid() -> None:
    feeds = load_catalog(FEEDS / "global.yaml")
    assert len(feeds) >= 150
    languages = Counter(f.language for f in feeds)
    assert len(languages) >= 15 and languages["vi"] >= 25
    for f in feeds:
        assert pycountry.languages.get(alpha_2=f.language) is not None, f
        assert f.country is None or pycountry.countries.get(alpha_3=f.country) is not None, f
        assert f.kind in KINDS and f.outlet and f.interval_minutes >= 5
    outlets = {f.outlet for f in feeds}
    for name in (
        "VnExpress",
        "Tuoi Tre",
        "Thanh Nien",
        "VietnamPlus",
        "Nhan Dan",
        "VOV",
        "Dan Tri",
        "Reuters",
        "BBC",
        "DW",
        "France 24",
        "Al Jazeera",
        "NHK",
        "Xinhua",
        "Kyodo",
        "Yonhap",
        "UN News",
        "ASEAN Secretariat",
    ):
        assert name in outlets, name
    kinds = Counter(f.kind for f in feeds)
    assert (
        kinds["ministry"] >= 3
        and kinds["international organisation"] >= 5
        and kinds["think tank"] >= 5
    )
    assert len({f.feed_id for f in feeds}) == len(feeds)


def test_opml_matches_yaml() -> None:
    yaml_feeds = load_catalog(FEEDS / "global.yaml")
    opml_feeds = load_catalog(FEEDS / "global.opml")
    assert set(yaml_feeds) == set(opml_feeds)


def test_round_trips(tmp_path: Path) -> None:
    feeds = [
        Feed(
            "https://e.vn/rss",
            title="T",
            outlet="O",
            language="vi",
            country="VNM",
            kind="ministry",
            interval_minutes=30,
        ),
        Feed("http://127.0.0.1:8765/feeds/bbc.xml", outlet="bbc.com", mirror=True),
    ]
    assert load_catalog(save_yaml(feeds, tmp_path / "c.yaml")) == feeds
    assert load_catalog(save_opml(feeds, tmp_path / "c.opml")) == feeds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {url: 'ftp://e.com/rss'}", "feed #1 (ftp://e.com/rss): key 'url'"),
        ("- {url: 'https://e.com/rss', language: vietnamese}", "key 'language'"),
        ("- {url: 'https://e.com/rss', kind: blogger}", "key 'kind'"),
        ("- {url: 'https://e.com/rss', interval_minutes: 0}", "key 'interval_minutes'"),
        ("- {url: 'https://e.com/rss', colour: red}", "unknown key(s) ['colour']"),
        ("- {url: 'https://e.com/rss', mirror: maybe}", "key 'mirror' must be true or false"),
        (
            "- {url: 'https://e.com/rss'}\n- {url: 'https://E.com/rss#x'}",
            "feed #2 (https://E.com/rss#x): key 'url' duplicates",
        ),
        ("feeds: [oops", "not valid YAML"),
    ],
)
def test_errors_name_file_entry_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_catalog(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_missing_file_and_bad_opml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_catalog(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.opml"
    bad.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><opml><body>&a;</body></opml>'
    )
    with pytest.raises(ConfigError, match="not valid OPML"):
        load_catalog(bad)
