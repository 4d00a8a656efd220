"""Series identifiers: one readable string per series, parsed back into its parts.

=====================  ==================================================
``ev:VNM``             events involving a country (as source or target)
``ev:VNM:q4``          ... of one QuadClass (1-4)
``ev:VNM:r14``         ... of one CAMEO root code (14 protest, 18 assault ...)
``ev:VNM:pASSAULT``    ... of one PLOVER event type (``earlywarn.extract.plover``)
``dyad:CHN>VNM``       events from one country to another
``cov:VNM``            articles that mention the country (coverage volume)
``tone:VNM``           mean tone of the articles that mention the country
``net:VNM``            distinct counterparts the country has events with (network change)
``tie:VNM~CHN``        tie strength of the focal country with a counterpart (events either
                       way + articles naming both; the counterpart may be ``ORG:ASEAN`` or
                       a person; ``tie:VNM~ALL`` is all its ties), see earlywarn.network
``comm:VNM``           counterparts joining or leaving the focal country's community
``per:VNM``            articles about or mentioning the focal country or a peer (earlywarn.focal)
``per:VNM:lang=en``    ... in one language (``src=USA`` source country, ``out=<outlet>``, ``w`` weekly)
``pshare:VNM``         share of all collected articles that mention it (``:lang=en``: of that language's)
``ptone:VNM``          mean sentence-level tone toward it (``:lang=``, ``:src=``, ``:out=``, ``:w``)
``pneg:VNM``           articles whose tone toward the focal country is negative
``pnew:VNM``           outlets covering the focal country that had not in the previous 90 days
``per:VNM:nar=ID``     articles a day of one narrative about it (``plang:VNM:nar=ID`` its languages)
``YEM:root14``         imported aggregate counts (country, then a free label)
=====================  ==================================================

Examples
--------
>>> parse_id("ev:VNM:r14")
SeriesId(kind='ev', country='VNM', target=None, quad_class=None, root='14', label=None, plover=None)
>>> parse_id("dyad:CHN>VNM").target
'VNM'
>>> parse_id("YEM:root14")
SeriesId(kind='counts', country='YEM', target=None, quad_class=None, root='14', label='root14', plover=None)
>>> series_id("ev", "VNM", quad_class=4)
'ev:VNM:q4'
>>> parse_id(series_id("ev", "VNM", plover="ASSAULT")).plover
'ASSAULT'
>>> parse_id("tie:VNM~ORG:ASEAN")
SeriesId(kind='tie', country='VNM', target='ORG:ASEAN', quad_class=None, root=None, label=None, plover=None)
>>> parse_id("ptone:VNM:lang=en")
SeriesId(kind='ptone', country='VNM', target=None, quad_class=None, root=None, label='lang=en', plover=None)
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["PERCEPTION_HEADS", "SeriesId", "parse_id", "series_id"]

#: Heads of the focal-perception series (:mod:`earlywarn.focal.series`).
PERCEPTION_HEADS = ("per", "pshare", "ptone", "pneg", "pnew", "plang")


class SeriesId(NamedTuple):
    """The parts of a series identifier."""

    kind: str
    country: str | None
    target: str | None = None
    quad_class: int | None = None
    root: str | None = None
    label: str | None = None
    plover: str | None = None


def series_id(
    kind: str,
    country: str,
    *,
    target: str | None = None,
    quad_class: int | None = None,
    root: str | None = None,
    plover: str | None = None,
) -> str:
    """Build a series identifier (see the module docstring)."""
    if kind == "dyad":
        return f"dyad:{country}>{target}"
    if kind == "tie":
        return f"tie:{country}~{target}"
    uid = f"{kind}:{country}"
    if quad_class is not None:
        uid += f":q{quad_class}"
    if root is not None:
        uid += f":r{root}"
    if plover is not None:
        uid += f":p{plover}"
    return uid


def parse_id(uid: str) -> SeriesId:
    """Split a series identifier into its parts; unknown shapes keep the whole as ``label``."""
    head, _, rest = uid.partition(":")
    if head == "dyad":
        src, _, dst = rest.partition(">")
        return SeriesId("dyad", src or None, dst or None)
    if head == "tie":
        src, _, dst = rest.partition("~")
        return SeriesId("tie", src or None, dst or None)
    if head == "comm":
        return SeriesId("comm", rest or None)
    if head in PERCEPTION_HEADS:
        country, _, qual = rest.partition(":")
        return SeriesId(head, country or None, None, None, None, qual or None)
    if head in ("ev", "cov", "tone", "net"):
        parts = rest.split(":")
        q = r = pl = None
        for p in parts[1:]:
            # ASCII digits: '²' is a digit to str.isdigit() and no number to int() (an
            # imported counts id 'ev:VNM:q²' failed every stage that reads ids, each night)
            if p.startswith("q") and p[1:].isascii() and p[1:].isdigit():
                q = int(p[1:])
            elif p.startswith("r") and p[1:].isascii() and p[1:].isdigit():
                r = p[1:]
            elif p.startswith("p") and p[1:].isalpha() and p[1:].isupper():
                pl = p[1:]
        return SeriesId(head, parts[0] or None, None, q, r, None, pl)
    m = re.search(r"root(\d{2})$", rest)
    return SeriesId("counts", head or None, None, None, m.group(1) if m else None, rest or None)
