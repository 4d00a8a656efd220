"""The review page in a real browser: uvicorn on loopback, Debian's Chromium via playwright.

Opens the inbox, follows an alert, checks Plotly drew the chart, acknowledges the alert
through the form and checks the archive. Every request the browser makes is logged and
anything not aimed at the local server is aborted and fails the test. Screenshots go to
each test's ``tmp_path`` (``web-*.png``): fixed names under ``/tmp`` collided between
pytest-xdist workers.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import uvicorn
from playwright.sync_api import Page, Route, ViewportSize, sync_playwright

from earlywarn.store import Archive
from earlywarn.web import create_app
from tests.web.archive import USERS

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.slow  # a real server and a real browser


@dataclass
class _Seen:
    """What a :func:`_local_page` browser asked for and the script errors it met."""

    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@contextmanager
def _local_page(
    server: str,
    viewport: ViewportSize | None = None,
    console: bool = False,
) -> Iterator[tuple[Page, _Seen]]:
    """A page of Debian's Chromium that may load ``server``'s URLs only: any other request
    is aborted, and on leaving, a request that left 127.0.0.1 or a page error (and with
    ``console``, a console error: CSP violations show there) fails the test."""
    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install -y chromium"
    seen = _Seen()

    def only_local(route: Route) -> None:
        url = route.request.url
        seen.requests.append(url)
        if url.startswith(server + "/"):
            route.continue_()
        else:
            seen.foreign.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
            context.route("**/*", only_local)
            page = context.new_page()
            if console:
                page.on(
                    "console", lambda m: seen.problems.append(m.text) if m.type == "error" else None
                )
            page.on("pageerror", lambda e: seen.problems.append(str(e)))
            yield page, seen
        finally:
            browser.close()
    assert not seen.foreign, f"requests left 127.0.0.1: {seen.foreign}"
    assert not seen.problems, f"browser errors (CSP violations show here): {seen.problems}"


@pytest.fixture
def server(archive: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(archive), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_review_in_chromium(
    server: str, archive: Path, facts: dict[str, Any], tmp_path: Path
) -> None:
    with _local_page(server, console=True) as (page, seen):
        page.goto(server + "/")
        page.wait_for_url("**/login?next=*")
        page.fill("#username", "lan")
        page.fill("#password", USERS["lan"][0])
        page.click("#login-form button[type=submit]")
        page.wait_for_url(server + "/")
        assert "Nguyễn Thị Lan" in page.locator("#whoami").inner_text()
        rows = page.locator("#alerts tbody tr")
        assert rows.count() == facts["n_alerts"]
        page.screenshot(path=tmp_path / "web-inbox.png", full_page=True)

        page.locator("a[data-sort=score]").click()  # sortable by score
        page.wait_for_url("**/?*sort=score*")
        page.select_option("select[name=severity]", "medium")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**severity=medium*")
        assert rows.count() == facts["severities"]["medium"]

        aid = facts["vn_alert"]
        page.click(f"tr[data-alert-id='{aid}'] a.alert-link")
        page.wait_for_url(f"**/alerts/{aid}")
        chart = page.locator("#evidence-chart.js-plotly-plot")
        chart.locator("svg.main-svg").first.wait_for(timeout=15_000)
        assert chart.locator("g.scatterlayer g.trace").count() >= 3  # band, forecast, observed
        assert page.locator("#events tbody tr").count() == 10
        assert page.locator("#articles tbody tr a[href^='http://www.baomoi.com/']").count() > 0
        page.screenshot(path=tmp_path / "web-alert.png", full_page=True)

        page.fill("#why", "Embassy in Beijing is checking the reports")
        page.click("button[value=acknowledge]")
        page.wait_for_url(f"**/alerts/{aid}?done=acknowledge")
        assert page.locator("#alert-status").inner_text() == "acknowledged"
        assert "acknowledged by Nguyễn Thị Lan" in page.locator("#history").inner_text()
        audit = page.locator("#audit tbody tr").first
        assert "lan (analyst)" in audit.inner_text()
        assert "new → acknowledged" in audit.inner_text()
        assert "Embassy in Beijing" in audit.inner_text()
        page.screenshot(path=tmp_path / "web-acknowledged.png", full_page=False)

        page.goto(server + "/?status=all")  # the inbox to Excel, opened with openpyxl
        with page.expect_download() as download:
            page.click("#export-inbox-xlsx")
        assert download.value.suggested_filename == "earlywarn-inbox.xlsx"
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        sheet = openpyxl.load_workbook(saved)["alerts"]
        values = list(sheet.values)
        assert len(values) == 1 + facts["n_alerts"]
        row = dict(zip(values[0], next(r for r in values if r[0] == aid), strict=True))
        assert row["status"] == "acknowledged" and row["rule"] == "vn-events"

        page.goto(server + "/focal")
        page.locator("#focal-tone svg.main-svg").first.wait_for(timeout=15_000)
        page.screenshot(path=tmp_path / "web-focal.png", full_page=True)
        assert page.locator("#latest", has_text="Hostile").count() == 1
        assert page.evaluate("window.pwned") is None  # the crafted article ran nothing
        page.fill("header input[type=search]", "bien dong")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=bien+dong")
        assert page.locator("#results li").count() > 0

    with Archive(archive, read_only=True) as a:
        row = a.table("alerts", "alert_id = ?", [aid]).iloc[0]
    assert row["status"] == "acknowledged"
    assert row["note"].endswith(
        "acknowledged by Nguyễn Thị Lan: Embassy in Beijing is checking the reports"
    )
    assert seen.requests
    assert any(u.endswith("/static/plotly.min.js") for u in seen.requests)


def _overflow(page: Any) -> int:
    """Pixels the page is wider than the viewport (0: nothing to scroll sideways)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_vietnamese_review_at_desktop_and_phone_width(
    server: str, archive: Path, facts: dict[str, Any], tmp_path: Path
) -> None:
    aid = facts["vn_alert"]
    with _local_page(server, viewport={"width": 1400, "height": 900}) as (page, _seen):
        page.goto(server + "/")
        page.click("#langs a[data-lang=vi]")  # the language is picked on the login page
        page.wait_for_url("**/login?next=*")
        assert page.locator("html").get_attribute("lang") == "vi"
        assert page.locator("h1").inner_text() == "Đăng nhập trang rà soát cảnh báo"
        page.fill("#username", "lan")
        page.fill("#password", USERS["lan"][0])
        page.click("#login-form button[type=submit]")
        page.wait_for_url(server + "/")
        assert page.locator("h1").inner_text() == "Hộp thư cảnh báo"
        assert "chuyên viên phân tích" in page.locator("#whoami").inner_text()
        page.screenshot(path=tmp_path / "web-vi-inbox-1400.png", full_page=True)
        assert _overflow(page) == 0
        page.goto(f"{server}/alerts/{aid}")
        assert "Sự kiện liên quan đến Việt Nam" in page.locator("#alert-reason").inner_text()
        page.fill("#why", "Đã đề nghị Đại sứ quán kiểm tra thông tin")
        page.click("button[value=acknowledge]")
        page.wait_for_url(f"**/alerts/{aid}?done=acknowledge")
        assert page.locator(".flash.ok").inner_text() == "Đã xác nhận tiếp nhận cảnh báo."
        assert page.locator("#alert-status").inner_text() == "đã tiếp nhận"
        entry = page.locator("#audit tbody tr").first.inner_text()
        assert "lan (chuyên viên phân tích)" in entry and "mới → đã tiếp nhận" in entry
        assert "Đã đề nghị Đại sứ quán" in entry and "thg" in entry  # a Vietnamese date
        page.screenshot(path=tmp_path / "web-vi-alert-1400.png", full_page=True)
        page.goto(server + "/focal?country=Vi%E1%BB%87t+Nam")  # a name, not a code
        peers = page.locator("#perception-peers").inner_text()
        assert "Việt Nam (VNM)" in peers and "Trung Quốc (CHN)" in peers
        assert "Hình ảnh Việt Nam trên truyền thông" in page.locator("#perception h2").inner_text()
        assert page.locator("#perception-language tr").count() >= 2
        page.screenshot(path=tmp_path / "web-vi-focal-1400.png", full_page=True)

        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        for path in ("/", f"/alerts/{aid}", "/focal", "/search?q=bien+dong", "/audit"):
            page.goto(server + path)
            page.wait_for_load_state("load")
            assert _overflow(page) == 0, path
        page.goto(f"{server}/alerts/{aid}")
        page.locator("#evidence-chart svg.main-svg").first.wait_for(timeout=15_000)
        page.screenshot(path=tmp_path / "web-vi-alert-390.png", full_page=True)
        page.goto(server + "/")
        page.screenshot(path=tmp_path / "web-vi-inbox-390.png", full_page=True)
        page.click("#langs a[data-lang=en]")
        page.wait_for_url(server + "/")
        assert page.locator("h1").inner_text() == "Alert inbox"
    with Archive(archive, read_only=True) as a:
        audit = a.query(
            "SELECT username, role, action, comment FROM audit WHERE alert_id = ?", [aid]
        )
    assert audit.values.tolist() == [
        ["lan", "analyst", "acknowledge", "Đã đề nghị Đại sứ quán kiểm tra thông tin"]
    ]


