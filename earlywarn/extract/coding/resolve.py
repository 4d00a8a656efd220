"""Actor spans of a sentence: from PETRARCH actor/agent dictionaries or from the gazetteer.

Agents (``government``, ``troops``, Vietnamese ``quân đội`` ...) attach to the nearest
actor: right after it (``Chinese troops``, ``China's foreign ministry``) or right before it
with ``of``/``in`` between (``the government of Vietnam``, ``Tổng thống Mỹ``). Agents
with no actor become country-less actors (``---GOV``), as in PETRARCH.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from earlywarn.extract.coding.engine import Actor, ActorSpan
from earlywarn.extract.coding.petrarch import ActorCode, AgentEntry
from earlywarn.extract.coding.text import PhraseIndex, Token

__all__ = ["GazetteerResolver", "PetrarchResolver", "attach_agents", "word_view"]

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
        if g not in taken_agents:
            out.append(
                ActorSpan(
                    gs, ge, Actor("---" + entry.code, low[gs], None, entry.code[:3], None, "agent")
                )
            )
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
    code = agent.code + base if agent.prefix else base + agent.code
    return Actor(code, actor.name, actor.country, agent.code[:3], actor.entity, actor.kind)


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
    ) -> tuple[list[ActorSpan], list[str]]:
        """(actor spans, countries of places named) of a tokenised sentence."""
        starts = {t.start: k for k, t in enumerate(toks)}
        ends = {t.end: k for k, t in enumerate(toks)}
        actors: list[ActorSpan] = []
        places: list[str] = []
        for m in self.gazetteer.find(text, language):
            s, e = starts.get(m.start), ends.get(m.end)
            if s is None or e is None:
                continue
            actor = self._actor(m, day)
            if actor is None:
                if m.country:
                    places.append(m.country)
                continue
            if m.kind == "city":
                places.append(m.country or "")
            actors.append(ActorSpan(s, e + 1, actor))
        agents = [(s, e, p[0]) for s, e, p in _scan(self.agent_index, toks)]
        agents = [g for g in agents if not any(a.start <= g[0] < a.end for a in actors)]
        return attach_agents(actors, agents, [t.low for t in toks], is_verb), places

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
            in_office = day is None or any(t.covers(day) for t in terms)
            typ = ("GOV" if in_office else "ELI") if m.country else "IGO"
            if any(t.role == "opposition leader" for t in terms):
                typ = "OPP"
            return Actor(
                (m.country or "IGOUNO") + (typ if m.country else ""),
                m.name,
                m.country,
                typ,
                m.entity,
                "person",
            )
        if m.kind == "city" and m.country and self._is_capital(m.entity):
            name = self.country_names.get(m.country, m.country)
            return Actor(m.country + "GOV", name, m.country, "GOV", m.country, "city")
        return None

    def _is_capital(self, entity: str) -> bool:
        return any(e.capital for e in self._entries_of(entity))

    def _entries_of(self, entity: str) -> list:
        cache = self.__dict__.setdefault("_by_entity", {})
        if not cache:
            for e in self.gazetteer.entries:
                cache.setdefault(e.entity, []).append(e)
        return cache.get(entity, [])
