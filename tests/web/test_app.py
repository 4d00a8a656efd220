"""The review page's routes on a real archive (Starlette TestClient, real DuckDB)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from earlywarn.errors import StoreError
from earlywarn.store import Archive
from earlywarn.web import create_app
from tests.web.accounts import ORIGIN, login
from tests.web.archive import HOSTILE_TITLE


def client(path: Path, user: str | None = "lan", **kw: Any) -> TestClient:
    """A client of a new app on ``path``, logged in as ``user`` (None: not logged in)."""
    c = TestClient(create_app(path, **kw), follow_redirects=False)
    if user is not None:
        assert login(c, user) == 303
    return c


def status_of(path: Path, alert_id: str) -> tuple[str, str]:
    with Archive(path, read_only=True) as a:
        row = a.table("alerts", "alert_id = ?", [alert_id]).iloc[0]
    return str(row["status"]), str(row["note"])


def ids(html: str) -> list[str]:
    return re.findall(r'<tr data-alert-id="([0-9a-f]+)">', html)


def csrf(c: TestClient, alert_id: str) -> str:
    page = c.get(f"/alerts/{alert_id}")
    assert page.status_code == 200 and "ew_csrf" in c.cookies
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert found
    return found.group(1)


def test_inbox_filters_sorts_and_counts(archive: Path, facts: dict[str, Any]) -> None:
    c = client(archive)
    page = c.get("/")
    assert page.status_code == 200
    assert len(ids(page.text)) == facts["n_alerts"] >= 6
    for sev, n in facts["severities"].items():
        assert re.search(rf'data-severity="{sev}">\s*<span[^>]*>{sev}</span><b>{n}</b>', page.text)
    high = c.get("/?severity=high")
    assert len(ids(high.text)) == facts["severities"]["high"] >= 1
    assert "Unusual activity: Fighting in " in high.text
    assert ids(c.get("/?status=acknowledged").text) == []
    assert ids(c.get("/?as_of=2018-09-26").text) == ids(page.text)
    assert ids(c.get("/?as_of=2018-01-01").text) == []
    # sort by score ascending, by date descending
    asc = ids(c.get("/?sort=score&dir=asc&status=all").text)
    desc = ids(c.get("/?sort=score&dir=desc&status=all").text)
    assert asc[0] == desc[-1] and asc[-1] == desc[0]
    by_date = c.get("/?sort=date").text
    periods = re.findall(
        r'data-ds="(2018-\d\d-\d\d)">[^<]*</td>\s*<td data-as-of="2018-09-26"', by_date
    )
    assert periods == sorted(periods, reverse=True) and len(periods) == facts["n_alerts"]
    # junk parameters fall back to defaults instead of failing
    assert c.get("/?status=<x>&severity=zzz&sort=drop&as_of=notadate").status_code == 200


def test_evidence_pack(archive: Path, facts: dict[str, Any]) -> None:
    c = client(archive)
    page = c.get(f"/alerts/{facts['vn_alert']}")
    assert page.status_code == 200
    html = page.text
    assert "Events surge: Vietnam" in html and "ev:VNM" in html
    # chart data for static/charts.js, plotly.js from this server only
    data = re.search(
        r'<script type="application/json" id="evidence-chart-data">(.*?)</script>', html, re.S
    )
    assert data
    fig = json.loads(data.group(1))
    names = [t.get("name") for t in fig["data"]]
    assert {"observed", "forecast", "forecast 90% band", "anomaly"} <= set(names)
    assert '<script src="/static/plotly.min.js"></script>' in html
    assert not re.search(r"<script[^>]+src=\"https?:", html)
    assert "<script>" not in html  # no inline script at all (CSP script-src 'self')
    # what the forecast expected, the top events and the real articles behind them
    assert re.search(r'id="forecast-expected">\s*[\d.]+ by naive, 90% band', html)
    events = re.search(r'<table class="card" id="events">(.*?)</table>', html, re.S)
    assert events and events.group(1).count("<tr>") == 11  # header + 10 top events
    assert "(VNM)" in events.group(1) and "<code>" in events.group(1)
    articles = re.search(r'<table class="card" id="articles">(.*?)</table>', html, re.S)
    assert articles and 'href="http://www.baomoi.com/' in articles.group(1)
    assert 'rel="noopener noreferrer nofollow"' in articles.group(1)
    assert "No one has reviewed this alert yet." in html
    assert c.get("/alerts/0000000000").status_code == 404
    assert c.get("/alerts/bad%20id").status_code == 404


def test_vietnamese_alert_titles_from_rule_and_series(archive: Path, facts: dict[str, Any]) -> None:
    c = client(archive, locale="vi")
    aid = facts["vn_alert"]
    vi_title = "Sự kiện liên quan đến Việt Nam; quy tắc vn-events"
    page = c.get(f"/alerts/{aid}").text
    assert vi_title in page and "Events surge: Vietnam" not in page
    inbox = c.get("/").text
    assert vi_title in inbox and "Events surge: Vietnam" not in inbox
    # the archive keeps the English title; English readers still see it
    with Archive(archive, read_only=True) as a:
        assert a.table("alerts", "alert_id = ?", [aid]).iloc[0]["title"] == "Events surge: Vietnam"
    assert "Events surge: Vietnam" in client(archive).get(f"/alerts/{aid}").text


def audit_of(path: Path, alert_id: str) -> list[dict[str, Any]]:
    with Archive(path, read_only=True) as a:
        frame = a.query('SELECT * FROM audit WHERE alert_id = ? ORDER BY "at"', [alert_id])
    return frame.to_dict("records")


def test_acknowledge_writes_lifecycle_and_audit(archive: Path, facts: dict[str, Any]) -> None:
    c = client(archive, "lan")
    aid = facts["vn_alert"]
    token = csrf(c, aid)
    resp = c.post(
        f"/alerts/{aid}/acknowledge",
        # a typed "who" is ignored: the reviewer is the logged-in account
        data={"csrf": token, "who": "Somebody Else", "why": "Checking with the embassy <b>now</b>"},
        headers={"origin": ORIGIN},
    )
    assert resp.status_code == 303 and resp.headers["location"] == f"/alerts/{aid}?done=acknowledge"
    status, note = status_of(archive, aid)
    assert status == "acknowledged"
    assert note.endswith("acknowledged by Nguyễn Thị Lan: Checking with the embassy now")
    page = c.get(resp.headers["location"])
    assert "Alert acknowledged." in page.text and "acknowledged by Nguyễn Thị Lan" in page.text
    assert "Somebody Else" not in page.text
    audit = re.search(r'<table class="card" id="audit">(.*?)</table>', page.text, re.S)
    assert audit and "lan" in audit.group(1) and "new → acknowledged" in audit.group(1)
    assert aid in ids(c.get("/?status=acknowledged").text)
    # acknowledge twice: not from this status; nothing written
    again = c.post(f"/alerts/{aid}/acknowledge", data={"csrf": token}, headers={"origin": ORIGIN})
    assert again.status_code == 303 and "error=state" in again.headers["location"]
    for action, expected in (
        ("resolve", "resolved"),
        ("reopen", "reopened"),
        ("dismiss", "dismissed"),
    ):
        r = c.post(
            f"/alerts/{aid}/{action}",
            data={"csrf": token, "why": ""},
            headers={"referer": f"{ORIGIN}/alerts/{aid}"},
        )
        assert r.status_code == 303 and "done=" in r.headers["location"], action
        assert status_of(archive, aid)[0] == expected
    empty = c.post(
        f"/alerts/{aid}/comment", data={"csrf": token, "why": " "}, headers={"origin": ORIGIN}
    )
    assert "error=why" in empty.headers["location"]
    note = c.post(
        f"/alerts/{aid}/comment", data={"csrf": token, "why": "False alarm: a film festival"},
        headers={"origin": ORIGIN},
    )  # fmt: skip
    assert "done=comment" in note.headers["location"] and status_of(archive, aid)[0] == "dismissed"
    entries = audit_of(archive, aid)
    assert [(e["action"], e["before"], e["after"]) for e in entries] == [
        ("acknowledge", "new", "acknowledged"),
        ("resolve", "acknowledged", "resolved"),
        ("reopen", "resolved", "reopened"),
        ("dismiss", "reopened", "dismissed"),
        ("comment", "dismissed", "dismissed"),
    ]
    assert {(e["username"], e["role"]) for e in entries} == {("lan", "analyst")}
    assert entries[0]["comment"] == "Checking with the embassy now"
    assert entries[-1]["comment"] == "False alarm: a film festival"
    history = re.search(
        r'<ol class="history" id="history">(.*?)</ol>', c.get(f"/alerts/{aid}").text
    )
    assert history and history.group(1).count("<li>") == 5
    assert aid not in ids(c.get("/").text)  # closed alerts leave the open inbox
    # the audit table takes no replacement: a stored id cannot be written again
    with Archive(archive) as a, pytest.raises(StoreError, match="append-only"):
        from earlywarn.store import Write

        a.commit([Write("audit", a.query("SELECT * FROM audit LIMIT 1"), append=True)])


@pytest.mark.parametrize(
    ("headers", "form", "why"),
    [
        ({"origin": "http://evil.example"}, {}, "another site"),
        ({}, {}, "neither Origin nor Referer"),
        ({"origin": ORIGIN}, {"csrf": "0" * 64}, "expired"),
        ({"origin": ORIGIN}, {"csrf": ""}, "expired"),
    ],
)
def test_forged_posts_are_refused(
    archive: Path, facts: dict[str, Any], headers: dict[str, str], form: dict[str, str], why: str
) -> None:
    c = client(archive)
    aid = facts["vn_alert"]
    token = csrf(c, aid)
    form = {"csrf": token, **form}
    resp = c.post(f"/alerts/{aid}/acknowledge", data=form, headers=headers)
    assert resp.status_code == 403 and why in resp.text
    assert status_of(archive, aid)[0] == "new" and audit_of(archive, aid) == []
    # the login form is protected the same way
    fresh = client(archive, None)
    refused = fresh.post("/login", data={"username": "lan", "password": "lan-analyst-2018"})
    assert refused.status_code == 403 and "ew_session" not in fresh.cookies


def test_unknown_alert_action_and_read_only(archive: Path, facts: dict[str, Any]) -> None:
    c = client(archive)
    aid = facts["vn_alert"]
    token = csrf(c, aid)
    h = {"origin": ORIGIN}
    assert c.post("/alerts/ffff/resolve", data={"csrf": token}, headers=h).status_code == 404
    assert c.post(f"/alerts/{aid}/delete", data={"csrf": token}, headers=h).status_code == 404
    assert (
        c.post(
            f"/alerts/{aid}/resolve",
            content=b"{}",
            headers={**h, "content-type": "application/json"},
        ).status_code
        == 415
    )
    ro = client(archive, read_only=True)
    page = ro.get(f"/alerts/{aid}")
    assert page.status_code == 200 and '<form method="post" action="/alerts' not in page.text
    assert ro.post(f"/alerts/{aid}/resolve", data={"csrf": token}, headers=h).status_code == 403
    assert status_of(archive, aid)[0] == "new"


def test_focal_view_and_escaping(archive: Path) -> None:
    c = client(archive)
    page = c.get("/focal")
    assert page.status_code == 200
    html = page.text
    assert re.search(r'id="focal-count">13<', html)  # 12 real articles + the crafted one
    langs = re.search(r'<table id="by-language">(.*?)</table>', html, re.S)
    assert langs and re.findall(r"<td>(\w+)</td>", langs.group(1)) == ["Vietnamese", "English"]
    for key in ("language", "outlet", "tone"):
        assert f'id="focal-{key}-data"' in html
    # the crafted article: tags stripped, text escaped, javascript: URL not linked
    assert HOSTILE_TITLE not in html and "onerror" not in html and "<script>window" not in html
    assert "Hostile" in html and 'href="javascript:' not in html
    assert "&lt;b&gt;evil" not in html and "evil" in html
    assert "\\u003cb\\u003eevil" not in html  # Plotly would render <b> in a legend
    assert c.get("/focal?country=chn").status_code == 200
    assert c.get("/focal?country=x1").status_code == 400
    assert "No article in the archive mentions" in c.get("/focal?country=ZZZ").text


def test_search_all_languages_accents_and_wildcards(archive: Path, facts: dict[str, Any]) -> None:
    c = client(archive)

    def total(q: str, lang: str = "") -> int:
        page = c.get("/search", params={"q": q, "lang": lang})
        assert page.status_code == 200
        m = re.search(r'id="search-total">(\d+) article', page.text)
        assert m, page.text[:500]
        return int(m.group(1))

    plain, accented = total("bien dong"), total("Biển Đông")
    assert 0 < accented == plain  # accents optional; the accented form ranks first
    page = c.get("/search", params={"q": "Biển Đông"}).text
    first = re.search(r'<li data-rank="1">(.*?)</li>', page, re.S)
    assert first and "<mark>Biển</mark> <mark>Đông</mark>" in first.group(1)
    assert total("Campuchia biểu tình") >= 1
    assert total("trump", "en") >= 1 and total("trump", "vi") == 0
    assert total("xyzzy-nothing") == 0
    hostile = c.get("/search", params={"q": "hostile"}).text
    assert "<script>" not in hostile and "<mark>Hostile</mark>" in hostile
    assert 'href="javascript:' not in hostile
    assert 'id="search-total"' not in c.get("/search").text
    wild = c.get("/search", params={"q": "%_"})
    assert wild.status_code == 400 and "no words to search for" in wild.text


def test_search_paging_filters_and_export(archive: Path) -> None:
    import io

    import openpyxl

    c = client(archive)
    one = c.get("/search", params={"q": "Trung Quốc", "sort": "date"}).text
    total = int(re.search(r'id="search-total">(\d+) article', one).group(1))  # type: ignore[union-attr]
    assert total > 20 and 'rel="next"' in one and 'rel="prev"' not in one
    two = c.get("/search", params={"q": "Trung Quốc", "sort": "date", "page": 2}).text
    assert re.search(r'<li data-rank="21">', two) and 'rel="prev"' in two
    vi = c.get("/search", params={"q": "Trung Quốc", "lang": "vi", "country": "vnm",
                                  "mentions": "VNM", "events": "yes"}).text  # fmt: skip
    n = int(re.search(r'id="search-total">(\d+) article', vi).group(1))  # type: ignore[union-attr]
    assert 0 < n < total
    bad = c.get("/search", params={"q": "x", "country": "Vietnam", "since": "soon"})
    assert bad.status_code == 400 and "ISO3" in bad.text and "YYYY-MM-DD" in bad.text

    csv = c.get("/search/export.csv", params={"q": "Trung Quốc"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("rank,score,published,title") and len(lines) > total
    xlsx = c.get("/search/export.xlsx", params={"q": "hostile"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]  # type: ignore[union-attr]
    assert values[0][:4] == ["rank", "score", "published", "title"] and len(values) == 2
    assert "<mark>" not in str(values) and "Hostile" in str(values[1])
    assert c.get("/search/export.pdf", params={"q": "x"}).status_code == 400
    assert c.get("/search/export.csv").status_code == 400
    assert client(archive, user=None).get("/search/export.csv?q=x").status_code in (302, 303)


def test_healthz_static_and_headers(archive: Path, facts: dict[str, Any]) -> None:
    c = client(archive)
    h = c.get("/healthz")
    assert h.status_code == 200
    body = h.json()
    assert body["status"] == "ok" and body["alerts"] == facts["n_alerts"]
    assert body["schema_version"] >= 2
    assert body["last_run_as_of"] == "2018-09-26"
    js = c.get("/static/plotly.min.js")
    assert (
        js.status_code == 200 and b"plotly" in js.content[:2000].lower() and len(js.content) > 1e6
    )
    assert c.get("/static/charts.js").status_code == 200
    csp = c.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-eval" not in csp


def test_healthz_needs_no_login_and_pages_do(archive: Path) -> None:
    c = client(archive, None)
    assert c.get("/healthz").status_code == 200
    for url in ("/", "/alerts/abc", "/focal", "/search?q=x", "/audit", "/admin/users"):
        resp = c.get(url)
        assert resp.status_code == 303 and resp.headers["location"].startswith("/login?next="), url


def test_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        create_app(tmp_path / "nope.duckdb")


HOLDER = textwrap.dedent(
    """
    import sys
    import duckdb
    from filelock import FileLock
    lock = FileLock(sys.argv[1] + ".lock")
    lock.acquire(timeout=5)
    con = duckdb.connect(sys.argv[1])  # read-write, as the nightly job holds it
    print("holding", flush=True)
    sys.stdin.readline()
    """
)


def test_busy_archive_gives_503_with_retry_after(archive: Path, facts: dict[str, Any]) -> None:
    c = client(archive)
    aid = facts["vn_alert"]
    token = csrf(c, aid)  # the app has used the archive ...
    holder = subprocess.Popen(  # ... and does not keep it: another process can take it
        [sys.executable, "-c", HOLDER, str(archive)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        for url in ("/", f"/alerts/{aid}", "/focal", "/search?q=x"):
            resp = c.get(url)
            assert resp.status_code == 503 and resp.headers["retry-after"] == "60", url
            assert "The nightly job is writing to the archive" in resp.text
        health = c.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "busy"
        post = c.post(
            f"/alerts/{aid}/acknowledge",
            data={"csrf": token},
            headers={"origin": ORIGIN},
        )
        assert post.status_code == 503 and post.headers["retry-after"] == "60"
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=10)
    assert c.get("/").status_code == 200
    assert status_of(archive, aid)[0] == "new"


def test_archived_copy_of_a_crafted_article_is_plain_text(archive: Path) -> None:
    """/articles/ID shows the stored article; the crafted one's tags are stripped, its text
    escaped and its javascript: URL shown, not linked. Unknown or odd ids are a 404."""
    c = client(archive, user="minh")
    page = c.get("/articles/hostile0000000001")
    assert page.status_code == 200
    html = page.text
    assert "<script>" not in html.split("</head>")[1] and "onerror" not in html
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html
    assert re.search(r'id="article-title">Hostile<', html)
    assert '<div id="article-text">\n<p>Vietnam hostile text</p>' in html  # the script dropped
    for bad in ("/articles/nope", "/articles/..%2Fadmin", "/articles/" + "a" * 65):
        assert c.get(bad).status_code == 404, bad
    assert client(archive, user=None).get("/articles/hostile0000000001").status_code == 303
