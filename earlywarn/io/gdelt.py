"""GDELT event files: 1.0 daily (57/58 columns), 1.0 reduced historical, 2.0 (61 columns).

The layout is detected from the first line: a ``Date Source Target CAMEOCode`` header
is the reduced backfile; a ``GLOBALEVENTID`` header is a headered export of 1.0 or 2.0;
otherwise the field count decides (57 = 1.0 before April 2013 without SOURCEURL,
58 = 1.0, 61 = 2.0). Column names follow GDELT's published codebooks
(``GDELT_1.0_event_Column_Labels_Header_Row_Sep2016``, ``GDELT_2.0_Events_...``).

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "reduced.tsv"
>>> _ = p.write_text("Date\\tSource\\tTarget\\tCAMEOCode\\tNumEvents\\tNumArts\\tQuadClass\\tGoldstein\\n"
...                  "19790101\\tAFR\\tFRA\\t043\\t1\\t4\\t1\\t2.8\\n")
>>> events, report = read_gdelt_events(p)
>>> events.loc[0, ["date", "source_name", "target_country", "cameo_code", "quad_class"]].astype(str).tolist()
['1979-01-01 00:00:00', 'AFR', 'FRA', '043', '1']
>>> report.rows_read, report.rows_kept
(1, 1)
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.errors import ImportFormatError
from earlywarn.io._common import (
    BLOCK_BYTES,
    ImportReport,
    PathLike,
    collect_events,
    finish_events,
    iter_blocks,
    parse_block,
    read_head,
    sha1_ids,
)
from earlywarn.io._countries import fips_to_iso3
from earlywarn.io.gkg import NOT_EVENTS

__all__ = [
    "REDUCED_COLUMNS",
    "V1_COLUMNS",
    "V2_COLUMNS",
    "detect_layout",
    "iter_gdelt_events",
    "read_gdelt_events",
]

log = get_logger(__name__)

_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)


def _geo(prefix: str, adm2: bool) -> tuple[str, ...]:
    cols = ["Type", "FullName", "CountryCode", "ADM1Code"] + (["ADM2Code"] if adm2 else [])
    return tuple(f"{prefix}Geo_{c}" for c in [*cols, "Lat", "Long", "FeatureID"])


def _columns(adm2: bool) -> tuple[str, ...]:
    return (
        "GLOBALEVENTID",
        "SQLDATE",
        "MonthYear",
        "Year",
        "FractionDate",
        *(f"Actor1{c}" for c in _ACTOR),
        *(f"Actor2{c}" for c in _ACTOR),
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
        *_geo("Actor1", adm2),
        *_geo("Actor2", adm2),
        *_geo("Action", adm2),
        "DATEADDED",
        "SOURCEURL",
    )


#: GDELT 1.0 daily export columns (58; files before April 2013 lack the last one).
V1_COLUMNS = _columns(adm2=False)
#: GDELT 2.0 event export columns (61: adds the three ADM2 codes).
V2_COLUMNS = _columns(adm2=True)
#: GDELT 1.0 reduced historical backfile columns (header row; geo fields may be trimmed).
REDUCED_COLUMNS = (
    "Date",
    "Source",
    "Target",
    "CAMEOCode",
    "NumEvents",
    "NumArts",
    "QuadClass",
    "Goldstein",
    "SourceGeoType",
    "SourceGeoLat",
    "SourceGeoLong",
    "TargetGeoType",
    "TargetGeoLat",
    "TargetGeoLong",
    "ActionGeoType",
    "ActionGeoLat",
    "ActionGeoLong",
)
_FULL_USED = (
    "GLOBALEVENTID",
    "SQLDATE",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1Type1Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2Type1Code",
    "EventCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
)


def detect_layout(first_line: str) -> tuple[str, tuple[str, ...], bool]:
    """Return ``(layout, column names, has_header)`` for a GDELT events file's first line.

    Examples
    --------
    >>> detect_layout("\\t".join(["1"] * 61))[0]
    'v2'
    >>> detect_layout("GKGRECORDID,DATE,SourceCollectionIdentifier")
    Traceback (most recent call last):
    ...
    earlywarn.errors.ImportFormatError: a GDELT Global Knowledge Graph (GKG) file, not an events file: GKG records hold themes, names, places and tone per document, no events, and are not imported into the archive; read one in Python with earlywarn.io.read_gdelt_gkg(path)
    """
    fields = first_line.rstrip("\r").split("\t")
    if fields[:4] == ["Date", "Source", "Target", "CAMEOCode"]:
        return "reduced", REDUCED_COLUMNS, True
    if fields and fields[0].upper() == "GLOBALEVENTID":
        names = tuple(f.strip() for f in fields)
        return ("v2" if len(names) >= 61 else "v1"), names, True
    n = len(fields)
    if n in (57, 58):
        return "v1", V1_COLUMNS[:n], False
    if n == 61:
        return "v2", V2_COLUMNS, False
    if "GKGRECORDID" in first_line[:200].upper() or n == 27:
        raise ImportFormatError(
            f"a GDELT Global Knowledge Graph (GKG) file, not an events file: {NOT_EVENTS}"
        )
    raise ImportFormatError(
        f"not a GDELT events file: the first line has {n} tab-separated fields; expected 57/58 "
        "(GDELT 1.0 daily), 61 (GDELT 2.0) or a 'Date Source Target CAMEOCode ...' header "
        "(1.0 reduced historical)"
    )


def _from_full(f: pd.DataFrame) -> pd.DataFrame:
    fips = pd.unique(f["ActionGeo_CountryCode"].dropna())
    iso = {c: fips_to_iso3(c) for c in fips}
    return pd.DataFrame(
        {
            "event_id": "gdelt:" + f["GLOBALEVENTID"],
            "date": pd.to_datetime(f["SQLDATE"], format="%Y%m%d", errors="coerce"),
            "source_name": f["Actor1Name"],
            "source_country": f["Actor1CountryCode"],
            "source_type": f["Actor1Type1Code"],
            "target_name": f["Actor2Name"],
            "target_country": f["Actor2CountryCode"],
            "target_type": f["Actor2Type1Code"],
            "cameo_code": f["EventCode"],
            "root_code": f["EventRootCode"],
            "quad_class": f["QuadClass"],
            "goldstein": f["GoldsteinScale"],
            "location_country": f["ActionGeo_CountryCode"].map(iso),
            "admin1": f["ActionGeo_ADM1Code"],
            "lat": f["ActionGeo_Lat"],
            "lon": f["ActionGeo_Long"],
            "url": f.get("SOURCEURL", None),
            "num_sources": f["NumSources"],
            "num_mentions": f["NumMentions"],
            "origin": "gdelt",
        }
    )


def _actor_parts(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """CAMEO actor code -> (3-letter country/region, first 3-letter role) e.g. PSEEDU -> PSE, EDU."""
    codes = codes.astype("string")
    return codes.str[:3].astype(object), codes.str[3:6].replace("", None).astype(object)


def _from_reduced(f: pd.DataFrame) -> pd.DataFrame:
    src_c, src_t = _actor_parts(f["Source"])
    tgt_c, tgt_t = _actor_parts(f["Target"])
    return pd.DataFrame(
        {
            "event_id": sha1_ids("gdelt:", f, REDUCED_COLUMNS),
            "date": pd.to_datetime(f["Date"], format="%Y%m%d", errors="coerce"),
            "source_name": f["Source"],
            "source_country": src_c,
            "source_type": src_t,
            "target_name": f["Target"],
            "target_country": tgt_c,
            "target_type": tgt_t,
            "cameo_code": f["CAMEOCode"],
            "quad_class": f["QuadClass"],
            "goldstein": f["Goldstein"],
            "lat": f["ActionGeoLat"],
            "lon": f["ActionGeoLong"],
            "num_mentions": f["NumArts"],
            "origin": "gdelt",
        }
    )


def iter_gdelt_events(
    path: PathLike, report: ImportReport | None = None, *, block_bytes: int = BLOCK_BYTES
) -> Iterator[pd.DataFrame]:
    """Yield events frames (columns of the ``events`` table) block by block.

    Duplicate ids are dropped within a block only; :func:`read_gdelt_events` drops them
    file-wide.
    """
    report = report if report is not None else ImportReport("gdelt", str(path))
    head = read_head(path)
    if not head.strip():
        return
    layout, names, has_header = detect_layout(head)
    report.notes.append(f"layout {layout}")
    if layout == "reduced":
        include, pad_from, convert = None, 8, _from_reduced
    else:
        include = [c for c in _FULL_USED if c in names] + (
            ["SOURCEURL"] if "SOURCEURL" in names else []
        )
        pad_from, convert = None, _from_full
    first = has_header
    for block in iter_blocks(path, report, block_bytes):
        if first:
            block = block.split(b"\n", 1)[1] if b"\n" in block else b""
            first = False
        if not block or block.isspace():  # isspace stops at the first other byte
            continue
        frame = parse_block(block, names, report, include=include, pad_from=pad_from)
        if not frame.empty:
            yield finish_events(convert(frame), report)


def read_gdelt_events(path: PathLike) -> tuple[pd.DataFrame, ImportReport]:
    """Read a GDELT events file (1.0 daily, 1.0 reduced historical or 2.0) into events.

    Parameters
    ----------
    path : path-like
        Tab-separated file, plain or gzip; layout detected from its first line.

    Returns
    -------
    (DataFrame, ImportReport)
        Events with exactly the columns of ``earlywarn.schema.TABLES["events"]``
        (``event_id`` is ``gdelt:<GLOBALEVENTID>``, or a sha1 of the row for the reduced
        backfile, which has no id), and the report of rows read, kept and rejected.

    Raises
    ------
    ImportFormatError
        If the first line matches no GDELT layout or the file cannot be read.
    """
    report = ImportReport("gdelt", str(path))
    return collect_events(iter_gdelt_events(path, report), report)
