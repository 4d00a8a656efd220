"""Tokens, sentences and a token-level phrase index (longest match, one pass).

Both the gazetteer and the event coder match phrases on word tokens (``\\w+`` runs of
NFC-normalised text), so a phrase of *n* words costs at most *n* dictionary look-ups
per position however many phrases are indexed.

Examples
--------
>>> idx = PhraseIndex()
>>> idx.add("Trung Quốc", "CHN")
>>> idx.add("Hoa Kỳ", "USA")
>>> toks = tokenize("Trung Quốc và Hoa Kỳ hội đàm.")
>>> [(toks[i].start, toks[j - 1].end, p) for i, j, p in idx.scan(toks)]
[(0, 10, ['CHN']), (14, 20, ['USA'])]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["PhraseIndex", "Token", "normalize", "split_sentences", "tokenize", "words"]

T = TypeVar("T")

_WORD = re.compile(r"\w+(?=['’]s\b)|['’]s\b|\w+(?:['’]\w+)?|[^\w\s]", re.UNICODE)
_WORD_ONLY = re.compile(r"\w+", re.UNICODE)
# Sentence ends: . ! ? followed by space + capital/quote/digit; keep abbreviations together.
_SENT_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-ZÀ-Ỹ0-9Đ])")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sgt|Capt|Sen|Rep|Gov|St|Jr|Sr|No|Vol|Inc|Ltd|Co|Corp|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|U\.S|U\.N|U\.K|E\.U|ông|bà|TS|PGS|GS)"
    r"|\b[A-Z])\.$"
)


@dataclass(slots=True)
class Token:
    """A token with its character span in the (normalised) text and its lower-cased form.

    (Not frozen: a frozen dataclass is built three times slower, and the coder builds one
    for every word it reads.)"""

    text: str
    start: int
    end: int
    low: str

    @property
    def is_upper_initial(self) -> bool:
        """Whether the token starts with an upper-case letter (or digit)."""
        c = self.text[0]
        return c.isupper() or c.isdigit()


def normalize(text: str) -> str:
    """NFC-normalise ``text`` (Vietnamese diacritics may arrive decomposed)."""
    return (
        unicodedata.normalize("NFC", text) if not unicodedata.is_normalized("NFC", text) else text
    )


def tokenize(text: str, *, punctuation: bool = True) -> list[Token]:
    """Split ``text`` into word tokens (and punctuation tokens unless ``punctuation=False``).

    Offsets refer to ``normalize(text)``, which is ``text`` itself for NFC input.

    Examples
    --------
    >>> [t.text for t in tokenize("Hanoi's talks, U.S.-led.")]
    ['Hanoi', "'s", 'talks', ',', 'U', '.', 'S', '.', '-', 'led', '.']
    """
    text = normalize(text)
    rx = _WORD if punctuation else _WORD_ONLY
    return [Token(m.group(), m.start(), m.end(), m.group().lower()) for m in rx.finditer(text)]


def words(text: str) -> tuple[str, ...]:
    """Lower-cased word tokens of a phrase, the key used by :class:`PhraseIndex`.

    Examples
    --------
    >>> words("Côte d'Ivoire")
    ('côte', 'd', 'ivoire')
    """
    return tuple(m.group().lower() for m in _WORD_ONLY.finditer(normalize(text)))


def split_sentences(text: str, language: str | None = "en") -> list[str]:
    """Split ``text`` into sentences (regex with an abbreviation guard; paragraphs always split).

    Examples
    --------
    >>> split_sentences("Mr. Smith met Dr. Jones. They talked! Then U.S. troops left.")
    ['Mr. Smith met Dr. Jones.', 'They talked!', 'Then U.S. troops left.']
    """
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\r?\n(?=\s*[-•*])|\n", normalize(text or "")):
        para = " ".join(para.split())
        if not para:
            continue
        start = 0
        for m in _SENT_END.finditer(para):
            piece = para[start : m.start()]
            if _ABBREV.search(piece):
                continue
            out.append(piece.strip())
            start = m.end()
        tail = para[start:].strip()
        if tail:
            out.append(tail)
    return [s for s in out if s]


class PhraseIndex(Generic[T]):
    """Phrases (word tuples) to payloads, matched longest-first over a token list.

    ``add(phrase, payload, stem=True)`` lets the last word match as a prefix of a longer
    capitalised token (PETRARCH stems such as ``ARGENTIN`` -> *Argentina*), with at most
    ``max_suffix`` extra letters.
    """

    def __init__(self, max_suffix: int = 4) -> None:
        self._exact: dict[tuple[str, ...], list[T]] = {}
        self._stem: dict[tuple[str, ...], list[T]] = {}
        self._lens: dict[str, list[int]] = {}
        self._stem_lens: dict[str, list[int]] = {}
        self._stem_single = False
        self.max_suffix = max_suffix

    def __len__(self) -> int:
        return len(self._exact) + len(self._stem)

    def add(self, phrase: str | tuple[str, ...], payload: T, *, stem: bool = False) -> None:
        """Index ``payload`` under ``phrase`` (a string or a tuple of lower-case words)."""
        key = words(phrase) if isinstance(phrase, str) else tuple(phrase)
        if not key:
            return
        table, lens = (self._stem, self._stem_lens) if stem else (self._exact, self._lens)
        bucket = table.setdefault(key, [])
        if payload not in bucket:
            bucket.append(payload)
        if stem and len(key) == 1:
            self._stem_single = True
        first = key[0]
        ls = lens.setdefault(first, [])
        if len(key) not in ls:
            ls.append(len(key))
            ls.sort(reverse=True)

    def get(self, phrase: str | tuple[str, ...]) -> list[T]:
        """Payloads stored under exactly ``phrase``."""
        key = words(phrase) if isinstance(phrase, str) else tuple(phrase)
        return list(self._exact.get(key, ()))

    def match_at(self, toks: list[Token], i: int) -> tuple[int, list[T]] | None:
        """Longest phrase starting at token ``i``: ``(end_index, payloads)`` or ``None``."""
        low = toks[i].low
        best: tuple[int, list[T]] | None = None
        for n in self._lens.get(low, ()):
            if i + n <= len(toks):
                key = tuple(t.low for t in toks[i : i + n])
                hit = self._exact.get(key)
                if hit:
                    best = (i + n, hit)
                    break
        if self._stem:
            for n in self._stem_lens.get(low, ()) if not self._stem_single else (0,):
                got = self._stem_at(toks, i, n)
                if got and (best is None or got[0] > best[0]):
                    best = got
                    break
        return best

    def _stem_at(self, toks: list[Token], i: int, n: int) -> tuple[int, list[T]] | None:
        lengths = [n] if n else sorted({len(k) for k in self._stem}, reverse=True)
        for n in lengths:
            if i + n > len(toks):
                continue
            last = toks[i + n - 1]
            if not last.is_upper_initial:
                continue
            head = tuple(t.low for t in toks[i : i + n - 1])
            w = last.low
            for k in range(len(w), max(len(w) - self.max_suffix, 2) - 1, -1):
                hit = self._stem.get((*head, w[:k]))
                if hit:
                    return i + n, hit
        return None

    def scan(self, toks: list[Token]) -> Iterator[tuple[int, int, list[T]]]:
        """Non-overlapping longest matches, left to right: ``(start_index, end_index, payloads)``."""
        i, n = 0, len(toks)
        firsts = None if self._stem else self._lens  # (most words start no phrase)
        while i < n:
            got = self.match_at(toks, i) if firsts is None or toks[i].low in firsts else None
            if got is None:
                i += 1
                continue
            yield i, got[0], got[1]
            i = got[0]
