"""Hostile query parameters on the review page (issue 14, third round; tests/HOSTILE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_app import client


@pytest.mark.parametrize("night", ["2018-02-30", "0000-01-01", "9999-99-99", "0001-01-01"])
def test_a_night_shaped_like_a_date_that_is_none_is_a_400_not_a_500(
    archive: Path, night: str
) -> None:
    """/network and /track checked only the YYYY-MM-DD shape: 2018-02-30 reached the
    archive queries and the page failed with an internal error (500); so did /network
    for 0001-01-01, a date, but before any night (fourth round)."""
    c = client(archive)
    for path in ("/network", "/track", "/brief"):
        r = c.get(path, params={"as_of": night})
        assert r.status_code == 400, (path, r.status_code)
        assert "YYYY-MM-DD" in r.text
    assert c.get("/track", params={"as_of": "2018-09-26"}).status_code == 200
    assert c.get("/network", params={"as_of": "2018-09-26"}).status_code == 200


def test_search_dates_past_what_the_index_holds_filter_not_fail(archive: Path) -> None:
    """tantivy holds dates of 1677-2262 only: since=0001-01-01 or until=9999-12-31 (both
    ask for everything) ended `earlywarn search` in an internal error (exit 70) and /search
    and its exports in a 500 (fourth round)."""
    from typer.testing import CliRunner

    from earlywarn.cli import app

    def count(*extra: str) -> str:
        r = CliRunner().invoke(app, ["--archive", str(archive), "search", "trump", *extra])
        assert r.exit_code == 0, (extra, r.output)
        return r.stdout.splitlines()[0]

    everything = count()
    assert count("--since", "0001-01-01") == everything
    assert count("--until", "9999-12-31") == everything
    assert count("--since", "3000-01-01").startswith("0 article")
    assert count("--until", "0001-01-01").startswith("0 article")
    c = client(archive)
    for path in ("/search", "/search/export.csv"):
        for key, day in (("since", "0001-01-01"), ("until", "9999-12-31")):
            r = c.get(path, params={"q": "trump", key: day})
            assert r.status_code == 200, (path, key, r.status_code)


def test_a_review_form_posted_twice_at_once_is_not_a_busy_page(
    archive: Path, facts: dict[str, object]
) -> None:
    """A reviewer's comment posted twice at once (a double click, two tabs): the page's
    second write found the archive lock held by its own first one and answered 503
    'Archive busy', as if the nightly job ran. The page's own writes now queue."""
    import threading

    from tests.web.test_app import ORIGIN, audit_of, client, csrf

    c = client(archive, "lan")
    aid = str(facts["vn_alert"])
    token = csrf(c, aid)
    codes: list[int] = []

    def post(i: int) -> None:
        data = {"csrf": token, "why": f"checked {i}"}
        codes.append(
            c.post(f"/alerts/{aid}/comment", data=data, headers={"origin": ORIGIN}).status_code
        )

    threads = [threading.Thread(target=post, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [303] * 4
    assert sorted(a["comment"] for a in audit_of(archive, aid))[-4:] == [
        f"checked {i}" for i in range(4)
    ]
