"""Actors and places named in text: countries, organisations, leaders, cities.

A :class:`Gazetteer` compiles its aliases into one word-level phrase index per language
(longest match, a handful of dict look-ups per token), resolves ambiguous aliases
(*Georgia* the country or the US state) by the other places named in the same text, and
returns :class:`Mention` spans. :func:`extract_mentions` turns an articles frame into the
``mentions`` table.

Examples
--------
>>> gz = Gazetteer.default()
>>> [(m.entity, m.name) for m in gz.find("Trung Quốc và Mỹ hội đàm tại Hà Nội.", "vi")]
[('CHN', 'China'), ('USA', 'United States'), ('CITY:VNM:hanoi', 'Hanoi')]
>>> [m.entity for m in gz.find("Protesters marched in Atlanta, Georgia on Monday.", "en")]
['CITY:USA:atlanta', 'PLACE:USA:georgia']
>>> [m.entity for m in gz.find("Russia and Georgia fought over South Ossetia.", "en")]
['RUS', 'GEO']
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.extract.coding.gazetteer_data import Entry, build_entries, is_bare
from earlywarn.extract.coding.text import PhraseIndex, Token, normalize, tokenize, words
from earlywarn.schema import TABLES, empty_frame

__all__ = ["Gazetteer", "Mention", "NameMemory", "extract_mentions"]

log = get_logger(__name__)

_KIND_RANK = {"country": 0, "org": 1, "person": 2, "city": 3, "place": 4, "stop": 9}


@dataclass(frozen=True)
class Mention:
    """One span of text naming an entity.

    ``entity`` is a stable code: ISO3 for countries (``"VNM"``), ``ORG:ASEAN``,
    ``PER:VNM:nguyen-phu-trong``, ``CITY:VNM:hanoi``, ``PLACE:USA:georgia``.
    ``start``/``end`` are character offsets in the NFC-normalised text.
    """

    entity: str
    name: str
    country: str | None
    kind: str
    start: int
    end: int


@dataclass
class NameMemory:
    """People named in full so far in one document (an article coded sentence by sentence).

    ``order`` maps a person entity to the position of its latest full-name mention; a bare
    surname then resolves to the most recently named person who carries it.
    """

    order: dict[str, int] = field(default_factory=dict)
    _clock: int = 0

    def named(self, entity: str) -> None:
        """Record a full-name mention of ``entity``."""
        self._clock += 1
        self.order[entity] = self._clock


class Gazetteer:
    """Alias dictionary compiled into one phrase index per language.

    Parameters
    ----------
    entries : list of Entry
        Alias rows (see :func:`earlywarn.extract.coding.gazetteer_data.build_entries`).
    """

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._indexes: dict[str | None, PhraseIndex[Entry]] = {}
        self.languages = sorted({e.language for e in entries} - {"*"})

    @classmethod
    def default(cls) -> Gazetteer:
        """The shipped gazetteer (built once per process from packaged files, no network)."""
        return _default_gazetteer()

    def index(self, language: str | None = None) -> PhraseIndex[Entry]:
        """The compiled phrase index for ``language`` (``None`` = every language)."""
        lang = language if language in self.languages else (None if language is None else "*")
        idx = self._indexes.get(lang)
        if idx is None:
            idx = PhraseIndex()
            for e in self.entries:
                if lang is None or e.language in ("*", lang):
                    idx.add(words(e.alias), e)
            self._indexes[lang] = idx
        return idx

    def find(
        self,
        text: str,
        language: str | None = None,
        day: date | None = None,
        memory: NameMemory | None = None,
    ) -> list[Mention]:
        """Mentions in ``text``, left to right, ambiguous aliases resolved by context.

        A person's bare surname (one capitalised word: *Putin*, *Johnson*) is resolved by
        :meth:`_people`: to the person whose full name came earlier in the text (or in the
        document, through ``memory``); else, among the people listing it as an alias, to
        them when they all serve one country, or to the one in office on ``day`` when
        exactly one is; else it is no mention.

        Parameters
        ----------
        text : str
            Any text; offsets refer to its NFC normal form.
        language : str, optional
            ISO 639-1 code (``"en"``, ``"vi"`` ...); ``None`` matches aliases of every language.
        day : date, optional
            The text's date (a surname shared by people of several countries resolves to
            the one in office that day).
        memory : NameMemory, optional
            People named in full in earlier texts of the same document; updated in place.

        Examples
        --------
        >>> gz = Gazetteer.default()
        >>> [m.entity for m in gz.find("Boris Johnson spoke. Johnson said no.", "en")]
        ['PER:GBR:boris-johnson', 'PER:GBR:boris-johnson']
        >>> [m.entity for m in gz.find("Johnson said no.", "en")]
        []
        """
        text = normalize(text or "")
        toks = tokenize(text, punctuation=False)
        memory = memory if memory is not None else NameMemory()
        spans = self._candidates(text, toks, language)
        named = {c[0].country for _, _, c in spans if c[0].kind == "country" and len(c) == 1}
        spans = self._people(spans, day, memory, named)
        votes: Counter[str] = Counter()
        for _, _, cands in spans:
            ents = {c.entity for c in cands}
            if len(ents) == 1 and cands[0].country:
                votes[cands[0].country] += 1
        out: list[Mention] = []
        for i, j, cands in spans:
            best = self._choose(cands, votes)
            if best.kind == "stop":
                continue
            out.append(
                Mention(
                    best.entity, best.name, best.country, best.kind, toks[i].start, toks[j - 1].end
                )
            )
        return out

    def _candidates(
        self, text: str, toks: list[Token], language: str | None
    ) -> list[tuple[int, int, list[Entry]]]:
        idx = self.index(language)
        out = []
        for i, j, payload in idx.scan(toks):
            ok = [
                e
                for e in payload
                if _case_ok(e, toks, i, j) and not _name_part(e, text, toks, i, j)
            ]
            if ok:
                out.append((i, j, ok))
        if language == "en":
            inside = {k for i, j, _ in out for k in range(i, j)}
            out = [(i, j, c) for i, j, c in out if not _inside_name(text, toks, i, j, inside)]
        return out

    @staticmethod
    def _people(
        spans: list[tuple[int, int, list[Entry]]],
        day: date | None,
        memory: NameMemory,
        named: set[str | None],
    ) -> list[tuple[int, int, list[Entry]]]:
        """Spans with person candidates filtered by the bare-surname rule (see :meth:`find`);
        full-name mentions are recorded in ``memory``, left to right."""
        out = []
        for i, j, cands in spans:
            people = [c for c in cands if c.kind == "person"]
            if not people:
                out.append((i, j, cands))
                continue
            bare = is_bare(people[0].alias)
            keep = _person_choice(people, day, memory, bare, named)
            if keep and not bare:
                memory.named(keep[0].entity)
            rest = [c for c in cands if c.kind != "person"] + keep
            if rest:
                out.append((i, j, rest))
        return out

    @staticmethod
    def _choose(cands: list[Entry], votes: Counter[str]) -> Entry:
        if len({c.entity for c in cands}) == 1:
            return cands[0]
        return min(cands, key=lambda c: (-votes.get(c.country or "", 0), _KIND_RANK.get(c.kind, 5)))


def _person_choice(
    people: list[Entry],
    day: date | None,
    memory: NameMemory,
    bare: bool,
    named: set[str | None] | None = None,
) -> list[Entry]:
    """The candidate a person alias keeps: the person named in full most recently, else
    (for a bare surname, among the people listing it) the one in office on ``day`` when
    they serve one country or are one person in several roles, else the only one of them in
    office on ``day``, else the only one whose country the text names (``named``); else
    none (*King Abdullah* of Jordan or of Saudi Arabia, undated and no country named)."""
    known = [c for c in people if c.entity in memory.order]
    if known:
        return [max(known, key=lambda c: memory.order[c.entity])]
    listed = [c for c in people if not (bare and c.context_only)]
    if not listed:
        return []
    listed = list({c.entity: c for c in listed}.values())
    if len({c.country for c in listed}) == 1 or len({c.name for c in listed}) == 1:
        return _one_person(listed, day)  # one country, or one person in several roles
    serving = [c for c in listed if day is not None and any(t.covers(day) for t in c.terms)]
    if len(serving) == 1:
        return serving
    home = [c for c in (serving or listed) if c.country in (named or set())]
    return home if len(home) == 1 else []


def _one_person(people: list[Entry], day: date | None) -> list[Entry]:
    """One of several people sharing an alias: the first in office on ``day``, else the one
    whose latest term began last (a name that is one person's in several roles, e.g. a
    prime minister who later heads an IGO, is their latest role on an undated text)."""
    people = list({c.entity: c for c in people}.values())
    if len(people) == 1:
        return people
    serving = [c for c in people if day is not None and any(t.covers(day) for t in c.terms)]
    if serving:
        return serving[:1]
    return [
        max(people, key=lambda c: max((t.start or date.min for t in c.terms), default=date.min))
    ]


def _case_ok(e: Entry, toks: list[Token], i: int, j: int) -> bool:
    alias_letters = [c for c in e.alias if c.isalpha()]
    if len(alias_letters) >= 2 and all(c.isupper() for c in alias_letters):
        return "".join(t.text for t in toks[i:j]) == "".join(w for w in e.alias if w.isalnum())
    if e.alias[:1].isupper():
        parts = e.alias.split()
        if len(parts) == j - i and len(parts) > 1 and all(p[:1].isupper() for p in parts):
            return all(t.is_upper_initial for t in toks[i:j])  # 'Hòa Bình', not 'Hòa bình'
        return toks[i].is_upper_initial
    return True


#: Capitalised words that may stand right before a name without being part of it: titles,
#: sentence-initial function words, days and months ('President Trump', 'On Monday China').
_BEFORE_NAME_WORDS = """
    a an the and but or nor so yet as at by for from in into of on to with without since under
    after before when while if then now also both either neither not only even still today
    yesterday tonight meanwhile however thus instead separately later earlier last next this
    that these those his her their its our my your mr mrs ms miss dr sir lord lady dame rev
    among amid about against despite during through over via like unlike including following
    toward towards upon within beyond across behind between besides until unless although
    though because once where what which who whom whose how why all many some most
    several such another other each every
    president presidents prime minister ministers premier chancellor secretary secretaries king
    queen prince princess crown emir sheikh sultan pope leader leaders chairman chairwoman chair
    chief general gen gov governor governors sen senator senators rep reps representative
    ambassador envoy spokesman spokeswoman spokesperson speaker vice deputy foreign defence
    defense interior finance trade state justice judge attorney mayor commander admiral col
    colonel lt lieutenant maj major capt captain sgt director former acting opposition supreme
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december jan feb mar apr jun jul aug sep sept
    oct nov dec
    """
_BEFORE_NAME = frozenset(_BEFORE_NAME_WORDS.split())


def _inside_name(text: str, toks: list[Token], i: int, j: int, inside: set[int]) -> bool:
    """An English alias inside a longer proper name: 'National Security Council' (not the UN
    body), 'Agence France-Presse' (not France), 'Tim Morrison' (not Scott Morrison).

    The alias is part of a longer name when a capitalised word that is neither a title, a
    function word, a day or month, nor another match stands right before it (one space
    between), or a capitalised word is joined to its end by a hyphen ('France-Presse').
    """
    if i > 0:
        prev = toks[i - 1]
        gap = text[prev.end : toks[i].start]
        if (
            gap in (" ", "-")
            and prev.text[:1].isupper()
            and prev.low.rstrip(".") not in _BEFORE_NAME
            and i - 1 not in inside
        ):
            return True
    if j < len(toks):
        nxt = toks[j]
        if text[toks[j - 1].end : nxt.start] == "-" and nxt.text[:1].isupper() and j not in inside:
            return True
    return False


def _name_part(e: Entry, text: str, toks: list[Token], i: int, j: int) -> bool:
    """Vietnamese one-syllable country names inside a personal name ('Minh Đức', 'Tuấn Anh')."""
    if e.language != "vi" or j - i != 1 or i == 0:
        return False
    prev = toks[i - 1]
    return prev.is_upper_initial and text[prev.end : toks[i].start] == " "


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return Gazetteer(build_entries())


def extract_mentions(articles: pd.DataFrame, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """The ``mentions`` table of an articles frame: one row per (article, entity).

    Parameters
    ----------
    articles : DataFrame
        Rows of the ``articles`` table; ``article_id``, ``title``, ``text`` and ``language``
        are used (missing ``text`` falls back to ``summary``).
    gazetteer : Gazetteer, optional
        Defaults to :meth:`Gazetteer.default`.

    Returns
    -------
    DataFrame
        Columns exactly ``TABLES["mentions"]``: article_id, entity, name, country, kind, count.

    Examples
    --------
    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a1"], "title": ["Vietnam, China talk"],
    ...                      "text": ["Hanoi and Beijing met. Vietnam said so."], "language": ["en"]})
    >>> extract_mentions(arts)[["entity", "count"]].to_dict("records")
    [{'entity': 'VNM', 'count': 2}, {'entity': 'CHN', 'count': 1}, {'entity': 'CITY:VNM:hanoi', 'count': 1}, {'entity': 'CITY:CHN:beijing', 'count': 1}]
    """
    gz = gazetteer or Gazetteer.default()
    rows: list[dict[str, object]] = []
    for art in articles.itertuples(index=False):
        text = _article_text(art)
        lang = getattr(art, "language", None)
        lang = lang if isinstance(lang, str) and lang else None
        found = gz.find(text, lang)
        counts = Counter(m.entity for m in found)
        first: dict[str, Mention] = {}
        for m in found:
            first.setdefault(m.entity, m)
        for ent, n in counts.items():
            m = first[ent]
            rows.append({"article_id": art.article_id, "entity": ent, "name": m.name,
                         "country": m.country, "kind": m.kind, "count": n})  # fmt: skip
    if not rows:
        return empty_frame("mentions")
    out = pd.DataFrame(rows, columns=list(TABLES["mentions"].columns))
    out = out.sort_values(["article_id", "count"], ascending=[True, False], kind="stable")
    out["count"] = out["count"].astype("Int64")
    return out.reset_index(drop=True)


def _article_text(art: object) -> str:
    parts = []
    for col in ("title", "text"):
        v = getattr(art, col, None)
        if isinstance(v, str) and v.strip():
            parts.append(v.strip())
    if len(parts) < 2:
        v = getattr(art, "summary", None)
        if isinstance(v, str) and v.strip():
            parts.append(v.strip())
    return "\n\n".join(parts)
