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
# a tag and the tags that follow it, white space between them (strip_html makes of them a
# space either way): one replacement per run of markup, not per tag, and fewer runs of
# spaces left to collapse (~5% on 15 KB full-text bodies of ~260 tags: it pays for the
# script and style search)
_TAGS = re.compile(r"<[^>]*>(?:[ \t\r\n\xa0]*<[^>]*>)*")
# elements whose content is no text: a browser runs or applies it, feedparser drops it
_HIDDEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_HIDDEN_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style")}


def _drop_hidden(text: str) -> str:
    """``text`` without its ``<script>`` and ``<style>`` elements, their content included.

    Linear: each search starts where the last one ended, and an element never closed
    ends the removal (its text is kept; the tags go with the others).

    Examples
    --------
    >>> _drop_hidden("a<script>x = '<b>';</script>b<STYLE>p {}</style >c<script>d")
    'a b c<script>d'
    """
    m = _HIDDEN.search(text)
    if m is None:
        return text
    out, pos = [], 0
    while m is not None:
        end = _HIDDEN_END[m.group(1).lower()].search(text, m.end())
        if end is None:
            break
        out.append(text[pos : m.start()])
        pos = end.end()
        m = _HIDDEN.search(text, pos)
    out.append(text[pos:])
    return " ".join(out)


# the references escaped HTML is made of, "&amp;" last so that "&amp;lt;" reads "&lt;"
_COMMON_REFS = (
    ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&apos;", "'"),
    ("&nbsp;", "\xa0"), ("&amp;", "&"),
)  # fmt: skip


_FEW_REFS = 8
# an "&" that starts none of _COMMON_REFS (found by a scan for "&" in C: one pass)
_UNCOMMON_REF = re.compile("&(?!(?:lt|gt|quot|#39|apos|nbsp|amp);)")


def unescape(text: str) -> str:
    """``html.unescape(text)``, by ``str.replace`` when every "&" starts a common reference.

    ``html.unescape`` makes a Python call per reference (40 a summary in escaped HTML);
    each reference here starts with the only "&" it holds, so when no "&" starts another
    one, replacing them in turn reads the same.

    Examples
    --------
    >>> unescape("a &lt;b&gt; &amp;lt; &quot;c&quot;&nbsp;d &lt;&lt;&gt;"), unescape("&eacute; &amp;")
    ('a <b> &lt; "c"\xa0d <<>', 'é &')
    """
    # a few references: html.unescape's calls cost less than the replacements below
    if text.count("&") < _FEW_REFS or _UNCOMMON_REF.search(text):
        return html.unescape(text)
    for ref, char in _COMMON_REFS:
        if ref in text:
            text = text.replace(ref, char)
    return text


_SPACES = ("\n", "\r", "\t", "\xa0")  # the white space feeds hold, "\xa0" from &nbsp;
_RUN_OF_SPACES = re.compile("   *")  # "  " first: sre skips to each pair, not each space
# what str.split() takes for white space but _SPACES (as " "); C1 controls, windows-1252
# punctuation read as Latin-1 (an undeclared or mislabelled feed, or &#146;), as browsers
# and feedparser read them (’ – “ ” …, U+0085 "…" not a line break); what is no text and
# no archive can store: C0 controls (NUL ...) and DEL out, lone surrogates as U+FFFD
# and the explicit bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069): a title's unclosed RIGHT-TO-LEFT OVERRIDE reversed what the report and
# the review page showed after it (the outlet, the date: "Trojan Source" spoofing); RTL
# scripts need none of them (the marks U+200E/U+200F/U+061C are kept)
_RARE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f"
    "\u205f\u2066-\u2069\u3000\ud800-\udfff]"
)
#: the explicit bidirectional formatting characters (embeddings, overrides, isolates)
BIDI_CONTROLS = "".join(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))
_RARE_AS = {
    **{chr(c): " " for c in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x1680, 0x2028, 0x2029)},
    **{chr(c): " " for c in (*range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)},
    **{chr(c): "" for c in (*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x1C), 0x7F)},
    **dict.fromkeys(BIDI_CONTROLS, ""),
    # windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D unassigned: kept
    **{chr(c): bytes([c]).decode("cp1252") for c in range(0x80, 0xA0)
       if c not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)},
}  # fmt: skip


def _rare(m: re.Match[str]) -> str:
    ch = m.group()
    return _RARE_AS.get(ch, "\ufffd" if ch >= "\ud800" else ch)


_SURROGATE = re.compile("[\ud800-\udfff]")


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
    """Remove tags (``<script>`` and ``<style>`` with their content), unescape entities and
    collapse whitespace.

    Every step is a C pass over the text (``str.replace``, ``str.isprintable``, regular
    expressions with a literal first character), none a Python call per word or per
    character: line breaks, tabs and no-break spaces become spaces and runs of spaces one
    (``str.split`` makes an object per word, twice the time on long summaries); rarer
    white space and C1 controls one regular expression. NFC normalisation is skipped for ASCII.

    Examples
    --------
    >>> strip_html("<p>Tin&nbsp;<b>mới</b></p>  nhất"), strip_html("I\\x92ve \\x93read\\x94 it")
    ('Tin mới nhất', 'I’ve “read” it')
    """
    if not text:
        return ""
    if "<" in text:
        text = _drop_hidden(text)
        # a "<" with no ">" after it is left alone by _TAG, but the regex would scan to the
        # end from each one (quadratic on a summary of many "&lt;"): only the text up to the
        # last ">" can hold tags
        end = text.rfind(">") + 1
        text = _TAGS.sub(" ", text[:end]) + text[end:]
    if "&" in text:
        text = unescape(text)
    if not text.isprintable():  # white space other than " ", or a control
        for space in _SPACES:
            if space in text:
                text = text.replace(space, " ")
        if not text.isprintable():  # a call per match: few in any text
            text = _RARE.sub(_rare, text)
    if "  " in text:
        text = _RUN_OF_SPACES.sub(" ", text)
    if text[:1] == " " or text[-1:] == " ":
        text = text.strip(" ")
    return text if text.isascii() else unicodedata.normalize("NFC", text)
