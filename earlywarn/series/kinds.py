"""What a series measures, whatever importer or stage made it.

Alert rules select series by kind and event class rather than by naming convention, so
``ev:MLI:r19`` (coded from news), ``MLI:root19`` (imported GDELT counts) and
``MLI:pv_events`` (imported ACLED political violence) are all found by a rule on
fighting or material conflict.

=============  ==============================================================
kind           series
=============  ==============================================================
``events``     event counts: ``ev:``, imported ``C:rootNN``, ``C:total``, ``C:*events*``
``fatalities`` deaths: imported ``C:*fatalities*``, ``C:*deaths*``
``coverage``   articles mentioning a country: ``cov:``
``tone``       mean tone of those articles: ``tone:``
``network``    distinct counterparts: ``net:``
``dyad``       events from one country to another: ``dyad:``
``tie``        the focal country's tie with one counterpart: ``tie:`` (earlywarn.network)
``community``  counterparts joining/leaving the focal country's community: ``comm:``
``perception`` articles about/mentioning the focal country or a peer: ``per:``
``perception_share``    their share of the collected articles: ``pshare:``
``perception_tone``     sentence-level tone toward the country: ``ptone:``
``perception_negative`` articles negative toward the focal country: ``pneg:``
``perception_outlets``  outlets newly covering the focal country: ``pnew:``
``perception_languages`` languages of a narrative's articles a day: ``plang:``
``counts``     other imported counts (a label the table below does not know)
=============  ==============================================================

Event classes: ``cameo:NN`` (a CAMEO root), ``plover:NAME`` (its PLOVER category),
``quad:N`` (a QuadClass), ``all`` (every event). A series has the classes of its own
definition only: ``ev:MLI:r19`` is ``cameo:19`` and ``plover:ASSAULT``, not ``quad:4``
(a ``quad:4`` rule watches ``ev:MLI:q4``), so one surge does not raise two alerts.

Examples
--------
>>> series_kind("ev:MLI:r19")
SeriesKind(kind='events', country='MLI', classes=('cameo:19', 'plover:ASSAULT'))
>>> series_kind("SDN:ucdp_fatalities").kind
'fatalities'
>>> series_kind("SDN:pv_events").classes
('quad:4', 'plover:ASSAULT')
>>> series_kind("YEM:total").classes, series_kind("cov:VNM").kind
(('all',), 'coverage')
>>> series_kind("tie:VNM~CHN")
SeriesKind(kind='tie', country='VNM', classes=())
"""

from __future__ import annotations

import re
from typing import NamedTuple

from earlywarn.series.ids import parse_id

__all__ = ["CAMEO_TO_PLOVER", "KINDS", "LEVEL_KINDS", "SeriesKind", "is_level", "series_kind"]

#: Series kinds a rule can select.
KINDS = (
    "events",
    "fatalities",
    "coverage",
    "tone",
    "network",
    "dyad",
    "tie",
    "community",
    "counts",
    "perception",
    "perception_share",
    "perception_tone",
    "perception_negative",
    "perception_outlets",
    "perception_languages",
)
#: Kinds whose values are levels (means, shares), not counts: no log transform, no rates.
LEVEL_KINDS = ("tone", "perception_tone", "perception_share")
_PERCEPTION = {
    "per": "perception",
    "pshare": "perception_share",
    "ptone": "perception_tone",
    "pneg": "perception_negative",
    "pnew": "perception_outlets",
    "plang": "perception_languages",
}

#: CAMEO root code -> PLOVER event category (nearest; roots 01 and 09 have none).
CAMEO_TO_PLOVER = {
    "02": "REQUEST",
    "03": "AGREE",
    "04": "CONSULT",
    "05": "COOPERATE",
    "06": "COOPERATE",
    "07": "AID",
    "08": "CONCEDE",
    "10": "REQUEST",
    "11": "ACCUSE",
    "12": "REJECT",
    "13": "THREATEN",
    "14": "PROTEST",
    "15": "MOBILIZE",
    "16": "SANCTION",
    "17": "COERCE",
    "18": "ASSAULT",
    "19": "ASSAULT",
    "20": "ASSAULT",
}

# Labels of imported counts: (pattern, kind, classes). First match wins.
_LABELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"fatalit|death|killed", "fatalities", ()),
    (r"^root(\d{2})$", "events", ()),
    (r"^total$|^events$|^all_events$", "events", ("all",)),
    (r"protest|demonstration|riot", "events", ("cameo:14", "plover:PROTEST")),
    (r"^pv_|political_violence|battle|violence|conflict", "events", ("quad:4", "plover:ASSAULT")),
    (r"event", "events", ("all",)),
)


class SeriesKind(NamedTuple):
    """What a series measures: its kind, country and event classes."""

    kind: str
    country: str | None
    classes: tuple[str, ...] = ()


def _root_classes(root: str) -> tuple[str, ...]:
    plover = CAMEO_TO_PLOVER.get(root)
    return (f"cameo:{root}", f"plover:{plover}") if plover else (f"cameo:{root}",)


def series_kind(uid: str) -> SeriesKind:
    """The kind, country and event classes of a series identifier (see the module doc)."""
    sid = parse_id(uid)
    if sid.kind == "ev":
        if sid.root is not None:
            classes = _root_classes(sid.root)
        elif sid.quad_class is not None:
            classes = (f"quad:{sid.quad_class}",)
        else:
            classes = ("all",)
        return SeriesKind("events", sid.country, classes)
    simple = {
        "cov": "coverage",
        "tone": "tone",
        "net": "network",
        "dyad": "dyad",
        "tie": "tie",
        "comm": "community",
        **_PERCEPTION,
    }
    if sid.kind in simple:
        return SeriesKind(simple[sid.kind], sid.country, ("all",) if sid.kind == "dyad" else ())
    label = (sid.label or "").lower()
    for pattern, kind, classes in _LABELS:
        m = re.search(pattern, label)
        if m:
            if m.groups():
                classes = _root_classes(m.group(1))
            return SeriesKind(kind, sid.country, classes)
    return SeriesKind("counts", sid.country, ())


def is_level(uid: str) -> bool:
    """Whether a series holds levels (tone, shares) rather than counts.

    Examples
    --------
    >>> is_level("tone:VNM"), is_level("ptone:VNM:lang=en"), is_level("per:VNM")
    (True, True, False)
    """
    return series_kind(uid).kind in LEVEL_KINDS
