"""GDELT 1.0/2.0 event exports straight into the archive with DuckDB's CSV reader.

The same rows, columns and counts as :func:`earlywarn.io.read_gdelt_events` followed by an
upsert, about twice as fast: DuckDB parses the file in parallel and maps it to the
``events`` table in one SQL statement, inside the caller's transaction. Bad rows are
counted from DuckDB's reject tables (``truncated_row``, ``wrong_column_count``), then, as
in the pandas path, ``bad_date``, ``unknown_cameo_code``, ``number_out_of_range`` (an
integer its column cannot hold, a Goldstein score off -10..10) and ``duplicate_id`` (the
first row with an id is kept).

Files this path does not take (the reduced historical layout, bytes that are not UTF-8,
which the pandas path repairs line by line, or any reader error) raise :class:`UnsupportedFileError`
before anything is written; the caller then uses the pandas path.
"""

from __future__ import annotations

import contextlib
import os
import re
from typing import Any

import duckdb
import pandas as pd

from earlywarn.io._common import ImportReport, PathLike, read_head
from earlywarn.io._countries import fips_to_iso3
from earlywarn.io.gdelt import detect_layout
from earlywarn.schema import TABLES

__all__ = ["UnsupportedFileError", "import_gdelt_events"]

_RAW = "_ew_gdelt_raw"
_USED = (
    "GLOBALEVENTID", "SQLDATE", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Name", "Actor2CountryCode", "Actor2Type1Code", "EventCode", "EventRootCode",
    "QuadClass", "GoldsteinScale", "NumMentions", "NumSources", "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code", "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL",
)  # fmt: skip
_REJECTS = ("_ew_reject_scans", "_ew_reject_errors")
_SELECT = """
WITH rooted AS (
    SELECT r.*, r.rowid AS rn, coalesce(r."EventRootCode", left(r."EventCode", 2)) AS root
    FROM {raw} r
), mapped AS (
    SELECT
        r.rn,
        'gdelt:' || r."GLOBALEVENTID" AS event_id,
        try_strptime(r."SQLDATE", '%Y%m%d')::DATE AS date,
        r."Actor1Name" AS source_name,
        r."Actor1CountryCode" AS source_country,
        r."Actor1Type1Code" AS source_type,
        r."Actor2Name" AS target_name,
        r."Actor2CountryCode" AS target_country,
        r."Actor2Type1Code" AS target_type,
        r."EventCode" AS cameo_code,
        r.root AS root_code,
        coalesce(
            TRY_CAST(round(TRY_CAST(r."QuadClass" AS DOUBLE)) AS TINYINT),
            CASE  -- the QuadClass of the root code
                WHEN TRY_CAST(r.root AS DOUBLE) BETWEEN 1 AND 5 THEN 1
                WHEN TRY_CAST(r.root AS DOUBLE) BETWEEN 6 AND 9 THEN 2
                WHEN TRY_CAST(r.root AS DOUBLE) BETWEEN 10 AND 14 THEN 3
                WHEN TRY_CAST(r.root AS DOUBLE) BETWEEN 15 AND 20 THEN 4
            END
        ) AS quad_class,
        coalesce(nullif(TRY_CAST(r."GoldsteinScale" AS DOUBLE), 'nan'), c.goldstein) AS goldstein,
        f.iso3 AS location_country,
        r."ActionGeo_ADM1Code" AS admin1,
        {lat} AS lat,
        {lon} AS lon,
        NULL::VARCHAR AS language,
        NULL::VARCHAR AS sentence,
        NULL::VARCHAR AS article_id,
        {url} AS url,
        TRY_CAST(round(TRY_CAST(r."NumSources" AS DOUBLE)) AS INTEGER) AS num_sources,
        TRY_CAST(round(TRY_CAST(r."NumMentions" AS DOUBLE)) AS INTEGER) AS num_mentions,
        NULL::DOUBLE AS confidence,
        'gdelt' AS origin,
        c.plover_type AS plover_type,
        c.plover_mode AS plover_mode,
        c.code IS NOT NULL AS known_code,
        {fits} AS numbers_fit
    FROM rooted r
    LEFT JOIN _ew_codebook c ON c.code = r."EventCode"
    LEFT JOIN _ew_fips f ON f.fips = r."ActionGeo_CountryCode"
)
"""


