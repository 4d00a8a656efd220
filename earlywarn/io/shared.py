"""The shared evaluation data folder and its Vietnamese multi-document corpus.

``shared/data`` sits beside the repository (or wherever ``EARLYWARN_SHARED_DATA`` points).
It holds the evaluation, benchmark and test data; nothing in the nightly pipeline reads
it. The VietnameseMDS corpus in it (``vietnamese_news/vietnamese_mds_articles.jsonl.gz``)
is read by the brief and pickup evaluations, the demo builder and tests: one reader here.

Examples
--------
>>> import gzip, json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> row = {"doc_id": "1", "cluster_id": "cluster_1", "url": "https://vnexpress.net/a",
...        "source": "vnexpress.net", "title": "Tiêu đề", "summary": "Tóm tắt",
...        "body": "Nội dung.", "time_iso": "2017-07-26T08:00:00+07:00"}
>>> with gzip.open(folder / "vietnamese_mds_articles.jsonl.gz", "wt", encoding="utf-8") as fh:
...     _ = fh.write(json.dumps(row) + "\\n")
>>> frame = mds_articles(folder)
>>> frame[["article_id", "language", "outlet", "cluster_id"]].iloc[0].tolist()
['1', 'vi', 'vnexpress.net', 'cluster_1']
>>> str(frame["published"].iloc[0])
'2017-07-26 01:00:00+00:00'
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["MDS_ARTICLES", "mds_articles", "read_mds", "shared_data"]

#: File name of the VietnameseMDS articles (one JSON object per line, gzipped).
MDS_ARTICLES = "vietnamese_mds_articles.jsonl.gz"


def shared_data() -> Path:
    """The ``shared/data`` folder: ``$EARLYWARN_SHARED_DATA``, else beside the repository."""
    env = os.environ.get("EARLYWARN_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "data"


def _folder(data: str | Path | None) -> Path:
    """The folder holding :data:`MDS_ARTICLES` (``data`` may be ``shared/data`` itself)."""
    folder = Path(data) if data is not None else shared_data() / "vietnamese_news"
    if (
        not (folder / MDS_ARTICLES).is_file()
        and (folder / "vietnamese_news" / MDS_ARTICLES).is_file()
    ):
        folder = folder / "vietnamese_news"
    return folder


def read_mds(data: str | Path | None = None) -> list[dict[str, Any]]:
    """The corpus' rows as dicts, in file order.

    Parameters
    ----------
    data
        The ``vietnamese_news`` folder or ``shared/data``; default: :func:`shared_data`.

    Raises
    ------
    FileNotFoundError
        The file is missing (the message says where it was looked for).
    """
    path = _folder(data) / MDS_ARTICLES
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; pass --data or set EARLYWARN_SHARED_DATA")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def mds_articles(data: str | Path | None = None) -> pd.DataFrame:
    """The corpus as an articles frame (``article_id`` = the corpus ``doc_id``).

    Columns ``article_id, url, title, text, language ("vi"), outlet, country ("VNM"),
    published`` (UTC) ``, cluster_id``.
    """
    rows = read_mds(data)
    return pd.DataFrame(
        {
            "article_id": [r["doc_id"] for r in rows],
            "url": [r["url"] for r in rows],
            "title": [r["title"] for r in rows],
            "text": [r["body"] for r in rows],
            "language": "vi",
            "outlet": [r["source"] for r in rows],
            "country": "VNM",
            "published": pd.to_datetime([r["time_iso"] for r in rows], utc=True),
            "cluster_id": [r["cluster_id"] for r in rows],
        }
    )
