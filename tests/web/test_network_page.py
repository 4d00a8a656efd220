"""The network page of the review app in Chromium: the ego figure drawn, the ties listed,
in Vietnamese, nothing loaded from elsewhere."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.web.archive import AS_OF, USERS
from tests.web.test_browser import ARGS, CHROMIUM, _overflow, server  # noqa: F401 (fixture)


def test_network_page_in_chromium(server: str, archive: Path, tmp_path: Path) -> None:  # noqa: F811
    problems: list[str] = []
    foreign: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})

            def only_local(route):  # type: ignore[no-untyped-def]
                if route.request.url.startswith(server + "/"):
                    route.continue_()
                else:
                    foreign.append(route.request.url)
                    route.abort()

            context.route("**/*", only_local)
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(server + "/")
            page.click("#langs a[data-lang=vi]")
            page.wait_for_url("**/login?next=*")
            page.fill("#username", "lan")
            page.fill("#password", USERS["lan"][0])
            page.click("#login-form button[type=submit]")
            page.wait_for_url(server + "/")
            page.click("header nav a[href='/network']")
            page.wait_for_url("**/network")
            page.goto(f"{server}/network?as_of={AS_OF}&window=7D")
            page.locator("#network-ego svg.main-svg").first.wait_for(timeout=15_000)
            assert page.locator("h1").inner_text() == "Mạng lưới quan hệ của Việt Nam"
            ties = page.locator("#network-ties tbody tr")
            assert ties.count() > 3
            text = page.locator("#network-ties").inner_text()
            assert "Trung Quốc" in text and ("cá nhân" in text or "tổ chức" in text)
            page.screenshot(path=tmp_path / "web-network-vi.png", full_page=True)
            assert _overflow(page) == 0
            page.goto(f"{server}/network?as_of=2001-01-01&window=1D")
            assert page.locator("#network-empty").count() == 1
            assert not problems, problems  # the 400 below logs a console error on purpose
            r = page.goto(f"{server}/network?window=12h")
            assert r is not None and r.status == 400
        finally:
            browser.close()
    assert not foreign, foreign
