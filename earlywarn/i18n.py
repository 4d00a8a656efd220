"""Languages of the report and the review page: gettext catalogs and Babel formats.

English is the language of the source strings; Vietnamese comes from the catalog
``earlywarn/locale/vi/LC_MESSAGES/earlywarn.po`` (compiled to ``.mo`` beside it with
``pybabel compile -d earlywarn/locale -D earlywarn``; a test checks the ``.mo`` is
current and every message is translated). Dates and numbers are formatted by Babel in
the locale: ``26 thg 9, 2018`` and ``1.234,5`` in Vietnamese.

Examples
--------
>>> translations("vi").gettext("Alert inbox")
'Hộp thư cảnh báo'
>>> format_number(1234.5, "vi"), format_number(1234.5, "en")
('1.234,5', '1,234.5')
>>> format_when("2018-09-26", "vi"), format_when("2018-09-26 13:05", "en")
('26 thg 9, 2018', 'Sep 26, 2018, 1:05\\u202fPM UTC')
"""

from __future__ import annotations

import gettext
from functools import cache
from importlib.resources import files
from typing import Any

import pandas as pd
from babel import dates as babel_dates
from babel import numbers as babel_numbers

__all__ = [
    "DOMAIN",
    "LOCALES",
    "N_",
    "format_number",
    "format_percent",
    "format_when",
    "jinja_env",
    "locale_dir",
    "translations",
]

#: Languages with a catalog; the first is the language of the source strings.
LOCALES = ("en", "vi")
DOMAIN = "earlywarn"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark ``message`` for extraction without translating it now."""
    return message


def locale_dir() -> str:
    """The folder holding ``<locale>/LC_MESSAGES/earlywarn.mo``."""
    return str(files("earlywarn").joinpath("locale"))


def _check(locale: str) -> str:
    if locale not in LOCALES:
        from earlywarn.errors import ConfigError

        raise ConfigError(f"locale {locale!r} is not one of {', '.join(LOCALES)}")
    return locale


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The gettext translations of ``locale`` (``en``: the source strings as they are)."""
    if _check(locale) == LOCALES[0]:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, locale_dir(), languages=[locale])


def format_number(value: Any, locale: str, digits: int = 2, fixed: bool = False) -> str:
    """``value`` with the locale's separators and at most ``digits`` decimals (exactly
    ``digits`` when ``fixed``); '' if missing."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return ""
    if x != x:
        return ""
    fmt = "#,##0" + ("." + ("0" if fixed else "#") * digits if digits > 0 else "")
    return babel_numbers.format_decimal(x, format=fmt, locale=locale)


def format_percent(value: Any, locale: str) -> str:
    """A share (0..1) as a percentage in the locale ('' if missing)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if x != x else babel_numbers.format_percent(x, locale=locale)


def format_when(value: Any, locale: str) -> str:
    """A date (midnight) or a UTC date and time in the locale's medium format ('' if missing)."""
    if value is None or value == "":
        return ""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)[:40]
    if ts is pd.NaT:
        return ""
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    day = babel_dates.format_date(ts.date(), format="medium", locale=locale)
    if ts.hour == ts.minute == ts.second == 0:
        return day
    clock = babel_dates.format_time(ts.time(), format="short", locale=locale)
    return f"{day}, {clock} UTC" if locale == "en" else f"{clock} {day} UTC"


def _language_name(code: Any, locale: str) -> str:
    from earlywarn.labels import language_name  # labels imports this module

    return language_name(code, locale)


def jinja_env(loader: Any, locale: str, **options: Any) -> Any:
    """A Jinja2 environment rendering in ``locale``: ``_``/``gettext``/``ngettext`` and the
    filters ``number``, ``percent``, ``when`` and ``language`` (a language code's name)."""
    import jinja2

    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        **options,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["number"] = lambda v, digits=2, fixed=False: format_number(v, locale, digits, fixed)
    env.filters["percent"] = lambda v: format_percent(v, locale)
    env.filters["when"] = lambda v: format_when(v, locale)
    env.filters["language"] = lambda v: _language_name(v, locale)
    env.globals["locale"] = locale
    return env
