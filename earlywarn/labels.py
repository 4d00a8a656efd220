"""Words for codes: countries, CAMEO codes, series identifiers, datasets and alert reasons.

One place that turns what the archive stores (``SYR``, ``190``, ``ev:SYR:q4``, a score of
3.2) into what a reader understands, used by the report, the review page and the CLI.
Country and language names come from Babel (CLDR) in English or Vietnamese; CAMEO names
from the shipped codebook (``earlywarn/data/cameo_codes.csv``; Vietnamese names in
``earlywarn/data/cameo_vi.csv``, translated by the project). Every
phrase takes a ``locale`` (``en`` or ``vi``: the gettext catalog of :mod:`earlywarn.i18n`).

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
>>> labels.series_label("ev:SYR:q4", "D", "vi")
'Giao tranh tại Syria (số sự kiện mỗi ngày)'
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from importlib.resources import files
from typing import Any

from earlywarn.i18n import N_, translations
from earlywarn.series.ids import parse_id
from earlywarn.series.kinds import series_kind

__all__ = [
    "DATASETS",
    "NARRATIVE_STATUS_NAMES",
    "PLOVER_NAMES",
    "QUAD_NAMES",
    "SEVERITY_NAMES",
    "STATUS_NAMES",
    "alert_reason",
    "alert_title",
    "cameo_label",
    "cameo_name",
    "country_label",
    "country_name",
    "dataset_label",
    "edge_kind_label",
    "event_code_label",
    "evidence_dict",
    "language_name",
    "number",
    "period_word",
    "plover_label",
    "plural_count",
    "rarity",
    "score_kind",
    "series_label",
    "series_title",
]

#: Alert severities and statuses in words (translate with the catalog: ``_t(locale, ...)``).
SEVERITY_NAMES = {
    "low": N_("low"),
    "medium": N_("medium"),
    "high": N_("high"),
    "critical": N_("critical"),
}
STATUS_NAMES = {
    "new": N_("new"),
    "acknowledged": N_("acknowledged"),
    "reopened": N_("reopened"),
    "resolved": N_("resolved"),
    "dismissed": N_("dismissed"),
}
#: A focal narrative's status in words (``earlywarn.focal.narratives``; templates: ``_(status)``).
NARRATIVE_STATUS_NAMES = {
    "new": N_("new"),
    "spreading": N_("spreading"),
    "fading": N_("fading"),
    "steady": N_("steady"),
}
#: Plain names of the four QuadClasses (CAMEO roots 01-05, 06-09, 10-14, 15-20).
QUAD_NAMES = {
    1: N_("Cooperative statements"),
    2: N_("Cooperation in deeds"),
    3: N_("Verbal conflict"),
    4: N_("Fighting"),
}
_QUAD_TECH = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}
#: Plain names of the 20 CAMEO root codes, for series titles.
_ROOT_WORDS = {
    "01": N_("Public statements"),
    "02": N_("Appeals"),
    "03": N_("Offers to cooperate"),
    "04": N_("Consultations"),
    "05": N_("Diplomatic cooperation"),
    "06": N_("Material cooperation"),
    "07": N_("Aid"),
    "08": N_("Concessions"),
    "09": N_("Investigations"),
    "10": N_("Demands"),
    "11": N_("Disapproval"),
    "12": N_("Rejections"),
    "13": N_("Threats"),
    "14": N_("Protests"),
    "15": N_("Shows of force"),
    "16": N_("Reduced relations"),
    "17": N_("Coercion"),
    "18": N_("Assaults"),
    "19": N_("Armed fighting"),
    "20": N_("Mass violence"),
}
#: Things that happen *in* a country read "in"; the rest "involving".
_IN = {"14", "15", "17", "18", "19", "20"}
#: Where an event came from: the ``origin`` column of ``events``.
DATASETS = {
    "coder": N_("news (coded by earlywarn)"),
    "icews": "ICEWS",
    "gdelt": "GDELT",
    "acled": "ACLED",
    "ucdp": "UCDP GED",
    "counts": N_("imported counts"),
}
_EDGE_KINDS = {
    "event": N_("events between them"),
    "comention": N_("named together in articles"),
}
_PERIODS = {
    "D": (N_("day"), N_("days")),
    "W": (N_("week"), N_("weeks")),
    "M": (N_("month"), N_("months")),
}
_SCORE_KINDS = {
    "ensemble": "neglog10p",
    "count_surprise": "neglog10p",
    "rate_surprise": "neglog10p",
    "rate_cusum": "neglog10p",
    "unit": "unit",
}


def _t(locale: str | None, message: str) -> str:
    """``message`` in ``locale`` (gettext); English as it is."""
    return _translations(locale).gettext(message)


def _translations(locale: str | None) -> Any:
    return translations("vi" if str(locale or "en").startswith("vi") else "en")


def plural_count(value: Any) -> int:
    """The count gettext should choose a plural form by for ``value`` as :func:`number`
    shows it: the whole number it reads as, or 2 for a fraction (CLDR English: "1.5 were
    expected", plural).

    Examples
    --------
    >>> plural_count(1.02), plural_count(1.26), plural_count(3), plural_count(None)
    (1, 2, 3, 2)
    """
    shown = number(value, missing="", locale="en").replace(",", "")
    return int(shown) if shown.lstrip("-").isdigit() else 2


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


@lru_cache(maxsize=2)
def _codebook(locale: str = "en") -> dict[str, str]:
    if locale == "vi":
        name, column = "cameo_vi.csv", "name_vi"
    else:
        name, column = "cameo_codes.csv", "name"
    with files("earlywarn.data").joinpath(name).open("r", encoding="utf-8") as fh:
        return {row["code"]: row[column] for row in csv.DictReader(fh)}


def _is_vi(locale: str | None) -> bool:
    return str(locale or "en").startswith("vi")


def cameo_name(code: Any, locale: str = "en") -> str:
    """The CAMEO codebook's name of ``code`` in ``locale`` (``""`` if the codebook has none).

    Root codes are in capitals in the codebook; they come back in sentence case. In
    Vietnamese a code without a Vietnamese name falls back to the English name.

    Examples
    --------
    >>> cameo_name("14"), cameo_name("0831"), cameo_name("999")
    ('Protest', 'Accede to demands for change in leadership', '')
    >>> cameo_name("190", "vi")
    'Sử dụng vũ lực quân sự quy ước'
    """
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    text = str(code).strip()
    key = text.zfill(2) if len(text) < 2 else text
    if _is_vi(locale):
        name = _codebook("vi").get(text) or _codebook("vi").get(key)
        if name:
            return name
    name = _codebook().get(text) or _codebook().get(key, "")
    return name.capitalize() if name.isupper() else name


#: PLOVER event types in words (English, Vietnamese).
PLOVER_NAMES: dict[str, tuple[str, str]] = {
    "DEMAND": ("Demand", "Yêu cầu"),
    "DISAPPROVE": ("Disapprove", "Không tán thành"),
    "REJECT": ("Reject", "Bác bỏ"),
    "THREATEN": ("Threaten", "Đe dọa"),
    "PROTEST": ("Protest", "Biểu tình, phản đối"),
    "MOBILIZE": ("Mobilize", "Huy động lực lượng"),
    "SANCTION": ("Sanction", "Trừng phạt"),
    "COERCE": ("Coerce", "Cưỡng ép"),
    "ASSAULT": ("Assault", "Tấn công"),
    "AGREE": ("Agree", "Thỏa thuận"),
    "CONSULT": ("Consult", "Tham vấn"),
    "SUPPORT": ("Support", "Ủng hộ"),
    "CONCEDE": ("Concede", "Nhượng bộ"),
    "COOPERATE": ("Cooperate", "Hợp tác"),
    "AID": ("Aid", "Viện trợ"),
    "RETREAT": ("Retreat", "Rút lui"),
}


def plover_label(code: Any, locale: str = "en") -> str:
    """The PLOVER type (and, in English, mode) of a CAMEO code, in words; ``""`` if none.

    Examples
    --------
    >>> plover_label("1823"), plover_label("1823", "vi"), plover_label("010")
    ('PLOVER Assault (kill)', 'PLOVER Tấn công', '')
    """
    from earlywarn.extract.plover import plover

    if not isinstance(code, str) or not code:
        return ""
    kind, mode = plover(code)
    if kind is None:
        return ""
    en, vi = PLOVER_NAMES.get(kind, (kind.title(), kind.title()))
    if str(locale).startswith("vi"):
        return f"PLOVER {vi}"
    return f"PLOVER {en}" + (f" ({mode})" if mode else "")


def event_code_label(code: Any, locale: str = "en") -> str:
    """CAMEO code and name, then its PLOVER type: ``"190 Use conventional military force ·
    PLOVER Assault (military)"``."""
    parts = [cameo_label(code, locale), plover_label(code, locale)]
    return " · ".join(p for p in parts if p)


def cameo_label(code: Any, locale: str = "en") -> str:
    """``"190 Use conventional military force"``: code and name in ``locale``.

    Examples
    --------
    >>> cameo_label("14"), cameo_label("999"), cameo_label(None)
    ('14 Protest', '999', '')
    >>> cameo_label("1823", "vi")
    '1823 Giết người bằng hành vi tấn công thân thể'
    """
    name = cameo_name(code, locale)
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


def dataset_label(origin: Any, locale: str = "en") -> str:
    """Which dataset an event came from, by its ``origin``.

    Examples
    --------
    >>> dataset_label("icews"), dataset_label("coder"), dataset_label(None)
    ('ICEWS', 'news (coded by earlywarn)', '')
    """
    if not origin or not isinstance(origin, str):
        return ""
    name = DATASETS.get(origin.lower())
    return _t(locale, name) if name else origin.upper()


def edge_kind_label(kind: Any, locale: str = "en") -> str:
    """What a network edge kind means (``comention`` -> named together in articles).

    Examples
    --------
    >>> edge_kind_label("comention")
    'named together in articles'
    """
    name = _EDGE_KINDS.get(str(kind))
    return _t(locale, name) if name else str(kind or "")


def period_word(freq: str | None, n: float = 1, locale: str = "en") -> str:
    """``"day"``, ``"weeks"``, ``"month"``... for a pandas frequency code (``D``, ``W``, ``MS``).

    Examples
    --------
    >>> period_word("MS"), period_word("D", 3), period_word(None)
    ('month', 'days', 'period')
    """
    one, many = _PERIODS.get(str(freq or "?")[0].upper(), (N_("period"), N_("periods")))
    return _t(locale, one if n == 1 else many)


def series_title(unique_id: str, locale: str = "en") -> str:
    """A series identifier in words, without its unit.

    Examples
    --------
    >>> series_title("ev:YEM:r14"), series_title("dyad:CHN>VNM"), series_title("YEM:root19")
    ('Protests in Yemen', 'Events from China towards Vietnam', 'Armed fighting in Yemen')
    >>> series_title("cov:VNM", "vi")
    'Mức độ đưa tin về Việt Nam'
    >>> series_title("tie:VNM~ORG:ASEAN")
    'Ties between Vietnam and ASEAN'
    """
    sid = parse_id(unique_id)
    name = country_name(sid.country, locale)

    def tr(message: str, **kw: Any) -> str:
        return _t(locale, message) % kw

    if sid.kind == "dyad":
        return tr(
            "Events from %(source)s towards %(target)s",
            source=name,
            target=country_name(sid.target, locale),
        )
    if sid.kind == "cov":
        if sid.country == "ALL":
            return tr("All collected articles")
        return tr("News coverage of %(country)s", country=name)
    if sid.kind == "tone":
        return tr("Tone of news about %(country)s", country=name)
    if sid.kind == "net":
        return tr("Counterparts of %(country)s", country=name)
    if sid.kind == "tie":
        from earlywarn.network.actors import node_label

        if sid.target == "ALL":
            return tr("All ties of %(country)s", country=name)
        return tr(
            "Ties between %(country)s and %(other)s",
            country=name,
            other=node_label(sid.target or "", locale),
        )
    if sid.kind == "comm":
        return tr("Changes in the community of %(country)s", country=name)
    if sid.kind in _PERCEPTION_TITLES:
        title = tr(_PERCEPTION_TITLES[sid.kind], country=name)
        return f"{title}{_perception_part(sid.label, locale)}"
    if sid.root is not None:
        word = _ROOT_WORDS.get(sid.root)
        what = _t(locale, word) if word else tr("CAMEO %(code)s events", code=sid.root)
        if sid.root in _IN:
            return tr("%(what)s in %(country)s", what=what, country=name)
        return tr("%(what)s involving %(country)s", what=what, country=name)
    if sid.quad_class is not None:
        quad = QUAD_NAMES.get(sid.quad_class)
        what = _t(locale, quad) if quad else tr("QuadClass %(n)s events", n=sid.quad_class)
        if sid.quad_class == 4:
            return tr("%(what)s in %(country)s", what=what, country=name)
        return tr("%(what)s involving %(country)s", what=what, country=name)
    if sid.kind == "counts" and sid.label not in (None, "total"):
        return f"{name}: {sid.label}"
    if sid.country == "ALL":
        return tr("All events")
    return tr("Events involving %(country)s", country=name)


#: Titles of the focal-perception series (earlywarn.focal.series).
_PERCEPTION_TITLES = {
    "per": N_("Articles about %(country)s"),
    "pshare": N_("Share of articles about %(country)s"),
    "ptone": N_("Tone toward %(country)s"),
    "pneg": N_("Negative articles about %(country)s"),
    "pnew": N_("Outlets newly covering %(country)s"),
    "plang": N_("Languages of news about %(country)s"),
}


def _perception_part(label: str | None, locale: str) -> str:
    """`` in English``, `` from the United States``, `` in vnexpress.net``, `` (weekly)``."""
    key, _, value = (label or "").partition("=")
    if key == "lang":
        return " · " + _t(locale, "in %(language)s") % {"language": language_name(value, locale)}
    if key == "src":
        return " · " + _t(locale, "from %(country)s") % {"country": country_name(value, locale)}
    if key == "out":
        return f" · {value}"
    if key == "w":
        return " · " + _t(locale, "weekly")
    if key == "nar":
        return " · " + _t(locale, "narrative %(id)s") % {"id": value}
    return ""


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
    >>> series_label("ptone:VNM:lang=en", "D")
    'Tone toward Vietnam · in English (mean sentence tone, -1 to 1, per day)'
    >>> series_label("NER:ucdp_fatalities", "MS")
    'Niger: ucdp_fatalities (deaths per month)'
    """
    kind = parse_id(unique_id).kind
    units = {
        "cov": N_("articles"),
        "tone": N_("mean tone of articles, -1 to 1"),
        "net": N_("distinct countries in events"),
        "tie": N_("events and articles"),
        "comm": N_("counterparts joining or leaving"),
        "per": N_("articles"),
        "pshare": N_("share of articles"),
        "ptone": N_("mean sentence tone, -1 to 1"),
        "pneg": N_("articles"),
        "pnew": N_("outlets"),
        "plang": N_("languages"),
    }
    events = N_("events")
    if series_kind(unique_id).kind == "fatalities":  # imported deaths (UCDP, ACLED): no events
        events = N_("deaths")
    unit = _t(locale, units.get(kind, events))
    if freq:
        per = _t(locale, "per %(period)s") % {"period": period_word(freq, 1, locale)}
        unit = f"{unit}{',' if kind in ('tone', 'ptone') else ''} {per}"
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


def rarity(
    score: float | None, freq: str | None = None, kind: str = "neglog10p", locale: str = "en"
) -> str:
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
    periods = period_word(freq, 2, locale)
    if n >= 1e6:
        return _t(locale, "less than 1 in a million %(periods)s") % {"periods": periods}
    digits = math.floor(math.log10(n)) if n >= 10 else 0
    rounded = int(round(n / 10**digits) * 10**digits) if n >= 10 else max(round(n), 1)
    kw = {"n": number(rounded, locale=locale), "periods": periods}
    if n < 4:
        return _t(locale, "common (about 1 in %(n)s %(periods)s)") % kw
    return _t(locale, "about 1 in %(n)s %(periods)s") % kw


def number(value: Any, missing: str = "?", locale: str = "en") -> str:
    """A count or level for reading: whole numbers from 100 up, else one decimal.

    Examples
    --------
    >>> number(1234.56), number(5.575), number(12.0), number(None), number(1234.56, locale="vi")
    ('1,235', '5.6', '12', '?', '1.235')

    A value that rounds to a whole number reads as one (an alert read "where 6.0 were
    expected" for 5.98 beside "where 3 were expected"):

    >>> number(5.98), number(-0.04), number(5.98, locale="vi")
    ('6', '0', '6')
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return missing
    if math.isnan(v):
        return missing
    whole = abs(v) >= 100 or round(v, 1) == int(round(v, 1))
    if whole:
        v = round(v) + 0.0  # -0.04 reads 0, not -0
    if not str(locale).startswith("en"):
        from babel.numbers import format_decimal

        fmt = "#,##0" if whole else "#,##0.0"
        return str(format_decimal(round(v, 1), format=fmt, locale=locale))
    return f"{v:,.0f}" if whole else f"{v:,.1f}"


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
    rule = rule or evidence.get("rule")
    if rule in _PERCEPTION_RULES:
        return _perception_reason(evidence, str(rule), locale)
    freq = evidence.get("freq")
    an = evidence.get("anomaly") or {}
    fc = evidence.get("forecast") or {}
    ep = evidence.get("episode") or {}

    def day(value: Any) -> str:
        text = str(value or "")[:10]
        if locale == "en" or not text:
            return text
        from earlywarn.i18n import format_when

        return format_when(text, locale)

    def tr(message: str, **kw: Any) -> str:
        return _t(locale, message) % kw

    def num(value: Any) -> str:
        return number(value, locale=locale)

    text = tr(
        "%(series)s: %(value)s on %(date)s",
        series=series_label(uid, freq, locale),
        value=num(an.get("y")),
        date=day(an.get("ds") or evidence.get("ds")),
    )
    if an.get("expected") is not None:
        expected = num(an.get("expected"))
        text += _translations(locale).ngettext(
            " where %(expected)s was expected", " where %(expected)s were expected",
            plural_count(an.get("expected")),
        ) % {"expected": expected}  # fmt: skip
    if fc.get("q05") is not None and fc.get("q95") is not None:
        text += tr(
            " (90%% forecast band %(low)s to %(high)s)", low=num(fc["q05"]), high=num(fc["q95"])
        )
    how = rarity(an.get("score"), freq, score_kind(evidence.get("detector")), locale)
    if how:
        text += f", {how}"
    if rule:
        text += tr("; rule %(rule)s", rule=rule)
    if ep.get("start"):
        n = int(ep.get("periods") or 1)
        span = _span(ep["start"], ep.get("end") or an.get("ds"), freq)
        if span is not None and span > n:  # flagged periods with quiet ones between them
            text += tr(
                " since %(start)s (unusual in %(n)s of %(span)s %(periods)s)",
                start=day(ep["start"]),
                n=n,
                span=span,
                periods=period_word(freq, span, locale),
            )
        else:
            text += tr(
                " since %(start)s (%(n)s %(periods)s)",
                start=day(ep["start"]),
                n=n,
                periods=period_word(freq, n, locale),
            )
    return text + "."


def _span(start: Any, end: Any, freq: str | None) -> int | None:
    """Periods from ``start`` to ``end``, both counted (None when unknown).

    Examples
    --------
    >>> _span("2018-10-04", "2018-10-23", "D"), _span("2016-01-01", "2016-05-01", "MS")
    (20, 5)
    """
    import pandas as pd

    try:
        a, b = pd.Timestamp(start), pd.Timestamp(end)
    except (TypeError, ValueError):
        return None
    if a is pd.NaT or b is pd.NaT or b < a:
        return None
    unit = str(freq or "?")[0].upper()
    if unit == "D":
        return (b.normalize() - a.normalize()).days + 1
    if unit == "W":
        return (b.normalize() - a.normalize()).days // 7 + 1
    if unit == "M":
        return (b.year - a.year) * 12 + b.month - a.month + 1
    return None


#: Alerts raised from the narratives and pickups tables (earlywarn.focal.narrative_stage),
#: not from a series: their title and reason are made from their evidence.
_PERCEPTION_RULES = {
    "narrative-new-language": (
        N_("Narrative about %(country)s reaches %(language)s: %(narrative)s"),
        N_(
            "A story about %(country)s appeared in %(language)s, a language it was not in "
            "before (%(before)s); rule %(rule)s."
        ),
    ),
    "low-pickup": (
        N_("Little pickup of %(country)s's statement: %(statement)s"),
        "",  # the reason is an ngettext on the article count (_perception_reason)
    ),
}


def evidence_dict(raw: Any) -> dict[str, Any]:
    """An alert's ``evidence`` (JSON text as stored, or a mapping) as a dict; ``{}`` when it
    is missing or is not a JSON object.

    Examples
    --------
    >>> evidence_dict('{"rule": "spike"}'), evidence_dict("not json"), evidence_dict(None)
    ({'rule': 'spike'}, {}, {})
    """
    import json

    try:
        ev = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except (TypeError, ValueError):
        return {}
    return ev if isinstance(ev, dict) else {}


def _perception_title(row: Any, rule: str, locale: str) -> str:
    ev = evidence_dict(row.get("evidence"))
    country = country_name(parse_id(str(row.get("unique_id"))).country, locale)
    if rule == "narrative-new-language":
        if not ev.get("language"):
            return ""
        return _t(locale, _PERCEPTION_RULES[rule][0]) % {
            "country": country,
            "language": language_name(ev["language"], locale),
            "narrative": str(ev.get("narrative") or ""),
        }
    if not ev.get("statement"):
        return ""
    return _t(locale, _PERCEPTION_RULES[rule][0]) % {
        "country": country,
        "statement": str(ev.get("statement") or ""),
    }


def _perception_reason(evidence: dict[str, Any], rule: str, locale: str) -> str:
    """The reason of a narrative or pickup alert, from its evidence.

    Examples
    --------
    >>> ev = {"unique_id": "cov:VNM", "language": "en", "languages_before": ["vi"]}
    >>> print(alert_reason(ev, "narrative-new-language", "vi"))
    Một câu chuyện về Việt Nam xuất hiện bằng Tiếng Anh, ngôn ngữ trước đây chưa có (Tiếng Việt); quy tắc narrative-new-language.
    """
    country = country_name(parse_id(str(evidence.get("unique_id") or "")).country, locale)
    if rule == "narrative-new-language":
        message = _t(locale, _PERCEPTION_RULES[rule][1])
        before = evidence.get("languages_before") or []
        return message % {
            "country": country,
            "language": language_name(evidence.get("language"), locale),
            "before": ", ".join(language_name(x, locale) for x in before),
            "rule": rule,
        }
    n = evidence.get("n_articles")
    message = _translations(locale).ngettext(
        "%(n)s article carried the official statement in the three days after it, "
        "%(foreign)s of them foreign; rule %(rule)s.",
        "%(n)s articles carried the official statement in the three days after it, "
        "%(foreign)s of them foreign; rule %(rule)s.",
        plural_count(n if n is not None else 0),
    )
    return message % {
        "country": country,
        "n": number(n, "0", locale),
        "foreign": number(evidence.get("n_foreign"), "0", locale),
        "rule": rule,
    }


def alert_title(row: Any, locale: str = "en") -> str:
    """An alert's title for reading in ``locale``.

    The archive keeps the title in English as the rule wrote it; in English that title
    comes back as it is. In other locales the title is made again from the alert's rule
    and series (the rule's own wording is English only).

    Examples
    --------
    >>> row = {"rule": "fighting-surge", "unique_id": "ev:SYR:q4",
    ...        "title": "Fighting rising in Syria"}
    >>> alert_title(row), alert_title(row, "vi")
    ('Fighting rising in Syria', 'Giao tranh tại Syria; quy tắc fighting-surge')
    """
    title = row.get("title")
    title = title if isinstance(title, str) else ""
    uid = row.get("unique_id")
    if not _is_vi(locale) or not isinstance(uid, str) or not uid:
        return title
    rule = row.get("rule")
    rule = rule if isinstance(rule, str) else ""
    if rule in _PERCEPTION_RULES:
        return _perception_title(row, rule, locale) or title
    text = series_title(uid, locale)
    return text + (_t(locale, "; rule %(rule)s") % {"rule": rule} if rule else "")
