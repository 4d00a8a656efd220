"""Feed parsing: bytes in, normalised :class:`Entry` records out; no network, no DTDs.

JSON Feed 1.0/1.1 (jsonfeed.org) is read with ``json``. A fast path reads well-formed
RSS 2.0, RSS 1.0 (RDF) and Atom with lxml
(``resolve_entities=False``, ``no_network=True``, ``load_dtd=False``), one walk of the
tree per document. HTML's named references (``&eacute;``) and bare ``&`` are mended and
read on the fast path; a document in an undeclared or wrong encoding is decoded as
feedparser decodes it and read by lxml again; only what is still not well-formed goes to
feedparser's tolerant parser. Documents declaring entities are refused (billion-laughs,
XXE). What is not a feed raises :class:`FeedError` with reason ``not_a_feed``.

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

import contextlib
import hashlib
import itertools
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import urljoin

from lxml import etree

from earlywarn._log import get_logger
from earlywarn.collect._bytes import mostly_utf8
from earlywarn.collect._clean import no_surrogates, strip_html
from earlywarn.collect._dates import parse_date
from earlywarn.collect._tolerant import as_feedparser_decodes, loose_items
from earlywarn.collect._xmlbytes import (
    advertised_feed,
    declared_as_utf8,
    from_wide,
    mend_references,
    misdeclared_text,
    undeclared_not_utf8,
)
from earlywarn.collect.catalog import Feed
from earlywarn.errors import FeedError

__all__ = [
    "TOLERANT_TAGS",
    "Entry",
    "FeedParseError",
    "FeedRead",
    "parse_date",
    "parse_feed",
    "read_feed",
    "strip_html",
]

log = get_logger(__name__)

# Tags (``<``) feedparser's tolerant parser may read for one document. It costs ~100-150 µs
# a tag in Python, holding the GIL: a feed nested 100,000 deep took 9.4 s, 2.5 MB of
# unescaped ``<br>`` 20.5 s. What is past the budget is read by lxml's recovering parser
# (C, linear), with less fidelity. The shared ill-formed feeds send at most 19 tags to
# it, the ill-formed bench shape at most 5,856 in one document: ~1-1.5 s at most.
TOLERANT_TAGS = 10_000

_ATOM = "{http://www.w3.org/2005/Atom}"
_ATOM03 = "{http://purl.org/atom/ns#}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_MEDIA = "{http://search.yahoo.com/mrss/}"
_ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_TEXT_OF = etree.tostring
# libxml2's XML_ERR_UNDECLARED_ENTITY, XML_WAR_UNDECLARED_ENTITY, and the errors of a bare
# "&" (XML_ERR_NAME_REQUIRED, XML_ERR_ENTITYREF_SEMICOL_MISSING)
_REFERENCE_ERRORS = (26, 27, 68, 23)


def _rss_fields(ns: str) -> dict[str, str]:
    """Child tag -> field name of an RSS 2.0 (``ns=""``) or RSS 1.0 item."""
    return {
        ns + "title": "title",
        ns + "link": "link",
        ns + "guid": "guid",
        ns + "description": "description",
        ns + "pubDate": "date",
        _CONTENT + "encoded": "content",
        # a podcast's episode text may be in itunes:summary only: the first of the two in
        # the item is its summary, as feedparser takes them
        _ITUNES + "summary": "description",
        _DC + "date": "dc_date",
        _ATOM + "link": "atom_link",
    }


def _atom_fields(ns: str) -> dict[str, str]:
    """Child tag -> field name of an Atom 1.0 / 0.3 entry (``link``: the first one)."""
    names = (
        "id", "title", "link", "summary", "content", "published", "updated", "issued", "modified"
    )  # fmt: skip
    return {**{ns + name: name for name in names}, _MEDIA + "group": "media"}


_RSS2_FIELDS = _rss_fields("")
_RSS1_FIELDS = _rss_fields(_RSS1)
_ATOM_FIELDS = {_ATOM: _atom_fields(_ATOM), _ATOM03: _atom_fields(_ATOM03)}


class FeedParseError(FeedError):
    """A document could not be read as a feed; ``reason`` is ``not_a_feed`` or ``unsafe_xml``."""

    def __init__(self, message: str, *, reason: str = "not_a_feed") -> None:
        self.reason = reason
        super().__init__(f"{reason}: {message}")


class Entry(NamedTuple):
    """One feed entry, normalised (immutable; a named tuple: one C call to build)."""

    id: str
    link: str
    title: str
    summary: str
    published: datetime | None
    date_flag: str


class FeedRead(NamedTuple):
    """A feed read with what was noted on the way: the feed did not fail, its entries are
    all there, but the reading was not the usual one.

    ``notes`` are reason codes: ``degraded_parse`` when ``recovered`` piece(s) of the
    document (a bad item, or the whole document) were past the tolerant parser's budget
    of :data:`TOLERANT_TAGS` tags and read by lxml's recovering parser (fields may be lost).
    """

    entries: list[Entry]
    notes: tuple[str, ...] = ()
    recovered: int = 0


def _text(el: Any) -> str:
    """The element's text, XML's white space (not U+0085, a cp1252 "…" read as Latin-1) off.

    An element with children (HTML written unescaped in a description, ``media:group``)
    gives its text nodes joined by spaces, as :func:`strip_html` reads a tag:
    ``<p>One.</p><p>Two.</p>`` reads "One. Two.", not "One.Two." (libxml2's text
    serialiser glued them). Atom's ``type="xhtml"`` is markup: see :func:`_atom_text`.
    """
    if el is None:
        return ""
    text = el.text if len(el) == 0 else " ".join(el.itertext())
    return text.strip(" \t\r\n") if text else ""


def _atom_text(el: Any) -> str:
    """An Atom text construct: :func:`_text`, but ``type="xhtml"`` as its markup.

    XHTML content is markup, as escaped HTML is once the XML is read: serialised by
    libxml2 (one C call) for :func:`strip_html` to read as it reads HTML, tags as spaces
    and a text ``&lt;b&gt;`` kept as text, as feedparser reads it.
    """
    if el is None or len(el) == 0 or el.get("type") != "xhtml":
        return _text(el)
    return _TEXT_OF(el, encoding=str, with_tail=False)


def _records(
    parent: Any, item_tag: str, fields: dict[str, str], *, direct: bool
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Each item under ``parent`` and its first child element per wanted field, in order.

    One walk of the tree with one tag filter (lxml matches tags in C): a filter made per
    item (``iterchildren(*tags)``) costs more than the whole walk, and a proxy is made only
    for the elements wanted. An item is given as soon as the next one starts, so only its
    own proxies are alive: holding every item's (5-10 tracked objects an item) made the
    garbage collector promote them and sweep a long-running process's whole heap.
    ``direct``: items must be children of ``parent`` (RSS 2.0's ``channel``, Atom's
    ``feed``), else at any depth (RSS 1.0).
    """
    item: Any = None
    found: dict[str, Any] | None = None
    for el in parent.iterdescendants(item_tag, *fields):
        tag = el.tag
        if tag == item_tag:
            if direct and el.getparent() is not parent:
                continue  # an item inside an item: neither ends the outer one
            if found is not None:
                yield item, found
            item, found = el, {}
        elif found is not None and el.getparent() is item:
            key = fields[tag]
            if key not in found:
                found[key] = el
    if found is not None:
        yield item, found


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


