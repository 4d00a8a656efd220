"""Article pages: decoding, canonical URL, main text (trafilatura), date (htmldate), language.

Examples
--------
>>> page = '''<html><head><title>Ha Noi</title>
... <link rel="canonical" href="https://vnexpress.net/a-1.html"></head>
... <body><article><p>Thủ tướng Chính phủ đã chủ trì cuộc họp với các bộ ngành về tình hình
... kinh tế xã hội trong tháng, nhấn mạnh yêu cầu đẩy mạnh giải ngân vốn đầu tư công.</p>
... </article></body></html>'''.encode("utf-8")
>>> a = extract_article(page, "https://m.vnexpress.net/a-1?utm_source=rss")
>>> a.url, a.language, a.text[:9]
('https://vnexpress.net/a-1.html', 'vi', 'Thủ tướng')

A canonical link to another site is not believed: the fetched URL stays the identity.

>>> extract_article(page, "http://127.0.0.1:8000/a-1").url
'http://127.0.0.1:8000/a-1'

"""

from __future__ import annotations

import codecs
import hashlib
import re
import threading
import unicodedata
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from courlan import extract_domain
from htmldate import find_date
from lxml import etree
from trafilatura.settings import MANUALLY_CLEANED, MANUALLY_STRIPPED, Extractor

from earlywarn._log import get_logger
from earlywarn.collect._bytes import (
    decode_wide,
    detect_text,
    mostly_utf8,
    not_latin,
    utf8_beyond_ascii,
)
from earlywarn.collect._cascade import cascade_text
from earlywarn.collect._chunks import join_chunks
from earlywarn.collect.catalog import normalize_link
from earlywarn.collect.http import url_problem

__all__ = [
    "Article",
    "content_hash",
    "decode_html",
    "detect_language",
    "extract_article",
    "load_html",
]

log = get_logger(__name__)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_LATIN = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}
_WS = re.compile(r"\s+")
# trafilatura's cleaning deletes these elements (``MANUALLY_CLEANED``) and unwraps those
# (``MANUALLY_STRIPPED``) in its working copy anyway: done once here, in C, before it copies
# the tree and walks it with dozens of XPath expressions. Left for trafilatura to decide:
# <nav> (some sites wrap the article in one; its rescue passes read the uncleaned tree),
# <form> (some sites wrap the whole page in one), <figure> (a table in one is kept), <math>
# (turned into LaTeX), <head> and <script> (JSON-LD: see _prune). <template> goes whole.
_KEPT = frozenset({"nav", "form", "figure", "math", "head", "script"})
# py3langid is linear in length; on the 281 demo articles 500 characters give the same
# language as 1,000 for every article (300: 280 of 281)
_LANG_CHARS = 500
# a first look at 200 characters settles most texts: on the 642 texts of the shared sets
# (extracted and gold ScrapingHub and newspaper texts, the Vietnamese corpus' articles and
# summaries) a prefix this sure never disagreed with the 500-character decision, and the
# language took 40% less time
_LANG_FIRST, _LANG_SURE = 200, 0.95


@dataclass(frozen=True)
class Article:
    """What a page yields: canonical URL, title, main text, publication date, language."""

    url: str
    title: str
    text: str
    published: datetime | None
    language: str | None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


@lru_cache(maxsize=64)
def _ascii_compatible(codec: str) -> bool:
    """True if ``codec`` writes ASCII markup as ASCII bytes (not UTF-16/32, UTF-7, EBCDIC)."""
    try:
        return "<html lang=x>".encode(codec) == b"<html lang=x>"
    except (UnicodeError, LookupError):
        return False


# markup in single ASCII bytes: never so in UTF-16/32 (a NUL byte follows or precedes "<")
_ASCII_MARKUP = re.compile(rb"<[!/?A-Za-z]")


