"""Build the bundled demo corpus from ``../shared/data`` (a developer tool, run once).

The corpus is real news: the VietnameseMDS articles (Vietnamese, 2013) and the
ScrapingHub article-extraction pages (English and other languages, mostly 2019-11),
published as per-outlet RSS 2.0 snapshots whose links point at a loopback replay
server (``__BASE__`` is replaced when served), plus real event history (ICEWS 2018
extract, GDELT monthly counts for Yemen). See ``corpus/SOURCES.md``.

Run: ``python -m earlywarn.demo.build ../shared/data``
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import shutil
import sys
from collections import defaultdict
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from earlywarn.io.shared import read_mds

__all__: list[str] = []

HERE = Path(__file__).parent / "corpus"


def _sid(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def _paragraphs(body: str, per: int = 3) -> list[str]:
    sentences = re.split(r"(?<=[.!?…”])\s+(?=[A-ZÀ-Ỹ“])", body.strip())
    return [" ".join(sentences[i : i + per]) for i in range(0, len(sentences), per)]


def _vi_page(row: dict) -> str:
    paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in _paragraphs(row["body"]))
    title = html.escape(row["title"])
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{html.escape(row["url"])}">
<meta property="og:url" content="{html.escape(row["url"])}">
<meta property="article:published_time" content="{row["time_iso"]}">
<meta name="description" content="{html.escape(row["summary"])}">
</head><body><header><nav><a href="/">Trang chủ</a> | <a href="/the-gioi">Thế giới</a></nav></header>
<main><article><h1>{title}</h1><p class="time">{html.escape(row["time"])}</p>
<p class="sapo"><strong>{html.escape(row["summary"])}</strong></p>
{paras}
</article></main><footer>Nguồn: {html.escape(row["source"])}</footer></body></html>
"""


def _rss(title: str, link: str, language: str, items: list[dict]) -> str:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{html.escape(title)}</title><link>{html.escape(link)}</link>",
        f"<description>{html.escape(title)} (earlywarn demo snapshot)</description>",
        f"<language>{language}</language>",
    ]
    for it in items:
        out.append("<item>")
        out.append(f"<title>{html.escape(it['title'])}</title>")
        out.append(f"<link>__BASE__/pages/{it['sid']}.html</link>")
        out.append(f'<guid isPermaLink="false">{html.escape(it["url"])}</guid>')
        if it.get("published") is not None:
            out.append(f"<pubDate>{format_datetime(it['published'].to_pydatetime())}</pubDate>")
        if it.get("summary"):
            out.append(f"<description>{html.escape(it['summary'])}</description>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out) + "\n"


def build(shared: Path) -> None:
    from htmldate import find_date

    data = shared / "data" if (shared / "data").is_dir() else shared
    for sub in ("pages", "feeds"):  # SOURCES.md stays
        shutil.rmtree(HERE / sub, ignore_errors=True)
        (HERE / sub).mkdir(parents=True)
    feeds: dict[tuple[str, str], list[dict]] = defaultdict(list)

    for row in read_mds(data / "vietnamese_news"):
        sid = _sid(row["url"])
        (HERE / "pages" / f"{sid}.html.gz").write_bytes(
            gzip.compress(_vi_page(row).encode(), mtime=0)
        )
        feeds[(row["source"].removeprefix("www."), "vi")].append(
            {
                "sid": sid,
                "url": row["url"],
                "title": row["title"],
                "summary": row["summary"],
                "published": pd.Timestamp(row["time_iso"]).tz_convert("UTC"),
            }
        )

    truth = json.loads((data / "article_extraction/scrapinghub/ground-truth.json").read_text())
    for key, item in sorted(truth.items()):
        src = data / "article_extraction/scrapinghub/html" / f"{key}.html.gz"
        raw = gzip.decompress(src.read_bytes())
        page = raw.decode("utf-8", errors="replace")
        url = item["url"]
        if 'rel="canonical"' not in page and "rel='canonical'" not in page:
            page = page.replace(
                "<head>", f'<head><link rel="canonical" href="{html.escape(url)}">', 1
            )
            raw = page.encode("utf-8")
        sid = _sid(url)
        (HERE / "pages" / f"{sid}.html.gz").write_bytes(gzip.compress(raw, mtime=0))
        found = find_date(page, original_date=True, outputformat="%Y-%m-%d")
        m = re.search(r"<title[^>]*>(.*?)</title>", page, re.S | re.I)
        title = html.unescape(m.group(1)).strip() if m else url
        host = urlsplit(url).hostname or "unknown"
        host = host.removeprefix("www.")
        feeds[(host, "")].append(
            {
                "sid": sid,
                "url": url,
                "title": re.sub(r"\s+", " ", title)[:300],
                "summary": "",
                "published": pd.Timestamp(found, tz="UTC") + pd.Timedelta(hours=12)
                if found
                else None,
            }
        )

    from earlywarn.focal.pickup_eval import OFFICIAL_SOURCES

    official_outlets = {o.removeprefix("www.") for o in OFFICIAL_SOURCES}
    catalog = []
    for (outlet, lang), items in sorted(feeds.items()):
        name = re.sub(r"[^a-z0-9]+", "-", outlet.lower()).strip("-")
        items.sort(key=lambda it: (str(it["published"]), it["sid"]), reverse=True)
        (HERE / "feeds" / f"{name}.xml").write_text(
            _rss(outlet, f"https://{outlet}/", lang or "en", items), encoding="utf-8"
        )
        official = outlet.removeprefix("www.") in official_outlets  # the state's own voice: statements
        entry = {
            "url": f"__BASE__/feeds/{name}.xml",
            "title": outlet,
            "outlet": outlet,
            "kind": "official" if official else "newspaper",
            "mirror": True,  # archived copies: articles keep their publisher's URL
        }
        if lang:
            entry["language"] = lang
            entry["country"] = "VNM"
        catalog.append(entry)
    import yaml

    (HERE / "catalog.yaml").write_text(
        "# Demo catalog: feed snapshots served by the loopback replay server (earlywarn.demo.replay).\n"
        "# mirror: the pages are archived copies; each article keeps its publisher's URL (rel=canonical).\n"
        + yaml.safe_dump({"feeds": catalog}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    shutil.copy(
        data / "icews/icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz",
        HERE / "icews18_2018-08-29_2018-10-31.tsv.gz",
    )
    shutil.copy(
        data / "event_counts/YEM_gdelt_monthly_long.csv", HERE / "YEM_gdelt_monthly_long.csv"
    )
    n_pages = len(list((HERE / "pages").iterdir()))
    sys.stdout.write(f"demo corpus: {n_pages} pages, {len(catalog)} feeds\n")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared"))
