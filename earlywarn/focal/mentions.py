"""Mentions of a country in text, with word boundaries and a stop-list, and their salience.

One compiled pattern per (country, language): aliases longest first, matched as written
or in full capitals; Latin and Cyrillic aliases need word boundaries (``VN`` is not found
in the byline ``VOV.VN``), Russian and German ones may take inflected endings (Вьетнама),
Chinese, Japanese, Korean, Thai, Khmer and Lao ones are found inside the running text
(those scripts write no spaces between words). A match inside a false friend of the
stop-list (``giờ Việt Nam``, ``Thái Bình Dương``, ``Thông tấn xã Việt Nam``) or directly
after a Vietnamese family name (a person called *Việt Nam* or *Hà Nội*) is dropped.

Examples
--------
>>> m = FocalMatcher.for_country("VNM")
>>> [x.text for x in m.find("Hà Nội, VOV.VN - Lúc 9 giờ (giờ Việt Nam), Việt Nam và Lào hội đàm.", "vi")]
['Hà Nội', 'Việt Nam']
>>> [x.text for x in m.find("Bão trên Thái Bình Dương; anh Nguyễn Việt Nam kể lại.", "vi")]
[]
>>> [(x.text, x.kind) for x in m.find("越南总理范明政访问河内", "zh")]
[('越南', 'name'), ('范明政', 'leader'), ('河内', 'place')]
>>> [x.text for x in m.find("Визит во Вьетнам и переговоры с МИД Вьетнама", "ru")]
['Вьетнам', 'МИД Вьетнама']
>>> s = m.salience("Vietnam floods", "Floods hit Vietnam. Hanoi said so. Later more rain.", "en")
>>> (s.count, s.in_title, s.in_lead, round(s.score, 2))
(3, True, True, 0.9)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from earlywarn.extract.coding.text import split_sentences
from earlywarn.focal.names import CountryNames, country_names

__all__ = ["FocalMatcher", "FocalMention", "Salience"]

_NOSPACE = re.compile(r"[\u0E00-\u0EFF\u1780-\u17FF\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]")
_STEM_TAIL = r"\w{0,4}"
_LEAD_SENTENCES = 2


@dataclass(frozen=True)
class FocalMention:
    """One span naming the country: ``kind`` is name, demonym, leader, ministry,
    institution or place; offsets refer to the NFC-normalised text."""

    country: str
    text: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Salience:
    """How prominent a country is in an article: mentions in all, in the headline, in the
    lead (first two sentences of the body), and a score in [0, 1]:
    ``0.5 * in_title + 0.25 * in_lead + 0.25 * min(1, count / 5)``."""

    count: int
    in_title: bool
    in_lead: bool
    score: float


def _variants(alias: str) -> list[str]:
    up = alias.upper()
    return [alias] if up == alias else [alias, up]


def _pattern(phrases: Sequence[str], stem: bool, flags: int = 0) -> re.Pattern[str] | None:
    spaced: list[str] = []
    nospace: list[str] = []
    for p in sorted(set(phrases), key=len, reverse=True):
        body = r"\s+".join(re.escape(w) for w in p.split())
        (nospace if _NOSPACE.search(p) else spaced).append(body)
    parts = []
    if spaced:
        tail = _STEM_TAIL if stem else ""
        # not inside a word, a domain or a handle (VOV.VN, @vietnam), not followed by a letter
        parts.append(rf"(?<![\w@/])(?<!\w\.)(?:{'|'.join(spaced)}){tail}(?!\w)(?!\.\w)")
    if nospace:
        parts.append(f"(?:{'|'.join(nospace)})")
    return re.compile("|".join(parts), flags) if parts else None


class FocalMatcher:
    """Finds one country's names, demonyms, leaders, ministries, institutions and places.

    Parameters
    ----------
    names : CountryNames
        From :func:`earlywarn.focal.names.country_names`.
    """

    def __init__(self, names: CountryNames) -> None:
        self.names = names
        self.country = names.iso3
        self._compiled: dict[str | None, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}
        self._kind: dict[str, str] = {}
        for _lang, alias, kind in names.aliases:
            for v in _variants(alias):
                self._kind.setdefault(_key(v), kind)
        self._person: re.Pattern[str] | None = None
        if names.surnames:
            sn = "|".join(re.escape(s) for s in names.surnames)
            self._person = re.compile(rf"(?<!\w)(?:{sn})(?:\s+[^\W\d_][\w]*)?\s+$")

    @classmethod
    def for_country(cls, iso3: str) -> FocalMatcher:
        """The matcher of ``iso3`` (built once per process)."""
        return _matcher(iso3)

    def _patterns(
        self, language: str | None
    ) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        lang = language if language in {a[0] for a in self.names.aliases} else None
        got = self._compiled.get(lang)
        if got is None:
            aliases = [a for lg, a, _ in self.names.aliases if lang is None or lg == lang]
            stops = [p for lg, p, _ in self.names.stops if lang is None or lg == lang]
            stem = lang in self.names.stem if lang else False
            alias_rx = _pattern([v for a in aliases for v in _variants(a)], stem)
            stop_rx = _pattern(stops, stem, re.IGNORECASE)  # false friends in any case
            got = (alias_rx, stop_rx)
            self._compiled[lang] = got
        return got

    def find(self, text: str, language: str | None = None) -> list[FocalMention]:
        """Mentions of the country in ``text``, left to right.

        Parameters
        ----------
        text : str
            Any text (offsets refer to its NFC normal form).
        language : str, optional
            ISO 639-1 code; aliases of that language only (``None`` or an uncovered
            language: every language's aliases).
        """
        text = unicodedata.normalize("NFC", text or "")
        lang = (language or "").lower().split("-")[0] or None
        alias_rx, stop_rx = self._patterns(lang)
        if alias_rx is None:
            return []
        stopped = [(m.start(), m.end()) for m in stop_rx.finditer(text)] if stop_rx else []
        person = lang is None or lang in self.names.person_languages
        out = []
        for m in alias_rx.finditer(text):
            a, b = m.start(), m.end()
            if any(s < b and a < e for s, e in stopped):
                continue
            kind = self._kind_of(m.group())
            if (
                person
                and kind in ("name", "place")
                and self._person is not None
                and self._person.search(text[max(0, a - 40) : a])
            ):
                continue
            out.append(FocalMention(self.country, m.group(), kind, a, b))
        return out

    def _kind_of(self, found: str) -> str:
        k = _key(found)
        if k in self._kind:
            return self._kind[k]
        for alias_key, kind in self._kind.items():  # an inflected form (Вьетнама)
            if k.startswith(alias_key):
                return kind
        return "name"

    def salience(
        self, title: str | None, body: str | None, language: str | None = None
    ) -> Salience:
        """Mentions in the headline, the lead and the whole article (see :class:`Salience`)."""
        in_title = bool(self.find(title or "", language))
        sents = split_sentences(body or "", language)
        lead = " ".join(sents[:_LEAD_SENTENCES])
        in_lead = bool(self.find(lead, language))
        count = len(self.find(title or "", language)) + len(self.find(body or "", language))
        score = 0.5 * in_title + 0.25 * in_lead + 0.25 * min(1.0, count / 5)
        return Salience(count, in_title, in_lead, float(score))


def _key(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


@lru_cache(maxsize=64)
def _matcher(iso3: str) -> FocalMatcher:
    return FocalMatcher(country_names(iso3))
