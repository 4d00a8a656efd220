"""Feed parsing: bytes in, normalised :class:`Entry` records out; no network, no DTDs.

A fast path reads well-formed RSS 2.0, RSS 1.0 (RDF) and Atom with lxml
(``resolve_entities=False``, ``no_network=True``, ``load_dtd=False``); anything
ill-formed falls back to feedparser. Documents declaring entities are refused
(billion-laughs, XXE). What is not a feed raises :class:`FeedError` with reason
``not_a_feed``.

Examples
--------
>>> xml = b'''<rss version="2.0"><channel><title>T</title>
... <item><title>Hello</title><link>https://e.com/a</link>
... <description>&lt;p&gt;Hi &amp;amp; bye&lt;/p&gt;</description>
... <pubDate>Wed, 26 Jul 2017 19:55:20 +0700</pubDate></item></channel></rss>'''
>>> e = parse_feed(xml, "https://e.com/rss")[0]
>>> e.title, e.link, e.summary, e.published.isoformat(), e.date_flag
('Hello', 'https://e.com/a', 'Hi & bye', '2017-07-26T12:55:20+00:00', 'ok')
"""

from __future__ import annotations

import calendar
import codecs
import contextlib
import email.utils
import hashlib
import html
import html.entities
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin

import feedparser
from feedparser.datetimes import _parse_date as _fp_parse_date
from lxml import etree

from earlywarn.collect.catalog import Feed
from earlywarn.errors import FeedError

__all__ = ["Entry", "FeedParseError", "parse_date", "parse_feed", "strip_html"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_ATOM03 = "{http://purl.org/atom/ns#}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_MEDIA = "{http://search.yahoo.com/mrss/}"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_TAG = re.compile(r"<[^>]*>")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
# every "&": a named reference (XML knows five, HTML ~250 more that feeds use undeclared,
# &nbsp; ...), a character reference, or a bare "&" (a URL's query string)
_AMPERSAND = re.compile(
    rb"&(?:([A-Za-z][A-Za-z0-9]{0,31});|(#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};))?"
)
_XML_NAMES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
# libxml2's XML_ERR_UNDECLARED_ENTITY, XML_WAR_UNDECLARED_ENTITY, and the errors of a bare
# "&" (XML_ERR_NAME_REQUIRED, XML_ERR_ENTITYREF_SEMICOL_MISSING)
_REFERENCE_ERRORS = (26, 27, 68, 23)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# the common RFC 822 shape, "Wed, 26 Jul 2017 19:55:20 +0700" (email.utils for the rest)
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*(?:([+-])(\d{2})(\d{2})|(GMT|UTC?|Z|[ECMP][SD]T))?"
)
# RFC 822's zone names, in hours east of UTC
_ZONES = {"GMT": 0, "UT": 0, "UTC": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}  # fmt: skip
_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}


def _rss_fields(ns: str) -> dict[str, str]:
    """Child tag -> field name of an RSS 2.0 (``ns=""``) or RSS 1.0 item."""
    return {
        ns + "title": "title",
        ns + "link": "link",
        ns + "guid": "guid",
        ns + "description": "description",
        ns + "pubDate": "date",
        _CONTENT + "encoded": "content",
        _DC + "date": "dc_date",
        _ATOM + "link": "atom_link",
    }


def _atom_fields(ns: str) -> dict[str, str]:
    """Child tag -> field name of an Atom 1.0 / 0.3 entry (links are read separately)."""
    names = ("id", "title", "summary", "content", "published", "updated", "issued", "modified")
    return {**{ns + name: name for name in names}, _MEDIA + "group": "media"}


_RSS2_FIELDS = _rss_fields("")
_RSS1_FIELDS = _rss_fields(_RSS1)
_ATOM_FIELDS = {_ATOM: _atom_fields(_ATOM), _ATOM03: _atom_fields(_ATOM03)}


class FeedParseError(FeedError):
    """A document could not be read as a feed; ``reason`` is ``not_a_feed`` or ``unsafe_xml``."""

    def __init__(self, message: str, *, reason: str = "not_a_feed") -> None:
        self.reason = reason
        super().__init__(f"{reason}: {message}")


@dataclass(frozen=True)
class Entry:
    """One feed entry, normalised."""

    id: str
    link: str
    title: str
    summary: str
    published: datetime | None
    date_flag: str


