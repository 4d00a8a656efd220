"""The HTML report renders offline, sanitised, with alerts and their evidence."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from earlywarn.alerts import Rule, evaluate_rules
from earlywarn.detect import detect
from earlywarn.report import render_report
from tests.alerts.frames import frames

AS_OF = "2018-10-31"  # the real articles are attached to the last days


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    f = frames()
    arts = f["articles"].copy()
    # a hostile article: markup in the title and a javascript: URL must be neutralised
    arts.loc[0, "title"] = 'Tin <script>alert("x")</script><img src=x onerror=alert(1)> nóng'
    arts.loc[0, "url"] = "javascript:alert(2)"
    an = detect(f["series"], as_of=AS_OF, lookback=None)
    rules = [
        Rule(
            "vn-events",
            series=("ev:VNM",),
            threshold=0.0,
            window="1D",
            title="Events involving {country_name}",
        ),
        Rule("vn-cov", series=("cov:VNM",), threshold=2.0, window="1D"),
    ]
    alerts = evaluate_rules(
        an,
        rules,
        as_of=AS_OF,
        series=f["series"],
        events=f["events"],
        articles=arts,
        mentions=f["mentions"],
    )
    ds = pd.Timestamp(AS_OF)
    fc = pd.DataFrame(
        {
            "unique_id": "ev:VNM",
            "model": "ensemble",
            "ds": pd.date_range(ds - pd.Timedelta(days=9), ds),
            "yhat": 17.0,
            "q05": 8.0,
            "q50": 17.0,
            "q95": 28.0,
            "p_exceed": None,
            "threshold": None,
        }
    )
    edges = pd.DataFrame(
        {
            "as_of": ds,
            "kind": "country",
            "source": ["CHN", "USA"],
            "target": ["VNM", "CHN"],
            "weight": [5.0, 9.0],
            "n_events": [5, 9],
            "goldstein_mean": [1.0, -2.0],
        }
    )
    path = render_report(
        tmp_path_factory.mktemp("rep") / "report.html",
        as_of=AS_OF,
        alerts=alerts,
        series=f["series"],
        forecasts=fc,
        anomalies=an,
        articles=arts,
        events=f["events"],
        edges=edges,
        stats={
            "collect": {"rows": 120, "seconds": 3.2},
            "detect": {"rows": len(an), "seconds": 0.4},
        },
        mentions=f["mentions"],
    )
    return path, alerts


def test_self_contained_and_sanitised(report) -> None:
    path, alerts = report
    html = path.read_text(encoding="utf-8")
    assert len(alerts) >= 2
    assert not re.search(r"""<(script|img|iframe)[^>]*\ssrc\s*=\s*["']?(https?:)?//""", html, re.I)
    assert not re.search(r"""<link[^>]*href\s*=\s*["']?(https?:)?//""", html, re.I)
    scripts = re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", html)
    assert scripts and all("/" not in src and (path.parent / src).is_file() for src in scripts)
    assert (path.parent / "charts.js").read_text().count("Plotly.newPlot") == 1
    assert path.stat().st_size < 1_500_000, path.stat().st_size
    assert '<script>alert("x")</script>' not in html and "onerror=alert" not in html
    assert 'href="javascript:' not in html
    assert "Tin  nóng" in html or "Tin nóng" in html


def test_alerts_and_evidence_in_page(report) -> None:
    path, alerts = report
    html = path.read_text(encoding="utf-8")
    for i, row in enumerate(alerts.itertuples()):
        assert f'href="#alert-{i}"' in html and f'data-alert-id="{row.alert_id}"' in html
    assert "Events involving Vietnam" in html
    assert "Events involving Vietnam (events per day): " in html  # the reason sentence
    assert "about 1 in " in html and "were expected (90% forecast band 8 to 28), " in html
    assert '<td class="dataset">ICEWS' in html  # each event says which dataset it came from
    assert 'class="evidence-link" href="http://www.baomoi.com/' in html
    assert "tuoitre.vn" in html or "vnexpress.net" in html  # real outlets
    assert "forecast 90% band" in html
    assert "collect" in html and "120" in html  # run stats
    assert "United States (USA)" in html and "9.00" in html  # network edges, named


def test_watch_list_without_alerts(tmp_path: Path) -> None:
    """The trend section lists forecasts with their bands even on a night without alerts."""
    f = frames()
    ds = pd.Timestamp(AS_OF)
    fc = pd.DataFrame(
        {
            "unique_id": "ev:VNM",
            "model": "prophet",
            "ds": pd.date_range(ds + pd.Timedelta(days=1), periods=7),
            "yhat": 40.0,
            "q05": 30.0,
            "q50": 40.0,
            "q95": 55.0,
        }
    )
    empty = pd.DataFrame()
    path = render_report(
        tmp_path / "r.html", as_of=AS_OF, alerts=empty, series=f["series"], forecasts=fc,
        anomalies=empty, articles=empty, events=empty, edges=empty, stats={},
    )  # fmt: skip
    html = path.read_text(encoding="utf-8")
    assert "No alerts as of" in html and "7 forecasts for 1 series" in html
    assert "Events involving Vietnam (events per day)" in html and "40 (30 to 55)" in html
    assert 'data-figure="watch-1-data"' in html


