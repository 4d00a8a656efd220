"""UCDP Georeferenced Event Dataset (GED) CSV into CAMEO-coded events.

UCDP codes organised violence with at least one death; ``type_of_violence`` maps to
CAMEO 190 (1, state-based: conventional military force), 193 (2, non-state: small
arms and light weapons) and 180 (3, one-sided: unconventional violence). Actors are
``side_a``/``side_b`` ("Government of Yemen (North Yemen)" -> YEM); the date is
``date_start``; ``number_of_sources`` -> ``num_sources``; ``source_headline`` -> ``sentence``.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "ged.csv"
>>> _ = p.write_text("id,type_of_violence,side_a,side_b,number_of_sources,source_headline,"
...                  "adm_1,latitude,longitude,country,date_start,date_end,best\\n"
...                  "244657,1,Government of Afghanistan,Taleban,2,Clash,Kunduz province,"
...                  "36.7,68.8,Afghanistan,2017-07-31 00:00:00.000,2017-07-31 00:00:00.000,4\\n")
>>> events, report = read_ucdp(p)
>>> events.loc[0, ["event_id", "source_country", "cameo_code", "quad_class", "goldstein"]].astype(str).tolist()
['ucdp:244657', 'AFG', '190', '4', '-10.0']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from earlywarn.io._common import (
    CalendarDates,
    ImportReport,
    PathLike,
    collect_events,
    finish_events,
    given_or_content_ids,
    iter_quoted_csv,
)
from earlywarn.io._countries import country_iso3

__all__ = ["UCDP_TO_CAMEO", "iter_ucdp", "read_ucdp"]

#: UCDP type_of_violence -> CAMEO event code.
UCDP_TO_CAMEO = {"1": "190", "2": "193", "3": "180"}
_WHAT = "a UCDP GED file (the GED codebook layout)"
_REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "date_start", "country")
_GOV = re.compile(r"^Government of (.+?)(?:\s*\(.*\))?$")


def _side_country(name: str) -> str | None:
    m = _GOV.match(name)
    return country_iso3(m.group(1)) if m else None


def _convert(f: pd.DataFrame, report: ImportReport, dates: CalendarDates) -> pd.DataFrame:
    code = f["type_of_violence"].str.strip().map(UCDP_TO_CAMEO)
    unknown = code.isna()
    report.reject("unknown_type_of_violence", int(unknown.sum()))
    f, code = f[~unknown], code[~unknown]
    when, ambiguous = dates(f["date_start"])
    report.reject("ambiguous_date", int(ambiguous.sum()))
    f, code, when = f[~ambiguous], code[~ambiguous], when[~ambiguous]

    def side(col: str) -> pd.Series:
        return f[col].map({n: _side_country(n) for n in pd.unique(f[col].dropna())})

    countries = f["country"].map({n: country_iso3(n) for n in pd.unique(f["country"].dropna())})
    return pd.DataFrame(
        {
            "event_id": given_or_content_ids("ucdp:", f["id"], f, report),
            "date": when,
            "source_name": f["side_a"],
            "source_country": side("side_a"),
            "source_type": side("side_a").notna().map({True: "GOV", False: None}),
            "target_name": f["side_b"],
            "target_country": side("side_b"),
            "target_type": side("side_b").notna().map({True: "GOV", False: None}),
            "cameo_code": code,
            "location_country": countries,
            "admin1": f.get("adm_1"),
            "lat": f.get("latitude"),
            "lon": f.get("longitude"),
            "sentence": f.get("source_headline"),
            "num_sources": f.get("number_of_sources"),
            "origin": "ucdp",
        }
    )


def iter_ucdp(path: PathLike, report: ImportReport | None = None) -> Iterator[pd.DataFrame]:
    """Yield events frames from a UCDP GED CSV, batch by batch."""
    report = report if report is not None else ImportReport("ucdp", str(path))
    dates = CalendarDates()  # learns the file's day/month order from its own dates
    for frame in iter_quoted_csv(path, report, required=_REQUIRED, what=_WHAT):
        if not frame.empty:
            yield finish_events(_convert(frame, report, dates), report)


def read_ucdp(path: PathLike) -> tuple[pd.DataFrame, ImportReport]:
    """Read a UCDP GED CSV into events (columns of ``TABLES["events"]``) and a report.

    Raises
    ------
    ImportFormatError
        If the file lacks the GED columns ``id, type_of_violence, side_a, side_b, date_start, country``.
    """
    report = ImportReport("ucdp", str(path))
    return collect_events(iter_ucdp(path, report), report)