def _decode(content: bytes, charset: str | None) -> tuple[str, str]:
    """The page's text (not normalised) and the codec that decoded it.

    A declared charset that cannot write ASCII markup as ASCII bytes (UTF-16/32, UTF-7,
    EBCDIC) on a page whose first KB holds ASCII markup is a lie and is ignored: UTF-16 would
    decode any even-length UTF-8 page without error, into nonsense. Bytes that are valid
    UTF-8 beyond ASCII are UTF-8 whatever charset is declared (:func:`utf8_beyond_ascii`).
    """
    ascii_markup = _ASCII_MARKUP.search(content[:1024]) is not None
    if content.startswith(codecs.BOM_UTF8):
        return content.decode("utf-8-sig", "replace").lstrip("\ufeff"), "utf-8-sig"
    wide = decode_wide(content)  # UTF-16/32, with or without a BOM: no ASCII <meta> to read
    if wide is not None:
        return wide
    utf8 = utf8_beyond_ascii(content)  # whatever is declared: a site moved to UTF-8 often
    if utf8 is not None:  # keeps its server's or template's old charset (windows-1251 ...)
        return utf8, "utf-8"
    meta = _META_CHARSET.search(content[:4096])
    candidates = [_codec(charset), _codec(meta.group(1).decode("ascii")) if meta else None, "utf-8"]
    repaired = mostly_utf8(content)
    for enc in candidates:
        if enc is None or (ascii_markup and not _ascii_compatible(enc)):
            continue
        if enc in _LATIN or enc == "iso8859-1":
            if repaired is not None:
                return repaired, "utf-8"
            if not_latin(content):  # not a Latin-script page
                detected = detect_text(content)
                if detected is not None and detected[1] not in _LATIN_CODECS:
                    return detected
        try:
            return content.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    if repaired is not None:
        return repaired, "utf-8"
    return detect_text(content) or (content.decode("cp1252", "replace"), "cp1252")


_LATIN_CODECS = {"cp1252", "iso8859-1", "iso8859-15", "ascii", "latin-1"}


def decode_html(content: bytes, charset: str | None = None) -> str:
    """Decode a page: BOM, then a declared charset that decodes cleanly, then detection (NFC).

    A declared charset (HTTP, then ``<meta>``) is used only if the bytes decode under it
    without error; any label on valid UTF-8 beyond ASCII is taken as UTF-8.

    Examples
    --------
    >>> decode_html("Việt Nam".encode("utf-8"), "iso-8859-1")
    'Việt Nam'
    >>> decode_html("<p>Москва</p>".encode("utf-8"), "windows-1251")
    '<p>Москва</p>'
    >>> decode_html(b'<meta charset="windows-1258"><p>Vi\\xea\\xf2t</p>', "utf-8")
    '<meta charset="windows-1258"><p>Việt</p>'
    """
    return unicodedata.normalize("NFC", _decode(content, charset)[0])


def _utf8(content: bytes, charset: str | None) -> bytes:
    """The page as UTF-8 bytes (what the parser reads): the bytes themselves when they are."""
    text, enc = _decode(content, charset)
    return content if enc == "utf-8" else text.encode("utf-8", "replace")


def content_hash(text: str) -> str:
    """sha1 hex of the text after NFC, lower-casing and whitespace collapsing.

    Examples
    --------
    >>> content_hash(" A  b\\n") == content_hash("a b")
    True
    """
    norm = _WS.sub(" ", unicodedata.normalize("NFC", text).lower()).strip()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


_IDENTIFIER_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _load_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _identifier() -> Any:
    # lru_cache does not hold other callers back while the first one loads: the 16 page
    # threads of a first collect each unpacked the model (~1 s of CPU each, under the GIL)
    with _IDENTIFIER_LOCK:
        return _load_identifier()


def detect_language(
    text: str | None, *, min_chars: int = 20, min_prob: float = 0.5, max_chars: int = _LANG_CHARS
) -> str | None:
    """ISO 639-1 language of ``text``'s first ``max_chars`` by py3langid, or ``None`` if too
    short or unsure (the first 200 characters settle it when py3langid is 95% sure of them).

    Examples
    --------
    >>> detect_language("Bộ Ngoại giao Việt Nam phản đối hành động của tàu nước ngoài.")
    'vi'
    >>> detect_language("ok") is None
    True
    """
    text = (text or "")[:max_chars]
    if len(text.strip()) < min_chars:
        return None
    if len(text) > _LANG_FIRST:
        lang, prob = _identifier().classify(text[:_LANG_FIRST])
        if prob >= max(_LANG_SURE, min_prob):
            return str(lang)
    lang, prob = _identifier().classify(text)
    return str(lang) if prob >= min_prob else None


def _registrable_domain(url: str) -> str:
    """The registrable domain of ``url`` (public suffix list), or its host for IPs and bare names.

    Examples
    --------
    >>> _registrable_domain("https://news.bbc.co.uk/x"), _registrable_domain("http://127.0.0.1:8/")
    ('bbc.co.uk', '127.0.0.1')
    """
    try:
        domain = extract_domain(url)
    except ValueError:
        domain = None
    return domain or (urlsplit(url).hostname or "").lower()


