"""Feed text cleaning: markup off, references read, C1 controls as windows-1252, NFC.

Split from :mod:`earlywarn.collect.feeds` (which re-exports :func:`strip_html`): titles
and summaries are cleaned in C as far as they can be (``str.replace``, ``str.split``,
one regular expression), a Python call only where a reference or control needs one.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["no_surrogates", "strip_html", "unescape"]

_TAG = re.compile(r"<[^>]*>")

# the references escaped HTML is made of, "&amp;" last so that "&amp;lt;" reads "&lt;"
_COMMON_REFS = (
    ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&apos;", "'"),
    ("&nbsp;", "\xa0"), ("&amp;", "&"),
)  # fmt: skip


_FEW_REFS = 8


def unescape(text: str) -> str:
    """``html.unescape(text)``, by ``str.replace`` when every "&" starts a common reference.

    ``html.unescape`` makes a Python call per reference (40 a summary in escaped HTML);
    each reference here starts with the only "&" it holds, so when their counts add up to
    the count of "&" they are all there is, and replacing them in turn reads the same.

    Examples
    --------
    >>> unescape("a &lt;b&gt; &amp;lt; &quot;c&quot;&nbsp;d &lt;&lt;&gt;"), unescape("&eacute; &amp;")
    ('a <b> &lt; "c"\xa0d <<>', 'é &')
    """
    n = text.count("&")
    # a few references: html.unescape's calls cost less than the scans below
    if n < _FEW_REFS or n != sum(text.count(ref) for ref, _ in _COMMON_REFS):
        return html.unescape(text)
    for ref, char in _COMMON_REFS:
        if ref in text:
            text = text.replace(ref, char)
    return text


_C1_CONTROL = re.compile("[\x80-\x9f]")
# the C1 controls windows-1252 prints (it leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D unassigned)
_WINDOWS_1252 = {
    chr(code): bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _windows_1252(m: re.Match[str]) -> str:
    return _WINDOWS_1252.get(m.group(), m.group())


_SURROGATE = re.compile("[\ud800-\udfff]")
# what is no text once white space is collapsed: C0 controls (NUL ...), DEL, surrogates
_NOT_TEXT = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def _not_text(m: re.Match[str]) -> str:
    return "\ufffd" if m.group() >= "\ud800" else ""


def no_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (``\\ud800`` in JSON) as U+FFFD.

    JSON may escape half of a UTF-16 pair alone; Python keeps it, and no UTF-8 writer
    (pyarrow, DuckDB) can encode it: one such item failed the whole collect stage.

    Examples
    --------
    >>> no_surrogates("a\\ud800b"), no_surrogates("ok")
    ('a\ufffdb', 'ok')
    """
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def strip_html(text: str | None) -> str:
    """Remove tags, unescape entities and collapse whitespace.

    Plain text (no ``<`` and no ``&``, the common case for titles) only has its whitespace
    collapsed, and text whose only whitespace is single spaces between words is kept as it
    is (``str.isprintable`` is false for every whitespace character but the space: one C
    scan instead of splitting into words); NFC normalisation is skipped for ASCII.

    Examples
    --------
    >>> strip_html("<p>Tin&nbsp;<b>mới</b></p>  nhất"), strip_html("I\\x92ve \\x93read\\x94 it")
    ('Tin mới nhất', 'I’ve “read” it')
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
        text = unescape(text)
    if not text.isprintable():
        # C1 controls (U+0080-U+009F) are windows-1252 punctuation read as Latin-1 (an
        # undeclared or mislabelled feed, or &#146;): ’ – “ ” … as browsers and feedparser
        # read them (a call per control: str.translate costs one per character); U+0085
        # before splitting, which takes it for a line break
        if "\x85" in text:
            text = _C1_CONTROL.sub(_windows_1252, text)
        text = " ".join(text.split())  # str.split() and re's \s agree on Unicode whitespace
        # white space gone, what is still not printable is a control or format character
        if not text.isascii() and not text.isprintable():
            text = _C1_CONTROL.sub(_windows_1252, text)
        if not text.isprintable():  # NUL and other C0 controls out, surrogates as U+FFFD
            text = _NOT_TEXT.sub(_not_text, text)
    elif "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())
    return text if text.isascii() else unicodedata.normalize("NFC", text)
