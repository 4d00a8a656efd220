"""Highlighted snippets: escaped HTML with the matched words in ``<mark>``.

The article text is matched word by word the way the index matched it (folded, one tone
placement, English stems, CJK bigrams), on a copy of the text that keeps every offset, so
the original words are what is shown and marked.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property

from earlywarn.search.analysis import _CJK, canonical_tones, fold, tokens

__all__ = ["Terms", "highlight", "snippet"]

_CJK_ONLY = re.compile(f"^[{_CJK}]+$")


class Terms:
    """The folded words, English stems and CJK bigrams of a query, to find in a text.

    Examples
    --------
    >>> t = Terms(["Biển Đông", "ministers"])
    >>> sorted(t.words), sorted(t.stems)
    (['bien', 'dong', 'ministers'], ['bien', 'dong', 'minist'])
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self.words: set[str] = set()
        self.stems: set[str] = set()
        self.cjk: set[str] = set()
        self._seen: dict[str, bool] = {}
        for text in texts:
            for tok in tokens(text, "ew_fold"):
                (self.cjk if _CJK_ONLY.match(tok) else self.words).add(tok)
            self.stems.update(t for t in tokens(text, "ew_stem") if t.isascii())

    def __bool__(self) -> bool:
        return bool(self.words or self.stems or self.cjk)

    @cached_property
    def _regex(self) -> re.Pattern[str] | None:
        """One regex for all terms: whole folded words, stem prefixes, CJK bigrams."""
        alts = []
        if self.words:
            words = "|".join(map(re.escape, sorted(self.words, key=len, reverse=True)))
            alts.append(f"(?P<w>(?<!\\w)(?:{words})(?!\\w))")
        if self.stems:
            stems = "|".join(map(re.escape, sorted(self.stems, key=len, reverse=True)))
            alts.append(f"(?P<s>(?<!\\w)(?:{stems})\\w*)")
        if self.cjk:
            alts.append("(?P<c>" + "|".join(map(re.escape, sorted(self.cjk))) + ")")
        return re.compile("|".join(alts)) if alts else None

    def _stem_matches(self, word: str) -> bool:
        if word not in self._seen:
            self._seen[word] = bool(set(tokens(word, "ew_stem")) & self.stems)
        return self._seen[word]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of ``text`` (NFC) that match, in order."""
        if self._regex is None:
            return []
        low = fold(canonical_tones(text))
        if len(low) != len(text):  # a rare character changed length when lower-cased
            return []
        out: list[tuple[int, int]] = []
        for m in self._regex.finditer(low):
            if m.lastgroup == "s" and not self._stem_matches(m.group(0)):
                continue
            if out and m.start() <= out[-1][1]:  # overlapping CJK bigrams make one mark
                out[-1] = (out[-1][0], max(m.end(), out[-1][1]))
            else:
                out.append(m.span())
        return out


def _mark(text: str, spans: list[tuple[int, int]], lo: int, hi: int) -> str:
    out, at = [], lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out.append(html.escape(text[at:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        at = e
    out.append(html.escape(text[at:hi]))
    return "".join(out)


def _nfc(text: str | None) -> str:
    text = " ".join((text or "").split())
    return unicodedata.normalize("NFC", text)


def highlight(text: str | None, terms: Terms) -> str:
    """All of ``text`` as escaped HTML with its matches marked.

    Examples
    --------
    >>> highlight("Tàu <lạ> ở Biển Đông", Terms(["bien dong"]))
    'Tàu &lt;lạ&gt; ở <mark>Biển</mark> <mark>Đông</mark>'
    """
    plain = _nfc(text)
    return _mark(plain, terms.spans(plain), 0, len(plain))


#: Snippets come from the first this many characters of an article (its lead and body).
SNIPPET_SOURCE = 6_000


def snippet(text: str | None, terms: Terms, width: int = 240) -> str:
    """About ``width`` characters of ``text`` around its densest matches, as escaped HTML.

    Examples
    --------
    >>> snippet("Mở đầu. " * 40 + "Căng thẳng ở Biển Đông tăng. " + "Kết thúc. " * 40,
    ...         Terms(["biển đông"]), width=60)
    '…đầu. Căng thẳng ở <mark>Biển</mark> <mark>Đông</mark> tăng. Kết thúc. Kết thúc. Kết…'
    """
    plain = _nfc((text or "")[:SNIPPET_SOURCE])
    spans = terms.spans(plain)
    if spans:
        best, best_n = 0, -1
        for i, (s, _) in enumerate(spans):
            seen = {plain[a:b].lower() for a, b in spans[i : i + 12] if a < s + width}
            if len(seen) > best_n:
                best, best_n = s, len(seen)
        start = max(0, best - width // 4)
    else:
        start = 0
    if start:
        start = plain.rfind(" ", 0, start) + 1
    end = min(len(plain), start + width)
    if end < len(plain):
        cut = plain.rfind(" ", start, end)
        end = cut if cut > start else end
    body = _mark(plain, spans, start, end).strip()
    return ("…" if start else "") + body + ("…" if end < len(plain) else "")