def _coordinate(col: str, limit: int) -> str:
    """SQL: the raw ``col`` as a latitude (``limit`` 90) or longitude (180), NULL when it is
    off the globe or no finite number (as :func:`earlywarn.io._common.finish_events`)."""
    x = f'TRY_CAST(r."{col}" AS DOUBLE)'
    return f"CASE WHEN {x} BETWEEN -{limit} AND {limit} THEN {x} END"


def _fits(col: str, typ: str) -> str:
    """SQL: the raw ``col`` is no number, or one the integer type ``typ`` holds (as
    :func:`earlywarn.io._common.finish_events` checks it: NaN is no number)."""
    x = f'TRY_CAST(r."{col}" AS DOUBLE)'
    return f"({x} IS NULL OR isnan({x}) OR TRY_CAST(round({x}) AS {typ}) IS NOT NULL)"


_GOLDSTEIN = 'TRY_CAST(r."GoldsteinScale" AS DOUBLE)'
_FITS = (
    f"({_GOLDSTEIN} IS NULL OR isnan({_GOLDSTEIN}) OR {_GOLDSTEIN} BETWEEN -10 AND 10) AND "
    + " AND ".join(
        _fits(c, t)
        for c, t in (
            ("QuadClass", "TINYINT"),
            ("NumSources", "INTEGER"),
            ("NumMentions", "INTEGER"),
        )
    )
)


class UnsupportedFileError(Exception):
    """This file needs the tolerant pandas path (the reason is the message)."""


# read_csv takes a file name as a pattern: day[1].tsv read day1.tsv, a*b.tsv every a?b.tsv
_GLOB = re.compile(r"[*?\[]")


def _options(path: PathLike, names: tuple[str, ...], header: bool) -> str:
    cols = ", ".join(f"'{n}': 'VARCHAR'" for n in names)
    # absolute: DuckDB expands a leading ~ (a folder of that name is a folder here)
    where = os.path.abspath(path).replace("'", "''")
    with open(path, "rb") as fh:
        compression = "gzip" if fh.read(2) == b"\x1f\x8b" else "none"
    return (
        f"'{where}', delim='\\t', quote='', escape='', header={str(header).lower()}, "
        f"columns={{{cols}}}, auto_detect=false, compression='{compression}', "
        f"store_rejects=true, rejects_scan='{_REJECTS[0]}', rejects_table='{_REJECTS[1]}'"
    )


def _lookups(con: duckdb.DuckDBPyConnection) -> None:
    from earlywarn.extract.cameo import cameo_table, goldstein
    from earlywarn.extract.plover import plover_columns

    codes = pd.DataFrame({"code": cameo_table()["code"].astype(str)})
    codes["goldstein"] = [goldstein(c) for c in codes["code"]]
    codes = codes.join(plover_columns(codes["code"]))
    con.register("_ew_codebook", codes)


def import_gdelt_events(
    con: duckdb.DuckDBPyConnection, path: PathLike, report: ImportReport
) -> int:
    """Upsert the events of a GDELT 1.0/2.0 export into ``events`` on ``con``; rows written.

    Runs inside the caller's open transaction. ``report`` gets rows read, kept and
    rejected by reason, as :func:`~earlywarn.io.read_gdelt_events` would count them.

    Raises
    ------
    UnsupportedFileError
        Before any write, for a file the pandas path must read.
    """
    if _GLOB.search(os.path.abspath(path)):  # in a folder's name too
        raise UnsupportedFileError("its name holds * ? or [, which DuckDB reads as a pattern")
    head = read_head(path)
    if not head.strip():
        raise UnsupportedFileError("empty file")
    layout, names, has_header = detect_layout(head)
    if layout == "reduced":
        raise UnsupportedFileError("reduced historical layout")
    need = {"GLOBALEVENTID", "SQLDATE", "EventCode", "ActionGeo_CountryCode"}
    if not need <= set(names):
        raise UnsupportedFileError(f"columns missing: {sorted(need - set(names))}")
    report.notes.append(f"layout {layout}")
    used = ", ".join(f'"{c}"' for c in _USED if c in names)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_RAW} AS "
            f"SELECT {used} FROM read_csv({_options(path, names, has_header)})"
        )
    except duckdb.Error as exc:
        raise UnsupportedFileError(f"DuckDB cannot read it: {exc}") from exc
    try:
        return _map(con, report, "SOURCEURL" in names)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {_RAW}")
        for name in _REJECTS:
            con.execute(f"DROP TABLE IF EXISTS {name}")
        for view in ("_ew_codebook", "_ew_fips"):
            with contextlib.suppress(Exception):  # not registered when reading failed
                con.unregister(view)


