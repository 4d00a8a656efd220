"""Hostile feed text (issue 14, third round): characters no archive can store.

Every server is a real loopback TCP server (:mod:`tests.hostile`); the classes probed this
round, failed or held, are listed in ``tests/HOSTILE.md``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from earlywarn.collect import Feed, collect
from tests.collect.conftest import settings
from tests.collect.test_hostile import _static
from tests.hostile import raw_server

VI = "Bộ trưởng Ngoại giao Việt Nam đã gặp người đồng cấp để thảo luận về hợp tác. " * 8
PAGE = f"<html><body><article><p>{VI}</p></article></body></html>".encode()


def test_lone_surrogates_and_nul_in_a_json_feed_do_not_fail_the_stage() -> None:
    """JSON may escape half a UTF-16 pair ("\\ud800"): Python keeps it, pyarrow cannot
    encode it, and one such item ended collect in UnicodeEncodeError, every feed lost."""
    with raw_server() as srv:
        when = "2025-01-01T08:00:00Z"
        items = [
            {"id": "1", "url": srv.url("/a"), "title": "half \ud800 pair", "date_published": when},
            {"id": "2\udc80", "url": srv.url("/b") + "?q=\udfff", "summary": "x\udbffy"},
            {
                "id": "3",
                "url": srv.url("/c"),
                "title": "nul\u0000 and \u0007bell",
                "date_published": when,
            },
        ]
        doc = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": items}
        # json.dumps writes each lone surrogate as a \\uXXXX escape, as a hostile server would
        srv.routes["/feed.json"] = _static(json.dumps(doc).encode(), "application/feed+json")
        for path in ("/a", "/b", "/c"):
            srv.routes[path] = _static(PAGE)
        out = collect(
            [Feed(srv.url("/feed.json"), outlet="j")], dt.date(2025, 1, 2), settings=settings()
        )
    assert len(out.articles) == 3 and out.stats["pages_ok"] == 3
    titles = set(out.articles["title"])
    assert {"half \ufffd pair", "nul and bell"} <= titles
    for col in ("title", "url", "summary", "text"):
        for value in out.articles[col].dropna():
            value.encode("utf-8")  # storable
            assert "\x00" not in value


def test_a_stray_nul_in_the_first_kilobyte_does_not_refuse_the_feed_or_page() -> None:
    """A NUL byte from a CMS's broken field made the client take the body for a binary
    file when it fell in the first KB (the whole feed or page refused as
    bad_content_type), and read past it anywhere later."""
    import random

    when = "Wed, 01 Jan 2025 08:00:00 +0000"
    noise = random.Random(14).randbytes(4096)  # compressed or random data, no magic number
    assert b"\x00" in noise[:1024]
    with raw_server() as srv:
        items = "".join(
            f"<item><title>{t}</title><link>{srv.url(p)}</link><pubDate>{when}</pubDate></item>"
            for t, p in [("nul\x00title", "/a"), ("page", "/b"), ("noise", "/c")]
        )
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
        srv.routes["/feed"] = _static(feed.encode(), "application/rss+xml")
        srv.routes["/a"] = _static(PAGE)
        srv.routes["/b"] = _static(PAGE.replace(b"<p>", b"<p>\x00", 1))  # NUL in the first KB
        srv.routes["/c"] = _static(noise)  # still refused
        out = collect(
            [Feed(srv.url("/feed"), outlet="x")], dt.date(2025, 1, 2), settings=settings()
        )
    texts = dict(zip(out.articles["title"], out.articles["text"], strict=True))
    assert texts["nultitle"].startswith("Bộ trưởng") and texts["page"].startswith("Bộ trưởng")
    assert out.stats["reason:bad_content_type"] == 1 and out.stats["pages_ok"] == 2


def test_a_catalog_language_or_country_that_names_none_is_a_config_error(tmp_path: Path) -> None:
    """'vn' for Vietnamese or 'VMN' for Viet Nam has the shape of a code: the feed's
    articles counted for no language or country the ledger and the health gate watch."""
    from typer.testing import CliRunner

    from earlywarn.cli import app

    for key, value in [("language", "vn"), ("country", "VMN")]:
        entry = {"url": "https://e.com/rss", "outlet": "A", "language": "vi", "country": "VNM"}
        entry[key] = value
        yaml_file = tmp_path / "c.yaml"
        yaml_file.write_text("feeds:\n- " + json.dumps(entry) + "\n")
        attrs = " ".join(f'{k}="{v}"' for k, v in entry.items() if k != "url")
        opml = tmp_path / "c.opml"
        opml.write_text(
            f'<opml version="2.0"><body><outline type="rss" xmlUrl="{entry["url"]}" {attrs}/>'
            "</body></opml>"
        )
        for path in (yaml_file, opml):
            r = CliRunner().invoke(app, ["feeds", "check", str(path)])
            assert r.exit_code == 78, (path.name, key, r.output)
            assert f"key '{key}'" in r.stderr and f"got '{value}', which names no" in r.stderr
    ok = tmp_path / "ok.yaml"  # upper- or lower-case real codes, and Kosovo's, still load
    ok.write_text('feeds:\n- {url: "https://e.com/rss", language: VI, country: xkx}\n')
    assert CliRunner().invoke(app, ["feeds", "check", str(ok)]).exit_code == 0


def test_a_verified_date_to_come_is_a_config_error(tmp_path: Path) -> None:
    """A feed's 'verified' is the later of the catalog's date and its last good poll: a
    date to come (2999-01-01, a typo for 2025) kept a dead feed verified for ever."""
    from typer.testing import CliRunner

    from earlywarn.cli import app

    path = tmp_path / "c.yaml"
    path.write_text('feeds:\n- {url: "https://e.com/rss", verified: 2999-01-01}\n')
    r = CliRunner().invoke(app, ["feeds", "check", str(path)])
    assert r.exit_code == 78 and "key 'verified' is 2999-01-01, a day to come" in r.stderr
    path.write_text('feeds:\n- {url: "https://e.com/rss", verified: 2024-05-01 10:00:00}\n')
    assert CliRunner().invoke(app, ["feeds", "check", str(path)]).exit_code == 0
