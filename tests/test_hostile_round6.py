"""Hostile inputs, sixth round (issue 14; tests/HOSTILE.md): feeds read in a degraded way,
through a real loopback HTTP server, the nightly stages, the archive, the report and the
review page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from starlette.testclient import TestClient

from earlywarn.config import Settings, WebSettings, load_settings
from earlywarn.pipeline import run_nightly
from earlywarn.store import Archive
from earlywarn.web import create_app
from tests.collect.conftest import Route, Server

_DATE = "<pubDate>Wed, 26 Jul 2017 19:55:20 +0700</pubDate>"
NIGHT1, NIGHT2 = date(2024, 5, 9), date(2024, 5, 10)


@pytest.fixture()
def server() -> Iterator[Server]:
    s = Server()
    try:
        yield s
    finally:
        s.close()


def _feed(server: Server, name: str, descriptions: list[bytes]) -> bytes:
    """An RSS 2.0 feed whose items link to pages of ``server`` (404: the feed's summary is
    the article's text), each item's ``pubDate`` after its description."""
    items = b"".join(
        f"<item><title>{name} {i}</title><link>{server.url(f'/{name}/{i}')}</link>".encode()
        + b"<description>" + d + b"</description>" + _DATE.encode() + b"</item>"
        for i, d in enumerate(descriptions)
    )  # fmt: skip
    return (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        + items
        + b"</channel></rss>"
    )


def _deep(depth: int = 50_000) -> bytes:
    """A description nested ``depth`` elements deep (libxml2 stops at 256, the recovering
    parser at 2,048): 100,000 tags, past the tolerant parser's budget of 10,000."""
    return b"lead " + b"<div>" * depth + b"deep text" + b"</div>" * depth + b" tail"


def _settings(server: Server, tmp_path: Path) -> Settings:
    cat = tmp_path / "catalog.yaml"
    cat.write_text(
        "feeds:\n"
        f"- {{url: '{server.url('/deep.rss')}', outlet: Deep, language: en, country: GBR}}\n"
        f"- {{url: '{server.url('/good.rss')}', outlet: Good, language: en, country: GBR}}\n"
    )
    return load_settings(
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


def test_a_deeply_nested_item_keeps_its_description_and_date(
    server: Server, tmp_path: Path
) -> None:
    """A feed whose fourth item's description is nested 50,000 deep, served over HTTP to
    the nightly collect stage: past the tag budget the item went to lxml's recovering
    parser, which stops reading at its depth limit, so the item was stored without its
    description text ('lead' only) and without the pubDate after it (undated)."""
    server.routes["/deep.rss"] = Route(
        _feed(server, "deep", [b"one", b"two", b"three", _deep(), b"five"])
    )
    server.routes["/good.rss"] = Route(_feed(server, "good", [b"fine"]))
    s = _settings(server, tmp_path)
    result = run_nightly(s, NIGHT1, stages=["collect"])
    assert result.rows["collect"]["reason:degraded_parse"] == 1
    with Archive(s.archive, read_only=True) as a:
        arts = a.table("articles").set_index("url")
    deep = arts.loc[server.url("/deep/3")]
    assert deep["summary"] == "lead deep text tail"
    assert deep["text"] == "lead deep text tail"
    assert deep["date_flag"] == "ok"
    assert pd.Timestamp(deep["published"]) == pd.Timestamp("2017-07-26 12:55:20", tz="UTC")
    # the items around it, title and link as before
    assert arts.loc[server.url("/deep/4"), "summary"] == "five"
    assert arts.loc[server.url("/deep/4"), "title"] == "deep 4"
    assert len(arts) == 6


def test_a_degraded_feed_is_marked_in_the_ledger_report_and_review_page(
    server: Server, tmp_path: Path
) -> None:
    """A night whose feed was read only in degraded mode (past the tag budget) looked
    complete: the ledger said 'new'/'ok' for it, the report and the review page showed
    nothing. Now the ledger's row for that feed and night is 'degraded' and says why,
    history kept (the next, clean night does not erase it), the health table names the
    feed, the report and review page say so (translated), and the gate stays open."""
    server.routes["/deep.rss"] = Route(_feed(server, "deep", [b"one", _deep()]))
    server.routes["/good.rss"] = Route(_feed(server, "good", [b"fine"]))
    s = _settings(server, tmp_path)
    night1 = run_nightly(s, NIGHT1, stages=["collect", "health", "report"])
    assert night1.rows["health"]["gate_open"] == 1
    assert night1.rows["health"]["sources_closed"] == 0
    report1 = (tmp_path / "out" / f"report-{NIGHT1}.html").read_text(encoding="utf-8")
    app = create_app(s.archive, read_only=True, web=WebSettings(anonymous_read=True))
    client = TestClient(app)
    page = client.get("/")
    page_vi = client.get("/", cookies={"ew_lang": "vi"})
    # the next night the feed is clean again
    server.routes["/deep.rss"] = Route(_feed(server, "deep", [b"one", b"two", b"three"]))
    run_nightly(s, NIGHT2, stages=["collect", "health", "report"])
    report2 = (tmp_path / "out" / f"report-{NIGHT2}.html").read_text(encoding="utf-8")
    with Archive(s.archive, read_only=True) as a:
        feeds = a.table("feeds").set_index("outlet")
        ledger = a.table("completeness")
        health = a.table("health")
    deep_id = feeds.loc["Deep", "feed_id"]
    led = ledger.assign(as_of=pd.to_datetime(ledger["as_of"]).dt.date)
    by = led.set_index(["as_of", "level", "subject"])
    row = by.loc[(NIGHT1, "feed", deep_id)]
    assert row["status"] == "degraded" and row["failed"] == 0 and row["observed"] == 2
    assert "read in a degraded way (degraded_parse)" in row["message"]
    assert by.loc[(NIGHT1, "outlet", "Deep"), "status"] == "degraded"
    assert by.loc[(NIGHT1, "feed", feeds.loc["Good", "feed_id"]), "status"] == "new"
    # a group with some of its volume read so keeps its volume status and counts them
    lang = by.loc[(NIGHT1, "language", "en")]
    assert lang["status"] == "new" and "1 of 2 feeds read in a degraded way" in lang["message"]
    # the flag (schema v14), not the message, says which rows a degraded read touched
    flagged = sorted(map(tuple, led.loc[led["degraded"].astype(bool), ["level", "subject"]].values))
    assert flagged == [("country", "GBR"), ("feed", deep_id), ("language", "en"),
                       ("outlet", "Deep")]  # fmt: skip
    # history kept: the clean night is not degraded, the first still is
    assert by.loc[(NIGHT2, "feed", deep_id), "status"] != "degraded"
    assert not by.loc[NIGHT2, "degraded"].astype(bool).any()
    assert feeds.loc["Deep", "last_status"] == "ok"
    h1 = health[pd.to_datetime(health["as_of"]).dt.date == NIGHT1]
    flagged = h1[h1["check"] == "degraded_feed"]
    assert flagged["subject"].tolist() == [deep_id] and flagged["status"].item() == "warn"
    assert not (health[pd.to_datetime(health["as_of"]).dt.date == NIGHT2]["check"]
                == "degraded_feed").any()  # fmt: skip
    assert 'id="degraded-note"' in report1 and "1 feed was read in a degraded way" in report1
    assert 'id="gate-banner"' not in report1
    assert 'id="degraded-note"' not in report2
    assert page.status_code == 200 and 'id="degraded-note"' in page.text
    assert "1 feed was read in a degraded way on 2024-05-09" in page.text
    assert "đọc ở chế độ suy giảm" in page_vi.text
