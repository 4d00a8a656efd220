"""Highlighted snippets: escaped HTML with the matched words in ``<mark>``.

The article text is matched word by word the way the index matched it (folded, either
tone placement, English stems, CJK bigrams), on a lower-cased copy of the text that keeps
every offset, so the original words are what is shown and marked.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import cache, cached_property

from earlywarn.search.analysis import _CJK, _fold_table, tokens

__all__ = ["Terms", "highlight", "snippet"]

_CJK_ONLY = re.compile(f"^[{_CJK}]+$")


@cache
def _letters() -> dict[str, str]:
    """Each ASCII letter (a folded one) and the lower-case letters that fold to it."""
    forms: dict[str, set[str]] = {}
    for cp, base in _fold_table().items():
        low = chr(cp).lower()
        if len(low) == 1:
            forms.setdefault(base, set()).add(low)
    return {base: "".join(sorted(chars)) for base, chars in forms.items()}


def _letter(ch: str) -> str:
    """A regex for ``ch`` in lower-cased text: ``d`` -> ``[dđďð]``."""
    forms = _letters().get(ch)
    if not forms:
        return re.escape(ch)
    return f"[{re.escape(ch)}{re.escape(forms)}]"


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
        """One regex for all terms on lower-cased text: whole words and stem prefixes with
        each letter any of its accented forms (so the text needs no folding), CJK bigrams.

        Latin terms start with one class of all their first letters, which lets the regex
        engine skip ahead (ten times faster than a lookbehind first on a 6,000-character
        article); a lookbehind then checks which term's first letter it was.
        """
        firsts: set[str] = set()

        def alts(terms: set[str]) -> str:
            out = []
            for term in sorted(terms, key=len, reverse=True):
                firsts.update(term[0] + _letters().get(term[0], ""))
                out.append(f"(?<={_letter(term[0])})" + "".join(map(_letter, term[1:])))
            return "|".join(out)

        groups = []
        if self.words:
            groups.append(f"(?P<w>{alts(self.words)})(?!\\w)")
        if self.stems:
            groups.append(f"(?P<s>{alts(self.stems)})\\w*")
        pattern = ""
        if groups:
            first_class = re.escape("".join(sorted(firsts)))
            pattern = f"[{first_class}](?<=(?<!\\w).)(?:{'|'.join(groups)})"
        if self.cjk:
            cjk = "(?P<c>" + "|".join(map(re.escape, sorted(self.cjk))) + ")"
            pattern = f"{pattern}|{cjk}" if pattern else cjk
        return re.compile(pattern) if pattern else None

    def _stem_matches(self, word: str) -> bool:
        if word not in self._seen:
            self._seen[word] = bool(set(tokens(word, "ew_stem")) & self.stems)
        return self._seen[word]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of ``text`` (NFC) that match, in order."""
        if self._regex is None:
            return []
        low = text.lower()
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
