"""Byte-level sniffing shared by the HTTP client and the page decoder."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = [
    "decode_wide",
    "detect_text",
    "header_charset",
    "mostly_utf8",
    "not_latin",
    "utf8_beyond_ascii",
    "wide_bom",
    "wide_order",
]

_ASCII = bytes(range(128))
# The charset parameter of a Content-Type value: after the media type's ";" (or a "," or a
# space some servers write), any case, spaces around "=", quoted or not; the name is a
# token (a comment or stray quote after it is not part of it).
_CHARSET = re.compile(r"""(?:^|[;,\s])charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def header_charset(content_type: str | None) -> str | None:
    """The charset a Content-Type header value declares, None when it declares none.

    The HTTP client's ``Response.charset`` and the feed reader's check of a declared
    encoding read it here.

    Examples
    --------
    >>> header_charset('text/xml; Charset = "windows-1251"'), header_charset("text/html")
    ('windows-1251', None)
    >>> header_charset("text/html, charset=utf-8 (default)"), header_charset("text/html; mycharset=x")
    ('utf-8', None)
    """
    m = _CHARSET.search(content_type or "")
    return m.group(1) if m else None


def wide_order(head: bytes) -> str | None:
    """The codec of ``head`` if it is UTF-16 or UTF-32 text without a BOM, else None.

    Markup and most letters of UTF-16 text have a zero high byte: the NUL bytes fall on one
    parity only (odd offsets little-endian, even big-endian). In UTF-32 text the two high
    bytes of every four are zero (a letter outside the BMP sets the third), the lowest
    seldom. A binary file's NULs fall anywhere.

    Examples
    --------
    >>> wide_order("<p>Việt Nam</p>".encode("utf-16-le")), wide_order(b"\\x89PNG\\x00\\x00\\x00\\r")
    ('utf-16-le', None)
    >>> wide_order("<p>Việt Nam</p>".encode("utf-32-be"))
    'utf-32-be'
    """
    head = head[:1024]
    n = len(head) // 2
    if n < 8:
        return None
    even, odd = head[0 : 2 * n : 2].count(0), head[1 : 2 * n : 2].count(0)
    if odd >= 0.4 * n and even <= 0.02 * n:
        return "utf-16-le"
    if even >= 0.4 * n and odd <= 0.02 * n:
        return "utf-16-be"
    q = len(head) // 4
    zeros = [head[i : 4 * q : 4].count(0) for i in range(4)]
    if zeros[3] == q and zeros[2] >= 0.9 * q and zeros[0] <= 0.2 * q:
        return "utf-32-le"
    if zeros[0] == q and zeros[1] >= 0.9 * q and zeros[3] <= 0.2 * q:
        return "utf-32-be"
    return None


