"""collect() end to end over a loopback server: canonical URLs, languages, duplicates, future entries."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from earlywarn.collect import Feed, collect
from earlywarn.io.shared import read_mds
from earlywarn.schema import TABLES, validate
from earlywarn.store import Archive
from tests.collect.conftest import DATA, Route, Server, settings

AS_OF = dt.date(2013, 10, 24)


def _vn_rows() -> list[dict[str, str]]:
    return read_mds(DATA)


def _page(title: str, body: str, canonical: str) -> bytes:
    paras = "".join(f"<p>{escape(p)}</p>" for p in body.split("\n") if p.strip())
    return (
        f'<html><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<link rel="canonical" href="{canonical}"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>{escape(title)}</h1>{paras}</article><footer>(c) outlet</footer></body></html>"
    ).encode()


def _item(title: str, link: str, date: str | None) -> str:
    pub = f"<pubDate>{date}</pubDate>" if date else ""
    return f"<item><title>{escape(title)}</title><link>{link}</link><description>{escape(title)}</description>{pub}</item>"


def _rss(items: list[str]) -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{"".join(items)}</channel></rss>'.encode()


@pytest.fixture()
def site(server: Server) -> Server:
    rows = _vn_rows()
    truth = json.loads(
        (DATA / "article_extraction" / "scrapinghub" / "ground-truth.json").read_text(
            encoding="utf-8"
        )
    )
    key = sorted(truth)[0]
    en_html = gzip.decompress(
        (DATA / "article_extraction" / "scrapinghub" / "html" / f"{key}.html.gz").read_bytes()
    )
    en_html = en_html.replace(
        b"<head>", f'<head><link rel="canonical" href="{truth[key]["url"]}">'.encode(), 1
    )
    html = {"Content-Type": "text/html; charset=utf-8"}
    r0, r1 = rows[0], rows[40]
    server.routes["/tt/1"] = Route(
        _page(r0["title"], r0["body"], server.url("/c/phe-doi-lap-1.htm")), headers=html
    )
    server.routes["/tt/2"] = Route(
        _page(r1["title"], r1["body"], server.url("/c/bai-2.htm")), headers=html
    )
    # Thanh Nien carries the same story as /tt/1 (near-duplicate), an hour earlier
    server.routes["/tn/1"] = Route(
        _page(r0["title"], r0["body"] + "\nTheo TTXVN", server.url("/c/x-1.html")),
        headers=html,
    )
    server.routes["/en/1"] = Route(en_html, headers=html)
    server.routes["/feed/tt.rss"] = Route(
        _rss(
            [
                _item(r0["title"], server.url("/tt/1"), "Wed, 23 Oct 2013 11:39:00 +0700"),
                _item(r1["title"], server.url("/tt/2"), None),  # no date anywhere: stays missing
                _item(
                    "Tomorrow's news", server.url("/tt/future"), "Fri, 25 Oct 2013 00:30:00 +0000"
                ),
                _item("Gone", server.url("/tt/gone"), "Wed, 23 Oct 2013 08:00:00 +0700"),
            ]
        ),
        headers={"Content-Type": "application/rss+xml", "ETag": '"tt-1"'},
    )
    server.routes["/feed/tn.rss"] = Route(
        _rss([_item(r0["title"], server.url("/tn/1"), "Wed, 23 Oct 2013 10:39:00 +0700")]),
        headers={"Content-Type": "application/rss+xml"},
    )
    server.routes["/feed/en.rss"] = Route(
        _rss([_item("", server.url("/en/1"), "Tue, 22 Oct 2013 10:00:00 GMT")]),
        headers={"Content-Type": "text/xml"},
    )
    server.routes["/feed/html"] = Route(b"<html><body>not a feed</body></html>", headers=html)
    return server


def _feeds(site: Server) -> list[Feed]:
    return [
        Feed(site.url("/feed/tt.rss"), outlet="Tuoi Tre", language="vi", country="VNM"),
        Feed(site.url("/feed/tn.rss"), outlet="Thanh Nien", language="vi", country="VNM"),
        Feed(site.url("/feed/en.rss"), outlet="WSJ", language="en", country="USA"),
        Feed(site.url("/feed/html"), outlet="Broken", language="en"),
        Feed("http://10.0.0.1/rss", outlet="Private", language="en"),
    ]


def test_collect_end_to_end(site: Server, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="earlywarn"):
        result = collect(_feeds(site), AS_OF, settings=settings())
    arts, feeds, stats = result.articles, result.feeds, result.stats
    assert list(arts.columns) == list(TABLES["articles"].columns)
    assert list(feeds.columns) == list(TABLES["feeds"].columns)
    validate(arts, "articles")
    validate(feeds, "feeds")
    by_url = arts.set_index("url").rename(lambda u: u.split(str(site.port), 1)[-1])
    # canonical links on the page's own site are the identity; the WSJ page's canonical
    # names another site, so the URL it was fetched from stays
    assert set(by_url.index) == {
        "/c/phe-doi-lap-1.htm",
        "/c/bai-2.htm",
        "/c/x-1.html",
        "/en/1",
        "/tt/gone",
    }
    assert stats["future"] == 1 and stats["feeds_ok"] == 3 and stats["feeds_failed"] == 2
    assert stats["pages_failed"] == 1 and stats["pages_ok"] == 4
    # the page that 404s is kept with its summary as text
    gone = arts[arts["url"].str.endswith("/tt/gone")].iloc[0]
    assert gone["text"] == "Gone" and gone["date_flag"] == "ok"
    # languages: py3langid on the text
    assert by_url.loc["/c/phe-doi-lap-1.htm", "language"] == "vi"
    en = arts[arts["outlet"] == "WSJ"].iloc[0]
    assert en["language"] == "en" and len(en["text"]) > 500 and en["title"]
    # near-duplicate across outlets: the earlier (Thanh Nien) copy is canonical
    tt = by_url.loc["/c/phe-doi-lap-1.htm"]
    tn = by_url.loc["/c/x-1.html"]
    assert tt["duplicate_of"] == tn["article_id"] and tn["duplicate_of"] is None
    assert sorted(tn["outlets"]) == ["Thanh Nien", "Tuoi Tre"]
    assert stats["duplicates"] == 1
    # no date in the feed or the page: missing, never invented
    undated = by_url.loc["/c/bai-2.htm"]
    assert undated["date_flag"] == "missing" and undated["published"] is not None
    assert str(undated["published"]) == "NaT"
    assert (arts["as_of"] == str(AS_OF)).all()
    assert arts["published"].dt.tz is not None
    # feeds table: statuses and validators for next time
    status = dict(zip(feeds["outlet"], feeds["last_status"], strict=False))
    assert status == {
        "Tuoi Tre": "ok",
        "Thanh Nien": "ok",
        "WSJ": "ok",
        "Broken": "not_a_feed",
        "Private": "ssrf_blocked",
    }
    assert feeds.set_index("outlet").loc["Tuoi Tre", "etag"] == '"tt-1"'
    reasons = {getattr(r, "reason", None) for r in caplog.records}
    assert {"not_a_feed", "ssrf_blocked", "http_404"} <= reasons


def test_collect_conditional_get_304(site: Server) -> None:
    def handler(req: BaseHTTPRequestHandler) -> Route:
        if req.headers.get("If-None-Match") == '"tt-1"':
            return Route(b"", 304, {"ETag": '"tt-1"'})
        return site.routes["/feed/tt-full"]

    site.routes["/feed/tt-full"] = site.routes["/feed/tt.rss"]
    site.routes["/feed/tt.rss"] = Route(handler=handler)
    feeds = _feeds(site)[:1]
    first = collect(feeds, AS_OF, settings=settings())
    assert first.stats["feeds_ok"] == 1 and len(first.articles) == 3
    second = collect(feeds, AS_OF, settings=settings(), state=first.feeds)
    assert second.stats["feeds_not_modified"] == 1 and second.articles.empty
    assert list(second.articles.columns) == list(TABLES["articles"].columns)
    assert (
        second.feeds.loc[0, "last_status"] == "not_modified"
        and second.feeds.loc[0, "etag"] == '"tt-1"'
    )


def test_collect_nothing() -> None:
    result = collect([], AS_OF)
    assert result.articles.empty and result.feeds.empty and result.stats.get("articles") == 0


def test_collect_extracts_in_worker_processes(
    site: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big runs extract in worker processes; the frame is the same as in-thread."""
    from earlywarn.collect import _run

    inline = collect(_feeds(site), AS_OF, settings=settings())
    monkeypatch.setattr(_run, "_POOL_MIN_PAGES", 1)
    monkeypatch.setattr(_run, "_usable_cores", lambda: 2)
    pooled = collect(_feeds(site), AS_OF, settings=settings())
    cols = ["url", "title", "text", "language", "published", "duplicate_of", "outlets"]
    a = inline.articles.sort_values("url").reset_index(drop=True)[cols]
    b = pooled.articles.sort_values("url").reset_index(drop=True)[cols]
    assert a.equals(b)
    assert pooled.stats == inline.stats


