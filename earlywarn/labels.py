"""Words for codes: countries, CAMEO codes, series identifiers, datasets and alert reasons.

One place that turns what the archive stores (``SYR``, ``190``, ``ev:SYR:q4``, a score of
3.2) into what a reader understands, used by the report, the review page and the CLI.
Country and language names come from Babel (CLDR) in English or Vietnamese; CAMEO names
from the shipped codebook (``earlywarn/data/cameo_codes.csv``).

Examples
--------
>>> from earlywarn import labels
>>> labels.country_name("VNM"), labels.country_name("VNM", "vi")
('Vietnam', 'Việt Nam')
>>> labels.country_label("SYR")
'Syria (SYR)'
>>> labels.cameo_label("190")
'190 Use conventional military force'
>>> labels.series_label("ev:SYR:q4", "D")
'Fighting in Syria (events per day)'
>>> labels.rarity(3.0, "MS")
'about 1 in 1,000 months'
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from importlib.resources import files
from typing import Any

from earlywarn.series.ids import parse_id

__all__ = [
    "DATASETS",
    "QUAD_NAMES",
    "alert_reason",
    "cameo_label",
    "cameo_name",
    "country_label",
    "country_name",
    "dataset_label",
    "edge_kind_label",
    "language_name",
    "number",
    "period_word",
    "rarity",
    "score_kind",
    "series_label",
    "series_title",
]

#: Plain names of the four QuadClasses (CAMEO roots 01-05, 06-09, 10-14, 15-20).
QUAD_NAMES = {
    1: "Cooperative statements",
    2: "Cooperation in deeds",
    3: "Verbal conflict",
    4: "Fighting",
}
_QUAD_TECH = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}
#: Plain names of the 20 CAMEO root codes, for series titles.
_ROOT_WORDS = {
    "01": "Public statements",
    "02": "Appeals",
    "03": "Offers to cooperate",
    "04": "Consultations",
    "05": "Diplomatic cooperation",
    "06": "Material cooperation",
    "07": "Aid",
    "08": "Concessions",
    "09": "Investigations",
    "10": "Demands",
    "11": "Disapproval",
    "12": "Rejections",
    "13": "Threats",
    "14": "Protests",
    "15": "Shows of force",
    "16": "Reduced relations",
    "17": "Coercion",
    "18": "Assaults",
    "19": "Armed fighting",
    "20": "Mass violence",
}
#: Things that happen *in* a country read "in"; the rest "involving".
_IN = {"14", "15", "17", "18", "19", "20"}
#: Where an event came from: the ``origin`` column of ``events``.
DATASETS = {
    "coder": "news (coded by earlywarn)",
    "icews": "ICEWS",
    "gdelt": "GDELT",
    "acled": "ACLED",
    "ucdp": "UCDP GED",
    "counts": "imported counts",
}
_EDGE_KINDS = {
    "event": "events between them",
    "comention": "named together in articles",
}
_PERIODS = {"D": ("day", "days"), "W": ("week", "weeks"), "M": ("month", "months")}
_SCORE_KINDS = {"ensemble": "neglog10p", "count_surprise": "neglog10p", "unit": "unit"}


def _locale(locale: str | None) -> Any:
    from babel import Locale

    return Locale.parse((locale or "en").replace("-", "_"))


@lru_cache(maxsize=4096)
def country_name(code: str | None, locale: str = "en") -> str:
    """Short name of an ISO3 country code in ``locale`` (``"en"`` or ``"vi"``).

    Unknown codes come back as they are; ``ALL`` is every country.

    Examples
    --------
    >>> country_name("CHN"), country_name("CHN", "vi"), country_name("XYZ")
    ('China', 'Trung Quốc', 'XYZ')
    """
    if not code:
        return ""
    code = str(code).upper()
    if code == "ALL":
        return "tất cả các nước" if str(locale).startswith("vi") else "all countries"
    import pycountry

    c = pycountry.countries.get(alpha_3=code)
    if c is None:
        return code
    name = _locale(locale).territories.get(c.alpha_2)
    return str(name or getattr(c, "common_name", None) or c.name)


def country_label(code: str | None, locale: str = "en") -> str:
    """``"Syria (SYR)"``: the name with its code, or the code alone if it has no name.

    Examples
    --------
    >>> country_label("VNM", "vi"), country_label("XYZ"), country_label(None)
    ('Việt Nam (VNM)', 'XYZ', '')
    """
    if not code:
        return ""
    name = country_name(code, locale)
    return name if name == str(code).upper() else f"{name} ({str(code).upper()})"


@lru_cache(maxsize=1)
def _codebook() -> dict[str, str]:
    path = files("earlywarn.data").joinpath("cameo_codes.csv")
    with path.open("r", encoding="utf-8") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def cameo_name(code: Any) -> str:
    """The CAMEO codebook's name of ``code`` (``""`` if the codebook has none).

    Root codes are in capitals in the codebook; they come back in sentence case.

    Examples
    --------
    >>> cameo_name("14"), cameo_name("0831"), cameo_name("999")
    ('Protest', 'Accede to demands for change in leadership', '')
    """
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    text = str(code).strip()
    name = _codebook().get(text) or _codebook().get(text.zfill(2) if len(text) < 2 else text, "")
    return name.capitalize() if name.isupper() else name


def cameo_label(code: Any) -> str:
    """``"190 Use conventional military force, not specified below"``: code and name.

    Examples
    --------
    >>> cameo_label("14"), cameo_label("999"), cameo_label(None)
    ('14 Protest', '999', '')
    """
    name = cameo_name(code)
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    return f"{code} {name}" if name else str(code)


def language_name(code: Any, locale: str = "en") -> str:
    """Name of a language code in ``locale`` (the code itself if unknown).

    Examples
    --------
    >>> language_name("vi"), language_name("en", "vi"), language_name("xx")
    ('Vietnamese', 'Tiếng Anh', 'xx')
    """
    if not code or not isinstance(code, str):
        return ""
    return str(_locale(locale).languages.get(code.split("-")[0].lower()) or code)


def dataset_label(origin: Any) -> str:
    """Which dataset an event came from, by its ``origin``.

    Examples
    --------
    >>> dataset_label("icews"), dataset_label("coder"), dataset_label(None)
    ('ICEWS', 'news (coded by earlywarn)', '')
    """
    if not origin or not isinstance(origin, str):
        return ""
    return DATASETS.get(origin.lower(), origin.upper())


def edge_kind_label(kind: Any) -> str:
    """What a network edge kind means (``comention`` -> named together in articles).

    Examples
    --------
    >>> edge_kind_label("comention")
    'named together in articles'
    """
    return _EDGE_KINDS.get(str(kind), str(kind or ""))


def period_word(freq: str | None, n: float = 1) -> str:
    """``"day"``, ``"weeks"``, ``"month"``... for a pandas frequency code (``D``, ``W``, ``MS``).

    Examples
    --------
    >>> period_word("MS"), period_word("D", 3), period_word(None)
    ('month', 'days', 'period')
    """
    if not freq:
        return "period" if n == 1 else "periods"
    one, many = _PERIODS.get(str(freq)[0].upper(), ("period", "periods"))
    return one if n == 1 else many


def series_title(unique_id: str, locale: str = "en") -> str:
    """A series identifier in words, without its unit.

    Examples
    --------
    >>> series_title("ev:YEM:r14"), series_title("dyad:CHN>VNM"), series_title("YEM:root19")
    ('Protests in Yemen', 'Events from China towards Vietnam', 'Armed fighting in Yemen')
    >>> series_title("cov:VNM", "vi")
    'News coverage of Việt Nam'
    """
    sid = parse_id(unique_id)
    name = country_name(sid.country, locale)
    if sid.kind == "dyad":
        return f"Events from {name} towards {country_name(sid.target, locale)}"
    if sid.kind == "cov":
        return "All collected articles" if sid.country == "ALL" else f"News coverage of {name}"
    if sid.kind == "tone":
        return f"Tone of news about {name}"
    if sid.kind == "net":
        return f"Counterparts of {name}"
    if sid.root is not None:
        what = _ROOT_WORDS.get(sid.root) or f"CAMEO {sid.root} events"
        return f"{what} {'in' if sid.root in _IN else 'involving'} {name}"
    if sid.quad_class is not None:
        what = QUAD_NAMES.get(sid.quad_class, f"QuadClass {sid.quad_class} events")
        return f"{what} {'in' if sid.quad_class == 4 else 'involving'} {name}"
    if sid.kind == "counts" and sid.label not in (None, "total"):
        return f"{name}: {sid.label}"
    return "All events" if sid.country == "ALL" else f"Events involving {name}"


def series_label(unique_id: str, freq: str | None = None, locale: str = "en") -> str:
    """A series in words with its unit: ``"Fighting in Syria (events per day)"``.

    Examples
    --------
    >>> series_label("ev:SYR:q4", "D")
    'Fighting in Syria (events per day)'
    >>> series_label("tone:VNM", "W")
    'Tone of news about Vietnam (mean tone of articles, -1 to 1, per week)'
    >>> series_label("net:CHN")
    'Counterparts of China (distinct countries in events)'
    """
    kind = parse_id(unique_id).kind
    per = f" per {period_word(freq)}" if freq else ""
    unit = {
        "cov": f"articles{per}",
        "tone": f"mean tone of articles, -1 to 1{',' if per else ''}{per}",
        "net": f"distinct countries in events{per}",
    }.get(kind, f"events{per}")
    return f"{series_title(unique_id, locale)} ({unit})"


def score_kind(detector: str | None) -> str:
    """How a detector's scores read: ``"neglog10p"`` (the default ensemble), ``"z"``, ``"unit"``.

    Examples
    --------
    >>> score_kind("ensemble"), score_kind("robust_z")
    ('neglog10p', 'z')
    """
    return _SCORE_KINDS.get(str(detector or "ensemble"), "z")


def _tail_p(score: float, kind: str) -> float:
    if kind == "neglog10p":
        return float(10.0 ** -max(score, 0.0))
    if kind == "unit":
        return min(max(1.0 - score, 1e-12), 1.0)
    return 0.5 * math.erfc(score / math.sqrt(2.0))


def rarity(score: float | None, freq: str | None = None, kind: str = "neglog10p") -> str:
    """How unusual a score is, in words: ``"about 1 in 1,000 months"``.

    ``kind`` says how the score reads (see :func:`score_kind`).

    Examples
    --------
    >>> rarity(2.0, "D"), rarity(9.0, "W"), rarity(0.2, "D"), rarity(3.0, "D", kind="z")
    ('about 1 in 100 days', 'less than 1 in a million weeks', 'common (about 1 in 2 days)', 'about 1 in 700 days')
    """
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return ""
    p = _tail_p(float(score), kind)
    n = 1.0 / max(p, 1e-300)
    periods = period_word(freq, 2)
    if n >= 1e6:
        return f"less than 1 in a million {periods}"
    digits = math.floor(math.log10(n)) if n >= 10 else 0
    rounded = int(round(n / 10**digits) * 10**digits) if n >= 10 else max(round(n), 1)
    if n < 4:
        return f"common (about 1 in {rounded} {periods})"
    return f"about 1 in {rounded:,} {periods}"


def number(value: Any, missing: str = "?") -> str:
    """A count or level for reading: whole numbers from 100 up, else one decimal.

    Examples
    --------
    >>> number(1234.56), number(5.575), number(12.0), number(None)
    ('1,235', '5.6', '12', '?')
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return missing
    if math.isnan(v):
        return missing
    return f"{v:,.0f}" if abs(v) >= 100 or v == int(v) else f"{v:,.1f}"