def _rss_item(item: Any, c: dict[str, Any], base: str) -> Entry:
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


def _atom_entry(entry: Any, c: dict[str, Any], ns: str, base: str) -> Entry:
    first = c.get("link")
    link = first.get("href") if first is not None else None
    if not link or first is None or first.get("rel", "alternate") != "alternate":
        # the first link is not the alternate one (or has no href): look at them all
        link, href0 = "", None
        for el in entry.iterchildren(ns + "link"):
            href = el.get("href")
            if href0 is None:
                href0 = href or ""
            if href and el.get("rel", "alternate") == "alternate":
                link = href
                break
        else:
            link = href0 or ""
    summary = _atom_text(c.get("summary")) or _atom_text(c.get("content"))
    if not summary and c.get("media") is not None:  # YouTube: media:group/media:description
        summary = _text(c["media"].find(_MEDIA + "description"))
    date = (
        _text(c.get("published"))
        or _text(c.get("updated"))
        or _text(c.get("issued"))
        or _text(c.get("modified"))
    )
    return _make(_text(c.get("id")), link, _atom_text(c.get("title")), summary, date, base)


_PARSER_KW: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_pis": True,
    "remove_comments": True,  # not text; ~5% less tree to build
    "collect_ids": False,  # no xml:id table (feeds are not looked up by id): ~4% less parse
}