def _head(tree: Any) -> tuple[list[str], str]:
    """The page's canonical claims (``<link rel=canonical>`` hrefs, then ``og:url`` contents,
    each in document order) and its title (``og:title``, ``<title>``, else the first ``<h1>``
    text), read in one walk over the page's ``link``, ``meta`` and ``title`` elements (not
    over ``<head>`` alone: the parser leaves those that follow body content in the body)."""
    links: list[str] = []
    og_urls: list[str] = []
    og_title = title = ""
    for el in tree.iter("link", "meta", "title"):
        if el.tag == "link":
            if el.get("rel") == "canonical" and el.get("href") is not None:
                links.append(el.get("href"))
        elif el.tag == "meta":
            prop = el.get("property")
            if prop == "og:url" and el.get("content") is not None:
                og_urls.append(el.get("content"))
            elif prop == "og:title" and not og_title:
                og_title = (el.get("content") or "").strip()
        elif not title:
            title = (el.text or "").strip()
    title = og_title or title
    if not title:
        title = next((str(t).strip() for t in tree.xpath("//h1//text()") if str(t).strip()), "")
    return links + og_urls, _WS.sub(" ", title)


def _canonical(claims: list[str], url: str, mirror: bool = False) -> str:
    """The first canonical claim on the page's own registrable domain, else ``url``.

    A page may not claim another site's article (``<link rel=canonical>`` or ``og:url``
    pointing elsewhere): that would let it take the other article's identity. A page of a
    ``mirror`` feed is an archived copy: its first absolute claim, on any site, is the
    publisher's URL (a relative one would only name the mirror).
    """
    if mirror:
        for href in claims:
            href = href.strip()
            if href.startswith(("http://", "https://")) and url_problem(href) is None:
                return normalize_link(href)
    own = _registrable_domain(url)
    for href in claims:
        href = urljoin(url, href.strip())
        if href.startswith(("http://", "https://")) and _registrable_domain(href) == own:
            return normalize_link(href)
    return normalize_link(url)


def _page_date(tree: Any, max_date: date | None) -> datetime | None:
    kwargs: dict[str, Any] = {"extensive_search": False, "original_date": True}
    if max_date is not None:
        kwargs["max_date"] = max_date.isoformat()
    try:
        found = find_date(tree, **kwargs)
    except Exception as exc:  # htmldate is tolerant but not total
        log.debug("htmldate failed: %s", exc)
        return None
    if not found:
        return None
    return datetime.strptime(found, "%Y-%m-%d").replace(tzinfo=timezone.utc)


def _prune(tree: Any) -> None:
    """Drop, in C, elements trafilatura would discard anyway (tails are kept), and unwrap
    those it would unwrap (``img``, ``font``, ``small``, ``tbody``...).

    trafilatura copies the tree twice and runs dozens of XPath prunes over it; a smaller
    tree makes it about 30% faster at the same F1 (``benchmarks/bench_extraction.py``).
    JSON-LD scripts stay: trafilatura's baseline rescue reads ``articleBody`` from them.
    """
    # renamed for a moment, so that one C call drops every other script (a loop of
    # drop_tree() over them took twice as long as all the rest of the pruning)
    json_ld = [el for el in tree.iter("script") if el.get("type") == "application/ld+json"]
    for script in json_ld:
        script.tag = "json-ld"
    pruned = [tag for tag in MANUALLY_CLEANED if tag not in _KEPT]
    etree.strip_elements(tree, "script", "template", *pruned, with_tail=False)
    for script in json_ld:
        script.tag = "script"
    etree.strip_tags(tree, *MANUALLY_STRIPPED)


# a list of at least this many items, each of them all (or nearly all) link text, is a list
# of links (related articles, a menu, tags), not article text
_LINK_LIST_ITEMS = 3
_LINK_SHARE = 0.9


def _drop_link_lists(tree: Any) -> None:
    """Drop the ``<ul>``/``<ol>`` lists whose every item is (nearly all) link text.

    trafilatura keeps some of them inside the article body (its link-density test spares
    lists of long link texts): "related stories" lists of headlines at the end of a story.
    readability's sanitising drops them by the same measure, link text over item text.
    Tails are kept.

    Examples
    --------
    >>> related = "".join(f"<li><a href='/s{i}'>Another story headline {i}</a></li>" for i in range(3))
    >>> steps = "".join(f"<li>Step {i}: see <a href='/x'>the form</a> first</li>" for i in range(3))
    >>> tree = lxml.html.fromstring(f"<div><ul>{related}</ul><ol>{steps}</ol></div>")
    >>> _drop_link_lists(tree)
    >>> [el.tag for el in tree]
    ['ol']
    """
    for lst in list(tree.iter("ul", "ol")):
        items = lst.findall("li")
        if len(items) < _LINK_LIST_ITEMS:
            continue
        for li in items:
            text = len(li.text_content().strip())
            links = sum(len(a.text_content().strip()) for a in li.iter("a"))
            if not text or links < _LINK_SHARE * text:
                break
        else:
            lst.drop_tree()