_BOMS = (  # UTF-32's before UTF-16's: FF FE 00 00 begins with FF FE
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_bom(head: bytes) -> str | None:
    """``"utf-32"`` or ``"utf-16"`` if ``head`` starts with that encoding's BOM, else None."""
    return next((codec for bom, codec in _BOMS if head.startswith(bom)), None)


def decode_wide(content: bytes) -> tuple[str, str] | None:
    """``content``'s text and codec if it is UTF-16 or UTF-32 (a BOM, or none), else None.

    The one reader of such pages and feeds: a BOM decides, else :func:`wide_order`.

    Examples
    --------
    >>> decode_wide("<p>Việt</p>".encode("utf-16-be") * 3)[1], decode_wide(b"<p>hi</p>")
    ('utf-16-be', None)
    >>> decode_wide("<p>Việt</p>".encode("utf-32"))  # with its BOM, which begins FF FE
    ('<p>Việt</p>', 'utf-32')
    """
    codec = wide_bom(content)
    if codec is not None:
        return content.decode(codec, "replace").lstrip("\ufeff"), codec
    order = wide_order(content) if b"\x00" in content[:1024] else None
    if order is None:
        return None
    return content.decode(order, "replace"), order


def utf8_beyond_ascii(content: bytes) -> str | None:
    """``content`` as text if it is valid UTF-8 holding characters beyond ASCII, else None.

    Such bytes are UTF-8 whatever a server or the markup declares: text in a legacy encoding
    (windows-1251, koi8-r, windows-1256, iso-8859-7, GBK, Shift_JIS ...) almost never forms
    valid UTF-8, which needs each byte >= 0xC2 followed by the right number of bytes
    0x80-0xBF, while a site moved to UTF-8 often keeps its old ``charset=`` (a server
    default, a template's ``<meta>`` or XML declaration). ASCII is the same in every
    encoding such a declaration can name, so it proves nothing (None).

    Examples
    --------
    >>> utf8_beyond_ascii("Москва".encode()), utf8_beyond_ascii("Москва".encode("cp1251"))
    ('Москва', None)
    >>> utf8_beyond_ascii(b"<p>plain</p>") is None
    True
    """
    if content.isascii():
        return None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def mostly_utf8(content: bytes) -> str | None:
    r"""``content`` decoded as UTF-8 (stray bytes replaced) if it is UTF-8 but for a few bytes.

    A UTF-8 page with a few bytes of another encoding (a footer, an ad, a pasted quote) is
    not valid UTF-8; decoding all of it as what detection guesses (cp1252) would garble
    every accented letter of the article. It is UTF-8 when its valid multi-byte characters
    outnumber the invalid bytes 3 to 1: text in a single-byte encoding (cp1252, cp1258,
    latin-1) almost never forms a valid UTF-8 sequence, which needs a lead byte followed
    by the right number of bytes 0x80-0xBF. ``None`` when the content is valid UTF-8 or
    not mostly UTF-8.

    Examples
    --------
    >>> mostly_utf8("Việt Nam, Hà Nội, Huế".encode() + b" \xa9 2024")[-6:].encode()
    b'\xef\xbf\xbd 2024'
    >>> mostly_utf8("Café crème brûlée".encode("cp1252")) is None
    True
    """
    # every ASCII byte decodes to itself and no other byte to ASCII: the characters not
    # ASCII are the text's length less the content's ASCII bytes (one C pass, no encoder)
    other = len(content.translate(None, _ASCII))  # bytes that are not ASCII
    wide = len(content.decode("utf-8", "ignore")) - (len(content) - other)
    # a good character holds at most 4 of them, a bad sequence (one U+FFFD) at most 3: past
    # 5 bytes a character, bad ones outnumber a third of the good (no text to decode)
    if other > 5 * wide:
        return None
    text = content.decode("utf-8", "replace")
    bad = len(text) - (len(content) - other) - wide
    return text if bad and wide >= 3 * bad else None


# "iso-8859-1" is many servers' default, whatever the page: bytes >= 0x80 are under 5% of
# the letters of a Latin-script page (accents) but most of a Chinese, Russian or Greek one
_MAX_LATIN_HIGH = 0.15
_HIGH = bytes(range(128, 256))
_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))


def not_latin(content: bytes, at_least: int = 1) -> bool:
    """True if bytes >= 0x80 are more than 15% of them and ASCII letters (two C passes):
    text in a script other than Latin, not a Latin one's accents. Fewer than ``at_least``
    such bytes are too few to tell (False).

    Examples
    --------
    >>> latin = "Le café est très bon ce matin à Paris".encode("cp1252")
    >>> not_latin("Москва".encode("cp1251")), not_latin(latin)
    (True, False)
    >>> not_latin("Москва".encode("cp1251"), at_least=32)  # 6 such bytes: too few to tell
    False
    """
    high = len(content) - len(content.translate(None, _HIGH))
    if high < max(at_least, 1):
        return False
    letters = len(content) - len(content.translate(None, _LETTERS))
    return high / (high + letters) > _MAX_LATIN_HIGH


_FIRST_HIGH = re.compile(rb"[\x80-\xff]")


def detect_text(content: bytes) -> tuple[str, str] | None:
    """charset_normalizer's encoding for ``content``, all of it decoded, and its codec.

    It is judged on 200 KB from the first byte >= 0x80 (a page may open with more ASCII
    script than that), and the whole of it is decoded, not only what was judged.
    """
    first = _FIRST_HIGH.search(content)
    start = max(0, first.start() - 1000) if first else 0
    best = charset_normalizer.from_bytes(content[start : start + 200_000]).best()
    if best is None:
        return None
    try:
        enc = codecs.lookup(best.encoding).name
    except LookupError:
        enc = "cp1252"
    return content.decode(enc, "replace"), enc
