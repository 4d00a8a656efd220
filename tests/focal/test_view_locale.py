"""The perception section and the review page's evidence chart read in the page's language."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from earlywarn.focal.summary import PerceptionSummary
from earlywarn.focal.view import perception_view, render_section


def _summary() -> PerceptionSummary:
    empty = pd.DataFrame
    countries = pd.DataFrame(
        [{"country": "VNM", "role": "focal", "articles": 2, "share": 0.1, "tone": -0.1,
          "negative": 1, "previous": 0}]
    )  # fmt: skip
    s = PerceptionSummary(
        "VNM", date(2019, 11, 20), date(2019, 10, 22), 20, countries,
        empty(columns=["language", "articles", "share", "tone"]),
        empty(columns=["source", "articles", "share", "tone"]),
        empty(columns=["outlet", "articles", "share", "tone", "new"]),
        empty(columns=["article_id", "published", "outlet", "language", "source", "title",
                       "url", "relevance", "tone"]),
        empty(columns=["ds", "articles", "tone"]),
    )  # fmt: skip
    s.extras = {
        "narratives": pd.DataFrame(
            [{"narrative_id": f"n{i}", "title": "Esper accuses China", "n_articles": 2,
              "languages": ["en", "vi"], "status": status}
             for i, status in enumerate(["new", "spreading", "fading", "steady"])]
        )
    }  # fmt: skip
    return s


def test_narrative_status_and_languages_in_vietnamese() -> None:
    html = str(render_section(perception_view(_summary(), "vi"), "vi"))
    for word in ("đang lan rộng", "đang lắng xuống", "ổn định", "Tiếng Anh, Tiếng Việt"):
        assert word in html, word
    for word in ("spreading", "fading", "steady", "en, vi"):
        assert word not in html, word
    english = str(render_section(perception_view(_summary(), "en"), "en"))
    assert "spreading" in english and "English" in english


def test_alert_page_chart_title_in_vietnamese() -> None:
    from earlywarn.report.charts import evidence_figure
    from earlywarn.web._views import alert_view

    evidence = {
        "label": "Fighting in Syria (events per day)",  # stored in English
        "freq": "D",
        "ds": "2019-11-18",
        "series": [{"ds": f"2019-11-{d:02d}", "y": float(d % 3)} for d in range(1, 19)],
    }
    row = {"alert_id": "a1", "as_of": "2019-11-20", "unique_id": "ev:SYR:q4",
           "severity": "low", "title": "Fighting rising in Syria", "rule": "fighting-surge",
           "score": 4.0, "status": "new", "ds": "2019-11-18", "evidence": json.dumps(evidence)}  # fmt: skip
    view = alert_view(row, pd.DataFrame(), "vi")
    title = json.loads(str(evidence_figure(view["evidence"], "vi")))["layout"]["title"]["text"]
    assert title.startswith("Giao tranh tại Syria"), title


def test_chart_dates_without_english_month_names_in_vietnamese() -> None:
    """Plotly ships English month names only: the Vietnamese report's and page's charts
    showed 'Nov 14 2019' ticks; they use day/month/year there (English unchanged)."""
    from earlywarn.report.charts import evidence_figure, focal_figures

    ev = {"series": [{"ds": f"2019-11-{d:02d}", "y": 1.0} for d in range(1, 19)], "label": "x"}
    vi = json.loads(str(evidence_figure(ev, "vi")))["layout"]["xaxis"]
    assert vi["tickformat"] == "%d/%m/%Y" and "%b" not in vi.get("hoverformat", "")
    english = json.loads(str(evidence_figure(ev, "en")))["layout"]
    assert "tickformat" not in english.get("xaxis", {})
    arts = pd.DataFrame(
        {"published": pd.date_range("2016-01-01", periods=40, freq="30D", tz="UTC"),
         "language": "vi", "outlet": "vnexpress.net", "tone": 0.0}
    )  # fmt: skip
    for fig in focal_figures(arts, locale="vi").values():
        assert "%b" not in json.loads(str(fig))["layout"]["xaxis"]["tickformat"]


def test_article_count_agrees_in_number() -> None:
    """The section's first line read '1 article(s) about or mentioning Vietnam'."""
    s = _summary()
    html = str(render_section(perception_view(s, "en"), "en"))
    assert "2 articles about or mentioning Vietnam of 20 collected." in html
    s.countries.loc[0, "articles"] = 1
    html = str(render_section(perception_view(s, "en"), "en"))
    assert "1 article about or mentioning Vietnam of 20 collected." in html and "(s)" not in html
    vi = str(render_section(perception_view(s, "vi"), "vi"))
    assert "1 bài viết về hoặc nhắc đến Việt Nam trong tổng số 20 bài" in vi


def test_weekly_series_are_labelled_per_week() -> None:
    """The focal view's watched series read 'Articles about Vietnam · weekly (articles per day)'
    for the weekly ``:w`` series: every series was labelled with a daily unit."""
    s = _summary()
    s.extras["series"] = pd.DataFrame(
        [{"unique_id": uid, "days": 3, "last_ds": date(2019, 11, 18), "last": 2.0, "recent": 2.0}
         for uid in ("per:VNM", "per:VNM:w", "ptone:VNM:w")]
    )  # fmt: skip
    labels = [r["label"] for r in perception_view(s, "en")["series"]]
    assert labels == [
        "Articles about Vietnam (articles per day)",
        "Articles about Vietnam · weekly (articles per week)",
        "Tone toward Vietnam · weekly (mean sentence tone, -1 to 1, per week)",
    ]
    vi = [r["label"] for r in perception_view(s, "vi")["series"]]
    assert vi[1].endswith("mỗi tuần)") and vi[0].endswith("mỗi ngày)")


def test_focal_charts_name_languages_in_the_page_language() -> None:
    """The focal view's 'articles by language' legend read vi/en (codes) on every page."""
    from earlywarn.report.charts import focal_figures

    arts = pd.DataFrame(
        {"published": pd.to_datetime(["2019-11-18", "2019-11-19", "2019-11-19"], utc=True),
         "language": ["vi", "en", None], "outlet": ["a", "b", "c"], "tone": [0.1, -0.2, 0.0]}
    )  # fmt: skip
    names = {t["name"] for t in json.loads(focal_figures(arts, locale="vi")["language"])["data"]}
    assert names == {"Tiếng Việt", "Tiếng Anh", "không rõ"}
    names = {t["name"] for t in json.loads(focal_figures(arts, locale="en")["language"])["data"]}
    assert names == {"Vietnamese", "English", "unknown"}


def test_perception_dates_in_the_page_language() -> None:
    """The section's window read 'Từ 2019-10-22 đến 2019-11-20' under a report header
    reading '20 thg 11, 2019'."""
    vi = str(render_section(perception_view(_summary(), "vi"), "vi"))
    assert "Từ 22 thg 10, 2019 đến 20 thg 11, 2019:" in vi and "2019-10-22" not in vi
    en = str(render_section(perception_view(_summary(), "en"), "en"))
    assert "Oct 22, 2019 to Nov 20, 2019:" in en