_CHUNK = 1 << 16


def _xml(content: bytes, encoding: str | None) -> Any:
    """The document's root, read by libxml2's push parser in 64 KB chunks.

    The push parser stops soon after a well-formedness error; ``etree.fromstring`` goes
    on to the end of the document, logging up to 100 errors (an undeclared ``&nbsp;``
    near the top cost a whole parse before the mended document was read). A good
    document costs the same either way.
    """
    parser = etree.XMLParser(encoding=encoding, **_PARSER_KW)
    etree.clear_error_log()  # the thread's log: left with this document's errors only
    try:
        for start in range(0, len(content), _CHUNK):
            parser.feed(content[start : start + _CHUNK])
        return parser.close()
    except etree.XMLSyntaxError as exc:
        # the push parser raises at the next chunk or at close ("no element found",
        # "Start tag expected"): the first error logged is the one that says which
        # repair to try
        first = next(iter(exc.error_log), None)
        if first is not None:
            exc.code = first.type
        raise


def _fast(content: bytes, url: str, encoding: str | None = None) -> list[Entry]:
    return _entries(_xml(content, encoding), content, url)


def _entries(root: Any, content: bytes, url: str, *, anywhere: bool = False) -> list[Entry]:
    """The entries under a document's ``root`` (RSS 2.0, RSS 1.0 or Atom); ``anywhere``:
    items at any depth (a recovered tree, where an ill-placed end tag closed the channel)."""
    # entities can only be declared in a DOCTYPE (external DTDs are never loaded), so the
    # byte scan for declarations is needed only when the document has one
    if root.getroottree().docinfo.internalDTD is not None and _ENTITY_DECL.search(content):
        raise _unsafe(url)
    tag = root.tag if isinstance(root.tag, str) else ""
    local = tag.rpartition("}")[2].lower()
    if local == "rss":
        channel = root if anywhere else root.find("channel")
        if channel is None:
            return []
        items = _records(channel, "item", _RSS2_FIELDS, direct=not anywhere)
        return [_rss_item(i, c, url) for i, c in items]
    if local == "rdf":
        items = _records(root, _RSS1 + "item", _RSS1_FIELDS, direct=False)
        return [_rss_item(i, c, url) for i, c in items]
    if local == "feed":
        ns = tag[: len(tag) - len("feed")]
        if ns not in _ATOM_FIELDS:
            ns = _ATOM
        base = root.get(_XML_BASE) or url
        entries = _records(root, ns + "entry", _ATOM_FIELDS[ns], direct=not anywhere)
        return [_atom_entry(e, c, ns, base) for e, c in entries]
    raise FeedParseError(f"{url}: root element <{local or '?'}> is not rss, RDF or Atom")


def _unsafe(where: str) -> FeedParseError:
    return FeedParseError(f"{where}: document declares XML entities; refused", reason="unsafe_xml")


def _slow(content: bytes, url: str, content_type: str | None, budget: _Budget) -> list[Entry]:
    """feedparser's reading of a document that is not well-formed as it came.

    feedparser decodes the document first and, when it found an encoding, tries a strict
    XML parser on the decoded text before its tolerant one. The strict pass here is lxml
    (the same reading, C speed); feedparser's own would only repeat lxml's failure at
    ~0.5 ms a document (expat behind ``xml.sax.make_parser``, which tries a missing
    libxml2 driver first on every call). What is still not well-formed is read item by
    item (:func:`_by_item`), else by feedparser's tolerant parser as a whole; what is past
    ``budget`` by lxml's recovering parser (counted in ``budget.recovered``).
    """
    data, encoding, doubt = as_feedparser_decodes(content, url, content_type)
    if encoding:
        with contextlib.suppress(etree.XMLSyntaxError):
            return _fast(data, url, encoding="utf-8")
    affordable = data.count(b"<") <= budget.left  # the whole document, if it comes to that
    by_item = _by_item(data, url, budget, most_bad_whole=affordable)
    if by_item is not None:
        budget.note(url)
        return by_item
    if not affordable:
        budget.recovered += 1
        budget.note(url)
        return _recovered(data, url)
    is_feed, items = loose_items(data, url)
    if not is_feed and not items:
        raise FeedParseError(f"{url}: not RSS or Atom ({doubt or 'no feed elements found'})")
    return [_make(*item, url) for item in items]


