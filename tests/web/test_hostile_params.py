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
