"""The HTML report renders offline, sanitised, with alerts and their evidence."""

from __future__ import annotations

import re
import shutil
import subprocess
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
    assert "Plotly.newPlot" in html and "cdn.plot.ly/plotly" not in html.split("</head>")[1]
    assert '<script>alert("x")</script>' not in html and "onerror=alert" not in html
    assert 'href="javascript:' not in html
    assert "Tin  nóng" in html or "Tin nóng" in html


def test_alerts_and_evidence_in_page(report) -> None:
    path, alerts = report
    html = path.read_text(encoding="utf-8")
    for i, row in enumerate(alerts.itertuples()):
        assert f'href="#alert-{i}"' in html and f'data-alert-id="{row.alert_id}"' in html
    assert "Events involving Vietnam" in html
    assert 'class="evidence-link" href="http://www.baomoi.com/' in html
    assert "tuoitre.vn" in html or "vnexpress.net" in html  # real outlets
    assert "forecast 90% band" in html
    assert "collect" in html and "120" in html  # run stats
    assert "USA" in html and "9.00" in html  # network edges


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "chromium is required for this test: apt-get install -y chromium"
    return found


def test_renders_in_headless_chromium(report, tmp_path: Path) -> None:
    path, alerts = report
    proc = subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--virtual-time-budget=5000",
            f"--user-data-dir={tmp_path}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dom = proc.stdout
    # plotly drew its SVG charts: one per alert with a chart plus the focal-country charts
    drawn = dom.count('class="main-svg"')
    assert drawn >= len(alerts) + 2, drawn
    assert "js-plotly-plot" in dom
