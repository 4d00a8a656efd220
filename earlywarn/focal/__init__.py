"""Focal-country perception: what the world writes about one country (set once in config).

Names and stop-list (:mod:`~earlywarn.focal.names`), mentions with word boundaries and
salience (:mod:`~earlywarn.focal.mentions`), sentence-level tone toward the country
(:mod:`~earlywarn.focal.tone`), and their evaluation (:mod:`~earlywarn.focal.evaluate`).

Examples
--------
>>> from earlywarn.focal import FocalMatcher, resolve_country
>>> [m.text for m in FocalMatcher.for_country(resolve_country("Vietnam")).find("Hanoi said so.", "en")]
['Hanoi']
"""

from earlywarn.focal.mentions import FocalMatcher, FocalMention, Salience
from earlywarn.focal.names import DEFAULT_PEERS, country_names, resolve_country
from earlywarn.focal.tone import tone_toward

__all__ = [
    "DEFAULT_PEERS",
    "FocalMatcher",
    "FocalMention",
    "Salience",
    "country_names",
    "resolve_country",
    "tone_toward",
]
