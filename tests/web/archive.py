"""A small real archive for the web tests.

Real ICEWS18 events and real Vietnamese articles (``tests/alerts/frames.py``), the other
88 articles of the VietnameseMDS sample at their real dates, the Guardian's real RSS
items as English articles (HTML in their text, as feeds give it), tone scored by
``earlywarn.extract.tone``, anomalies from ``earlywarn.detect`` and alerts from
``earlywarn.alerts.evaluate_rules``, all written through ``Archive.commit``. One crafted
article (script in the title, ``javascript:`` URL) checks the escaping.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pandas as pd

from earlywarn.alerts import Rule, evaluate_rules, load_rules
from earlywarn.detect import detect
from earlywarn.extract.tone import score_tone
from earlywarn.forecast import Naive, forecast_frame
from earlywarn.io.shared import read_mds
from earlywarn.schema import TABLES
from earlywarn.store import Archive, Write
from earlywarn.web._accounts import add_user, set_disabled
from tests.alerts.frames import DATA, frames

#: Accounts of the test archive: name -> (password, role, display name); "old" is disabled.
USERS = {
    "lan": ("lan-analyst-2018", "analyst", "Nguyễn Thị Lan"),
    "minh": ("minh-viewer-2018", "viewer", "Trần Minh"),
    "root": ("root-admin-2018!", "admin", ""),
    "old": ("old-analyst-2018", "analyst", "Former analyst"),
}
AS_OF = "2018-09-26"  # the day with most events involving Vietnam in the sample
HOSTILE_TITLE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">Hostile'


def _article(aid: str, url: str, **kw: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(TABLES["articles"].columns)
    row.update(article_id=aid, url=url, **kw)
    return row


def extra_articles(known: set[str]) -> pd.DataFrame:
    rows = []
    for art in read_mds(DATA):
        aid = hashlib.sha1(art["url"].encode()).hexdigest()[:16]
        if aid in known:
            continue
        rows.append(
            _article(
                aid,
                art["url"],
                outlet=art["source"],
                title=art["title"],
                summary=art["summary"],
                text=art["body"],
                language="vi",
                country="VNM",
                published=pd.Timestamp(art["time_iso"]).tz_convert("UTC"),
            )
        )
    feed = json.loads(
        (DATA / "rss_feeds" / "rss-parser" / "output" / "guardian.json").read_text("utf-8")
    )
    for item in feed["feed"]["items"]:
        rows.append(
            _article(
                hashlib.sha1(item["link"].encode()).hexdigest()[:16],
                item["link"],
                outlet="theguardian.com",
                title=item["title"],
                summary=item.get("contentSnippet"),
                text=item.get("content"),
                language="en",
                country="GBR",
                published=pd.Timestamp(item["isoDate"]),
            )
        )
    rows.append(
        _article(
            "hostile0000000001",
            "javascript:alert(1)",
            outlet="<b>evil</b>",
            title=HOSTILE_TITLE,
            text="Vietnam <script>alert(1)</script> hostile text",
            language="en",
            published=pd.Timestamp("2018-09-26 10:00", tz="UTC"),
        )
    )
    return pd.DataFrame(rows)


def _relink(f: dict[str, pd.DataFrame]) -> None:
    """Attach the real Vietnamese articles to Vietnam's events of ``AS_OF`` (frames.py
    attaches them to the sample's last days), re-dated to that day as frames.py does."""
    ev, arts = f["events"], f["articles"]
    linked = ev["article_id"].notna()
    ev.loc[linked, ["article_id", "url", "language", "num_mentions"]] = [None, None, "en", 1]
    day = ev[
        (ev["date"] == pd.Timestamp(AS_OF))
        & ((ev["source_country"] == "VNM") | (ev["target_country"] == "VNM"))
    ].head(len(arts))
    for idx, aid, url in zip(day.index, arts["article_id"], arts["url"], strict=False):
        for col, value in (
            ("article_id", aid),
            ("url", url),
            ("language", "vi"),
            ("num_mentions", 5),
        ):
            ev.at[idx, col] = value
    start = pd.Timestamp(AS_OF, tz="UTC") + pd.Timedelta(hours=4)
    arts["published"] = start + pd.to_timedelta([30 * i for i in range(len(arts))], unit="min")


def build(path: Path) -> dict[str, object]:
    """Write the archive at ``path``; returns facts the tests check against."""
    f = frames()
    _relink(f)
    articles = pd.concat(
        [f["articles"], extra_articles(set(f["articles"]["article_id"]))], ignore_index=True
    )
    hostile_mention = pd.DataFrame(
        [{"article_id": "hostile0000000001", "entity": "VNM", "name": "Vietnam",
          "country": "VNM", "kind": "country", "count": 1}]
    )  # fmt: skip
    mentions = pd.concat([f["mentions"], hostile_mention], ignore_index=True)
    series = f["series"].assign(as_of=pd.Timestamp(AS_OF))
    anomalies = detect(f["series"], as_of=AS_OF, lookback=None)
    # forecasts made a week before, so their band covers the alert's period
    made = pd.Timestamp(AS_OF) - pd.Timedelta(days=7)
    history = f["series"][pd.to_datetime(f["series"]["ds"]) <= made]
    fc = forecast_frame(history[history["unique_id"] == "ev:VNM"], {"naive": Naive()}, h=14)
    fc.insert(0, "as_of", made)
    rules = [
        *load_rules(),
        Rule("vn-events", series=("ev:VNM",), threshold=1.5, window="2D", cooldown=1,
             severity=((1.5, "medium"), (4.0, "high")), title="Events surge: {country_name}"),
        Rule("event-surge", series=("ev:*", "dyad:*", "cov:*"), threshold=1.5, window="7D",
             severity=((1.5, "low"), (1.8, "medium"), (2.0, "high"), (2.3, "critical")),
             title="Unusual activity: {series_label}"),
    ]  # fmt: skip
    alerts = evaluate_rules(
        anomalies, rules, as_of=AS_OF, series=f["series"], events=f["events"],
        articles=articles, mentions=mentions, forecasts=fc,
    )  # fmt: skip
    with Archive(path) as archive:
        archive.commit(
            [
                Write("events", f["events"]),
                Write("articles", articles),
                Write("mentions", mentions),
                Write("tone", score_tone(articles)),
                Write("series", series),
                Write("forecasts", fc),
                Write("anomalies", anomalies.assign(as_of=pd.Timestamp(AS_OF))),
                Write("alerts", alerts),
            ]
        )
        archive.commit_stage(date.fromisoformat(AS_OF), "alerts", [])
        for name, (password, role, display) in USERS.items():
            add_user(archive, name, password, role=role, display_name=display)
        set_disabled(archive, "old", True)
    vn = alerts[alerts["rule"] == "vn-events"]
    return {
        "n_alerts": len(alerts),
        "vn_alert": str(vn["alert_id"].iloc[0]),
        "severities": alerts["severity"].value_counts().to_dict(),
        "n_articles": len(articles),
    }