class _Budget:
    """The tags the tolerant parser may still read for one document, and the pieces read
    by the recovering parser instead."""

    __slots__ = ("left", "recovered")

    def __init__(self, left: int) -> None:
        self.left = left
        self.recovered = 0

    def items(self, doc: bytes, url: str) -> list[Entry]:
        """A piece's entries: the tolerant parser's while the budget lasts, else lxml's
        recovering parser's."""
        tags = doc.count(b"<")
        if tags <= self.left:
            self.left -= tags
            return [_make(*item, url) for item in loose_items(doc, url)[1]]
        self.recovered += 1
        return _recovered(doc, url)

    def note(self, url: str) -> None:
        if self.recovered:
            log.warning(
                "feed %s read in a degraded way: %d piece(s) past the tolerant parser's "
                "budget of %d tags read by lxml's recovering parser (fields may be lost)",
                url,
                self.recovered,
                TOLERANT_TAGS,
                extra={"url": url, "reason": "degraded_parse"},
            )


# The feed elements read (any namespace prefix): every other tag in a document read by the
# recovering parser is markup inside a text (unescaped HTML in a description), whose text
# is all that is kept of it (:func:`_text`)
_FEED_NAMES = sorted(
    {
        tag.rpartition("}")[2]
        for fields in (_RSS2_FIELDS, _RSS1_FIELDS, *_ATOM_FIELDS.values())
        for tag in fields
    }
    | {"rss", "RDF", "channel", "feed", "item", "entry", "description"}
)
_NOT_FEED_TAG = re.compile(
    rb"<(?!/?(?:[\w.-]+:)?(?:"
    + "|".join(_FEED_NAMES).encode()
    + rb")[\s/>])/?[A-Za-z_][\w.:-]*[^<>]*>"
)
_RECOVER_KW = dict(_PARSER_KW, huge_tree=True, recover=True)


def _recovered(data: bytes, url: str) -> list[Entry]:
    """A UTF-8 document read by libxml2's recovering parser: C speed, linear, lower
    fidelity than feedparser's tolerant parser. No entities, no network, as ever.

    HTML references are mended, and every tag that is no feed element (the HTML written
    unescaped in a description: unclosed ``<br>``, ``<div>`` nested 100,000 deep) is
    made a space first, in one C pass: its text is what the entry keeps of it, and the
    parser sees no markup to nest. libxml2 stops reading at its depth limit (2,048 open
    elements here), which lost the rest of the item: a deep description's text, the
    ``pubDate`` after it. Feed elements themselves nested that deep still lose the rest.
    """
    doc = _NOT_FEED_TAG.sub(b" ", mend_references(data))
    etree.clear_error_log()
    root = etree.fromstring(doc, etree.XMLParser(encoding="utf-8", **_RECOVER_KW))
    if root is None:
        raise FeedParseError(f"{url}: not RSS or Atom (no element could be read)")
    return _entries(root, doc, url, anywhere=True)


_ITEM_START = re.compile(rb"<(item|entry)[\s>]")
_OPEN_OR_CLOSE = re.compile(rb"<(/?)([A-Za-z_][\w.:-]*)[^<>]*?(/?)>")  # "<" ends a try


