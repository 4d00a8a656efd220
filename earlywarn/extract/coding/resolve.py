"""Actor spans of a sentence: from PETRARCH actor/agent dictionaries or from the gazetteer.

Agents (``government``, ``troops``, Vietnamese ``quân đội`` ...) attach to the nearest
actor: right after it (``Chinese troops``, ``China's foreign ministry``) or right before it
with ``of``/``in`` between (``the government of Vietnam``, ``Tổng thống Mỹ``). Agents
with no actor become country-less actors (``---GOV``), as in PETRARCH.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from earlywarn.extract.coding.gazetteer_data import Term
from earlywarn.extract.coding.petrarch import ActorCode, AgentEntry
from earlywarn.extract.coding.text import PhraseIndex, Token
from earlywarn.extract.coding.types import Actor, ActorSpan

if TYPE_CHECKING:  # earlywarn.extract.actors imports this package
    from earlywarn.extract.actors import NameMemory

__all__ = [
    "LOCATIVES",
    "GazetteerResolver",
    "PetrarchResolver",
    "Place",
    "attach_agents",
    "inherit_country",
    "person_type",
    "word_view",
]

#: Words that make the following city or country a location ('talks in Hanoi', 'tại Hà Nội').
LOCATIVES = frozenset(["in", "at", "near", "outside", "inside", "around", "across", "tại", "ở"])

_DIRECTIONS = frozenset(["north", "south", "east", "west", "northeast", "northwest",
                         "southeast", "southwest", "outskirts"])  # fmt: skip
_LINK_BEFORE = frozenset(["of", "in", "from", "for", "the", "at", "của", "tại", "ở"])
_JOIN = frozenset(["'s", "’s"])


def word_view(toks: list[Token]) -> tuple[list[Token], list[int]]:
    """Word tokens only (punctuation dropped) and their indices in ``toks``."""
    pos = [k for k, t in enumerate(toks) if t.text[0].isalnum() or t.text[0] == "_"]
    return [toks[k] for k in pos], pos


def _scan(index: PhraseIndex, toks: list[Token]) -> list[tuple[int, int, list]]:
    wt, pos = word_view(toks)
    return [(pos[i], pos[j - 1] + 1, p) for i, j, p in index.scan(wt)]


def attach_agents(
    actors: list[ActorSpan],
    agents: list[tuple[int, int, AgentEntry]],
    low: list[str],
    is_verb: Callable[[int], bool],
) -> list[ActorSpan]:
    """Combine agent spans with their actors; return the merged, sorted actor spans."""
    used: set[int] = set()
    out: list[ActorSpan] = []
    taken_agents: set[int] = set()
    for k, a in enumerate(actors):
        best = None
        for g, (gs, ge, _entry) in enumerate(agents):
            if g in taken_agents:
                continue
            if gs >= a.end and gs - a.end <= 3:
                gap = range(a.end, gs)
                if all(
                    low[x] in _JOIN
                    or (low[x].isalpha() and not is_verb(x) and low[x] not in ("and", "và"))
                    for x in gap
                ):
                    best = (g, min(a.start, gs), max(a.end, ge))
                    break
            if ge <= a.start and a.start - ge <= 3:
                gap = range(ge, a.start)
                if all(low[x] in _LINK_BEFORE for x in gap):
                    best = (g, min(a.start, gs), max(a.end, ge))
        if best is None:
            out.append(a)
            continue
        g, s, e = best
        taken_agents.add(g)
        used.add(k)
        out.append(ActorSpan(s, e, _combine(a.actor, agents[g][2])))
    for g, (gs, ge, entry) in enumerate(agents):
        if g not in taken_agents:  # named by the whole agent phrase ('security forces')
            name = " ".join(low[gs:ge])
            agent = Actor("---" + entry.code, name, None, entry.code[:3], None, "agent")
            out.append(ActorSpan(gs, ge, agent))
    out.sort(key=lambda sp: (sp.start, -sp.end))
    merged: list[ActorSpan] = []
    for sp in out:
        if merged and sp.start < merged[-1].end:
            continue
        if (
            merged
            and sp.start == merged[-1].end
            and merged[-1].actor.country
            and merged[-1].actor.country == sp.actor.country
        ):
            prev = merged[-1]
            keep = prev.actor if len(prev.actor.code) >= len(sp.actor.code) else sp.actor
            merged[-1] = ActorSpan(prev.start, sp.end, keep)
            continue
        merged.append(sp)
    return merged


def _combine(actor: Actor, agent: AgentEntry) -> Actor:
    base = actor.code
    if actor.type and actor.type == agent.code[:3]:
        return actor
    if actor.kind in ("org", "person") and actor.type:
        return actor
    if actor.kind == "city" and actor.country:
        base = actor.country  # 'a Kabul court': AFGJUD, not the capital's GOV + JUD
    code = agent.code + base if agent.prefix else base + agent.code
    return Actor(code, actor.name, actor.country, agent.code[:3], actor.entity, actor.kind)


def inherit_country(spans: list[ActorSpan]) -> list[ActorSpan]:
    """Agents with no actor take the country when the sentence names exactly one.

    Used for Vietnamese, where news names the country once and then says *chính phủ*; in
    English news it mostly turned reporting noise into domestic events (hand check), so
    English agents with no actor stay country-less.

    'Phe đối lập Campuchia biểu tình phản đối chính phủ': *the government* is Cambodia's.
    With several countries named the agent stays country-less (``---GOV``).

    Examples
    --------
    >>> gov = ActorSpan(5, 6, Actor("---GOV", "chính phủ", None, "GOV", None, "agent"))
    >>> khm = ActorSpan(0, 2, Actor("KHMOPP", "Cambodia", "KHM", "OPP", "KHM", "country"))
    >>> [s.actor.code for s in inherit_country([khm, gov])]
    ['KHMOPP', 'KHMGOV']
    """
    return _agents_in(spans, {s.actor.country for s in spans if s.actor.country})


def _agents_in(spans: list[ActorSpan], countries: set[str]) -> list[ActorSpan]:
    """Country-less agents coded in the one country of ``countries`` (unchanged if not one)."""
    if len(countries) != 1:
        return spans
    (cc,) = countries
    out = []
    for sp in spans:
        a = sp.actor
        if a.kind == "agent" and a.code.startswith("---"):
            a = Actor(cc + a.code[3:], a.name, cc, a.type, None, "inherited")
        out.append(ActorSpan(sp.start, sp.end, a))
    return out


#: CAMEO types of people's roles other than office (office = GOV, out of office = ELI).
ROLE_TYPES = {"opposition leader": "OPP", "armed group leader": "REB"}


def person_type(terms: tuple[Term, ...], day: date | None) -> str:
    """The CAMEO type of a person on ``day``: their role's type (``GOV`` for an office,
    ``OPP`` for an opposition leader, ``REB`` for an armed group's leader) when a term
    covers the day, else ``ELI``; with no day, the type of their latest term.

    Examples
    --------
    >>> t = (Term("opposition leader", date(2020, 4, 4), date(2024, 7, 5)),
    ...      Term("head of government", date(2024, 7, 5), None))
    >>> person_type(t, date(2021, 1, 1)), person_type(t, date(2025, 1, 1)), person_type(t, None)
    ('OPP', 'GOV', 'GOV')
    >>> person_type(t, date(2019, 1, 1))
    'ELI'
    """
    if not terms:
        return "GOV" if day is None else "ELI"
    if day is None:
        on = [max(terms, key=lambda t: t.start or date.min)]
    else:
        on = [t for t in terms if t.covers(day)]
    if not on:
        return "ELI"
    types = [ROLE_TYPES.get(t.role, "GOV") for t in on]
    return "GOV" if "GOV" in types else types[0]


def _org_of(entity: str) -> tuple[str, str]:
    """(type, CAMEO code) of the organisation a country-less person serves: ``PER:IGO-NAT:x``
    -> ``("IGO", "NAT")``, ``PER:NGO-RCR:x`` -> ``("NGO", "RCR")``; else ``("IGO", "")``.

    Examples
    --------
    >>> _org_of("PER:IGO-UNO:antonio-guterres"), _org_of("PER:NGO-RCR:peter-maurer")
    (('IGO', 'UNO'), ('NGO', 'RCR'))
    """
    part = entity.split(":")[1] if entity.count(":") >= 2 else ""
    if part[:4] in ("IGO-", "NGO-"):
        return part[:3], part[4:]
    return "IGO", ""


class PetrarchResolver:
    """Actors from PETRARCH dictionaries (codes as written there, dated codes by sentence date)."""

    def __init__(
        self,
        actors: dict[tuple[tuple[str, ...], bool], list[ActorCode]],
        agents: dict[tuple[str, ...], AgentEntry],
    ) -> None:
        self.actor_index: PhraseIndex[list[ActorCode]] = PhraseIndex()
        for (ws, exact), codes in actors.items():
            self.actor_index.add(ws, codes, stem=False)
            if not exact and ws[-1].isalpha() and len(ws[-1]) >= 4:
                self.actor_index.add(ws, codes, stem=True)
        self.agent_index: PhraseIndex[AgentEntry] = PhraseIndex()
        for ws, entry in agents.items():
            self.agent_index.add(ws, entry)

    def spans(
        self, toks: list[Token], day: date | None, is_verb: Callable[[int], bool]
    ) -> list[ActorSpan]:
        """Actor spans of a tokenised sentence."""
        actors = []
        for s, e, payload in _scan(self.actor_index, toks):
            code = _pick(payload[0], day)
            if code is None:
                continue
            name = " ".join(t.text for t in toks[s:e])
            country = code[:3] if code[:3].isalpha() and code[:3] != "IGO" else None
            actors.append(
                ActorSpan(s, e, Actor(code, name, country, code[3:6] or None, None, "actor"))
            )
        agents = [(s, e, p[0]) for s, e, p in _scan(self.agent_index, toks)]
        agents = [g for g in agents if not any(a.start <= g[0] < a.end for a in actors)]
        return attach_agents(actors, agents, [t.low for t in toks], is_verb)


def _pick(codes: list[ActorCode], day: date | None) -> str | None:
    dated = [c for c in codes if c.start or c.end]
    plain = [c for c in codes if not (c.start or c.end)]
    if day is not None:
        for c in dated:
            if (c.start is None or c.start <= day) and (c.end is None or day < c.end):
                return c.code
    if plain:
        return plain[0].code
    return dated[-1].code if dated else None


def _owned_by(owner: Actor, org: Actor, gap: str, surface: str) -> bool:
    """Whether an organisation's name (``surface``) right after a country's name is that
    country's body: *the Philippine Department of Justice*, *Russia's Security Council*,
    *Australia's Secret Intelligence Service* name the body of the country before them, not
    the US, UN or UK body the bare name stands for in the gazetteer.

    Only a country right before the name (one space, or a possessive ``'s``), and only a
    national body of another country or an intergovernmental body named by words national
    bodies share (*Security Council*, *General Assembly*: not *UN Security Council*, *EU*,
    *European Parliament*, so *Britain's EU membership* keeps the EU).

    Examples
    --------
    >>> phl = Actor("PHL", "Philippine", "PHL", None, "PHL", "country")
    >>> doj = Actor("USAJUD", "US Department of Justice", "USA", "JUD", "ORG:USDOJ", "org")
    >>> _owned_by(phl, doj, " ", "Department of Justice"), _owned_by(phl, doj, " and ", "DOJ")
    (True, False)
    >>> unsc = Actor("IGOUNSC", "UN Security Council", None, "IGO", "ORG:UNSC", "org")
    >>> _owned_by(phl, unsc, "'s ", "Security Council")
    True
    >>> _owned_by(phl, unsc, " ", "UN Security Council")
    False
    """
    if owner.kind != "country" or not owner.country or org.kind != "org":
        return False
    if gap not in (" ", "'s ", "’s "):
        return False
    if org.country:
        return org.country != owner.country
    words = surface.split()
    return (
        org.type == "IGO"
        and len(words) > 1
        and all(w[:1].isupper() and not w.isupper() for w in words)
        and words[-1] in _NATIONAL_BODY_WORDS
        and not _IGO_WORDS.intersection(words)
    )


#: Last words of intergovernmental bodies' names that national bodies share (*Security
#: Council*, *General Assembly*): after a country's name, that country's body of this type.
_NATIONAL_BODY_WORDS = {"Council": "GOV", "Assembly": "LEG", "Commission": "GOV", "Court": "JUD"}
#: Words that make a name the intergovernmental body's own (*European Commission*).
_IGO_WORDS = frozenset(["United", "Nations", "European", "International", "World", "Asian",
                        "African", "Arab", "Atlantic", "Islamic", "Gulf", "Human"])  # fmt: skip


def _located(toks: list[Token], s: int) -> bool:
    """Whether token ``s`` follows a locative ('in Hanoi', 'tại Hà Nội', 'south of Jerusalem')."""
    if s == 0:
        return False
    if toks[s - 1].low == "the" and s > 1:
        s -= 1  # 'in the West Bank'
    if toks[s - 1].low in LOCATIVES:
        return True
    return s > 1 and toks[s - 1].low == "of" and toks[s - 2].low in _DIRECTIONS


@dataclass(frozen=True)
class Place:
    """A place named in a sentence: a city or region, or a country after a locative."""

    entity: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    specific: bool  # a city/region (True) or only a country (False)
    start: int = field(default=-1, compare=False)  # its tokens in the sentence, if known
    end: int = field(default=-1, compare=False)


class GazetteerResolver:
    """Real-world actors: gazetteer mentions plus an agent dictionary for the language."""

    def __init__(self, gazetteer: object, agents: dict[tuple[str, ...], AgentEntry]) -> None:
        from earlywarn.extract.actors import Gazetteer

        assert isinstance(gazetteer, Gazetteer)
        self.gazetteer = gazetteer
        self.agent_index: PhraseIndex[AgentEntry] = PhraseIndex()
        for ws, entry in agents.items():
            self.agent_index.add(ws, entry)
        self.country_names = {e.entity: e.name for e in gazetteer.entries if e.kind == "country"}

    def spans(
        self,
        text: str,
        toks: list[Token],
        language: str,
        day: date | None,
        is_verb: Callable[[int], bool],
        memory: NameMemory | None = None,
    ) -> tuple[list[ActorSpan], list[Place]]:
        """(actor spans, places named) of a tokenised sentence.

        A capital city is a metonym for its government (``Hanoi said``), not a place, unless
        a locative precedes it (``talks in Hanoi``): then it is only a place. Other cities
        and regions are places wherever they occur; countries only after a locative.
        ``memory`` (a :class:`earlywarn.extract.actors.NameMemory`) carries the people named
        in full in the document's earlier sentences, so a later bare surname resolves.
        """
        starts = {t.start: k for k, t in enumerate(toks)}
        ends = {t.end: k for k, t in enumerate(toks)}
        actors: list[ActorSpan] = []
        places: list[Place] = []
        for m in self.gazetteer.find(text, language, day, memory):
            s, e = starts.get(m.start), ends.get(m.end)
            if s is None or e is None:
                continue
            located = _located(toks, s)
            actor = None if (located and m.kind == "city") else self._actor(m, day)
            if (m.kind in ("city", "place") and actor is None) or (m.kind == "country" and located):
                place = self.place(m.entity, m.country, m.kind != "country")
                places.append(replace(place, start=s, end=e + 1))
            if actor is not None:
                prev = actors[-1] if actors else None
                gap = text[toks[prev.end - 1].end : m.start] if prev is not None else ""
                if prev is not None and _owned_by(prev.actor, actor, gap, text[m.start : m.end]):
                    owner = prev.actor.country or ""
                    name = text[toks[prev.start].start : m.end]
                    typ = (
                        actor.type
                        if actor.country
                        else _NATIONAL_BODY_WORDS[text[m.start : m.end].split()[-1]]
                    )
                    actor = Actor(owner + (typ or ""), name, owner, typ, owner, "country")
                    actors[-1] = ActorSpan(prev.start, e + 1, actor)
                    continue
                actors.append(ActorSpan(s, e + 1, actor))
        agents = [(s, e, p[0]) for s, e, p in _scan(self.agent_index, toks)]
        agents = [g for g in agents if not any(a.start <= g[0] < a.end for a in actors)]
        merged = attach_agents(actors, agents, [t.low for t in toks], is_verb)
        return (inherit_country(merged) if language == "vi" else merged), places

    def place(self, entity: str, country: str | None, specific: bool = True) -> Place:
        """The :class:`Place` of a gazetteer entity (coordinates from its entries, if any)."""
        geo = next((x for x in self._entries_of(entity) if x.lat is not None), None)
        adm = next((x.admin1 for x in self._entries_of(entity) if x.admin1), None)
        lat, lon = (geo.lat, geo.lon) if geo is not None and specific else (None, None)
        return Place(entity, country, adm if specific else None, lat, lon, specific)

    def _actor(self, m: object, day: date | None) -> Actor | None:
        from earlywarn.extract.actors import Mention

        assert isinstance(m, Mention)
        if m.kind == "country":
            return Actor(m.entity, m.name, m.country, None, m.entity, "country")
        if m.kind == "org":
            ents = self._entries_of(m.entity)
            typ = ents[0].actor_type if ents else "IGO"
            code = (m.country or "") + (typ or "") if m.country else f"{typ}{m.entity[4:]}"
            return Actor(code, m.name, m.country, typ, m.entity, "org")
        if m.kind == "person":
            entries = [e for e in self._entries_of(m.entity) if e.terms]
            terms = entries[0].terms if entries else ()
            org_type, org = _org_of(m.entity)
            typ = person_type(terms, day) if m.country else org_type
            code = m.country + typ if m.country else org_type + org
            return Actor(code, m.name, m.country, typ, m.entity, "person")
        if m.kind == "city" and m.country and self._is_capital(m.entity):
            name = self.country_names.get(m.country, m.country)
            return Actor(m.country + "GOV", name, m.country, "GOV", m.country, "city")
        return None

    def is_capital(self, entity: str) -> bool:
        """Whether the gazetteer entity is a national capital."""
        return self._is_capital(entity)

    def _is_capital(self, entity: str) -> bool:
        return any(e.capital for e in self._entries_of(entity))

    def _entries_of(self, entity: str) -> list:
        cache = self.__dict__.setdefault("_by_entity", {})
        if not cache:
            for e in self.gazetteer.entries:
                cache.setdefault(e.entity, []).append(e)
        return cache.get(entity, [])
