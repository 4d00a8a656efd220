"""Feed dates: RFC 822 and ISO 8601 text to tz-aware UTC, total and in range.

Split from :mod:`earlywarn.collect.feeds` (which re-exports :func:`parse_date`): the
common shapes are read without leaving C for long (one regular expression, or
``datetime.fromisoformat``); ``email.utils`` and feedparser's handlers read the rest, and what they cannot read in the
RFC 822 shape with day and month names of another language (UOL's "Seg, 24 Set 2018") is
read with CLDR's names (Babel).
"""

from __future__ import annotations

import calendar
import email.utils
import re
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from feedparser.datetimes import _parse_date as _fp_parse_date

__all__ = ["parse_date"]

_UTC = timezone.utc
# the common RFC 822 shape, "Wed, 26 Jul 2017 19:55:20 +0700" (email.utils for the rest)
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*(?:([+-]\d{4})|(GMT|UTC?|Z|[ECMP][SD]T))?"
)
# RFC 822's zone names, in hours east of UTC
_ZONES = {"GMT": 0, "UT": 0, "UTC": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}  # fmt: skip
_ZONE_DELTAS = {name: timedelta(hours=hours) for name, hours in _ZONES.items()}
# "+0700" -> its offset east of UTC, filled as zones are met (at most 2 * 15 * 60 keys)
_NUMERIC_ZONES: dict[str, timedelta] = {}
_MONTHS = {
    key: i for i, m in enumerate(calendar.month_abbr) if m for key in (m, m.lower(), m.upper())
}
_OFFSET = re.compile(r"[+-](\d\d):?(\d\d)$")
_EARLIEST = datetime(1900, 1, 1, tzinfo=_UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=_UTC)
_WIDEST_ZONE = timedelta(hours=14, minutes=59)


class _NoSuchZoneError(ValueError):
    """A numeric zone more than 14:59 from UTC: the date is unreadable, whatever the shape."""


def parse_date(value: str | None) -> datetime | None:
    """Parse an RFC 822 or ISO 8601 date to tz-aware UTC; ``None`` when unreadable.

    ISO 8601 (``datetime.fromisoformat``) is tried when the value starts with a year, the
    common RFC 822 shape (one regular expression) otherwise, then ``email.utils`` and
    feedparser's date handlers; the last resort is the RFC 822 shape with day and month
    names of any CLDR language (:func:`_localized`). Naive
    dates are taken as UTC. A date outside 1900-2199 (year 0, 1, 1500, 9999) or with a
    zone more than 14:59 from UTC is ``None`` too: the entry is undated, never an overflow.

    Examples
    --------
    >>> parse_date("2016-02-01T17:22:00+01:00").isoformat()
    '2016-02-01T16:22:00+00:00'
    >>> parse_date("Tue, 01 Oct 2019 14:30:00 PST").isoformat()
    '2019-10-01T22:30:00+00:00'
    >>> parse_date("Seg, 24 Set 2018 19:42:40 -0300").isoformat()
    '2018-09-24T22:42:40+00:00'
    >>> parse_date("not a date"), parse_date("Mon, 01 Jan 0001 00:00:00 +0100")
    (None, None)
    """
    if not value:
        return None
    value = value.strip()
    try:
        out = _iso(value) if value[:4].isdigit() else _rfc822(value)
        if out is None:
            out = _other(value)
        if out is None:
            out = _localized(value)
    except (ValueError, OverflowError, OSError, TypeError, IndexError):  # _NoSuchZoneError too
        return None
    return out if out is not None and _EARLIEST <= out < _LATEST else None


def _iso(value: str) -> datetime | None:
    """ISO 8601 as ``datetime.fromisoformat`` reads it; ``None`` for any other shape."""
    try:
        out = datetime.fromisoformat(value)
    except ValueError:
        return None
    offset = out.utcoffset()
    if offset is None:
        return out.replace(tzinfo=_UTC)
    if abs(offset) > _WIDEST_ZONE:
        raise _NoSuchZoneError(value)
    return out.astimezone(_UTC)


def _rfc822(value: str) -> datetime | None:
    """The common RFC 822 shape in one regular expression; ``None`` for any other shape."""
    m = _RFC822.fullmatch(value)
    if m is None:
        return None
    day, mon, year, hour, minute, sec, numeric, zone = m.groups()
    month = _MONTHS.get(mon) or _MONTHS.get(mon.title())
    if month is None:
        return None
    try:
        out = datetime(int(year), month, int(day), int(hour), int(minute), int(sec or 0), 0, _UTC)
    except ValueError:
        return None
    if numeric:
        east = _NUMERIC_ZONES.get(numeric)
        if east is None:  # first sight of this zone: ~1 us for a timedelta, saved per date
            hours, minutes = int(numeric[1:3]), int(numeric[3:])
            if hours > 14 or minutes > 59:
                raise _NoSuchZoneError(value)
            east = _NUMERIC_ZONES[numeric] = timedelta(minutes=(hours * 60 + minutes)) * (
                -1 if numeric[0] == "-" else 1
            )
        return out - east
    return out - _ZONE_DELTAS[zone] if zone else out


# zone names feeds write that RFC 822 does not know, in minutes east of UTC: only names
# with one common meaning (not IST's India/Ireland/Israel, nor AST's Atlantic/Arabia); an
# unknown name still reads as UTC
_NAMED = {"ICT": 420, "WIB": 420, "WITA": 480, "WIT": 540, "SGT": 480, "MYT": 480, "PHT": 480,
          "HKT": 480, "AWST": 480, "JST": 540, "KST": 540, "ACST": 570, "AEST": 600,
          "AEDT": 660, "NZST": 720, "NZDT": 780, "PKT": 300, "NPT": 345, "MSK": 180,
          "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "WET": 0, "WEST": 60, "BST": 60,
          "SAST": 120, "EAT": 180, "WAT": 60, "CAT": 120, "BRT": -180, "ART": -180,
          "HST": -600, "AKST": -540, "AKDT": -480}  # fmt: skip
