"""Last good fetch: `feeds check --online --write-verified` and `feeds list` (issue 14).

A real loopback server serves real feeds from the shared set (RSS 2.0, RSS 1.0, Atom), a
document that is no feed and a 404; the catalogs are YAML (flow and block entries,
comments) and OPML, and nothing of them but the dates may change.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlywarn.cli import app
from earlywarn.collect.catalog import load_catalog
from earlywarn.store import Archive
from tests.collect.conftest import DATA, Route, Server

RSS = DATA / "rss_feeds"
ENV = {
    "EARLYWARN_HTTP__ALLOW_PRIVATE": "127.0.0.1",
    "EARLYWARN_HTTP__RETRIES": "0",
    "EARLYWARN_HTTP__POLITENESS_DELAY": "0",
    "EARLYWARN_HTTP__RESPECT_ROBOTS": "false",
}


def _serve(server: Server) -> dict[str, str]:
    """Path -> outcome: three real feeds, one document that is not a feed, one 404."""
    files = {
        "/vnexpress.rss": RSS / "vietnamese" / "vnexpress_tin-moi-nhat_2017-07-26.rss",
        "/rss-1.rss": RSS / "rss-parser" / "input" / "rss-1.rss",
        "/heise.atom": RSS / "rss-parser" / "input" / "heise.atom",
        "/empty.xml": RSS / "malformed" / "illformed__rss_empty_document.xml",
    }
    for path, file in files.items():
        server.routes[path] = Route(file.read_bytes(), headers={"Content-Type": "application/xml"})
    return {"/vnexpress.rss": "ok", "/rss-1.rss": "ok", "/heise.atom": "ok",
            "/empty.xml": "not_a_feed", "/gone.xml": "http_404"}  # fmt: skip


def _yaml(server: Server, path: Path) -> Path:
    u = server.url
    path.write_text(
        "# my catalog: comments, order and quoting stay\n"
        "feeds:\n"
        f"- {{url: '{u('/vnexpress.rss')}', outlet: VnExpress, family: FPT}}\n"
        f'- {{url: "{u("/rss-1.rss")}", outlet: One, verified: 2020-01-02}}  # re-checked\n'
        f"- url: {u('/heise.atom')}\n"
        "  outlet: heise\n"
        "  # block entries too\n"
        "  language: de\n"
        f"- url: {u('/empty.xml')}\n"
        "  outlet: Empty\n"
        "  verified: 2021-03-04\n"
        f"- {{url: '{u('/gone.xml')}', outlet: Gone, verified: 2022-05-06}}\n",
        encoding="utf-8",
    )
    return path


def _check(catalog: Path, *extra: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["feeds", "check", str(catalog), "--online", *extra], env=ENV)
    return res.exit_code, " ".join(res.output.split())  # the console wraps long lines


def test_check_records_good_fetches_and_writes_them_only_when_asked(
    server: Server, tmp_path: Path
) -> None:
    outcome = _serve(server)
    cat = _yaml(server, tmp_path / "catalog.yaml")
    before = cat.read_bytes()
    today = datetime.now(timezone.utc).date()
    code, output = _check(cat)
    assert code == 1 and "2 of 5 feeds failed" in output
    # one feed a line: the table's rows were cut in two at the console's 80 columns
    lines = CliRunner().invoke(app, ["feeds", "check", str(cat), "--online"], env=ENV).output
    row = next(x for x in lines.splitlines() if "/vnexpress.rss" in x)
    assert " VnExpress " in row and " ok " in row and today.isoformat() in row, lines
    assert output.count(today.isoformat()) == 3  # the good fetches' date, in the table
    assert cat.read_bytes() == before  # a check alone writes nothing
    code, output = _check(cat, "--write-verified")
    assert code == 1 and f"verified {today} written to {cat} for 3 of 3 good feeds" in output
    got = {f.url.rsplit("/", 1)[1]: f.verified for f in load_catalog(cat)}
    assert got == {"vnexpress.rss": today, "rss-1.rss": today, "heise.atom": today,
                   "empty.xml": date(2021, 3, 4), "gone.xml": date(2022, 5, 6)}  # fmt: skip
    assert [s for s in outcome.values() if s != "ok"] == ["not_a_feed", "http_404"]
    # nothing but the dates changed: same lines once the new dates are taken out
    after = cat.read_text(encoding="utf-8").splitlines()
    old = before.decode().splitlines()
    assert after[:2] == old[:2] and len(after) == len(old) + 1  # heise's line is new
    assert after[2] == old[2][:-1] + f", verified: {today}}}"
    assert after[3] == old[3].replace("2020-01-02", today.isoformat())
    assert after[4:9] == [old[4], f"  verified: {today}", *old[5:8]]
    assert after[9:] == old[8:]


def test_opml_catalog_gets_only_its_dates_written(server: Server, tmp_path: Path) -> None:
    _serve(server)
    u = server.url
    cat = tmp_path / "catalog.opml"
    cat.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- hand-kept; keep this comment -->\n'
        '<opml version="2.0"><head><title>mine</title></head><body>\n'
        '  <outline text="vi">\n'
        f'    <outline type="rss" text="VnExpress" xmlUrl="{u("/vnexpress.rss")}" outlet="VnExpress"/>\n'
        f"    <outline type='rss' text='Gone' xmlUrl='{u('/gone.xml')}' verified='2022-05-06' />\n"
        f'    <outline type="rss" text="One" xmlUrl="{u("/rss-1.rss")}" verified="2020-01-02"></outline>\n'
        "  </outline>\n</body></opml>\n",
        encoding="utf-8",
    )
    before = cat.read_text(encoding="utf-8")
    code, output = _check(cat, "--write-verified")
    today = datetime.now(timezone.utc).date().isoformat()
    assert code == 1 and "1 of 3 feeds failed" in output
    expected = before.replace(
        'outlet="VnExpress"/>', f'outlet="VnExpress" verified="{today}"/>'
    ).replace('verified="2020-01-02"', f'verified="{today}"')
    assert cat.read_text(encoding="utf-8") == expected
    assert [f.verified.isoformat() if f.verified else None for f in load_catalog(cat)] == [
        today,
        "2022-05-06",
        today,
    ]


def test_write_verified_needs_online(tmp_path: Path) -> None:
    cat = tmp_path / "c.yaml"
    cat.write_text("- {url: 'https://e.example/rss'}\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["feeds", "check", str(cat), "--write-verified"])
    assert res.exit_code != 0 and "--write-verified needs --online" in res.output


@pytest.mark.parametrize("with_archive", [False, True])
def test_feeds_list_shows_the_last_good_fetch(tmp_path: Path, with_archive: bool) -> None:
    cat = tmp_path / "c.yaml"
    cat.write_text(
        "- {url: 'https://a.example/rss', outlet: A, family: FPT, verified: 2026-01-02}\n"
        "- {url: 'https://b.example/rss', outlet: B}\n",
        encoding="utf-8",
    )
    archive = tmp_path / "a.duckdb"
    if with_archive:  # the nightly collect's rows: B polled fine on 12-05, A failed tonight
        a, b = load_catalog(cat)
        with Archive(archive) as ar:
            ar.con.execute(
                "INSERT INTO feeds (feed_id, url, last_status, last_fetched, verified) VALUES "
                "(?, ?, 'http_500', TIMESTAMPTZ '2026-12-06 01:00+00', DATE '2025-12-31'), "
                "(?, ?, 'ok', TIMESTAMPTZ '2026-12-05 01:00+00', DATE '2026-12-05')",
                [a.feed_id, a.url, b.feed_id, b.url],
            )
    res = CliRunner().invoke(
        app, ["--archive", str(archive), "feeds", "list", str(cat), "--json"], env={}
    )
    assert res.exit_code == 0, res.output
    rows = {r["outlet"]: r for r in json.loads(res.output)}
    assert rows["A"]["verified"] == "2026-01-02" and rows["A"]["family"] == "FPT"
    if with_archive:
        assert rows["A"]["last_status"] == "http_500"  # the catalog's later date stays
        assert rows["B"]["verified"] == "2026-12-05" and rows["B"]["last_status"] == "ok"
    else:
        assert rows["B"]["verified"] is None and rows["B"]["last_status"] is None
    plain = CliRunner().invoke(app, ["--archive", str(archive), "feeds", "list", str(cat)])
    assert plain.exit_code == 0
    assert f"2 feeds; {2 if with_archive else 1} verified" in plain.output