# what a page hides from its reader: the ``hidden`` attribute, ``aria-hidden="true"``, an
# inline ``display: none`` or ``visibility: hidden`` (the style tested only where there is one:
# half the time of testing every element's)
_HIDDEN = etree.XPath(
    "//body//*[@hidden or @aria-hidden='true' or (@style and ("
    "contains(translate(@style, ' ', ''), 'display:none')"
    " or contains(translate(@style, ' ', ''), 'visibility:hidden')))]"
)
_TEXT_LENGTH = etree.XPath("string-length(.)")
#: a hidden element holding more than this share of the body's text is kept (a page that
#: shows its article by script would otherwise lose it)
_HIDDEN_MAX_SHARE = 0.5


def _drop_hidden(tree: Any) -> None:
    """Drop the elements of the body the page hides from its reader (tails are kept):
    the ``hidden`` attribute, ``aria-hidden="true"``, an inline ``display: none`` or
    ``visibility: hidden``; never one holding over half the body's text.

    trafilatura's main extractor discards some of them (a ``div``, ``p``, ``section`` or
    ``span`` with ``display:none`` or ``aria-hidden``; not ``visibility: hidden``, not the
    ``hidden`` attribute), and its baseline rescue for a short text reads the tree as it
    is: it took a paywalled page's hidden "save this article" menus for the article, and a
    CNN story kept its footer's hidden "Loading weather data ..." box. Dropped here,
    tuning-half F1 rose on the newspaper pairs from 0.8483 to 0.8543 (those two pages, none
    lower) and moved nothing on ScrapingHub or trafilatura's evaluation pages
    (``experiments/RESULTS.md``). The test is one XPath in C (0.45 ms a page).

    Examples
    --------
    >>> story = "<p>The minister met his counterpart to discuss the sea.</p>"
    >>> tree = lxml.html.fromstring(
    ...     f"<html><body><div style='display: none'>Log in to save</div>{story}"
    ...     "<span hidden>menu</span> tail</body></html>")
    >>> _drop_hidden(tree)
    >>> tree.find(".//body").text_content()
    'The minister met his counterpart to discuss the sea. tail'
    """
    found = _HIDDEN(tree)
    if not found:
        return
    body = tree.find(".//body")
    limit = _HIDDEN_MAX_SHARE * _TEXT_LENGTH(tree if body is None else body)
    for el in found:
        if el.getparent() is not None and _TEXT_LENGTH(el) <= limit:
            el.drop_tree()


def _html_parser() -> lxml.html.HTMLParser:
    """trafilatura's HTML parser settings, with element classes chosen in C.

    ``lxml.html`` picks each element's class with a Python callback (form and input
    classes); trafilatura needs plain ``HtmlElement`` only, and a page makes ~1,200 element
    proxies, so the C default lookup makes extraction ~5% faster with identical text.
    """
    parser = lxml.html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        # libxml2 otherwise drops everything below 256 open elements: a page of unclosed
        # <font> tags (old CMS output) lost its whole text; bodies are capped by max_bytes
        huge_tree=True,
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


_PARSER = _html_parser()
# what trafilatura's repair_faulty_html removes or mends, on UTF-8 bytes: control characters
# XML forbids (ASCII bytes never occur inside a multi-byte UTF-8 sequence, so a C translate is
# safe and does in a quarter of the time the regex pass over the str did), the two
# non-characters, a self-closed doctype and a self-closed <html/>
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13))
_NONCHARS = re.compile(rb"\xef\xbf[\xbe\xbf]")
# trafilatura's "^< ?! ?DOCTYPE[^>]*/[^<>]*>" backtracks over every "/" of an unclosed
# doctype (quadratic: 1 MB of "/" takes minutes); the same test in one linear scan: the
# doctype up to its first ">" is removed when a "/" in it has no "<" after it
_DOCTYPE = re.compile(rb"< ?! ?DOCTYPE[^>]*>", re.IGNORECASE)
_SELF_CLOSED_HTML = re.compile(rb"(<html.*?)\s*/>", re.IGNORECASE)