def _by_item(
    data: bytes, url: str, budget: _Budget | None = None, *, most_bad_whole: bool = True
) -> list[Entry] | None:
    """A UTF-8 document that is not well-formed, read one item at a time; ``None`` when
    its items cannot be told apart safely.

    One bad item (a stray ``<`` or a broken quote in a title, a document cut short)
    made feedparser's tolerant parser read the whole document, ~25x slower than lxml.
    The items are cut at each ``<item``/``<entry`` and each is read with the document's
    head (root, namespaces, channel) and tail: by lxml when that piece is well-formed,
    by the tolerant parser when not, so only the bad item is read slowly, and as
    feedparser reads it. The head and tail must be well-formed together (closing tags
    are made for a document cut short), and each piece must close the CDATA sections and
    comments it opens (an ``<item`` inside one is no item), the head and tail read once
    per item must not cost more than the document twice over, and most items must be
    well-formed (more than half bad, after the fifth bad one) unless the whole document is
    too big for the tolerant parser (``most_bad_whole`` false): else ``None``. A bad piece
    is read by ``budget`` (the tolerant parser, or past its budget the recovering one).
    """
    budget = budget or _Budget(TOLERANT_TAGS)
    first = _ITEM_START.search(data)
    if first is None:
        return None
    tag = first.group(1)
    item = re.compile(rb"<" + tag + rb"[\s>]")
    starts = [m.start() for m in item.finditer(data, first.start())]
    end = data.rfind(b"</" + tag)
    closed = data.find(b">", end) + 1 if end > starts[-1] else 0
    head = data[: starts[0]]
    tail = data[closed:] if closed else _closing_tags(head)
    if tail is None or (len(head) + len(tail)) * len(starts) > 2 * len(data) + _CHUNK:
        return None
    bounds = [*starts, closed or len(data)]
    pieces = [data[a:b] for a, b in itertools.pairwise(bounds)]
    for piece in (head, *pieces):
        cdata_open = piece.count(b"<![CDATA[") != piece.count(b"]]>")
        if cdata_open or piece.count(b"<!--") != piece.count(b"-->"):
            return None
    try:
        if _fast_mended(head + tail, url, "utf-8"):
            return None  # items outside the ones found: not the shape assumed
    except (etree.XMLSyntaxError, FeedParseError):
        return None
    out: list[Entry] = []
    bad = 0
    for n, piece in enumerate(pieces, 1):
        doc = head + piece + tail
        try:
            out += _fast_mended(doc, url, "utf-8")
        except etree.XMLSyntaxError:
            bad += 1
            if most_bad_whole and bad > 4 and 2 * bad > n:
                # most items bad: a piece costs more than its share of the whole
                # document in the tolerant parser (2.3x the whole when all are bad)
                return None
            out += budget.items(doc, url)
    return out


def _closing_tags(head: bytes) -> bytes | None:
    """The end tags that close the elements ``head`` leaves open, innermost first."""
    stack: list[bytes] = []
    for m in _OPEN_OR_CLOSE.finditer(head):
        slash, name, empty = m.groups()
        if empty:
            continue
        if not slash:
            stack.append(name)
        elif stack and stack[-1] == name:
            stack.pop()
        else:
            return None
    return b"".join(b"</" + name + b">" for name in reversed(stack))