def strip_html(text: str | None) -> str:
    """Remove tags, unescape entities and collapse whitespace.

    Plain text (no ``<`` and no ``&``, the common case for titles) only has its whitespace
    collapsed; NFC normalisation is skipped for ASCII.

    Examples
    --------
    >>> strip_html("<p>Tin&nbsp;<b>mới</b></p>  nhất")
    'Tin mới nhất'
    """
    if not text:
        return ""
    if "<" in text:
        # a "<" with no ">" after it is left alone by _TAG, but the regex would scan to the
        # end from each one (quadratic on a summary of many "&lt;"): only the text up to the
        # last ">" can hold tags
        end = text.rfind(">") + 1
        text = _TAG.sub(" ", text[:end]) + text[end:]
    if "&" in text:
        text = html.unescape(text)
    text = " ".join(text.split())  # str.split() and re's \s agree on Unicode whitespace
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def parse_date(value: str | None) -> datetime | None:
    """Parse an RFC 822 or ISO 8601 date to tz-aware UTC; ``None`` when unreadable.

    ISO 8601 (``datetime.fromisoformat``) is tried first when the value starts with a
    year, RFC 822 (``email.utils``) otherwise; feedparser's date handlers are the last
    resort. Naive dates are taken as UTC. A date outside 1900-2199 (year 0, 1, 1500,
    9999, absurd time zones) is ``None`` too: the entry is undated, never an overflow.

    Examples
    --------
    >>> parse_date("2016-02-01T17:22:00+01:00").isoformat()
    '2016-02-01T16:22:00+00:00'
    >>> parse_date("Tue, 01 Oct 2019 14:30:00 PST").isoformat()
    '2019-10-01T22:30:00+00:00'
    >>> parse_date("not a date"), parse_date("Mon, 01 Jan 0001 00:00:00 +0100")
    (None, None)
    """
    if not value:
        return None
    value = value.strip()
    zone = _OFFSET.search(value)
    if zone and (int(zone[1]) > 14 or int(zone[2]) > 59):  # no such time zone
        return None
    try:
        out = _parse_date(value)
    except (ValueError, OverflowError, OSError, TypeError, IndexError):
        return None
    return out if out is None or _EARLIEST <= out < _LATEST else None


def _parse_date(value: str) -> datetime | None:
    out: datetime | None = None
    if value[:4].isdigit():
        with contextlib.suppress(ValueError):
            out = datetime.fromisoformat(value)
    if out is None:
        out = _rfc822(value)
    if out is None:
        try:
            out = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            st = _fp_parse_date(value)
            if st is not None:
                out = datetime.fromtimestamp(calendar.timegm(st), tz=timezone.utc)
    if out is None:
        return None
    if out.tzinfo is None:
        return out.replace(tzinfo=timezone.utc)
    return out.astimezone(timezone.utc)


def _rfc822(value: str) -> datetime | None:
    """The common RFC 822 date shape in one regular expression, or ``None``."""
    m = _RFC822.fullmatch(value)
    if m is None:
        return None
    day, mon, year, hour, minute, sec, sign, oh, om, zone = m.groups()
    month = _MONTHS.get(mon.title())
    if month is None:
        return None
    try:
        out = datetime(int(year), month, int(day), int(hour), int(minute), int(sec or 0))
    except ValueError:
        return None
    if sign:
        offset = (int(oh) * 60 + int(om)) * (-1 if sign == "-" else 1)
    else:
        offset = 60 * _ZONES[zone] if zone else 0
    return (out - timedelta(minutes=offset)).replace(tzinfo=timezone.utc)


def _text(el: Any) -> str:
    if el is None:
        return ""
    text = el.text if len(el) == 0 else "".join(el.itertext())
    return text.strip() if text else ""


def _pick(node: Any, fields: dict[str, str]) -> dict[str, Any]:
    """The first child of ``node`` for each wanted tag, by field name (one pass)."""
    out: dict[str, Any] = {}
    # lxml filters by tag in C: no Python proxy or tag string for the children we skip
    for child in node.iterchildren(*fields):
        key = fields[child.tag]
        if key not in out:
            out[key] = child
    return out


_OFFSET = re.compile(r"[+-](\d\d):?(\d\d)$")
_EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
_LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)


