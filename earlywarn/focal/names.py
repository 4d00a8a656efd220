"""Names of the focal country and its peers: CLDR country names plus the shipped lists.

Country names in every language come from CLDR (Babel); :file:`earlywarn/data/focal/`
adds what CLDR lacks: demonyms, leaders, ministries, institutions, major places (rich for
the focal country, ``<ISO3>.yaml``; names and demonyms for peers, ``peers.yaml``) and a
stop-list of false friends (time zones, oceans, bylines, person names).

Examples
--------
>>> resolve_country("Vietnam"), resolve_country("vnm"), resolve_country("Việt Nam")
('VNM', 'VNM', 'VNM')
>>> resolve_country("越南"), resolve_country("United States")
('VNM', 'USA')
>>> names = country_names("VNM")
>>> ("vi", "Hà Nội", "place") in names.aliases, ("en", "Vietnamese", "demonym") in names.aliases
(True, True)
>>> ("vi", "giờ Việt Nam") in [(lang, p) for lang, p, _ in names.stops]
True
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from earlywarn.errors import UsageError

__all__ = [
    "DEFAULT_PEERS",
    "LANGUAGES",
    "CountryNames",
    "country_names",
    "resolve_country",
]

#: Languages the names cover (the catalog's languages).
LANGUAGES = ("vi", "en", "zh", "fr", "ru", "ja", "ko", "th", "km", "lo", "id", "es", "de")

#: Default peers of the focal country: the ASEAN members, China and the United States.
DEFAULT_PEERS = (
    "BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM", "CHN", "USA",
)  # fmt: skip

#: Kinds of alias, in the order the YAML files list them.
KINDS = ("name", "demonym", "leader", "ministry", "institution", "place")
_SECTIONS = {
    "names": "name",
    "demonyms": "demonym",
    "leaders": "leader",
    "ministries": "ministry",
    "institutions": "institution",
    "places": "place",
}


@dataclass(frozen=True)
class CountryNames:
    """Everything the tagger matches for one country.

    ``aliases`` are ``(language, alias, kind)``; ``stops`` are ``(language, phrase, reason)``;
    ``stem`` the languages whose aliases may take inflected endings; ``surnames`` the family
    names that, directly before an alias, make it part of a person's name.
    """

    iso3: str
    aliases: tuple[tuple[str, str, str], ...]
    stops: tuple[tuple[str, str, str], ...]
    stem: frozenset[str]
    surnames: tuple[str, ...]
    person_languages: frozenset[str]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d").strip()


@lru_cache(maxsize=1)
def _a2_to_a3() -> dict[str, str]:
    import pycountry

    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


@lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    """Folded country name in any CLDR language (and pycountry's English names) -> ISO3."""
    import pycountry
    from babel import Locale

    a2a3 = _a2_to_a3()
    index: dict[str, str] = {}
    for lang in LANGUAGES:
        for a2, label in Locale.parse(lang).territories.items():
            if a2 in a2a3:
                index.setdefault(_fold(label), a2a3[a2])
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                index.setdefault(_fold(value), c.alpha_3)
    for iso3, spec in _peer_file().items():
        for names in (spec.get("names") or {}).values():
            for n in names:
                if len(n) > 3:
                    index.setdefault(_fold(n), iso3)
    return index


def resolve_country(value: str, *, any_code: bool = False) -> str:
    """ISO3 code of a country given as a code (``VNM``, ``vn``) or a name in any catalog language.

    ``any_code=True`` keeps any three ASCII letters as a code (upper-cased), also codes
    outside ISO 3166 that GDELT, ICEWS or an index may hold; filters use it.

    Raises
    ------
    UsageError
        When nothing matches; the message names the closest known names.

    Examples
    --------
    >>> resolve_country("Việt Nam"), resolve_country("vn"), resolve_country("Philippines")
    ('VNM', 'VNM', 'PHL')
    """
    text = str(value or "").strip()
    if not text:
        raise UsageError("no country given; use an ISO3 code such as VNM or a name such as Vietnam")
    if any_code and len(text) == 3 and text.isascii() and text.isalpha():
        return text.upper()
    a2a3 = _a2_to_a3()
    if len(text) == 3 and text.isascii() and text.upper() in a2a3.values():
        return text.upper()
    if len(text) == 2 and text.isascii() and text.upper() in a2a3:
        return a2a3[text.upper()]
    index = _name_index()
    hit = index.get(_fold(text))
    if hit:
        return hit
    close = difflib.get_close_matches(_fold(text), list(index), n=3, cutoff=0.75)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UsageError(f"{value!r} is not a country code or name; use an ISO3 code such as VNM{hint}")


@lru_cache(maxsize=1)
def _peer_file() -> dict[str, Any]:
    text = files("earlywarn.data").joinpath("focal", "peers.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def _spec(iso3: str) -> dict[str, Any]:
    res = files("earlywarn.data").joinpath("focal", f"{iso3}.yaml")
    if res.is_file():
        return yaml.safe_load(res.read_text(encoding="utf-8")) or {}
    return dict(_peer_file().get(iso3) or {})


def _cldr_names(iso3: str) -> list[tuple[str, str]]:
    from babel import Locale

    a2 = {v: k for k, v in _a2_to_a3().items()}.get(iso3)
    if a2 is None:
        return []
    out = []
    for lang in LANGUAGES:
        label = Locale.parse(lang).territories.get(a2)
        if label:
            out.append((lang, label.split(" (")[0].strip()))
    return out


@lru_cache(maxsize=64)
def country_names(iso3: str) -> CountryNames:
    """The aliases and stop-list of one country (``iso3`` as returned by :func:`resolve_country`)."""
    spec = _spec(iso3)
    aliases: list[tuple[str, str, str]] = [(lang, n, "name") for lang, n in _cldr_names(iso3)]
    for section, kind in _SECTIONS.items():
        for lang, items in (spec.get(section) or {}).items():
            aliases.extend((str(lang), str(a), kind) for a in items or [])
    seen: set[tuple[str, str]] = set()
    uniq = []
    for lang, alias, kind in aliases:
        if (lang, alias) not in seen and alias.strip():
            seen.add((lang, alias))
            uniq.append((lang, unicodedata.normalize("NFC", alias), kind))
    stops: list[tuple[str, str, str]] = []
    person_langs: set[str] = set()
    for reason, per_lang in (spec.get("stop") or {}).items():
        for lang, items in (per_lang or {}).items():
            for phrase in items or []:
                if phrase == "@surname":
                    person_langs.add(str(lang))
                else:
                    stops.append((str(lang), unicodedata.normalize("NFC", str(phrase)), reason))
    for lang, items in (spec.get("person") or {}).items():
        if "@surname" in (items or []):
            person_langs.add(str(lang))
    surnames = tuple(spec.get("surnames") or _spec("VNM").get("surnames") or ())
    return CountryNames(
        iso3=iso3,
        aliases=tuple(uniq),
        stops=tuple(stops),
        stem=frozenset(spec.get("stem") or ("ru", "de")),
        surnames=surnames,
        person_languages=frozenset(person_langs),
    )