# "GMT+7", "UTC+07:00", "GMT-0330" (as people write them: east of UTC is +), or a name
_ZONE_TEXT = re.compile(r"\s*(?:(?:GMT|UTC?)\s*([+-])(\d{1,2})(?::?(\d{2}))?|\(?([A-Z]{3,4})\)?)$")

_ZONED = re.compile(r"(?:[+-]\d\d:?\d\d|\b(?:GMT|UTC?|Z|[ECMP][SD]T))\s*$")


def _zone_text(value: str) -> tuple[str, timedelta] | None:
    """``value`` without a trailing ``GMT+7``-style or named zone, and that zone's offset.

    Examples
    --------
    >>> _zone_text("Wed, 01 Jan 2025 08:00:00 GMT+7")
    ('Wed, 01 Jan 2025 08:00:00', datetime.timedelta(seconds=25200))
    >>> _zone_text("01 Jan 2025 08:00 ICT")[1].total_seconds() / 3600
    7.0
    """
    m = _ZONE_TEXT.search(value)
    if m is None or m.start() == 0:
        return None
    sign, hours, minutes, name = m.groups()
    if name is not None:
        if name not in _NAMED:
            return None
        return value[: m.start()], timedelta(minutes=_NAMED[name])
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if offset > _WIDEST_ZONE:
        raise _NoSuchZoneError(value)
    return value[: m.start()], -offset if sign == "-" else offset


def _other(value: str) -> datetime | None:
    """``email.utils``, then feedparser's handlers, to UTC."""
    named = _zone_text(value)
    if named is not None:
        rest, offset = named
        if _ZONED.search(rest):  # "+0700 (ICT)": the numeric zone already says it
            return _other(rest)
        local = _other(rest)
        return None if local is None else local - offset
    zone = _OFFSET.search(value)
    if zone and (int(zone[1]) > 14 or int(zone[2]) > 59):  # no such time zone
        return None
    out: datetime | None = None
    try:
        out = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        st = _fp_parse_date(value)
        if st is not None:
            out = datetime.fromtimestamp(calendar.timegm(st), tz=_UTC)
    if out is None:
        return None
    if out.tzinfo is None:
        return out.replace(tzinfo=_UTC)
    return out.astimezone(_UTC)


# the RFC 822 shape with letters of any script for the day and month names ("Seg, 24 Set",
# "Di., 2. Okt.", "Thứ Hai, 24 Tháng 9" is not this shape and stays undated)
_LOCAL = re.compile(
    r"(?:([^\W\d_]+)\.?,\s*)?(\d{1,2})\.?\s+([^\W\d_]+)\.?\s+(\d{4})"
    r"(\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|GMT|UTC?|Z|[ECMP][SD]T)?)"
)


@lru_cache(maxsize=1)
def _cldr_names() -> tuple[dict[str, set[tuple[str, int]]], dict[str, set[tuple[str, int]]]]:
    """Month and weekday names (abbreviated and wide, lower case, no final dot) of every
    CLDR base language -> {(language, month 1-12)} and {(language, weekday 0-6)}."""
    from babel import Locale, localedata

    months: dict[str, set[tuple[str, int]]] = defaultdict(set)
    days: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for lang in localedata.locale_identifiers():
        if "_" in lang:
            continue
        loc = Locale.parse(lang)
        for table, out in ((loc.months, months), (loc.days, days)):
            for context in ("format", "stand-alone"):
                for width in ("abbreviated", "wide"):
                    for number, name in table.get(context, {}).get(width, {}).items():
                        out[name.lower().rstrip(".")].add((lang, number))
    # Babel keeps every locale it loaded (~185,000 objects for all of them: number and date
    # patterns, plural rules ...) for the life of the process, and every full collection of
    # the garbage collector walks them again: one undated UOL feed made the feed reader ~15%
    # slower on every later feed. Only the names are needed; another Babel user reloads its
    # one locale on first use.
    localedata.clear_caches()
    return dict(months), dict(days)


def _localized(value: str) -> datetime | None:
    """The RFC 822 shape with another language's names, read as the English one.

    The month is the one its name means in CLDR; a name several languages give different
    months ("out": October in Portuguese and Galician, August in Morisyen) is decided by the
    weekday named before it, which must be that date's weekday in the same language, else
    the date is unreadable (``None``).

    Examples
    --------
    >>> _localized("Seg, 24 Set 2018 19:42:40 -0300").isoformat()
    '2018-09-24T22:42:40+00:00'
    >>> _localized("Ter, 24 Set 2018 19:42:40 -0300") is None  # Tuesday: not that date's day
    True
    """
    m = _LOCAL.fullmatch(value)
    if m is None:
        return None
    day_name, day, mon, year, rest = m.groups()
    months, days = _cldr_names()
    meant = months.get(mon.lower(), set())
    if day_name is not None:
        named = days.get(day_name.lower(), set())
        try:
            meant = {
                (lang, month) for lang, month in meant
                if (lang, date(int(year), month, int(day)).weekday()) in named
            }  # fmt: skip
        except ValueError:  # no such day in that month
            return None
    found = {month for _, month in meant}
    if len(found) != 1:
        return None
    return _rfc822(f"{int(day)} {calendar.month_abbr[found.pop()]} {year}{rest}")