def test_no_charts_no_script(tmp_path: Path) -> None:
    empty = pd.DataFrame()
    path = render_report(
        tmp_path / "r.html", as_of=AS_OF, alerts=empty, series=empty, forecasts=empty,
        anomalies=empty, articles=empty, events=empty, edges=empty, stats={},
    )  # fmt: skip
    html = path.read_text(encoding="utf-8")
    assert "<script" not in html and "script-src 'none'" in html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]
    assert path.stat().st_size < 20_000


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.slow
@pytest.mark.parametrize("width", [1400, 390])
def test_renders_in_chromium_on_desktop_and_phone(report, width: int, tmp_path: Path) -> None:
    """Plotly draws every chart from the shared script; nothing overflows the page at 390 px."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install -y chromium"
    path, alerts = report
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_function(
            "document.querySelectorAll('[data-figure]').length > 0 && "
            "[...document.querySelectorAll('[data-figure]')].every(d => d.querySelector('.main-svg'))",
            timeout=30_000,
        )
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        figures = page.locator("[data-figure]").count()
        page.screenshot(path=tmp_path / f"report-{width}.png")
        browser.close()
    assert not errors, errors
    assert all(u.startswith("file://") for u in requests), requests
    assert overflow <= 0, f"the page is {overflow} px wider than a {width} px screen"
    assert figures >= len(alerts)  # one evidence chart per alert (the perception section draws
    # only the ego network, which needs an archive)


def _one_and_ten(tmp_path: Path, locale: str) -> Path:
    """A report whose first alert has one top event and one article, its second ten of each,
    with one forecast and a focal tone chart of one-article and two-article weeks."""
    f = frames()
    an = detect(f["series"], as_of=AS_OF, lookback=None)
    rules = [Rule("vn-events", series=("ev:VNM",), threshold=0.0, window="1D"),
             Rule("vn-cov", series=("cov:VNM",), threshold=2.0, window="1D")]  # fmt: skip
    alerts = evaluate_rules(
        an, rules, as_of=AS_OF, series=f["series"], events=f["events"],
        articles=f["articles"], mentions=f["mentions"],
    ).sort_values("rule", ascending=False, ignore_index=True)  # fmt: skip
    ev = json.loads(alerts.loc[0, "evidence"])
    assert len(ev["events"]) == 10 and len(ev["articles"]) == 10
    ev["events"], ev["articles"] = ev["events"][:1], ev["articles"][:1]
    alerts.loc[0, "evidence"] = json.dumps(ev)
    ds = pd.Timestamp(AS_OF)
    fc = pd.DataFrame({"unique_id": "ev:VNM", "model": "prophet", "ds": [ds + pd.Timedelta(days=1)],
                       "yhat": 40.0, "q05": 30.0, "q50": 40.0, "q95": 55.0})  # fmt: skip
    return render_report(
        tmp_path / f"{locale}.html", as_of=AS_OF, alerts=alerts, series=f["series"],
        forecasts=fc, anomalies=an, articles=f["articles"], events=f["events"],
        edges=pd.DataFrame(), stats={}, mentions=f["mentions"], locale=locale,
    )  # fmt: skip


def test_counts_read_in_singular_and_plural(tmp_path: Path) -> None:
    """'1 top event', '10 articles', '1 forecast': no 'event(s)' left in the report."""
    html = _one_and_ten(tmp_path, "en").read_text("utf-8")
    summaries = re.findall(r"<summary>(Evidence:[^<]*)</summary>", html)
    assert sorted(summaries) == ["Evidence: 0 top events of 0, 10 articles",
                                 "Evidence: 1 top event of 21, 1 article"], summaries  # fmt: skip
    assert "1 forecast for 1 series" in html
    assert "(s)" not in re.sub(r"https?\(s\)", "", html)
    vi = _one_and_ten(tmp_path, "vi").read_text("utf-8")
    assert "Bằng chứng: 1 sự kiện tiêu biểu trong tổng số 21, 1 bài" in vi
    assert "Có 1 dự báo cho 1 chuỗi số liệu" in vi or "1 dự báo cho 1 chuỗi" in vi


def test_focal_tone_hover_counts_articles_in_number() -> None:
    from earlywarn.report.charts import focal_figures

    arts = pd.DataFrame(
        {"published": pd.to_datetime(["2019-11-04 08:00", "2019-11-11 09:00", "2019-11-11 17:00"], utc=True),
         "language": "vi", "outlet": "vnexpress.net", "tone": [0.1, -0.2, 0.3]}
    )  # fmt: skip
    for locale, want in (("en", ["1 article", "2 articles"]), ("vi", ["1 bài", "2 bài"])):
        trace = json.loads(str(focal_figures(arts, locale=locale)["tone"]))["data"][0]
        assert trace["customdata"] == want, trace["customdata"]
        assert "articles" not in trace["hovertemplate"]


@pytest.mark.slow
def test_evidence_counts_in_chromium(tmp_path: Path) -> None:
    """What a reader sees in the browser: the evidence summaries in singular and plural."""
    from playwright.sync_api import sync_playwright

    path = _one_and_ten(tmp_path, "en")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(path.as_uri())
        shown = page.locator("details > summary").all_inner_texts()
        watch = page.locator("#watch p.muted").first.inner_text()
        browser.close()
    assert "Evidence: 1 top event of 21, 1 article" in shown, shown
    assert "Evidence: 0 top events of 0, 10 articles" in shown, shown
    assert watch.startswith("1 forecast for 1 series this night"), watch