def test_search_in_chromium(server: str, tmp_path: Path) -> None:
    """Search as an analyst: highlights, filters, the next page, and the CSV export."""
    with _local_page(server) as (page, _seen):
        page.goto(server + "/search")
        page.wait_for_url("**/login?next=*")
        page.fill("#username", "lan")
        page.fill("#password", USERS["lan"][0])
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/search")
        page.fill("#search-form input[name=q]", "bien dong")
        page.click("#search-form button[type=submit]")
        page.wait_for_url("**/search?q=bien+dong*")
        assert page.locator("#results li").count() == 20
        assert page.locator("#results li").first.locator("mark").count() >= 2
        marks = page.locator("#results mark").all_inner_texts()
        assert {m.lower() for m in marks} & {"biển", "đông"}
        page.screenshot(path=tmp_path / "web-search.png", full_page=True)

        page.click("#pager a[rel=next]")
        page.wait_for_url("**page=2*")
        assert page.locator("#results li").first.get_attribute("data-rank") == "21"

        page.select_option("#search-form select[name=lang]", "vi")
        page.select_option("#search-form select[name=sort]", "date")
        page.click("#search-form button[type=submit]")
        page.wait_for_url("**lang=vi*")
        assert "page=2" not in page.url  # a new search starts on page 1
        langs = page.locator("#results li .muted").all_inner_texts()
        # languages are named, not coded, since de5703e ("Vietnamese" on the English page)
        assert langs and all(" · Vietnamese · " in t for t in langs), langs

        with page.expect_download() as info:
            page.click("#export-csv")
        path = tmp_path / "results.csv"
        info.value.save_as(path)
        lines = path.read_text("utf-8-sig").splitlines()
        assert lines[0].startswith("rank,score,published,title") and len(lines) > 20