def _drop_self_closed_doctype(line: bytes) -> bytes:
    """``line`` without a leading doctype that holds a ``/`` (``<!DOCTYPE html />``).

    Examples
    --------
    >>> _drop_self_closed_doctype(b"<!DOCTYPE html/><html>")
    b'<html>'
    >>> _drop_self_closed_doctype(b"<!DOCTYPE html><html/>")
    b'<!DOCTYPE html><html/>'
    """
    m = _DOCTYPE.match(line)  # one start, [^>]* stops at the first ">": linear
    if m is None:
        return line
    slash = line.rfind(b"/", 0, m.end())
    if slash < 0 or b"<" in line[slash : m.end()]:
        return line
    return line[m.end() :]


# libxml2's HTML parser checks each attribute of a tag against all the earlier ones: a tag
# with n attributes costs n**2 (40,000 attributes: 1.7 s; the 1.6 million a 10 MB page can
# hold: hours). Tags longer than 4 KB (found in one linear scan: a match cannot cross a
# "<"), outside <script> and <style>, keep their first _MAX_ATTRS attributes; no real
# element has that many.
_LONG_TAG = re.compile(rb"<[A-Za-z][A-Za-z0-9:-]*\s[^<>]{4096,}>")
_RAW_TEXT = re.compile(rb"<(/?)(?:script|style)\b", re.IGNORECASE)
_ATTR = re.compile(rb"""\s*[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""")
_MAX_ATTRS = 256


def _cap_attributes(data: bytes) -> bytes:
    """``data`` with every tag cut to its first ``_MAX_ATTRS`` attributes (linear time).

    Examples
    --------
    >>> page = b"<p " + b" ".join(b"a%d=1" % i for i in range(2000)) + b">hi</p>"
    >>> capped = _cap_attributes(page)
    >>> capped.count(b"="), capped.endswith(b" a255=1>hi</p>")
    (256, True)
    >>> _cap_attributes(b"<script>" + page + b"</script>").count(b"=")  # script text: kept
    2000
    """
    if len(data) < 4096:
        return data
    out: list[bytes] = []
    last = scanned = 0
    raw = False  # inside <script> or <style>, whose text is not markup
    for m in _LONG_TAG.finditer(data):
        for tag in _RAW_TEXT.finditer(data, scanned, m.start()):
            raw = not tag.group(1)
        scanned = m.end()
        if raw:
            continue
        cut, n = None, 0
        for n, attr in enumerate(_ATTR.finditer(data, m.start() + 2, m.end() - 1), 1):
            if n == _MAX_ATTRS:
                cut = attr.end()
            elif n > _MAX_ATTRS:
                break
        if cut is not None and n > _MAX_ATTRS:
            out += [data[last:cut], b">"]
            last = m.end()
    if not out:
        return data
    log.info("a tag with more than %d attributes was cut to its first %d", _MAX_ATTRS, _MAX_ATTRS)
    return b"".join(out) + data[last:]


def _repair(data: bytes, beginning: bytes) -> bytes:
    data = _cap_attributes(data.translate(None, _CONTROL))
    if _NONCHARS.search(data):  # one regex scan: two ``in`` tests took four times as long
        data = _NONCHARS.sub(b"", data)
    if b"doctype" in beginning:
        first, _, rest = data.partition(b"\n")
        data = _drop_self_closed_doctype(first) + b"\n" + rest
    for line in data[:4096].splitlines()[:4]:
        if b"<html" in line and line.endswith(b"/>"):
            data = _SELF_CLOSED_HTML.sub(rb"\1>", data, count=1)
            break
    return data


