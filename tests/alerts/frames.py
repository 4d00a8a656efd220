"""Small real-looking frames for alert/report tests: real ICEWS rows and real articles.

ICEWS18 events (2018-08-29..10-31) involving a few countries become an ``events``
frame; a handful of real Vietnamese articles (VietnameseMDS corpus) are attached to
Vietnam's events and re-dated to the event day (their text, URL and outlet are real).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pandas as pd

from earlywarn.io.shared import read_mds

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
ISO = {
    "Vietnam": "VNM",
    "China": "CHN",
    "United States": "USA",
    "Philippines": "PHL",
    "Russia": "RUS",
    "Japan": "JPN",
    "India": "IND",
}


@lru_cache(maxsize=1)
def icews() -> pd.DataFrame:
    df = pd.read_csv(
        DATA / "icews" / "icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz",
        sep="\t",
        keep_default_na=False,
        dtype={"cameo_code": str},
    )
    df = df[df["source_affiliation"].isin(ISO) | df["target_affiliation"].isin(ISO)]
    return df.reset_index(drop=True)


@lru_cache(maxsize=1)
def vn_articles() -> list[dict]:
    return read_mds(DATA)[:12]


def frames() -> dict[str, pd.DataFrame]:
    from earlywarn.extract.plover import plover_columns

    raw = icews()
    ev = pd.DataFrame(
        {
            "event_id": [hashlib.sha1(f"{i}".encode()).hexdigest()[:16] for i in raw.index],
            "date": pd.to_datetime(raw["event_date"]),
            "source_name": raw["source_name"],
            "source_country": raw["source_affiliation"].map(ISO),
            "source_type": None,
            "target_name": raw["target_name"],
            "target_country": raw["target_affiliation"].map(ISO),
            "target_type": None,
            "cameo_code": raw["cameo_code"],
            "root_code": raw["cameo_code"].str[:2],
            "quad_class": raw["quad_class"].astype("Int8"),
            "goldstein": 0.0,
            "location_country": None,
            "admin1": None,
            "lat": None,
            "lon": None,
            "language": "en",
            "sentence": raw["source_name"]
            + " "
            + raw["event_text"].str.lower()
            + " "
            + raw["target_name"],
            "article_id": None,
            "url": None,
            "num_sources": 1,
            "num_mentions": 1,
            "confidence": 1.0,
            "origin": "icews",
        }
    )
    ev = ev.join(plover_columns(raw["cameo_code"]))
    arts = []
    vn_days = ev[(ev.source_country == "VNM") | (ev.target_country == "VNM")]
    last_vn = vn_days.sort_values("date").tail(len(vn_articles()))
    for (idx, row), art in zip(last_vn.iterrows(), vn_articles(), strict=False):
        aid = hashlib.sha1(art["url"].encode()).hexdigest()[:16]
        ev.loc[idx, ["article_id", "url", "language"]] = [aid, art["url"], "vi"]
        ev.loc[idx, "num_mentions"] = 5
        arts.append(
            {
                "article_id": aid,
                "url": art["url"],
                "feed_id": None,
                "outlet": art["source"],
                "title": art["title"],
                "summary": art["summary"],
                "text": art["body"],
                "language": "vi",
                "country": "VNM",
                "published": pd.Timestamp(row["date"]).tz_localize("UTC") + pd.Timedelta(hours=8),
                "date_flag": None,
                "fetched": None,
                "content_hash": None,
                "duplicate_of": None,
                "outlets": [art["source"]],
                "as_of": None,
            }
        )
    articles = pd.DataFrame(arts)
    mentions = pd.DataFrame(
        {
            "article_id": articles["article_id"],
            "entity": "VNM",
            "name": "Việt Nam",
            "country": "VNM",
            "kind": "country",
            "count": 2,
        }
    )
    series = build_series(ev, articles)
    return {"events": ev, "articles": articles, "mentions": mentions, "series": series}


def build_series(ev: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    days = pd.date_range(ev["date"].min(), ev["date"].max(), freq="D")
    parts = []
    for c in sorted(set(ISO.values())):
        inv = ev[(ev.source_country == c) | (ev.target_country == c)]
        for uid, sub in (
            (f"ev:{c}", inv),
            (f"ev:{c}:q4", inv[inv.quad_class == 4]),
            (f"ev:{c}:r14", inv[inv.root_code == "14"]),
        ):
            y = sub.groupby("date").size().reindex(days, fill_value=0).astype(float)
            parts.append(pd.DataFrame({"unique_id": uid, "ds": days, "y": y.to_numpy()}))
    dy = ev[(ev.source_country == "CHN") & (ev.target_country == "VNM")]
    y = dy.groupby("date").size().reindex(days, fill_value=0).astype(float)
    parts.append(pd.DataFrame({"unique_id": "dyad:CHN>VNM", "ds": days, "y": y.to_numpy()}))
    pub = articles["published"].dt.tz_localize(None).dt.normalize()
    cov = pub.value_counts().reindex(days, fill_value=0).astype(float)
    parts.append(pd.DataFrame({"unique_id": "cov:VNM", "ds": days, "y": cov.to_numpy()}))
    return pd.concat(parts, ignore_index=True)
