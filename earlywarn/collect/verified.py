"""Each feed's last good fetch: written into its catalog file, listed beside the archive's.

A feed's ``verified`` date is the day it was last fetched and parsed as a feed. It lives
in two places, each written by one command: the catalog file (``earlywarn feeds check
--online --write-verified``: the date a person checked it) and the archive's ``feeds``
table (the nightly collect: the last good poll, kept when a later poll fails). The
completeness ledger keeps each night's failures; the last good date is the ``feeds``
table's, not a second copy. :func:`feed_status` puts catalog and archive side by side
for ``earlywarn feeds list``.

Writing a date touches only that date: a YAML catalog is edited as text (comments, order
and quoting stay), in flow entries (``- {url: ..., verified: ...}``) and block entries
(``- url: ...`` then indented keys) alike; an OPML catalog gets its ``outline``'s
``verified`` attribute set or added in place, nothing else of the file rewritten.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from earlywarn._atomic import write_atomic
from earlywarn.collect.catalog import Feed, normalize_link

__all__ = ["feed_status", "record_verified"]

_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_FLOW_URL = re.compile(r"\s*-\s*\{\s*url:\s*[\"']?([^\"',}\s]+)")
_FLOW_VERIFIED = re.compile(rf"(\bverified:\s*)[\"']?{_DATE}[\"']?")
_BLOCK_URL = re.compile(r"(\s*)-(\s+)url:\s*[\"']?([^\"'\s#]+)")
_BLOCK_VERIFIED = re.compile(rf"(\s*verified:\s*)[\"']?{_DATE}[\"']?")
_OUTLINE = re.compile(r"<outline\b[^>]*>")
_XML_URL = re.compile(r"\bxmlUrl\s*=\s*(\"[^\"]*\"|'[^']*')")
_OPML_VERIFIED = re.compile(r"(\bverified\s*=\s*)(\"[^\"]*\"|'[^']*')")


def record_verified(path: str | Path, verified: Mapping[str, date]) -> int:
    """Write each feed's last good fetch (``{url: date}``) into its catalog file; returns
    how many entries were updated. Nothing else of the file changes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = p.write_text(
    ...     "# mine\\nfeeds:\\n- {url: 'https://e.com/rss', language: vi}\\n"
    ...     "- url: https://f.com/rss  # block style\\n  language: en\\n"
    ... )
    >>> record_verified(p, {"https://e.com/rss": date(2026, 12, 6), "https://f.com/rss": date(2026, 12, 5)})
    2
    >>> print(p.read_text(), end="")
    # mine
    feeds:
    - {url: 'https://e.com/rss', language: vi, verified: 2026-12-06}
    - url: https://f.com/rss  # block style
      verified: 2026-12-05
      language: en
    """
    p = Path(path)
    wanted = {normalize_link(u): d.isoformat() for u, d in verified.items()}
    text = p.read_text(encoding="utf-8")
    if p.suffix.lower() in (".opml", ".xml"):
        text, done = _opml(text, wanted)
    else:
        text, done = _yaml(text, wanted)
    if done:
        write_atomic(p, text)  # the curated catalog: whole or as it was
    return done


def _yaml(text: str, wanted: Mapping[str, str]) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    done = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        flow = _FLOW_URL.match(line)
        block = None if flow else _BLOCK_URL.match(line)
        url = flow.group(1) if flow else block.group(3) if block else None
        if url is None or normalize_link(url) not in wanted:
            i += 1
            continue
        when = wanted[normalize_link(url)]
        if flow is not None:
            if _FLOW_VERIFIED.search(line):
                lines[i] = _FLOW_VERIFIED.sub(rf"\g<1>{when}", line, count=1)
            else:
                body = line.rstrip("\r\n")
                end = body.rstrip()
                if not end.endswith("}"):  # a flow mapping over several lines: left alone
                    i += 1
                    continue
                lines[i] = end[:-1].rstrip() + f", verified: {when}}}" + line[len(body) :]
            done += 1
            i += 1
            continue
        assert block is not None
        indent = " " * (len(block.group(1)) + 1 + len(block.group(2)))  # the keys' column
        j = i + 1  # the entry's other lines: indented at least as far as its keys
        while j < len(lines) and (
            not lines[j].strip() or (lines[j].startswith(indent) and lines[j][len(indent)] != "-")
        ):
            j += 1
        for k in range(i + 1, j):
            if _BLOCK_VERIFIED.match(lines[k]) and lines[k].startswith(indent + "verified"):
                lines[k] = _BLOCK_VERIFIED.sub(rf"\g<1>{when}", lines[k], count=1)
                break
        else:
            newline = "\r\n" if line.endswith("\r\n") else "\n"
            if not line.endswith(("\n", "\r")):
                lines[i] = line + newline
            lines.insert(i + 1, f"{indent}verified: {when}{newline}")
            j += 1
        done += 1
        i = j
    return "".join(lines), done


def _opml(text: str, wanted: Mapping[str, str]) -> tuple[str, int]:
    done = 0

    def one(m: re.Match[str]) -> str:
        nonlocal done
        tag = m.group(0)
        url = _XML_URL.search(tag)
        if url is None:
            return tag
        key = normalize_link(html.unescape(url.group(1)[1:-1]))
        if key not in wanted:
            return tag
        done += 1
        when = wanted[key]
        if _OPML_VERIFIED.search(tag):
            return _OPML_VERIFIED.sub(rf'\g<1>"{when}"', tag, count=1)
        close = len(tag) - (2 if tag.endswith("/>") else 1)
        head = tag[:close].rstrip()
        return f'{head} verified="{when}"{tag[len(head) :]}' if close else tag

    return _OUTLINE.sub(one, text), done


def feed_status(feeds: Sequence[Feed], archive_feeds: pd.DataFrame | None = None) -> pd.DataFrame:
    """The catalog's feeds with their last good fetch, from the catalog and the archive.

    Columns: ``outlet, family, language, url, verified`` (the later of the catalog's date
    and the archive's), ``last_status`` and ``last_fetched`` (the archive's last poll,
    empty when the feed was never collected).

    Examples
    --------
    >>> f = Feed(url="https://e.com/rss", outlet="E", verified=date(2026, 1, 2))
    >>> polled = pd.DataFrame({"feed_id": [f.feed_id], "last_status": ["ok"],
    ...     "last_fetched": [pd.Timestamp("2026-12-06 01:00", tz="UTC")],
    ...     "verified": [date(2026, 12, 6)]})
    >>> feed_status([f], polled)[["outlet", "verified", "last_status"]].values.tolist()
    [['E', datetime.date(2026, 12, 6), 'ok']]
    """
    frame = pd.DataFrame(
        {
            "feed_id": [f.feed_id for f in feeds],
            "outlet": [f.outlet for f in feeds],
            "family": [f.family or f.outlet for f in feeds],
            "language": [f.language for f in feeds],
            "url": [f.url for f in feeds],
            "catalog_verified": [f.verified for f in feeds],
        }
    )
    cols = ["feed_id", "last_status", "last_fetched", "verified"]
    polled = (
        archive_feeds[cols].rename(columns={"verified": "archive_verified"})
        if archive_feeds is not None and not archive_feeds.empty
        else pd.DataFrame(columns=["feed_id", "last_status", "last_fetched", "archive_verified"])
    )
    out = frame.merge(polled.drop_duplicates("feed_id"), on="feed_id", how="left")
    dates = [
        max((d for d in (a, b) if isinstance(d, date) and not pd.isna(d)), default=None)
        for a, b in zip(out["catalog_verified"], _dates(out["archive_verified"]), strict=True)
    ]
    out["verified"] = pd.Series(dates, index=out.index, dtype=object)
    keep = ["outlet", "family", "language", "url", "verified", "last_status", "last_fetched"]
    return out[keep]


def _dates(values: pd.Series) -> list[date | None]:
    return [None if pd.isna(v) else pd.Timestamp(v).date() for v in values]
