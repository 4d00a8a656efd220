"""Text made safe for the report and the review page: URLs, plain text, times."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

import nh3
import pandas as pd

from earlywarn.collect._clean import BIDI_CONTROLS

__all__ = ["fmt_time", "plain_text", "safe_url"]


def safe_url(url: Any) -> str | None:
    """``url`` if it is an absolute http(s) URL without control characters, else None.

    Examples
    --------
    >>> safe_url("https://vnexpress.net/a?b=1"), safe_url("javascript:alert(1)")
    ('https://vnexpress.net/a?b=1', None)
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if any(ord(c) < 32 or c in "<>\"'`" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


#: bidirectional embeddings, overrides and isolates dropped from shown text (an unclosed
#: override reversed the rest of the cell; stored before collect dropped them)
_NO_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))


def plain_text(value: Any, limit: int = 400) -> str:
    """Text with every HTML tag removed (nh3), entities decoded, cut to ``limit`` chars.

    The result is plain text: the template escapes it on output.

    Examples
    --------
    >>> plain_text("<b>Protest</b> in <script>x()</script>Hà Nội &amp; more")
    'Protest in Hà Nội & more'
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = html.unescape(nh3.clean(str(value), tags=set(), clean_content_tags={"script", "style"}))
    text = " ".join(text.translate(_NO_BIDI).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fmt_time(value: Any) -> str:
    """A time as ``YYYY-MM-DD`` (midnight) or ``YYYY-MM-DD HH:MM UTC``; ``""`` if missing.

    Examples
    --------
    >>> fmt_time("2024-05-01"), fmt_time(pd.Timestamp("2024-05-01 08:30", tz="UTC")), fmt_time(None)
    ('2024-05-01', '2024-05-01 08:30 UTC', '')
    """
    if value is None or value is pd.NaT:
        return ""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return plain_text(value, 40)
    if ts is pd.NaT:
        return ""
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC")
    if ts.hour == ts.minute == ts.second == 0:
        return ts.strftime("%Y-%m-%d")
    return ts.strftime("%Y-%m-%d %H:%M") + (" UTC" if ts.tzinfo is not None else "")