def _json_feed(content: bytes, url: str, where: str) -> list[Entry]:
    """The items of a JSON Feed (https://jsonfeed.org/version/1.1); items not objects skipped.

    Examples
    --------
    >>> doc = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 1,'
    >>> doc += b' "url": "/a", "title": "T", "content_html": "<p>Hi</p>",'
    >>> doc += b' "date_published": "2025-01-01T08:00:00+07:00"}]}'
    >>> e = _json_feed(doc, "https://e.com/feed.json", "e")[0]
    >>> e.id, e.link, e.summary, e.published.isoformat()
    ('1', 'https://e.com/a', 'Hi', '2025-01-01T01:00:00+00:00')
    """
    try:
        doc = json.loads(content)  # bytes: UTF-8, -16 or -32 as the BOM or bytes say
    except (ValueError, RecursionError) as exc:
        raise FeedParseError(f"{where}: not JSON ({str(exc)[:80]})") from None
    items = doc.get("items") if isinstance(doc, dict) else None
    if not isinstance(items, list) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise FeedParseError(
            f"{where}: JSON but not a JSON Feed (needs a 'version' naming jsonfeed.org "
            "and an 'items' list)"
        )
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue

        def field(*keys: str, item: dict[str, Any] = item) -> str:
            for key in keys:
                value = item.get(key)
                if isinstance(value, bool) or not isinstance(value, str | int | float):
                    continue
                if str(value).strip():
                    # JSON may hold half a UTF-16 pair ("\\ud800"), which nothing can store
                    return no_surrogates(str(value))
            return ""

        out.append(
            _make(
                field("id"),
                field("url", "external_url"),
                field("title"),
                field("summary", "content_text", "content_html"),
                field("date_published", "date_modified"),
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
    return read_feed(content, url, feed=feed, content_type=content_type).entries


def read_feed(
    content: bytes, url: str, *, feed: Feed | None = None, content_type: str | None = None
) -> FeedRead:
    """:func:`parse_feed`, with the notes of the reading (:class:`FeedRead`).

    A feed past the tolerant parser's budget is not a failure: its entries are returned,
    and the result says ``degraded_parse`` (as the warning logged for it does), so the
    collect stage counts it as it counts the other problems of a feed.

    Examples
    --------
    >>> doc = b"<rss><channel><item><title>a < b</title><link>https://e.com/a</link>"
    >>> doc += b"</item></channel></rss>"
    >>> got = read_feed(doc, "https://e.com/rss")
    >>> [e.link for e in got.entries], got.notes
    (['https://e.com/a'], ())
    """
    where = f"{url} ({feed.outlet})" if feed is not None and feed.outlet else url
    budget = _Budget(TOLERANT_TAGS)
    try:
        entries = _parse(content, url, where, content_type, budget)
    except FeedParseError as exc:
        named = advertised_feed(content, url) if exc.reason == "not_a_feed" else None
        if named is None:
            raise
        raise FeedParseError(
            f"{where} is a web page, not a feed; the page names its feed {named}: "
            "put that URL in the catalog"
        ) from None
    if budget.recovered:
        return FeedRead(entries, ("degraded_parse",), budget.recovered)
    return FeedRead(entries)


def _parse(
    content: bytes, url: str, where: str, content_type: str | None, budget: _Budget
) -> list[Entry]:
    content = from_wide(content)  # before stripping: a stripped byte would shift its NULs
    if content[:1] in b" \t\r\n":  # also true for b"": no copy of a big body otherwise
        content = content.lstrip(b" \t\r\n")
    if not content:
        raise FeedParseError(f"{where}: empty document")
    if content[:1] == b"{" or content[:4] == b"\xef\xbb\xbf{":  # no copy of the body
        return _json_feed(content, url, where)
    utf8 = declared_as_utf8(content)
    undeclared = False  # no BOM, no declared encoding, bytes not UTF-8: lxml not asked
    try:
        if utf8 is not None:
            return _fast_mended(utf8, url, "utf-8")
        undeclared = undeclared_not_utf8(content)
        if not undeclared:
            return _fast_mended(content, url)
    except FeedParseError as exc:
        if exc.reason == "unsafe_xml":
            raise _unsafe(where) from None
        raise
    except etree.XMLSyntaxError:
        pass
    if _ENTITY_DECL.search(content):  # the tolerant parser must never see entities
        raise _unsafe(where) from None
    repaired = mostly_utf8(content)  # UTF-8 but for a few stray bytes (a pasted quote)
    with contextlib.suppress(etree.XMLSyntaxError, UnicodeDecodeError):
        if repaired is not None:
            return _fast_mended(repaired.encode("utf-8"), url, "utf-8")
        detected = misdeclared_text(content, content_type)  # windows-1251 said to be UTF-8
        if detected is not None:
            return _fast_mended(detected.encode("utf-8"), url, "utf-8")
        if undeclared and "charset" not in (content_type or "").lower():
            # windows-1252, feedparser's guess after UTF-8 (a byte it leaves unassigned
            # goes on to the tolerant path)
            return _fast_mended(content.decode("cp1252").encode("utf-8"), url, "utf-8")
    return _slow(content, url, content_type, budget)


def _fast_mended(content: bytes, url: str, encoding: str | None = None) -> list[Entry]:
    """:func:`_fast`, again over :func:`mend_references` if an HTML reference or a bare
    ``&`` was what failed (in any encoding: the repairs add up)."""
    try:
        return _fast(content, url, encoding)
    except etree.XMLSyntaxError as exc:
        if exc.code not in _REFERENCE_ERRORS:
            raise
    return _fast(mend_references(content), url, encoding)
