"""Network nodes: countries, persons and organisations named by events and articles.

Event actors (``source_name``/``source_country``) and article mentions
(:func:`earlywarn.extract.actors.extract_mentions`) are mapped onto one set of node
codes, the gazetteer's: ``VNM`` (a country), ``PER:VNM:pham-binh-minh`` (a person),
``ORG:ASEAN`` (an organisation), so a minister coded in an event and the same minister
named in an article are one node. An ICEWS-style sector of a country
(``"Police (Vietnam)"``) becomes ``ORG:VNM:police``; a name the gazetteer does not know
is a person when it looks like one (two to four capitalised words), else an organisation.

Examples
--------
>>> resolve_actor("Vietnam", "VNM")
Node(node='VNM', kind='country', country='VNM')
>>> resolve_actor("Nguyen Xuan Phuc", None)
Node(node='PER:VNM:nguyen-xuan-phuc', kind='person', country='VNM')
>>> resolve_actor("Middle East", None).kind, resolve_actor("Ashraf Ghani Ahmadzai", None).kind
('org', 'person')
>>> resolve_actor("security forces", None) is None  # the coder's '---COP': no node
True
>>> resolve_actor("Foreign Affairs (Vietnam)", "VNM")
Node(node='ORG:VNM:foreign-affairs', kind='org', country='VNM')
>>> node_label("ORG:VNM:foreign-affairs", "vi"), node_label("CHN", "vi")
('Foreign Affairs (Việt Nam)', 'Trung Quốc')
>>> node_kind("PER:RUS:vladimir-putin"), node_kind("ORG:ASEAN"), node_kind("JPN")
('person', 'org', 'country')
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

__all__ = [
    "NODE_KINDS",
    "Node",
    "node_country",
    "node_kind",
    "node_label",
    "node_table",
    "resolve_actor",
]

#: Kinds of network node.
NODE_KINDS = ("country", "person", "org")

_PAREN = re.compile(r"^(?P<label>.+?)\s*\((?P<owner>[^()]+)\)\s*$")
_PERSON = re.compile(r"^(?:[A-Z][\w'.-]*\s+){1,3}[A-Z][\w'.-]*$")
_ORG_WORDS = re.compile(
    r"\b(party|ministry|council|army|union|bank|court|police|government|assembly|forces|"
    r"committee|agency|association|company|group|office|department|front|movement|"
    r"university|news|times|post|media|people|citizen|parliament|commission|nations|"
    r"organi[sz]ation|federation|alliance|coalition|institute|ministry|fund|court|cabinet|"
    r"senate|congress|embassy|east|west|north|south|central)\b",
    re.IGNORECASE,
)


class Node(NamedTuple):
    """A node code with its kind and country (``None`` when unknown or international)."""

    node: str
    kind: str
    country: str | None


def _slug(text: str) -> str:
    from earlywarn.extract.coding.gazetteer_data import slug

    return slug(text)


@lru_cache(maxsize=65536)
def resolve_actor(name: str | None, country: str | None) -> Node | None:
    """The node of an event actor (``None`` for a blank actor).

    The whole name must be one gazetteer entity (country, person or organisation) to be
    taken as that entity; ``"Label (Owner)"`` is a sector of its owner country; other names
    are persons or organisations by their shape. An actor with no country named only by
    an agent or place noun (the coder's ``---``: *police*, *rebels*, *the capital*) is no
    node (:func:`earlywarn.extract.events.unknown_actor`).
    """
    name = (name or "").strip()
    country = country if isinstance(country, str) and len(country) == 3 else None
    if not name:
        return Node(country, "country", country) if country else None
    from earlywarn.extract.actors import Gazetteer
    from earlywarn.extract.events import unknown_actor

    if unknown_actor(name, country):
        return None  # PETRARCH's '---' ('rebels', 'the capital'): no particular actor

    found = Gazetteer.default().find(name, None)
    if len(found) == 1 and found[0].start == 0 and found[0].end >= len(name.rstrip(". ")):
        m = found[0]
        if m.kind in NODE_KINDS:
            return Node(m.entity, m.kind, m.country)
    paren = _PAREN.match(name)
    if paren and country:
        return Node(f"ORG:{country}:{_slug(paren['label'])}", "org", country)
    if paren:
        return Node(f"ORG:{_slug(name)}", "org", None)
    if country and len(found) == 1 and found[0].entity == country:
        return Node(country, "country", country)
    if _PERSON.match(name) and not _ORG_WORDS.search(name) and not found:  # no place in it
        return Node(f"PER:{country or 'XXX'}:{_slug(name)}", "person", country)
    return Node(f"ORG:{country}:{_slug(name)}" if country else f"ORG:{_slug(name)}", "org", country)


def node_kind(node: str) -> str:
    """``country``, ``person`` or ``org`` from a node code."""
    if node.startswith("PER:"):
        return "person"
    if node.startswith("ORG:"):
        return "org"
    return "country"


def node_country(node: str) -> str | None:
    """The ISO3 country of a node code, if it names one."""
    parts = node.split(":")
    if len(parts) == 1:
        return node if len(node) == 3 else None
    if len(parts) >= 3 and len(parts[1]) == 3 and parts[1] != "XXX":
        return parts[1]
    return None


@lru_cache(maxsize=1)
def _gazetteer_names() -> dict[str, tuple[str, str]]:
    """Entity -> (English name, Vietnamese name) from the shipped gazetteer."""
    from earlywarn.extract.actors import Gazetteer

    out: dict[str, tuple[str, str]] = {}
    vi: dict[str, str] = {}
    for e in Gazetteer.default().entries:
        if e.kind not in ("person", "org"):
            continue
        out.setdefault(e.entity, (e.name, e.name))
        if e.language == "vi" and e.entity not in vi:
            vi[e.entity] = e.alias
    return {k: (en, vi.get(k, v)) for k, (en, v) in out.items()}


@lru_cache(maxsize=65536)
def node_label(node: str, locale: str = "en") -> str:
    """A readable name of a node code in ``locale`` (``en`` or ``vi``)."""
    from earlywarn.labels import country_name

    vi = str(locale).startswith("vi")
    known = _gazetteer_names().get(node)
    if known:
        return known[1] if vi else known[0]
    if node_kind(node) == "country":
        return country_name(node, "vi" if vi else "en")
    parts = node.split(":")
    small = {"of", "and", "the", "for", "de", "in", "on", "to", "al", "bin", "van", "von"}
    words = " ".join(
        w if (w in small and i) else w[:1].upper() + w[1:]
        for i, w in enumerate(parts[-1].replace("-", " ").split())
    )
    owner = node_country(node)
    return f"{words} ({country_name(owner, 'vi' if vi else 'en')})" if owner else words


def node_table(nodes: list[str] | pd.Index | pd.Series) -> pd.DataFrame:
    """Node attributes: ``node, kind, country, label_en, label_vi`` (one row per code).

    Examples
    --------
    >>> node_table(["VNM", "ORG:ASEAN"])[["node", "kind", "label_vi"]].values.tolist()
    [['VNM', 'country', 'Việt Nam'], ['ORG:ASEAN', 'org', 'ASEAN']]
    """
    codes = list(dict.fromkeys(str(n) for n in nodes))
    return pd.DataFrame(
        {
            "node": codes,
            "kind": [node_kind(n) for n in codes],
            "country": [node_country(n) for n in codes],
            "label_en": [node_label(n, "en") for n in codes],
            "label_vi": [node_label(n, "vi") for n in codes],
        },
        columns=["node", "kind", "country", "label_en", "label_vi"],
    )