# real pages nest at most ~50 elements deep (51 on the ScrapingHub and newspaper pages);
# trafilatura's table and list handling walks each nested element's subtree again, so a
# 15 KB page of 1,000 nested tables took ~20 s of CPU (holding the GIL) for no text
_MAX_DEPTH = 96
_DEEP = etree.XPath("/".join(["*"] * (_MAX_DEPTH - 1)))  # from the root: depth _MAX_DEPTH
_FLAT_KEEP = frozenset({"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})


def _flatten_deep(tree: Any) -> None:
    """Unwrap every element nested deeper than ``_MAX_DEPTH`` but paragraphs and headings.

    Their text stays where it was, in a ``<div>`` at that depth; extraction time stays
    linear in the page size. (libxml2 itself keeps no element below depth 2,048.)

    Examples
    --------
    >>> t = load_html(b"<html><body>" + b"<table><tr><td>" * 400 + b"<p>deep text</p>")
    >>> max(len(list(e.iterancestors())) for e in t.iter()) < _MAX_DEPTH + 2
    True
    >>> t.findtext(".//p")
    'deep text'
    """
    for el in _DEEP(tree):
        tags = {d.tag for d in el.iterdescendants()} - _FLAT_KEEP
        if tags:
            etree.strip_tags(el, *[t for t in tags if isinstance(t, str)])
        if el.tag not in _FLAT_KEEP:
            el.tag = "div"  # a <table> or <ul> holding bare paragraphs would be skipped


# trafilatura's paragraph handling is worse than quadratic in a paragraph's inline children
# (6,000 <b> or <a> in one <p>: 4-8 s; 20,000: 170 s; 1 MB of them: hours, the collect
# stage held): past this many, their tags are unwrapped, their text kept in place
_MAX_INLINE = 256
# fmt: off
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "big", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var",
})
# fmt: on


def _flatten_wide(tree: Any) -> None:
    """Unwrap the inline elements (``<b>``, ``<a>``, ``<span>`` ...) of every element
    holding more than ``_MAX_INLINE`` of them, their text and tails kept in place.

    Examples
    --------
    >>> bold = " ".join(f"<b>w{i}</b>" for i in range(300))
    >>> t = load_html(f"<html><body><p>{bold}</p><p><b>kept</b></p></body></html>")
    >>> [len(p) for p in t.iter("p")], t.findtext(".//p")[:8]
    ([0, 1], 'w0 w1 w2')
    """
    wide = [
        el
        for el in tree.iter()
        if len(el) > _MAX_INLINE and sum(c.tag in _INLINE for c in el) > _MAX_INLINE
    ]
    for el in wide:
        etree.strip_tags(el, *_INLINE)
        # libxml2 keeps the unwrapped texts as that many adjacent text nodes, which every
        # read of the text joins again (as slow as before): one node each
        el.text = el.text
        for child in el:
            child.tail = child.tail