def _make(eid: str, link: str, title: str, summary: str, date: str, base: str) -> Entry:
    link = link.strip()
    if link and not link.startswith(("http://", "https://")):
        link = urljoin(base, link)
    published = parse_date(date)
    title = strip_html(title)
    summary = strip_html(summary)
    if not eid:
        eid = link or hashlib.sha1(f"{title}\n{summary}".encode()).hexdigest()
    flag = "ok" if published else "invalid" if date.strip() else "missing"
    return Entry(eid.strip(), link, title, summary, published, flag)


def _rss_item(item: Any, fields: dict[str, str], base: str) -> Entry:
    c = _pick(item, fields)
    link = _text(c.get("link"))
    guid = c.get("guid")
    gtext = _text(guid)
    if not link:
        atom_link = c.get("atom_link")
        if atom_link is not None:
            link = atom_link.get("href", "")
        elif (
            guid is not None
            and gtext.startswith(("http://", "https://"))
            and (guid.get("isPermaLink") or "true") != "false"
        ):
            link = gtext
    eid = gtext or item.get(_RDF + "about", "")
    summary = _text(c.get("description")) or _text(c.get("content"))
    date = _text(c.get("date")) or _text(c.get("dc_date"))
    return _make(eid, link, _text(c.get("title")), summary, date, base)


def _atom_entry(entry: Any, ns: str, base: str) -> Entry:
    c = _pick(entry, _ATOM_FIELDS[ns])
    link, first = "", None
    for el in entry.iterchildren(ns + "link"):
        href = el.get("href")
        if first is None:
            first = href or ""
        if href and el.get("rel", "alternate") == "alternate":
            link = href
            break
    else:
        link = first or ""
    summary = _text(c.get("summary")) or _text(c.get("content"))
    if not summary and c.get("media") is not None:  # YouTube: media:group/media:description
        summary = _text(c["media"].find(_MEDIA + "description"))
    date = (
        _text(c.get("published"))
        or _text(c.get("updated"))
        or _text(c.get("issued"))
        or _text(c.get("modified"))
    )
    return _make(_text(c.get("id")), link, _text(c.get("title")), summary, date, base)


_PARSER_KW: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_pis": True,
    "remove_comments": True,  # not text; ~5% less tree to build
}


def _fast(content: bytes, url: str, encoding: str | None = None) -> list[Entry]:
    root = etree.fromstring(content, etree.XMLParser(encoding=encoding, **_PARSER_KW))
    # entities can only be declared in a DOCTYPE (external DTDs are never loaded), so the
    # byte scan for declarations is needed only when the document has one
    if root.getroottree().docinfo.internalDTD is not None and _ENTITY_DECL.search(content):
        raise _unsafe(url)
    tag = root.tag if isinstance(root.tag, str) else ""
    local = tag.rpartition("}")[2].lower()
    if local == "rss":
        channel = root.find("channel")
        items = channel.iterfind("item") if channel is not None else iter(())
        return [_rss_item(i, _RSS2_FIELDS, url) for i in items]
    if local == "rdf":
        return [_rss_item(i, _RSS1_FIELDS, url) for i in root.iter(_RSS1 + "item")]
    if local == "feed":
        ns = tag[: len(tag) - len("feed")]
        if ns not in _ATOM_FIELDS:
            ns = _ATOM
        base = root.get(_XML_BASE) or url
        return [_atom_entry(e, ns, base) for e in root.iterfind(ns + "entry")]
    raise FeedParseError(f"{url}: root element <{local or '?'}> is not rss, RDF or Atom")


def _reference(m: re.Match[bytes]) -> bytes:
    name = m.group(1)
    if name is None:
        return m.group(0) if m.group(2) else b"&amp;"
    if name in _XML_NAMES:
        return m.group(0)
    code = html.entities.name2codepoint.get(name.decode("ascii"))
    return b"&#%d;" % code if code is not None else b"&amp;" + m.group(0)[1:]