def test_collect_warms_robots_once_per_host(site: Server) -> None:
    site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /tt/2\n")
    result = collect(_feeds(site), AS_OF, settings=settings(respect_robots=True))
    assert site.hits["/robots.txt"] == 1
    assert result.stats["reason:robots_disallowed"] == 1
    assert "/tt/2" not in site.hits


def test_collect_keeps_raw_pages_compressed(site: Server, tmp_path: Path) -> None:
    plain = collect(_feeds(site), AS_OF, settings=settings())
    assert plain.pages.empty
    kept = collect(_feeds(site), AS_OF, settings=settings(), keep_raw_html=True)
    pages = kept.pages
    assert list(pages.columns) == list(TABLES["pages"].columns)
    assert set(pages["article_id"]) <= set(kept.articles["article_id"])
    assert len(pages) == kept.stats["pages_ok"]
    with Archive(tmp_path / "a.duckdb") as archive:
        archive.upsert("pages", pages)
        archive.upsert("pages", pages)  # a rerun upserts
        assert archive.count("pages") == len(pages)
        row = pages.iloc[0]
        served = site.routes[urlsplit(row["url"]).path].body
        assert archive.raw_html(row["article_id"]) == served
        assert row["raw_bytes"] == len(served) and len(row["html_gzip"]) < len(served)
        assert archive.raw_html("no such article") is None