def test_article_link_opens_the_archived_copy(
    server: str, archive: Path, facts: dict[str, Any], tmp_path: Path
) -> None:
    """An evidence article's link on the review page opens the archive's copy (title,
    outlet, date, language, text, the publisher's URL), served by the review page itself:
    it works whatever became of the page the article was collected from."""

    aid = facts["vn_alert"]
    with _local_page(server) as (page, _seen):
        page.goto(f"{server}/alerts/{aid}")
        page.wait_for_url("**/login?next=*")
        page.fill("#username", "minh")
        page.fill("#password", USERS["minh"][0])
        page.click("#login-form button[type=submit]")
        page.wait_for_url(f"**/alerts/{aid}")
        link = page.locator("#articles a.archived-link").first
        title = link.inner_text()
        original = page.locator("#articles a.original-link").first.get_attribute("href")
        link.click()
        page.wait_for_url("**/articles/*")
        article_id = page.url.rsplit("/", 1)[1]
        assert page.locator("#article-title").inner_text() == title
        shown = page.locator("#article-text").inner_text()
        meta = page.locator("#article-meta").inner_text()
        assert page.locator("#article-original a").get_attribute("href") == original
        page.screenshot(path=tmp_path / "web-article.png", full_page=True)
        page.go_back()
        page.wait_for_url(f"**/alerts/{aid}")
        page.goto(f"{server}/articles/no-such-article")
        assert page.locator("h1").inner_text() == "No such article"
    with Archive(archive, read_only=True) as a:
        row = a.table("articles", "article_id = ?", [article_id]).iloc[0]
    words = " ".join(str(row["text"]).split())
    assert len(words) > 200 and words[:200] in " ".join(shown.split())
    assert row["outlet"] in meta and "Vietnamese" in meta
    assert original == row["url"] and original.startswith("http://www.baomoi.com/")


def test_vietnamese_navigation_names_the_focal_country_in_vietnamese(server: str) -> None:
    """The navigation's focal-country link read 'Vietnam' on the Vietnamese page; the focal
    view, the search page named languages by code, the focal charts wrote 0.5 for 0,5 and
    the network page its date as 2019-11-20."""
    with _local_page(server) as (page, _seen):
        page.goto(server + "/lang/vi?next=/login")
        page.fill("#username", "lan")
        page.fill("#password", USERS["lan"][0])
        page.click("#login-form button[type=submit]")
        page.wait_for_url(server + "/")
        assert page.locator("header nav a[href='/focal']").inner_text() == "Việt Nam"
        # languages by name, not code (the focal view read 'vi 7, en 2' and 'en')
        page.goto(server + "/focal")
        by_language = page.locator("#by-language td:first-child").all_inner_texts()
        assert "Tiếng Việt" in by_language and "vi" not in by_language, by_language
        latest = page.locator("#latest tbody td:nth-child(3)").all_inner_texts()
        assert latest and "vi" not in latest and "Tiếng Việt" in latest, latest
        kpi = page.locator("#focal-count + span").inner_text()
        assert kpi == "bài viết nhắc đến Việt Nam", kpi  # it read 'bài viết nhắc đến VNM'
        # the tone chart's axis numbers with the Vietnamese decimal comma (read 0.5, -0.5)
        page.locator("#focal-tone svg.main-svg").first.wait_for(timeout=15_000)
        ticks = page.locator("#focal-tone g.ytick text").all_text_contents()
        assert "0,5" in ticks and "0.5" not in ticks, ticks
        # the search page's language filter and results, the network page's date
        page.goto(server + "/search?q=bien+dong")
        options = page.locator("select[name=lang] option").all_inner_texts()
        assert "Tiếng Việt" in options and "vi" not in options, options
        assert "· Tiếng Việt ·" in page.locator("#results").inner_text()
        page.goto(server + "/network")
        note = page.locator("main p.muted").first.inner_text()
        assert " thg " in note and not re.search(r"\d{4}-\d{2}-\d{2}", note), note
        page.goto(server + "/")
        page.click("#langs a[data-lang=en]")
        page.wait_for_url(server + "/")
        assert page.locator("header nav a[href='/focal']").inner_text() == "Vietnam"
