"""ACLED event exports (CSV with header, per the ACLED codebook) into CAMEO-coded events.

ACLED's ``sub_event_type`` is mapped to the nearest CAMEO code (below); sub-event types
without a CAMEO equivalent (e.g. "Headquarters or base established") are rejected and
counted as ``no_cameo_equivalent``. Goldstein comes from the CAMEO codebook, the country
from ``iso3`` (or the ISO numeric ``iso``, or the country name), dates from ``event_date``
(``2020-03-12``, an ISO timestamp ``2021-01-02T00:00:00Z`` or ``12 March 2020``). ``num_sources`` is the number of ``;``-separated sources.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "acled.csv"
>>> _ = p.write_text("event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,"
...                  "country,admin1,latitude,longitude,source,notes,iso3\\n"
...                  'YEM1,12 March 2020,Protests,Peaceful protest,Protesters (Yemen),,Yemen,'
...                  'Sanaa,15.35,44.2,"Saba; Xinhua","Protest, peaceful",YEM\\n')
>>> events, report = read_acled(p)
>>> events.loc[0, ["event_id", "cameo_code", "quad_class", "location_country", "num_sources"]].astype(str).tolist()
['acled:YEM1', '141', '3', 'YEM', '2']
"""

from __future__ import annotations

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

__all__ = ["ACLED_TO_CAMEO", "iter_acled", "read_acled"]

#: ACLED sub-event type -> nearest CAMEO event code.
ACLED_TO_CAMEO = {
    "armed clash": "190",
    "government regains territory": "190",
    "non-state actor overtakes territory": "190",
    "chemical weapon": "2041",
    "air/drone strike": "195",
    "suicide bomb": "1831",
    "shelling/artillery/missile attack": "194",
    "remote explosive/landmine/ied": "183",
    "grenade": "183",
    "sexual violence": "1821",
    "attack": "180",
    "abduction/forced disappearance": "181",
    "peaceful protest": "141",
    "protest with intervention": "141",
    "excessive force against protesters": "175",
    "violent demonstration": "145",
    "mob violence": "145",
    "agreement": "057",
    "arrests": "173",
    "looting/property destruction": "1712",
}
_WHAT = "an ACLED export (the ACLED codebook layout)"
_REQUIRED = ("event_date", "sub_event_type", "actor1", "country")


def _convert(f: pd.DataFrame, report: ImportReport, dates: CalendarDates) -> pd.DataFrame:
    code = f["sub_event_type"].str.strip().str.lower().map(ACLED_TO_CAMEO)
    unmapped = code.isna()
    report.reject("no_cameo_equivalent", int(unmapped.sum()))
    f, code = f[~unmapped], code[~unmapped]
    when, ambiguous = dates(f["event_date"])
    report.reject("ambiguous_date", int(ambiguous.sum()))
    f, code, when = f[~ambiguous], code[~ambiguous], when[~ambiguous]
    names = f["country"]
    iso3 = f["iso3"] if "iso3" in f else pd.Series(None, index=f.index, dtype=object)
    iso3 = iso3.fillna(names.map({n: country_iso3(n) for n in pd.unique(names.dropna())}))
    ident = f["event_id_cnty"] if "event_id_cnty" in f else f.get("data_id")
    n_src = f["source"].str.count(";") + 1 if "source" in f else None
    return pd.DataFrame(
        {
            "event_id": given_or_content_ids("acled:", ident, f, report),
            "date": when,
            "source_name": f["actor1"],
            "source_country": iso3,
            "target_name": f.get("actor2", None),
            "target_country": None,
            "cameo_code": code,
            "location_country": iso3,
            "admin1": f.get("admin1"),
            "lat": f.get("latitude"),
            "lon": f.get("longitude"),
            "sentence": f.get("notes"),
            "num_sources": n_src,
            "origin": "acled",
        }
    )


def iter_acled(path: PathLike, report: ImportReport | None = None) -> Iterator[pd.DataFrame]:
    """Yield events frames from an ACLED CSV, batch by batch."""
    report = report if report is not None else ImportReport("acled", str(path))
    dates = CalendarDates()  # learns the file's day/month order from its own dates
    for frame in iter_quoted_csv(path, report, required=_REQUIRED, what=_WHAT):
        if not frame.empty:
            yield finish_events(_convert(frame, report, dates), report)


def read_acled(path: PathLike) -> tuple[pd.DataFrame, ImportReport]:
    """Read an ACLED CSV export into events (columns of ``TABLES["events"]``) and a report.

    Raises
    ------
    ImportFormatError
        If the file lacks the ACLED columns ``event_date, sub_event_type, actor1, country``.
    """
    report = ImportReport("acled", str(path))
    return collect_events(iter_acled(path, report), report)