def _mend_references(content: bytes) -> bytes:
    """``content`` with its references made XML, as a browser would read them (one pass).

    An undeclared ``&eacute;`` or a bare ``&`` in a link is fatal to an XML parser, and
    feedparser then reads the whole document with its slow loose parser. HTML's named
    references become character references (``&#233;``); an unknown name and a bare ``&``
    are kept as text (``&amp;``).

    Examples
    --------
    >>> _mend_references(b"<t>caf&eacute; &amp; &nosuch; &lt; &#8230; a?x=1&y=2 & b</t>")
    b'<t>caf&#233; &amp; &amp;nosuch; &lt; &#8230; a?x=1&amp;y=2 &amp; b</t>'
    """
    return _AMPERSAND.sub(_reference, content)


def _unsafe(where: str) -> FeedParseError:
    return FeedParseError(f"{where}: document declares XML entities; refused", reason="unsafe_xml")


def _undeclared_8bit(content: bytes, content_type: str | None) -> bool:
    """True for a document with no BOM, no declared encoding and bytes that are not UTF-8.

    feedparser reads such a document as windows-1252 (utf-8 failing); so does the fast path.
    """
    if content.startswith(_BOMS) or (content_type and "charset" in content_type.lower()):
        return False
    if content.startswith(b"<?xml"):
        decl = content[: content.find(b"?>") + 2]
        if b"encoding" in decl:
            return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _valid_char_ref(m: re.Match[bytes]) -> bytes:
    """A character reference, or U+FFFD's when it names a surrogate or no code point."""
    ref = m.group(1)
    code = int(ref[1:], 16) if ref[:1] in b"xX" else int(ref)
    return m.group(0) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else b"&#xFFFD;"


def _slow(content: bytes, url: str, content_type: str | None) -> list[Entry]:
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    kw: dict[str, Any] = {
        "response_headers": headers,
        "sanitize_html": False,
        "resolve_relative_uris": False,
    }
    try:
        parsed = feedparser.parse(content, **kw)
    except UnicodeEncodeError:  # &#xD800; and other references to no character
        parsed = feedparser.parse(_CHAR_REF.sub(_valid_char_ref, content), **kw)
    if not parsed.get("version") and not parsed.entries:
        why = parsed.get("bozo_exception")
        raise FeedParseError(f"{url}: not RSS or Atom ({why or 'no feed elements found'})")
    out = []
    for e in parsed.entries:
        date = e.get("published") or e.get("updated") or e.get("created") or ""
        out.append(
            _make(
                e.get("id", ""),
                e.get("link", ""),
                e.get("title", ""),
                e.get("summary", ""),
                date,
                url,
            )
        )
    return out


def parse_feed(
    content: bytes, url: str, *, feed: Feed | None = None, content_type: str | None = None
) -> list[Entry]:
    """Parse a feed document into entries.

    Parameters
    ----------
    content : bytes
        The raw document (any encoding; the XML declaration or BOM decides).
    url : str
        The feed's URL, used to resolve relative links.
    feed : Feed, optional
        The catalog entry (for messages).
    content_type : str, optional
        The HTTP Content-Type, used by the tolerant fallback parser.

    Raises
    ------
    FeedParseError
        ``not_a_feed`` (HTML, empty, unrecognised) or ``unsafe_xml`` (entity declarations).

    Examples
    --------
    >>> parse_feed(b"<html><body>hi</body></html>", "https://e.com/")
    Traceback (most recent call last):
    ...
    earlywarn.collect.feeds.FeedParseError: not_a_feed: https://e.com/: root element <html> is not rss, RDF or Atom
    """
    where = f"{url} ({feed.outlet})" if feed is not None and feed.outlet else url
    if content[:1] in b" \t\r\n":  # also true for b"": no copy of a big body otherwise
        content = content.lstrip(b" \t\r\n")
    if not content:
        raise FeedParseError(f"{where}: empty document")
    try:
        return _fast(content, url)
    except FeedParseError as exc:
        if exc.reason == "unsafe_xml":
            raise _unsafe(where) from None
        raise
    except etree.XMLSyntaxError as exc:
        if _ENTITY_DECL.search(content):  # the tolerant parser must never see entities
            raise _unsafe(where) from None
        if exc.code in _REFERENCE_ERRORS:
            with contextlib.suppress(etree.XMLSyntaxError):
                return _fast(_mend_references(content), url)
        if _undeclared_8bit(content, content_type):
            with contextlib.suppress(etree.XMLSyntaxError):
                return _fast(content, url, encoding="windows-1252")
        return _slow(content, url, content_type)
