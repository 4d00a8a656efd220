"""Feeds that would cost feedparser's tolerant parser seconds (~100-150 µs a tag) are read
by lxml's recovering parser past a budget of tags, with a note saying so (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from unittest import mock

import feedparser
import pytest

import earlywarn.collect.feeds as feeds
from earlywarn.collect import Feed, collect
from earlywarn.collect.feeds import TOLERANT_TAGS, parse_feed, read_feed, strip_html
from earlywarn.config import load_settings
from earlywarn.pipeline import run_nightly
from earlywarn.store import Archive
from tests.collect.conftest import Route, Server, settings

_DATE = "<pubDate>Wed, 26 Jul 2017 19:55:20 +0700</pubDate>"


def _doc(body: bytes, head: bytes = b"<title>T</title>") -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        + head
        + body
        + b"</channel></rss>"
    )


def _item(i: int, description: bytes = b"hi", after: str = "") -> bytes:
    return (
        f"<item><title>Item {i}</title><link>https://e.com/{i}</link>".encode()
        + b"<description>"
        + description
        + b"</description>"
        + after.encode()
        + b"</item>"
    )


def _read(
    doc: bytes, caplog: pytest.LogCaptureFixture
) -> tuple[list[feeds.Entry], list[int], list[logging.LogRecord]]:
    """Entries, the tags of each document the tolerant parser was given, the degraded notes."""
    caplog.clear()
    with (
        caplog.at_level(logging.WARNING, logger="earlywarn"),
        mock.patch.object(feeds, "loose_items", wraps=feeds.loose_items) as spy,
    ):
        got = parse_feed(doc, "https://e.com/feed")
    notes = [r for r in caplog.records if getattr(r, "reason", None) == "degraded_parse"]
    return got, [call.args[0].count(b"<") for call in spy.call_args_list], notes


def test_a_feed_nested_past_the_depth_limit_is_read_by_the_recovering_parser(
    caplog: pytest.LogCaptureFixture,
) -> None:
    depth = 50_000  # libxml2 stops at 256; 100,000 tags for the tolerant parser: ~10 s
    deep = b"<div>" * depth + b"x" + b"</div>" * depth
    body = b"".join(_item(i) for i in range(3)) + _item(3, deep) + _item(4, b"after")
    got, loose, notes = _read(_doc(body), caplog)
    assert [(e.title, e.link) for e in got] == [
        (f"Item {i}", f"https://e.com/{i}") for i in range(5)
    ]
    assert got[4].summary == "after"
    assert got[3].summary == "x"  # the deep item's own text (lost on 5d061f1)
    assert sum(loose) <= TOLERANT_TAGS  # the deep item never went to it
    assert len(notes) == 1 and "degraded" in notes[0].getMessage()


def test_many_unescaped_br_past_the_budget_keep_titles_links_and_dates(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # 100 items of 300 unclosed <br>: every item bad, 30,000 tags in all
    body = b"".join(_item(i, b"line" + b"<br>line" * 300, _DATE) for i in range(100))
    doc = _doc(body)
    assert doc.count(b"<") > TOLERANT_TAGS
    got, loose, notes = _read(doc, caplog)
    assert [(e.title, e.link) for e in got] == [
        (f"Item {i}", f"https://e.com/{i}") for i in range(100)
    ]
    # the pubDate after the description is not swallowed by the unclosed <br>s
    assert all(e.date_flag == "ok" for e in got)
    assert got[-1].summary == " ".join(["line"] * 301)
    assert 0 < sum(loose) <= TOLERANT_TAGS  # the first items as before, the rest recovered
    assert len(notes) == 1


def test_a_document_that_cannot_be_cut_into_items_is_recovered_whole(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # a stray end tag in the channel's head: items cannot be cut; nested past 256
    head = b"<title>T</b></title>"
    deep = b"<b>" * 20_000 + b"</b>" * 20_000
    got, loose, notes = _read(_doc(_item(0) + _item(1, deep) + _item(2), head), caplog)
    assert [e.link for e in got][:2] == ["https://e.com/0", "https://e.com/1"]
    assert loose == [] and len(notes) == 1


def test_an_ill_formed_feed_under_the_budget_reads_as_feedparser_reads_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # stray "<" in every title: all items bad, the whole document to the tolerant parser
    body = b"".join(
        f"<item><title>a < b {i}</title><link>https://e.com/{i}</link>{_DATE}"
        f"<description>x<br>y</description></item>".encode()
        for i in range(8)
    )
    doc = _doc(body)
    got, loose, notes = _read(doc, caplog)
    ref = feedparser.parse(doc).entries
    assert [(e.title, e.link) for e in got] == [(strip_html(r.title), r.link) for r in ref]
    assert len(got) == 8 and loose and not notes
    # the same document past a smaller budget: recovered, its links and dates still read
    with mock.patch.object(feeds, "TOLERANT_TAGS", 20):
        small, loose, notes = _read(doc, caplog)
    assert [e.link for e in small] == [e.link for e in got]
    assert all(e.date_flag == "ok" for e in small)
    assert sum(loose) <= 20 and len(notes) == 1


def _ill_formed(server: Server, n: int = 8) -> bytes:
    """``n`` items, a stray "<" in every title (all bad): the whole document goes to the
    tolerant parser, 4 tags an item; items link to pages of ``server``."""
    return _doc(
        b"".join(
            f"<item><title>a < b {i}</title><link>{server.url(f'/a/{i}')}</link>{_DATE}"
            f"<description>summary {i}</description></item>".encode()
            for i in range(n)
        )
    )


def test_a_degraded_read_is_noted_with_the_result() -> None:
    doc = _doc(b"".join(f"<item><title>a < b {i}</title></item>".encode() for i in range(8)))
    assert read_feed(doc, "https://e.com/feed").notes == ()
    with mock.patch.object(feeds, "TOLERANT_TAGS", 8):
        got = read_feed(doc, "https://e.com/feed")
    assert len(got.entries) == 8 and got.notes == ("degraded_parse",) and got.recovered >= 1


def test_collect_counts_a_degraded_feed_and_keeps_its_items(server: Server) -> None:
    """A feed served over loopback HTTP past the (patched) budget: not failed, all its
    items stored, counted as ``degraded_parse``; a clean feed beside it is not counted."""
    server.routes["/bad.rss"] = Route(_ill_formed(server), headers={"Content-Type": "text/xml"})
    server.routes["/good.rss"] = Route(
        _doc(_item(100).replace(b"https://e.com/100", server.url("/a/100").encode()))
    )
    catalog = [
        Feed(server.url("/bad.rss"), outlet="Bad", language="en"),
        Feed(server.url("/good.rss"), outlet="Good", language="en"),
    ]
    as_of = dt.date(2024, 1, 1)
    with mock.patch.object(feeds, "TOLERANT_TAGS", 20):
        out = collect(catalog, as_of, settings=settings())
    assert out.stats["reason:degraded_parse"] == 1 and out.stats["feeds_degraded"] == 1
    assert out.stats["feeds_ok"] == 2 and "feeds_failed" not in out.stats
    # the note is the feed's status (not a failure), so the night's ledger can mark it
    status = dict(zip(out.feeds["outlet"], out.feeds["last_status"], strict=True))
    assert status == {"Bad": "degraded_parse", "Good": "ok"}
    bad = out.articles[out.articles["outlet"] == "Bad"]
    # all stored, with their feed summaries (the pages 404); titles may lose the "<"
    assert sorted(bad["url"]) == sorted(server.url(f"/a/{i}") for i in range(8))
    assert sorted(bad["text"]) == sorted(f"summary {i}" for i in range(8))
    # the same night with the usual budget: nothing degraded
    again = collect(catalog, as_of, settings=settings())
    assert "reason:degraded_parse" not in again.stats and len(again.articles) == 9


def test_a_degraded_night_is_in_the_run_log_and_the_health_table(
    server: Server, tmp_path: Path
) -> None:
    """The nightly collect and health stages: the degraded feed's items are in the archive,
    the collect run's counts hold ``reason:degraded_parse`` and the health table (the
    report's "Data health") a ``degraded_parse`` warning; the gate stays open."""
    server.routes["/bad.rss"] = Route(_ill_formed(server))
    cat = tmp_path / "catalog.yaml"
    cat.write_text(f"feeds:\n- {{url: '{server.url('/bad.rss')}', language: en}}\n")
    s = load_settings(
        environ={},
        archive=tmp_path / "a.duckdb",
        output_dir=tmp_path / "out",
        catalog=cat,
        scheduler="synchronous",
        http={
            "politeness_delay": 0,
            "allow_private": ["127.0.0.1"],
            "retries": 0,
            "respect_robots": False,
        },
    )
    with mock.patch.object(feeds, "TOLERANT_TAGS", 20):
        result = run_nightly(s, "2024-01-01", stages=["collect", "health"])
    assert result.rows["collect"]["reason:degraded_parse"] == 1
    assert result.rows["health"]["gate_open"] == 1
    with Archive(s.archive, read_only=True) as a:
        arts = a.table("articles")
        run = json.loads(a.table("runs", "stage = 'collect'")["rows"].item())
        health = a.table("health")
        ledger = a.table("completeness")
    assert len(arts) == 8 and run["reason:degraded_parse"] == 1 and run["feeds_degraded"] == 1
    # every ledger row of the night is touched by the one (degraded) feed, and flagged so
    assert len(ledger) == 4 and ledger["degraded"].astype(bool).all()
    row = health[health["check"] == "degraded_parse"]
    assert row["status"].item() == "warn" and row["value"].item() == 1
    assert row["message"].item().startswith("1 of 1 feeds read in a degraded way")
    named = health[health["check"] == "degraded_feed"]
    assert named["status"].item() == "warn" and "(degraded_parse)" in named["message"].item()