def _map(con: duckdb.DuckDBPyConnection, report: ImportReport, has_url: bool) -> int:
    errors = dict(
        con.execute(
            f"SELECT error_type, count(DISTINCT line) FROM {_REJECTS[1]} GROUP BY 1"
        ).fetchall()
    )
    unknown = set(errors) - {"MISSING COLUMNS", "TOO MANY COLUMNS"}
    if unknown:  # e.g. INVALID UNICODE: the pandas path repairs such lines
        raise UnsupportedFileError(f"rows DuckDB rejects for {sorted(unknown)}")
    _lookups(con)
    fips = [
        r[0] for r in con.execute(f'SELECT DISTINCT "ActionGeo_CountryCode" FROM {_RAW}').fetchall()
    ]
    con.register(
        "_ew_fips",
        pd.DataFrame({"fips": fips, "iso3": [fips_to_iso3(c) for c in fips]}, dtype=object),
    )
    total = int(con.execute(f"SELECT count(*) FROM {_RAW}").fetchone()[0])  # type: ignore[index]
    short = int(errors.get("MISSING COLUMNS", 0))
    wide = int(errors.get("TOO MANY COLUMNS", 0))
    report.rows_read += total + short + wide
    report.reject("truncated_row", short)
    report.reject("wrong_column_count", wide)
    lat, lon = _coordinate("ActionGeo_Lat", 90), _coordinate("ActionGeo_Long", 180)
    select = _SELECT.format(
        url='r."SOURCEURL"' if has_url else "NULL::VARCHAR", raw=_RAW, fits=_FITS, lat=lat, lon=lon
    )
    stats: Any = con.execute(
        f"""WITH checked AS (
                SELECT try_strptime(r."SQLDATE", '%Y%m%d') IS NOT NULL AS dated,
                       c.code IS NOT NULL AS known, {_FITS} AS fit, r."GLOBALEVENTID" AS id,
                       ({lat} IS NULL AND TRY_CAST(r."ActionGeo_Lat" AS DOUBLE) IS NOT NULL)
                       OR ({lon} IS NULL AND TRY_CAST(r."ActionGeo_Long" AS DOUBLE) IS NOT NULL)
                         AS off
                FROM {_RAW} r LEFT JOIN _ew_codebook c ON c.code = r."EventCode")
            SELECT count(*) FILTER (WHERE NOT dated),
                   count(*) FILTER (WHERE dated AND NOT known),
                   count(*) FILTER (WHERE dated AND known AND fit)
                     - count(DISTINCT id) FILTER (WHERE dated AND known AND fit),
                   count(*) FILTER (WHERE dated AND known AND NOT fit),
                   count(*) FILTER (WHERE dated AND known AND fit AND off)
            FROM checked"""
    ).fetchone()
    report.reject("bad_date", int(stats[0]))
    report.reject("unknown_cameo_code", int(stats[1]))
    report.reject("number_out_of_range", int(stats[3]))
    report.reject("duplicate_id", int(stats[2]))
    report.repair("coordinates_off_the_globe", int(stats[4]))
    cols = ", ".join(f'"{c}"' for c in TABLES["events"].columns)
    # the file's order is the temp table's rowid (insertion order is preserved); a repeated
    # id keeps its first row, as the pandas path does
    first = "QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY rn) = 1" if stats[2] else ""
    con.execute(
        f"INSERT OR REPLACE INTO events ({cols}) "
        + select
        + f"SELECT {cols} FROM mapped WHERE date IS NOT NULL AND known_code AND numbers_fit "
        + first
    )
    kept = total - int(stats[0]) - int(stats[1]) - int(stats[2]) - int(stats[3])
    report.rows_kept += kept
    return kept
