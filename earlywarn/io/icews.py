"""ICEWS coded events: the raw Dataverse layout and the ICEWS18 extract layout.

Raw files (tab-separated, header): ``Event ID, Event Date, Source Name, Source Sectors,
Source Country, Event Text, CAMEO Code, Intensity, Target Name, ... Latitude, Longitude``.
The extract (``event_date, source_name, source_affiliation, event_text, cameo_code,
quad_class, target_name, ...``) has no event id (a sha1 of date, actors and code is
used) and no intensity (the CAMEO codebook's Goldstein score is used).

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "icews.tsv"
>>> _ = p.write_text("event_date\\tsource_name\\tsource_affiliation\\tevent_text\\tcameo_code\\t"
...                  "quad_class\\ttarget_name\\ttarget_affiliation\\n"
...                  "2018-09-01\\tPolice (India)\\tIndia\\tMake statement\\t010\\t1\\tChina\\tChina\\n")
>>> events, report = read_icews(p)
>>> events.loc[0, ["source_country", "source_type", "target_country", "cameo_code", "goldstein"]].astype(str).tolist()
['IND', 'COP', 'CHN', '010', '0.0']
>>> report.rows_kept
1
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
    check_header,
    collect_events,
    finish_events,
    iter_blocks,
    parse_block,
    read_head,
    sha1_ids,
)
from earlywarn.io._countries import country_iso3, icews_actor_type

__all__ = ["RAW_COLUMNS", "iter_icews", "read_icews"]

log = get_logger(__name__)

#: Columns of a raw ICEWS coded-event file, in order.
RAW_COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
_EXTRACT_REQUIRED = ("event_date", "source_name", "event_text", "cameo_code", "target_name")


def _layout(header: list[str]) -> str:
    if header[: len(RAW_COLUMNS)] == list(RAW_COLUMNS) or {
        "Event ID",
        "Event Date",
        "CAMEO Code",
    } <= set(header):
        return "raw"
    if set(_EXTRACT_REQUIRED) <= set(header):
        return "extract"
    if len(header) == 1:  # one field: a spreadsheet's re-export with ',' or ';' between
        sep = max(",;|", key=header[0].count)
        if header[0].count(sep) >= 3:
            fields = [f.strip().strip('"') for f in header[0].split(sep)]
            if _layout_or_none(fields) is not None:
                raise ImportFormatError(
                    f"not an ICEWS file as ICEWS writes it: its fields are separated by "
                    f"{sep!r}, not tabs (a spreadsheet's re-export?); export it again as "
                    "tab-separated text (.tsv), or import the original ICEWS file"
                )
    raise ImportFormatError(
        f"not an ICEWS file: header {header[:8]}... has neither the raw ICEWS columns "
        f"({', '.join(RAW_COLUMNS[:4])}, ...) nor the extract columns ({', '.join(_EXTRACT_REQUIRED)})"
    )


def _layout_or_none(header: list[str]) -> str | None:
    try:
        return _layout(header)
    except ImportFormatError:
        return None


def _map(values: pd.Series, fn: object) -> pd.Series:
    uniq = pd.unique(values.dropna())
    table = {v: fn(v) for v in uniq}  # type: ignore[operator]
    return values.map(table).astype(object)


def _from_raw(f: pd.DataFrame) -> pd.DataFrame:
    code = f["CAMEO Code"].str.strip()
    return pd.DataFrame(
        {
            "event_id": "icews:" + f["Event ID"].astype(str),
            "date": pd.to_datetime(f["Event Date"], format="%Y-%m-%d", errors="coerce"),
            "source_name": f["Source Name"],
            "source_country": _map(f["Source Country"], country_iso3),
            "source_type": _map(f["Source Sectors"].fillna(f["Source Name"]), icews_actor_type),
            "target_name": f["Target Name"],
            "target_country": _map(f["Target Country"], country_iso3),
            "target_type": _map(f["Target Sectors"].fillna(f["Target Name"]), icews_actor_type),
            "cameo_code": code,
            "root_code": code.str[:2],
            "goldstein": f["Intensity"],
            "location_country": _map(f["Country"], country_iso3),
            "admin1": f["Province"],
            "lat": f["Latitude"],
            "lon": f["Longitude"],
            "sentence": f["Event Text"],
            "origin": "icews",
        }
    )


def _from_extract(f: pd.DataFrame) -> pd.DataFrame:
    from earlywarn.extract.cameo import cameo_table

    gold = dict(zip(cameo_table()["code"], cameo_table()["goldstein"].astype(float), strict=True))
    code = f["cameo_code"].str.strip()
    src_aff = f["source_affiliation"] if "source_affiliation" in f else f["source_name"]
    tgt_aff = f["target_affiliation"] if "target_affiliation" in f else f["target_name"]
    return pd.DataFrame(
        {
            "event_id": sha1_ids(
                "icews:", f, ["event_date", "source_name", "cameo_code", "target_name"]
            ),
            "date": pd.to_datetime(f["event_date"], format="%Y-%m-%d", errors="coerce"),
            "source_name": f["source_name"],
            "source_country": _map(src_aff.fillna(f["source_name"]), country_iso3),
            "source_type": _map(f["source_name"], icews_actor_type),
            "target_name": f["target_name"],
            "target_country": _map(tgt_aff.fillna(f["target_name"]), country_iso3),
            "target_type": _map(f["target_name"], icews_actor_type),
            "cameo_code": code,
            "root_code": code.str[:2],
            "goldstein": code.map(gold),
            "sentence": f["event_text"],
            "origin": "icews",
        }
    )


def iter_icews(
    path: PathLike, report: ImportReport | None = None, *, block_bytes: int = BLOCK_BYTES
) -> Iterator[pd.DataFrame]:
    """Yield events frames (columns of the ``events`` table) block by block.

    Duplicate ids are dropped within a block only; :func:`read_icews` drops them file-wide.
    """
    report = report if report is not None else ImportReport("icews", str(path))
    head = read_head(path)
    if not head.strip():
        return
    names = [h.strip() for h in head.split("\t")]
    # the layout first: a file of another kind is "not an ICEWS file", whatever its first row
    layout = _layout(names)
    header = check_header(names, path)
    convert = _from_raw if layout == "raw" else _from_extract
    first = True
    for block in iter_blocks(path, report, block_bytes):
        if first:
            block = block.split(b"\n", 1)[1] if b"\n" in block else b""
            first = False
        if not block.strip():
            continue
        frame = parse_block(block, header, report)
        if frame.empty:
            continue
        yield finish_events(convert(frame), report)


def read_icews(path: PathLike) -> tuple[pd.DataFrame, ImportReport]:
    """Read an ICEWS file (raw Dataverse layout or the ICEWS18 extract) into events.

    Parameters
    ----------
    path : path-like
        Tab-separated file with a header row, plain or gzip.

    Returns
    -------
    (DataFrame, ImportReport)
        Events with exactly the columns of ``earlywarn.schema.TABLES["events"]``, and
        the counts of rows read, kept and rejected (with reasons).

    Raises
    ------
    ImportFormatError
        If the header is neither ICEWS layout or the file cannot be read.
    """
    report = ImportReport("icews", str(path))
    return collect_events(iter_icews(path, report), report)
