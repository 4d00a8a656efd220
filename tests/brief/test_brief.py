"""The brief over two real nights: changes, summaries per language, CLI, e-mail digest, report.

The archive holds real VietnameseMDS articles (Vietnamese, their gold clusters as stories)
and real Guardian RSS items (English), spread over two nights; the alerts of the two
nights change as an analyst and the engine would change them (escalation, resolution,
a new alert). The ``brief`` stage runs through :func:`earlywarn.pipeline.run_stage`, the
digest goes to a real SMTP server (aiosmtpd) on loopback.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from email.message import Message
from pathlib import Path

import pandas as pd
import py3langid
import pytest
import yaml

from earlywarn.alerts import deliver, load_channels
from earlywarn.brief import get_brief, load_brief, render_html
from earlywarn.config import HttpSettings, Settings
from earlywarn.io.shared import read_mds
from earlywarn.pipeline import StageContext, run_stage
from earlywarn.schema import TABLES
from earlywarn.store import Archive, Write
from tests.alerts.servers import free_port, smtp_server

N1, N2 = date(2013, 10, 23), date(2013, 10, 24)
HTTP = HttpSettings(connect_timeout=2.0, read_timeout=5.0)


def _row(table: str, **kw: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(TABLES[table].columns)
    row.update(kw)
    return row


def _articles(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    vi = read_mds(shared)
    by_cluster: dict[str, list[dict]] = {}
    for a in sorted(vi, key=lambda a: a["time_iso"]):
        by_cluster.setdefault(a["cluster_id"], []).append(a)
    rows, stories = [], []
    # cluster_1: two articles on night 1, the third on night 2 (a growing story);
    # cluster_2: night 1 only; cluster_5: night 2 only (a new story)
    plan = {"cluster_1": [N1, N1, N2], "cluster_2": [N1, N1, N1], "cluster_5": [N2, N2, N2]}
    for cid, nights in plan.items():
        for i, (a, night) in enumerate(zip(by_cluster[cid], nights, strict=False)):
            aid = hashlib.sha1(a["url"].encode()).hexdigest()[:16]
            rows.append(
                _row(
                    "articles",
                    article_id=aid,
                    url=a["url"],
                    outlet=a["source"],
                    title=a["title"],
                    summary=a["summary"],
                    text=a["body"],
                    language="vi",
                    country="VNM",
                    published=pd.Timestamp(a["time_iso"]).tz_convert("UTC"),
                    as_of=pd.Timestamp(night),
                )
            )
            stories.append(_row("stories", article_id=aid, story_id=cid, representative=i == 0))
    feed = json.loads((shared / "rss_feeds/rss-parser/output/guardian.json").read_text("utf-8"))
    for i, item in enumerate(feed["feed"]["items"][:2]):
        aid = hashlib.sha1(item["link"].encode()).hexdigest()[:16]
        rows.append(
            _row(
                "articles",
                article_id=aid,
                url=item["link"],
                outlet="theguardian.com",
                title=item["title"],
                summary=item.get("contentSnippet"),
                text=item.get("contentSnippet"),
                language="en",
                country="GBR",
                published=pd.Timestamp(N2, tz="UTC") + pd.Timedelta(hours=i),
                as_of=pd.Timestamp(N2),
            )
        )
        # the first English item joins the Vietnamese cluster_5 story: a mixed story
        stories.append(
            _row(
                "stories",
                article_id=aid,
                story_id="cluster_5" if i == 0 else "guardian",
                representative=i == 1,
            )
        )
    return pd.DataFrame(rows), pd.DataFrame(stories)


def _alert(aid: str, severity: str, night: date, status: str = "new", **kw: object) -> dict:
    now = pd.Timestamp(night, tz="UTC") + pd.Timedelta(hours=6)
    return _row(
        "alerts",
        alert_id=aid,
        rule="r",
        unique_id=f"cov:{aid}",
        ds=pd.Timestamp(night),
        as_of=pd.Timestamp(night),
        severity=severity,
        score=3.0,
        title=f"Alert {aid}",
        status=status,
        evidence="{}",
        created_at=now,
        updated_at=now,
        **kw,
    )


@pytest.fixture(scope="module")
def night_two(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """The archive after the brief stage ran on both nights, its settings and the SMTP box."""
    tmp = tmp_path_factory.mktemp("brief")
    arts, stories = _articles(shared_data)
    mentions = pd.DataFrame(
        [_row("mentions", article_id=a, entity="VNM", name="Việt Nam", country="VNM", kind="country", count=1)
         for a in arts.loc[arts["language"] == "vi", "article_id"][:4]]
    )  # fmt: skip
    port = free_port()
    (tmp / "channels.yaml").write_text(
        yaml.safe_dump(
            {
                "channels": [
                    {
                        "name": "desk-brief",
                        "kind": "apprise",
                        "url": f"mailto://ew:${{EW_SMTP_PASSWORD}}@127.0.0.1:{port}"
                        "?from=earlywarn@example.org&to=desk@example.org",
                        "digest": True,
                        "min_severity": "critical",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    settings = Settings(archive=tmp / "a.duckdb", output_dir=tmp, channels=tmp / "channels.yaml")
    mp = pytest.MonkeyPatch()
    mp.setenv("EW_SMTP_PASSWORD", "s3cret")
    briefs = {}
    with Archive(settings.archive) as archive, smtp_server(port) as box:
        archive.commit(
            [Write("articles", arts), Write("stories", stories), Write("mentions", mentions)]
        )
        archive.commit(
            [
                Write(
                    "alerts",
                    pd.DataFrame(
                        [_alert("A", "medium", N1), _alert("B", "low", N1), _alert("D", "low", N1)]
                    ),
                )
            ]
        )
        run_stage(StageContext(archive, settings, N1, "run1"), "brief")
        briefs[N1] = load_brief(archive, N1)
        # night 2: A escalates, B is resolved by an analyst, D stops firing, C is new
        archive.commit(
            [Write("alerts", pd.DataFrame([_alert("A", "high", N2), _alert("B", "low", N1, status="resolved"), _alert("C", "medium", N2)]))]
        )  # fmt: skip
        run_stage(StageContext(archive, settings, N2, "run2"), "brief")
        run_stage(StageContext(archive, settings, N2, "run3"), "brief")  # a rerun: no new digest
        briefs[N2] = load_brief(archive, N2)
        counts = deliver(archive, load_channels(settings.channels), http=HTTP)
        outbox = archive.table("outbox")
    mp.undo()
    return settings, briefs, box, counts, outbox


def test_changes_since_the_previous_night(night_two) -> None:
    _, briefs, *_ = night_two
    first, b = briefs[N1], briefs[N2]
    assert first["previous"] is None and b["previous"] == N1.isoformat()
    assert [a["alert_id"] for a in first["changes"]["new_alerts"]] == ["A", "B", "D"]
    c = b["changes"]
    assert [a["alert_id"] for a in c["new_alerts"]] == ["C"]
    assert [(a["alert_id"], a["previous_severity"], a["severity"]) for a in c["escalated"]] == [
        ("A", "medium", "high")
    ]
    assert sorted((a["alert_id"], a["how"]) for a in c["resolved"]) == [
        ("B", "resolved"),
        ("D", "no longer firing"),
    ]
    assert {s["story_id"] for s in c["new_stories"]} == {"cluster_5", "guardian"}
    (grow,) = c["growing_stories"]
    assert grow["story_id"] == "cluster_1" and (grow["new_articles"], grow["n_articles"]) == (1, 3)
    assert c["focal"]["previous"] == 4 - c["focal"]["articles"] or c["focal"]["previous"] >= 1
    assert c["focal"]["by_language"] and set(c["focal"]["by_language"]) == {"vi"}
    assert set(b["state"]["alerts"]) == {"A", "B", "C", "D"}


def test_top_stories_summarised_in_their_language(night_two, shared_data: Path) -> None:
    _, briefs, *_ = night_two
    stories = {s["story_id"]: s for s in briefs[N2]["stories"]}
    assert set(stories) == {"cluster_1", "cluster_5", "guardian"}  # tonight's stories only
    mixed = stories["cluster_5"]
    assert mixed["language"] == "vi" and mixed["languages"] == ["en", "vi"]
    assert mixed["outlets"] and "theguardian.com" in mixed["outlets"]
    for s in stories.values():
        assert 1 <= len(s["summary"]) <= 3
        assert py3langid.classify(" ".join(s["summary"]))[0] == s["language"]
        assert s["links"] and all(link["url"].startswith("http") for link in s["links"])
    assert stories["guardian"]["language"] == "en"
    # the brief prints the summary that ``earlywarn eval brief`` measures: same function,
    # same defaults, the story's articles earliest first
    from earlywarn.brief import summarise
    from earlywarn.brief.evaluate import load_clusters

    clusters = load_clusters(shared_data / "vietnamese_news")
    docs = next(c for c in clusters if c["cluster_id"] == "cluster_1")
    assert stories["cluster_1"]["summary"] == summarise(docs["documents"], "vi")
    # the first story has the most outlets
    assert briefs[N2]["stories"][0]["story_id"] == "cluster_5"


def test_email_digest_through_the_outbox(night_two) -> None:
    _, briefs, box, counts, outbox = night_two
    assert sorted(outbox["alert_id"]) == ["brief:2013-10-23", "brief:2013-10-24"]  # once each
    assert counts["sent"] == 2 and counts["failed"] == 0
    assert len(box.messages) == 2 and box.logins[0] == (b"ew", b"s3cret")
    msg = next(m for m in box.messages if "2013-10-24" in str(m["Subject"]))
    assert msg.get_content_type() == "multipart/alternative"
    parts: list[Message] = msg.get_payload()  # type: ignore[assignment]
    text, html = (p.get_payload(decode=True).decode("utf-8") for p in parts)  # type: ignore[union-attr]
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    first = briefs[N2]["stories"][0]
    assert first["summary"][0][:60] in " ".join(text.split())
    assert "@media print" in html and first["links"][0]["url"] in html
    assert msg["Message-ID"].startswith("<ew-") and msg["X-Earlywarn-Delivery-Id"]


def test_plain_text_brief_in_vietnamese(night_two) -> None:
    """The text brief (terminal, e-mail) is translated like the HTML one: every label
    line differs from the English one, and no English label is left."""
    from earlywarn.alerts.senders import render_message
    from earlywarn.brief import render_text

    _, briefs, *_ = night_two
    en, vi = render_text(briefs[N2]), render_text(briefs[N2], locale="vi")
    en_lines, vi_lines = en.splitlines(), vi.splitlines()
    assert len(en_lines) == len(vi_lines)
    labels = [
        i
        for i, line in enumerate(en_lines)
        if i < 2 or line.startswith(" * ") or (line.isupper() and line)
    ]
    assert len(labels) >= 9  # title, counts, two section heads, five change lines
    assert all(en_lines[i] != vi_lines[i] for i in labels)
    # nights as each language writes dates (they read 2013-10-24 in both)
    assert vi_lines[0] == "Bản tin sáng · 24 thg 10, 2013 (Thay đổi kể từ 23 thg 10, 2013)"
    assert en_lines[0] == "Morning brief · Oct 24, 2013 (Changes since Oct 23, 2013)"
    for english in (
        "new alert",
        "escalated",
        "resolved or quiet",
        "articles tonight",
        "TOP STORIES",
        "WHAT CHANGED",
        "languages:",
        "outlets",
    ):
        assert english in en and english not in vi, english
    assert "ngôn ngữ: Tiếng Anh" in vi and "languages: English" in en  # names, not 'en'
    from earlywarn.alerts import Channel
    from earlywarn.alerts.outbox import enqueue_digest

    desk = Channel("desk", "apprise", "mailto://u:p@127.0.0.1?to=d@example.org", digest=True)
    row = enqueue_digest(briefs[N2], [desk], locale="vi").iloc[0]
    subject, body = render_message(json.loads(row["payload"]))
    assert subject.endswith("Bản tin sáng") and body.startswith(vi)
    assert render_message({"kind": "brief", "brief": briefs[N2]})[1].startswith(en)


def test_cli_prints_the_stored_brief(night_two, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from earlywarn.cli import app

    settings, briefs, *_ = night_two

    def run(*args: str):
        return CliRunner().invoke(app, ["-q", "--archive", str(settings.archive), "brief", *args])

    r = run("--as-of", "2013-10-24", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == briefs[N2]
    page = tmp_path / "brief.html"
    r = run("--as-of", "2013-10-24", "--html", str(page))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("Morning brief · Oct 24, 2013 (Changes since Oct 23, 2013)")
    assert "Alert A: medium -> high" in r.stdout and "Alert D (no longer firing)" in r.stdout
    assert briefs[N2]["stories"][0]["summary"][0][:40] in " ".join(r.stdout.split())
    assert "@media print" in page.read_text("utf-8")
    # a night without a stored brief is built on the fly, read-only
    r = run("--as-of", "2013-10-25")
    assert r.exit_code == 0 and "0 new articles tonight" in r.stdout
    # the reader's language (the ``locale`` setting), for the text and the page alike
    r = CliRunner().invoke(
        app,
        [
            "-q",
            "--archive",
            str(settings.archive),
            "brief",
            "--as-of",
            "2013-10-24",
            "--html",
            str(page),
        ],
        env={"EARLYWARN_LOCALE": "vi"},
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("Bản tin sáng · 24 thg 10, 2013 (Thay đổi kể từ 23 thg 10, 2013)")
    assert "Những gì đã thay đổi".upper() in r.stdout and 'lang="vi"' in page.read_text("utf-8")
    r = run("--as-of", "25/10/2013")
    assert r.exit_code == 64 and "YYYY-MM-DD" in r.stderr
    r = CliRunner().invoke(
        app, ["--archive", str(tmp_path / "none.duckdb"), "brief", "--as-of", "2013-10-24"]
    )
    assert r.exit_code == 66 and not (tmp_path / "none.duckdb").exists()


def test_report_and_page_show_the_brief(night_two, tmp_path: Path) -> None:
    from earlywarn.report import render_report
    from earlywarn.schema import empty_frame

    settings, briefs, *_ = night_two
    frames = {
        t: empty_frame(t)
        for t in ("alerts", "series", "forecasts", "anomalies", "articles", "events", "edges")
    }
    out = render_report(tmp_path / "r.html", as_of=N2, stats={}, brief=briefs[N2], **frames)
    html = out.read_text("utf-8")
    assert html.index('id="brief"') < html.index('id="inbox"')  # at the top
    assert briefs[N2]["stories"][0]["summary"][0].split()[0] in html
    page = render_html(briefs[N2])
    assert '<section class="brief" id="brief"' in page and "<script" not in page
    with Archive(settings.archive, read_only=True) as archive:
        assert get_brief(archive, N2) == briefs[N2]


def test_review_page_shows_the_brief(night_two) -> None:
    from starlette.testclient import TestClient

    from earlywarn.config import WebSettings
    from earlywarn.web import create_app

    settings, briefs, *_ = night_two
    web = WebSettings(anonymous_read=True)
    with TestClient(create_app(settings.archive, read_only=True, web=web)) as client:
        page = client.get("/brief")  # the latest night
        assert page.status_code == 200
        assert 'id="brief"' in page.text and "Morning brief · Oct 24, 2013" in page.text
        assert briefs[N2]["stories"][0]["links"][0]["url"] in page.text
        assert '<option value="2013-10-23"' in page.text and "@media print" in page.text
        first = client.get("/brief", params={"as_of": "2013-10-23"})
        assert "Morning brief · Oct 23, 2013" in first.text
        assert client.get("/brief", params={"as_of": "23/10/2013"}).status_code == 400
        assert 'href="/brief"' in client.get("/").text  # in the navigation
        client.get("/lang/vi")
        vi = client.get("/brief").text  # the page and the brief speak Vietnamese too
        assert "Bản tin sáng" in vi and "Những gì đã thay đổi" in vi and "cảnh báo mới" in vi
        assert "Bản tin sáng · 24 thg 10, 2013" in vi and "2013-10-23)" not in vi
        assert '<option value="2013-10-23" >23 thg 10, 2013</option>' in vi  # the nights too


def test_stored_brief_reads_in_the_page_locale() -> None:
    """A brief is stored once with its alert titles and focal name in English (as the rules
    write them); rendered in Vietnamese (report with locale = "vi", the review page's VI)
    the alert titles and the country are Vietnamese, as in the report's alert inbox."""
    from earlywarn.brief import brief_section, render_text

    alert = {
        "alert_id": "a1",
        "title": "Fighting rising in Syria",
        "severity": "medium",
        "status": "new",
        "score": 5.0,
        "unique_id": "ev:SYR:q4",
        "rule": "fighting-surge",
    }
    b = {"as_of": "2019-11-20", "previous": "2019-11-19", "focal_country": "VNM",
         "focal_name": "Vietnam", "articles": 3, "stories": [],
         "changes": {"new_alerts": [alert], "escalated": [],
                     "resolved": [{**alert, "alert_id": "a2", "how": "no longer firing"}],
                     "new_stories": [], "growing_stories": [],
                     "focal": {"articles": 1, "previous": 0, "by_language": {"en": 1}}}}  # fmt: skip
    for text in (str(brief_section(b, locale="vi")), render_text(b, locale="vi")):
        assert "Fighting rising" not in text and "Giao tranh tại Syria" in text
        assert "Việt Nam" in text and "Vietnam" not in text
    english = render_text(b, locale="en")
    assert "Fighting rising in Syria" in english and "Vietnam" in english


def test_summary_leaves_out_the_headline_line(shared_data: Path, tmp_path: Path) -> None:
    """Extracted pages start with their headline as a line of its own, which the sentence
    splitter glued to the lead: the demo's brief read "Mỹ phủ nhận quan hệ căng thẳng với
    Saudi Arabia Ngày 22-10, ...". The brief summarises the bodies alone, as the eval does
    (a tuning-half cluster; its pages as the collector stores them: headline, then body)."""
    from earlywarn.brief import build_brief, summarise

    docs = sorted(
        (a for a in read_mds(shared_data) if a["cluster_id"] == "cluster_3"),
        key=lambda a: a["time_iso"],
    )
    arts, stories = [], []
    for i, a in enumerate(docs):
        aid = hashlib.sha1(a["url"].encode()).hexdigest()[:16]
        suffix = " - " + a["source"] if i == 0 else ""  # a page title with the site's name
        arts.append(
            _row("articles", article_id=aid, url=a["url"], outlet=a["source"],
                 title=a["title"] + suffix, text=f"{a['title']}\n{a['body']}", language="vi",
                 country="VNM", published=pd.Timestamp(a["time_iso"]).tz_convert("UTC"),
                 as_of=pd.Timestamp(N1))
        )  # fmt: skip
        stories.append(_row("stories", article_id=aid, story_id="c3", representative=i == 0))
    with Archive(tmp_path / "a.duckdb") as archive:
        archive.commit(
            [Write("articles", pd.DataFrame(arts)), Write("stories", pd.DataFrame(stories))]
        )
        brief = build_brief(archive, N1)
    (story,) = brief["stories"]
    assert story["summary"] == summarise([a["body"] for a in docs], "vi")
    titles = [" ".join(a["title"].split()) for a in docs]
    assert not [s for s in story["summary"] if any(s.startswith(t) for t in titles)]