def alert_reason(evidence: dict[str, Any], rule: str | None = None, locale: str = "en") -> str:
    """Why an alert fired, in one sentence, from its evidence pack.

    Observed against expected with the forecast's 90% band, how unusual the value is,
    which rule and since when.

    Examples
    --------
    >>> ev = {"unique_id": "ev:SYR:q4", "freq": "D", "detector": "ensemble",
    ...       "anomaly": {"ds": "2018-10-30T00:00:00", "y": 42.0, "expected": 12.0, "score": 3.1},
    ...       "forecast": {"q05": 5.0, "q95": 20.0},
    ...       "episode": {"start": "2018-10-28T00:00:00", "periods": 3}}
    >>> print(alert_reason(ev, "fighting-surge"))
    Fighting in Syria (events per day): 42 on 2018-10-30 where 12 were expected (90% forecast band 5 to 20), about 1 in 1,000 days; rule fighting-surge since 2018-10-28 (3 days).
    """
    uid = str(evidence.get("unique_id") or "")
    freq = evidence.get("freq")
    an = evidence.get("anomaly") or {}
    fc = evidence.get("forecast") or {}
    ep = evidence.get("episode") or {}
    when = str(an.get("ds") or evidence.get("ds") or "")[:10]
    text = f"{series_label(uid, freq, locale)}: {number(an.get('y'))} on {when}"
    if an.get("expected") is not None:
        text += f" where {number(an.get('expected'))} were expected"
    if fc.get("q05") is not None and fc.get("q95") is not None:
        text += f" (90% forecast band {number(fc['q05'])} to {number(fc['q95'])})"
    how = rarity(an.get("score"), freq, score_kind(evidence.get("detector")))
    if how:
        text += f", {how}"
    rule = rule or evidence.get("rule")
    if rule:
        text += f"; rule {rule}"
    if ep.get("start"):
        n = int(ep.get("periods") or 1)
        text += f" since {str(ep['start'])[:10]} ({n} {period_word(freq, n)})"
    return text + "."
