"""feedparser's decoding and tolerant parser, for documents lxml cannot read as they came.

Split from :mod:`earlywarn.collect.feeds`, which tries lxml on what these return: the
functions give bytes and plain fields, never :class:`~earlywarn.collect.feeds.Entry`.
"""

from __future__ import annotations

from typing import Any

from feedparser.api import LooseFeedParser
from feedparser.encodings import convert_to_utf8
from feedparser.sanitizer import replace_doctype
from feedparser.urls import make_safe_absolute_uri

from earlywarn.collect._xmlbytes import valid_char_refs

__all__ = ["as_feedparser_decodes", "loose_items"]


def as_feedparser_decodes(
    content: bytes, url: str, content_type: str | None
) -> tuple[bytes, str, str]:
    """``content`` as UTF-8 the way feedparser decodes it, the encoding found (``""`` for
    none) and why it is in doubt (``""`` when it is not).

    HTTP charset, XML declaration, BOM, then utf-8, windows-1252, iso-8859-2.

    Examples
    --------
    >>> as_feedparser_decodes("<rss>é</rss>".encode("cp1252"), "https://e.com/", None)[:2]
    (b"<?xml version='1.0' encoding='utf-8'?>\\n<rss>\\xc3\\xa9</rss>", 'iso-8859-1')
    """
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    result: dict[str, Any] = {}
    data = convert_to_utf8(headers, content, result)
    return data, result.get("encoding") or "", str(result.get("bozo_exception") or "")


def loose_items(data: bytes, url: str) -> tuple[bool, list[tuple[str, str, str, str, str]]]:
    """Whether feedparser's tolerant parser took UTF-8 ``data`` for a feed, and its items
    as (id, link, title, summary, date); no sanitising, no URI rewriting.

    Examples
    --------
    >>> loose_items(b"<rss><channel><item><title>a &amp b</title></item></rss>", "https://e/")
    (True, [('', '', 'a & b', '', '')])
    """
    version, data, entities = replace_doctype(data)
    try:
        parser = _loose(data, url, entities)
    except UnicodeEncodeError:  # &#xD800; and other references to no character
        parser = _loose(valid_char_refs(data), url, entities)
    items = [
        (
            e.get("id", ""),
            e.get("link", ""),
            e.get("title", ""),
            e.get("summary", ""),
            e.get("published") or e.get("updated") or e.get("created") or "",
        )
        for e in parser.entries
    ]
    return bool(version or parser.version), items


def _loose(data: bytes, url: str, entities: dict[str, str]) -> Any:
    parser = LooseFeedParser(make_safe_absolute_uri(url) or url, None, "utf-8", entities)
    parser.resolve_relative_uris = False
    parser.sanitize_html = False
    parser.feed(data.decode("utf-8", "replace"))
    return parser
