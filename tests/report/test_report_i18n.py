"""The report in Vietnamese: headings, alert reasons, names, dates and numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from earlywarn.alerts import Rule, evaluate_rules
from earlywarn.detect import detect
from earlywarn.labels import cameo_name
from earlywarn.report import render_report
from tests.alerts.frames import frames

AS_OF = "2018-10-31"  # the real articles are attached to the last days


def test_vietnamese_report(tmp_path: Path) -> None:
    f = frames()
    an = detect(f["series"], as_of=AS_OF, lookback=None)
    rule = Rule("vn-events", series=("ev:VNM",), threshold=0.0, window="1D")
    alerts = evaluate_rules(
        an, [rule], as_of=AS_OF, series=f["series"], events=f["events"],
        articles=f["articles"], mentions=f["mentions"],
    )  # fmt: skip
    edges = pd.DataFrame(
        {"as_of": pd.Timestamp(AS_OF), "kind": "event", "source": ["CHN"], "target": ["VNM"],
         "weight": [1234.5], "n_events": [5], "goldstein_mean": [-2.25]}
    )  # fmt: skip
    html = render_report(
        tmp_path / "vi.html", as_of=AS_OF, alerts=alerts, series=f["series"],
        forecasts=pd.DataFrame(), anomalies=an, articles=f["articles"], events=f["events"],
        edges=edges, stats={"collect": {"rows": 1200, "seconds": 3.5}},
        mentions=f["mentions"], locale="vi",
    ).read_text("utf-8")  # fmt: skip
    assert '<html lang="vi">' in html
    for heading in ("Hộp thư cảnh báo", "Xu hướng và danh sách theo dõi", "Câu chuyện nổi bật",
                    "Mạng lưới: các mối liên hệ mạnh nhất", "cảnh báo sớm chiến lược"):  # fmt: skip
        assert heading in html, heading
    # the reason sentence, series and countries in Vietnamese; dates and numbers by Babel
    assert re.search(r'<p class="reason">Sự kiện liên quan đến Việt Nam \(số sự kiện mỗi ngày\): '
                     r"[\d.,]+ vào ngày \d+ thg \d+, 20\d\d", html)  # fmt: skip
    assert "Trung Quốc (CHN)" in html and "sự kiện giữa hai bên" in html
    assert "1.234,50" in html and "-2,25" in html
    # the alert stage stores titles in English; the report makes them again from rule and series
    stored = str(alerts["title"].iloc[0])
    assert stored == "vn-events: Events involving Vietnam (events per day)"
    assert stored not in html
    assert re.search(r"<h3><span [^>]+>[^<]+</span> Sự kiện liên quan đến Việt Nam; "
                     r"quy tắc vn-events</h3>", html)  # fmt: skip
    # CAMEO names beside the evidence's codes in Vietnamese
    codes = set(re.findall(r"<td>(\d{2,4}) (?!thg )([^<·]+?)(?: · PLOVER [^<]+)?</td>", html))
    assert len(codes) >= 3 and all(name == cameo_name(code, "vi") for code, name in codes)
    assert "<td>042 Thực hiện chuyến thăm · PLOVER Tham vấn</td>" in html
    assert "Make a visit" not in html
    for english in ("Alert inbox", "Top stories", "Trend and watch list", " were expected",
                    "open alerts", "Network: strongest ties"):  # fmt: skip
        assert english not in html, english


def test_run_section_in_vietnamese(tmp_path: Path) -> None:
    """The run table read 'rows'/'seconds' with '2,689' and '0.39', and the data-health
    badges 'ok'/'info', in the Vietnamese report."""
    from earlywarn.schema import empty_frame

    frames_ = {t: empty_frame(t) for t in ("alerts", "series", "forecasts", "anomalies",
                                           "articles", "events", "edges")}  # fmt: skip
    health = pd.DataFrame(
        {"as_of": pd.Timestamp(AS_OF), "check": ["feed_failures", "stale_origin"],
         "subject": ["all", "icews"], "value": [0.0, 385.0], "threshold": [0.3, 30.0],
         "status": ["ok", "info"], "message": ["0 of 170 feeds failed", "old"]}
    )  # fmt: skip
    stats = {"series": {"rows": 2689, "seconds": 0.39}}
    html = render_report(
        tmp_path / "vi.html", as_of=AS_OF, stats=stats, health=health, locale="vi", **frames_
    ).read_text("utf-8")
    run = html[html.index('<section id="run">') :]
    heads = re.findall(r'<th class="num">([^<]+)</th>', run)
    assert heads == ["số dòng đã ghi", "giây"], heads
    assert '<td class="num">2.689</td><td class="num">0,39</td>' in run
    badges = re.findall(r'<span class="badge [^"]+">([^<]+)</span>', run)
    assert sorted(badges) == ["thông tin", "ổn"], badges
    en = render_report(
        tmp_path / "en.html", as_of=AS_OF, stats=stats, health=health, **frames_
    ).read_text("utf-8")
    assert '<td class="num">2,689</td><td class="num">0.39</td>' in en and ">rows written<" in en
