"""Feed bytes made readable by lxml: UTF-8 under another declared encoding, declared
Latin encodings, UTF-16 and UTF-32, bytes that are not the UTF-8 they claim, and HTML
references XML does not know.

Split from :mod:`earlywarn.collect.feeds`: each function takes the document's bytes
and returns bytes (or a verdict: the feed an HTML page names) for the parser; none
parses.
"""

from __future__ import annotations

import codecs
import html
import html.entities
import re
from urllib.parse import urljoin

from earlywarn.collect._bytes import (
    decode_wide,
    detect_text,
    header_charset,
    not_latin,
    utf8_beyond_ascii,
)

__all__ = [
    "advertised_feed",
    "declared_as_utf8",
    "from_wide",
    "mend_references",
    "misdeclared_text",
    "undeclared_not_utf8",
    "valid_char_refs",
]

_DECL = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)""")
_LATIN_CODECS = {
    b"iso-8859-1": "latin-1",
    b"latin-1": "latin-1",
    b"latin1": "latin-1",
    b"windows-1252": "cp1252",
    b"cp1252": "cp1252",
    b"us-ascii": "ascii",
}
_UTF8_NAMES = {b"utf-8", b"utf8"}


def declared_as_utf8(content: bytes) -> bytes | None:
    """A document declaring an encoding other than UTF-8, as UTF-8; ``None`` when not so.

    Bytes that are valid UTF-8 beyond ASCII are UTF-8 whatever the declaration says
    (:func:`~earlywarn.collect._bytes.utf8_beyond_ascii`): a template's hard-coded
    ``encoding="iso-8859-1"`` over UTF-8 text made every accented letter two, ``Bá»™`` for
    ``Bộ``, and ``encoding="windows-1251"`` every Cyrillic letter two, ``РњРѕСЃРєРІР°`` for
    ``Москва`` (pages are read the same way). Other bytes declared Latin-1, cp1252 or
    ASCII are decoded here by Python's codec, strictly: libxml2 reads windows-1252 through
    iconv at half its UTF-8 speed, and a byte the codec does not know (``None`` here) is
    left to it; other declared encodings are left to libxml2 (``None``).

    Examples
    --------
    >>> declared_as_utf8('<?xml version="1.0" encoding="ISO-8859-1"?><rss>Bộ'.encode()).decode()
    '<?xml version="1.0" encoding="ISO-8859-1"?><rss>Bộ'
    >>> declared_as_utf8('<?xml version="1.0" encoding="koi8-r"?><rss>Мир'.encode()).decode()[-3:]
    'Мир'
    >>> declared_as_utf8('<?xml version="1.0" encoding="koi8-r"?><rss>Мир'.encode("koi8-r"))
    >>> doc = '<?xml version="1.0" encoding="windows-1252"?><rss>é’'
    >>> declared_as_utf8(doc.encode("cp1252")).decode()[-2:]
    'é’'
    >>> declared_as_utf8(doc.encode("cp1252") + b" \\x81") is None  # no such cp1252 byte
    True
    """
    m = _DECL.match(content)
    if m is None or m.group(1).lower() in _UTF8_NAMES:
        return None
    if utf8_beyond_ascii(content) is not None:
        return content
    latin = _LATIN_CODECS.get(m.group(1).lower())
    if latin is None:
        return None
    try:
        return content.decode(latin).encode("utf-8")
    except UnicodeDecodeError:
        return None


_TAG = re.compile(rb"<[^>]*>")
_MIN_HIGH = 32  # bytes >= 0x80: 16 letters of a CJK text, 32 of a Cyrillic one
_LATIN_DETECTED = {"cp1252", "iso8859-1", "iso8859-15", "ascii", "latin-1"}


def misdeclared_text(content: bytes, content_type: str | None) -> str | None:
    """A feed in a non-Latin script that its declared encoding does not decode (or that
    declares none), decoded as detected; else None.

    ``encoding="utf-8"`` (or ``charset=utf-8``) over windows-1251, or a Russian, Arabic or
    Greek feed declaring nothing, went to windows-1252 (feedparser's guess after UTF-8),
    every letter stored as two others ('Ìîñêâà' for 'Москва'). Pages were already read
    so (detection when the declared charset fails). A declaration the bytes satisfy, or a
    Latin-script text (accents), is left to the parsers as before (None).

    Examples
    --------
    >>> news = "<title>Москва заявила о новых санкциях. Правительство утвердило бюджет.</title>"
    >>> doc = f'<?xml version="1.0" encoding="utf-8"?><rss>{news * 3}</rss>'
    >>> misdeclared_text(doc.encode("cp1251"), None)[-45:]
    'Правительство утвердило бюджет.</title></rss>'
    >>> misdeclared_text(doc.encode("utf-8"), None) is None
    True
    """
    m = _DECL.match(content)
    declared = [m.group(1).decode("ascii")] if m else []
    header = header_charset(content_type)
    declared += [header] if header else []
    for name in declared:
        try:
            content.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        return None  # as declared
    text = _TAG.sub(b" ", content)  # the text's letters, not the markup's
    if not not_latin(text, at_least=_MIN_HIGH):
        return None  # a few stray bytes are too little to detect from (cp1252 as before)
    detected = detect_text(content)
    if detected is None or detected[1] in _LATIN_DETECTED:
        return None
    return detected[0]


_DECLARED_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


def from_wide(content: bytes) -> bytes:
    """UTF-16 or UTF-32 ``content`` (BOM or none) as UTF-8, its declared encoding dropped;
    else itself.

    libxml2 and feedparser tell UTF-16 by a BOM or by ``<?xml``, and take UTF-32's BOM
    for UTF-16's; a feed is read by the pages' decoder (:func:`decode_wide`).

    Examples
    --------
    >>> from_wide('<rss version="2.0"><channel/></rss>'.encode("utf-16-be"))
    b'<rss version="2.0"><channel/></rss>'
    >>> from_wide('<?xml version="1.0" encoding="UTF-32"?><rss/>'.encode("utf-32"))
    b'<?xml version="1.0"?><rss/>'
    """
    wide = decode_wide(content)
    if wide is None:
        return content
    return _DECLARED_ENCODING.sub(rb"\1", wide[0].encode("utf-8"), count=1)


def undeclared_not_utf8(content: bytes) -> bool:
    """True for markup with no BOM and no declared encoding whose first 64 KB are not UTF-8.

    libxml2 reads such a document as UTF-8 and fails; the strict decoder stops at the
    first bad byte, ASCII costs one word-wise scan. Only the head is decoded: the whole of
    a UTF-8 feed (the common case) cost ~1 ns a byte for nothing, and a document whose
    bytes go bad later fails in libxml2's first chunks and is repaired like any other.

    Examples
    --------
    >>> undeclared_not_utf8("<rss>café</rss>".encode("cp1252")), undeclared_not_utf8(b"<rss/>")
    (True, False)
    >>> undeclared_not_utf8('<?xml version="1.0" encoding="koi8-r"?><rss>Мир'.encode("koi8-r"))
    False
    >>> undeclared_not_utf8(b"<rss>" + b"x" * 65532 + "ộ".encode())  # cut in the middle
    False
    """
    if content.isascii() or content[:1] != b"<" or content[1:2] == b"\x00":
        return False  # ASCII, or a BOM, UTF-16/32, EBCDIC: as libxml2 tells them
    if content.startswith(b"<?xml") and _DECLARED_ENCODING.match(content):
        return False
    try:  # not final: a character cut at the end of the head is no error
        codecs.utf_8_decode(content[:_HEAD], "strict", False)
    except UnicodeDecodeError:
        return True
    return False


_HEAD = 1 << 16


# every "&": a named reference (XML knows five, HTML ~250 more that feeds use undeclared,
# &nbsp; ...), a character reference, or a bare "&" (a URL's query string)
# mended in one pass touching only what XML cannot read (an "&" that starts none of XML's
# five references nor a character reference: a bare "&" or an HTML name), so the many
# &lt; &gt; &amp; of escaped HTML cost no Python call
_NOT_XML_REFERENCE = re.compile(
    rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});)"
    rb"(?:([A-Za-z][A-Za-z0-9]{0,31});)?"
)


# HTML's names as the character references they become, made once (a dense feed has a
# named reference every few words: one dict look-up each, no decoding or formatting)
_AS_CHAR_REF = {
    name.encode("ascii"): b"&#%d;" % code for name, code in html.entities.name2codepoint.items()
}


def _named(m: re.Match[bytes]) -> bytes:
    name = m.group(1)
    if name is None:  # a bare "&"
        return b"&amp;"
    return _AS_CHAR_REF.get(name) or b"&amp;" + m.group(0)[1:]


def mend_references(content: bytes) -> bytes:
    """``content`` with its references made XML, as a browser would read them (one pass).

    An undeclared ``&eacute;`` or a bare ``&`` in a link is fatal to an XML parser, and
    feedparser then reads the whole document with its slow loose parser. HTML's named
    references become character references (``&#233;``); an unknown name and a bare ``&``
    are kept as text (``&amp;``).

    Examples
    --------
    >>> mend_references(b"<t>caf&eacute; &amp; &nosuch; &lt; &#8230; a?x=1&y=2 & b</t>")
    b'<t>caf&#233; &amp; &amp;nosuch; &lt; &#8230; a?x=1&amp;y=2 &amp; b</t>'
    """
    return _NOT_XML_REFERENCE.sub(_named, content)


_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _valid_char_ref(m: re.Match[bytes]) -> bytes:
    """A character reference, or U+FFFD's when it names a surrogate or no code point."""
    ref = m.group(1)
    code = int(ref[1:], 16) if ref[:1] in b"xX" else int(ref)
    return m.group(0) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else b"&#xFFFD;"


def valid_char_refs(data: bytes) -> bytes:
    """``data`` with each character reference to a surrogate or no code point as U+FFFD's.

    Examples
    --------
    >>> valid_char_refs(b"a &#xD800; &#233; &#99999999;")
    b'a &#xFFFD; &#233; &#xFFFD;'
    """
    return _CHAR_REF.sub(_valid_char_ref, data)


_LINK_TAG = re.compile(rb"<link\b[^>]{0,2000}>", re.IGNORECASE)
_FEED_TYPE = re.compile(rb"""type\s*=\s*["']?application/(?:rss|atom|feed)\+(?:xml|json)""", re.I)
_ALTERNATE = re.compile(rb"""rel\s*=\s*["']?[^"'>]*\balternate\b""", re.IGNORECASE)
_HREF = re.compile(rb"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def advertised_feed(content: bytes, url: str) -> str | None:
    """The feed an HTML page names in ``<link rel="alternate" type="application/rss+xml">``.

    Examples
    --------
    >>> page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss">'
    >>> advertised_feed(page, "https://e.com/news/")
    'https://e.com/rss'
    """
    for tag in _LINK_TAG.finditer(content[:200_000]):
        text = tag.group()
        href = _HREF.search(text)
        if href and _FEED_TYPE.search(text) and _ALTERNATE.search(text):
            link = next(g for g in href.groups() if g is not None).decode("utf-8", "replace")
            if link.strip():
                return urljoin(url, html.unescape(link.strip()))
    return None