def load_html(page: str | bytes) -> Any:
    """Parse a page as ``trafilatura.load_html`` does; ``None`` if it is not HTML.

    ``page`` is a decoded str or UTF-8 bytes (:func:`decode_html` decodes other bytes).

    Examples
    --------
    >>> load_html(b"<html><body><p>Hu\\xe1\\xba\\xbf</p></body></html>").findtext(".//p")
    'Huế'
    >>> load_html("plain text, no markup") is None
    True
    """
    data = page.encode("utf-8", "replace") if isinstance(page, str) else page
    beginning = data[:50].lower()
    try:
        tree = lxml.html.fromstring(_repair(data, beginning), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    if tree is not None and b"html" not in beginning and len(tree) < 2:
        return None
    if tree is not None:
        _flatten_deep(tree)
        _flatten_wide(tree)
    return tree


@lru_cache(maxsize=1)
def _options() -> Extractor:
    # built once: the url only matters for links and metadata, which are not extracted; the
    # default mode, less its comparison after the main extractor (``_cascade.cascade_text``)
    return Extractor(comments=False, images=False, dedup=False)


@lru_cache(maxsize=1)
def _full_options() -> Extractor:
    # favouring precision: the fast text was boilerplate, and the balanced cascade's recall
    # escalation (jusText over the whole page) took 7 times as long for the same text
    return Extractor(fast=False, precision=True, comments=False, images=False, dedup=False)


# lines of a fast extraction averaging fewer characters than this are a menu, a tag cloud or
# a link list taken for the article, not prose (the shortest average among the ScrapingHub
# and newspaper tuning pages' right extractions is 46, the one wrong one 10)
_FRAGMENTED = 20


def extract_text(html: str | Any) -> str:
    """Main text of a page (HTML string or a tree from :func:`load_html`), or ``""`` (NFC).

    trafilatura's default mode (balanced between precision and recall) without its
    readability/jusText comparison after the main extractor (``_cascade.cascade_text``:
    its own functions, without the work that cannot change the text); its full cascade
    (favouring precision) only when that text looks wrong: empty, or fragmented (lines
    averaging under 20 characters). The text is plain: trafilatura's Markdown list markers
    and table bars are dropped (:func:`_plain_text`), and so is a date that has a line of
    its own among the first three (:func:`_drop_date_line`).
    Recall mode scored higher on ScrapingHub alone but lower on the newspaper pairs and on
    an independent set (it keeps boilerplate), so it is not used. Nor is the default mode's
    comparison with readability and jusText (trafilatura's own code, readability skipped only
    where a length bound proves its text cannot be taken, so the texts equal its defaults'):
    each of its rules lowered the ScrapingHub tuning half (0.965 to 0.952 with all of them:
    readability's text, taken when twice as long, added related posts to one article and
    repeated another with the page's metadata; taken for a table-dominated text, it did
    worse on a page of statistics tables) and none changed the newspaper tuning half;
    readability was still needed on 23% of ScrapingHub and 40% of newspaper pages
    (``experiments/RESULTS.md``). The rest of the default mode (teaser blocks dropped
    in the main extractor's last-resort recovery; readability and jusText in the recall
    escalation) raised one ScrapingHub tuning page (F1 +0.009) and changed no other. Nor is its
    readability half run only on a text the cascade leaves clearly too short (under 3,000
    characters and a fifth of the page, trafilatura's escalation test; readability's text
    taken when over twice as long): it left F1 unchanged on both halves of both sets and on
    trafilatura's evaluation pages. Dropping a first line that repeats the page's title
    raised ScrapingHub tuning F1 from 0.964 to 0.968 (25 pages better, none worse) but
    lowered the newspaper tuning half from 0.847 to 0.842 (one gold text keeps the
    headline), so it is not done either. F1 on both
    shared sets, per tuning and held-aside half, is printed by
    ``benchmarks/bench_extraction.py``. Comments and images are left out. A tree passed in
    is left as it is.

    Examples
    --------
    >>> items = "".join(f"<li><a href='/t{i}'>tag {i}</a></li>" for i in range(40))
    >>> prose = "<p>" + "The minister met his counterpart to discuss the sea. " * 6 + "</p>"
    >>> extract_text(f"<html><body><ul>{items}</ul><article>{prose}</article></body></html>")[:20]
    'The minister met his'
    """
    tree = load_html(html) if isinstance(html, str | bytes) else copy(html)
    return "" if tree is None else _main_text(tree)


# trafilatura's plain text still marks lists and tables up as Markdown: "- " before each
# list item (indented when nested), a table row as "| a | b |" and a "|---|---|" line
# under a header row (pipes inside a cell escaped as "\|")
_ITEM_MARK = re.compile(r"^[ \t]*- ", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\|(?:-+\|)+[ \t]*(?:\n|$)", re.MULTILINE)
_TABLE_ROW = re.compile(r"^\|.*\|[ \t]*$", re.MULTILINE)
_CELL_BAR = re.compile(r"(?<!\\)\|")


def _row_text(row: re.Match[str]) -> str:
    cells = (c.strip().replace("\\|", "|") for c in _CELL_BAR.split(row.group().strip()))
    return " ".join(c for c in cells if c)


def _plain_text(text: str) -> str:
    """``text`` (trafilatura's "txt" output) without its Markdown list and table markup: a
    list item's line without its "- " marker, a table row as its cells' texts joined by
    spaces, one row a line, and no rule line under the header.

    Article text is plain text: the markers are not words of the article (the event coder,
    the language identifier and the content hash read it), and no gold text of either
    shared set's tuning half holds them. Dropped, tuning-half F1 rose from 0.9656 to 0.9678
    on ScrapingHub and from 0.8481 to 0.8483 on the newspaper pairs, no page lower
    (``experiments/RESULTS.md``).

    Examples
    --------
    >>> table = "Scores:\\n| Team | Goals |\\n|---|---|\\n| A\\\\|B | 3 |\\n"
    >>> print(_plain_text(table + "- first\\n  - nested"))
    Scores:
    Team Goals
    A|B 3
    first
    nested
    """
    if "|" in text:
        text = _TABLE_ROW.sub(_row_text, _TABLE_RULE.sub("", text))
    return _ITEM_MARK.sub("", text)


# a line that is only a date: numeric (23.10.2018, 05/10/2018, 2019-11-18) or with an English
# or German month name (18 November 2019, Nov. 18, 2019, 26. März 2004), after at most one
# word ("Published", "Monday,") and before at most a time ("16:19", "10.30 Uhr", "4:05 pm")
_MONTH = r"(?:jan|feb|mar|mär|apr|may|mai|jun|jul|aug|sep|oct|okt|nov|dec|dez)[a-z]*\.?"
_DATE_LINE = re.compile(
    r"[ \t]*(?:[^\W\d]+,?[ \t]+)?"
    r"(?:\d{1,2}[./-][ \t]?\d{1,2}[./-][ \t]?\d{2,4}|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}\.?[ \t]+{_MONTH}[ \t]+\d{{4}}|{_MONTH}[ \t]+\d{{1,2}},?[ \t]+\d{{4}})"
    r"(?:[ \t,|-]+\d{1,2}[:.]\d{2}(?:[ \t]*(?:uhr|[ap]\.?m\.?|[a-z]{2,4}))?)?[ \t]*",
    re.IGNORECASE,
)
#: how many lines at the top of a text are read for a date line
_HEAD_LINES = 3


def _drop_date_line(text: str) -> str:
    """``text`` without the first of its first three lines that is only a date.

    A page's header (title, byline, date) sits above its body, and trafilatura keeps a date
    given a line of its own; it is the page's metadata (read apart, by htmldate), not the
    article's words. Dropped, tuning-half F1 rose on ScrapingHub (0.9678 to 0.9679: two
    pages, "Published 18 November 2019", "05/10/2018") and one trafilatura evaluation page
    lost its "without" date snippet; the newspaper tuning half did not move, no page was
    lower (``experiments/RESULTS.md``). A date further down (a chronology) is kept.

    Examples
    --------
    >>> _drop_date_line("Title\\nPublished 18 November 2019\\nThe minister said.")
    'Title\\nThe minister said.'
    >>> _drop_date_line("Title\\n26. März 2004, 16:19\\nText")
    'Title\\nText'
    >>> _drop_date_line("On 18 November 2019 the minister said.")
    'On 18 November 2019 the minister said.'
    """
    lines = text.split("\n", _HEAD_LINES)
    for i, line in enumerate(lines[:_HEAD_LINES]):
        if _DATE_LINE.fullmatch(line):
            del lines[i]
            return "\n".join(lines)
    return text


def _main_text(tree: Any) -> str:
    """:func:`extract_text` of a tree of our own, which it prunes in place."""
    text = cascade_text(tree, _options())
    if len(text) < _FRAGMENTED * (text.count("\n") + 1):
        # the fast pass pruned only what this cascade prunes from its own copy first
        text = trafilatura.extract(tree, options=_full_options()) or text
    return unicodedata.normalize("NFC", _drop_date_line(_plain_text(text)))


def extract_article(
    html: bytes | str,
    url: str,
    *,
    charset: str | None = None,
    want_date: bool = True,
    max_date: date | None = None,
    mirror: bool = False,
) -> Article | None:
    """Read a page: canonical URL, title, main text, date (htmldate), language.

    The page is parsed once (:func:`load_html`); canonical URL, title and date are
    read from that tree before trafilatura prunes it for the main text. What the page hides
    from its reader (:func:`_drop_hidden`) and lists whose every item is link text (related
    stories, menus) are dropped first (:func:`_drop_link_lists`),
    and an article body cut into several same-class chunks is joined
    (``_chunks.join_chunks``): trafilatura would keep only the first chunk. Language is
    identified on the first 500 characters of title and text.

    Returns ``None`` (with a logged reason) when the page is not parseable HTML or has no text.

    Parameters
    ----------
    html : bytes or str
        The page; bytes are decoded with :func:`decode_html`.
    url : str
        The URL it was fetched from (base for relative canonical links).
    charset : str, optional
        The HTTP charset.
    want_date : bool
        Look for a publication date in the page (skip when the feed had one: htmldate is
        the costliest step after trafilatura).
    max_date : date, optional
        Latest acceptable publication date (the ``as_of`` of a replay).
    mirror : bool
        The page is an archived copy (a ``mirror`` feed's): its canonical link names the
        publisher's URL, whatever the site.
    """
    page = _utf8(html, charset) if isinstance(html, bytes) else html
    if not page.strip():
        log.warning("empty page at %s", url, extra={"url": url, "reason": "empty_page"})
        return None
    tree = load_html(page)
    if tree is None:
        log.warning(
            "unparseable page at %s: not HTML", url, extra={"url": url, "reason": "bad_html"}
        )
        return None
    claims, title = _head(tree)
    canonical = _canonical(claims, url, mirror)
    title = unicodedata.normalize("NFC", title)
    published = _page_date(tree, max_date) if want_date else None
    _prune(tree)
    _drop_hidden(tree)
    _drop_link_lists(tree)
    join_chunks(tree)
    body = _main_text(tree)
    if not body:
        log.info("no main text found at %s", url, extra={"url": url, "reason": "no_text"})
    language = detect_language(f"{title}\n{body}")
    return Article(canonical, title, body, published, language)
