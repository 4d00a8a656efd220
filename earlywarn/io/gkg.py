"""GDELT 2.1 Global Knowledge Graph: themes, locations, people, organisations and tone per document.

Reads the raw GKG 2.1 files (tab-separated, no header, 27 columns) and BigQuery CSV
exports of them (comma-separated, quoted, with header). The result is one row per
document (not an archive table): ``gkg_id, date, outlet, url, themes, countries,
persons, organizations, tone, positive, negative, polarity, word_count``, where the
list columns hold de-duplicated codes in order of first appearance and ``countries``
are ISO3 codes converted from GDELT's FIPS country codes.

Examples
--------
>>> _tone("-2.5,1.2,3.7,4.9,20.1,0.5,310")
(-2.5, 1.2, 3.7, 4.9, 310)
>>> _themes("TAX_FNCACT;TAX_FNCACT_LEADER,12;WB_696_PUBLIC_SECTOR,40;TAX_FNCACT,99")
['TAX_FNCACT', 'TAX_FNCACT_LEADER', 'WB_696_PUBLIC_SECTOR']
"""

from __future__ import annotations

import pandas as pd

from earlywarn.errors import ImportFormatError
from earlywarn.io._common import (
    ImportReport,
    PathLike,
    iter_blocks,
    iter_quoted_csv,
    parse_block,
    read_head,
)
from earlywarn.io._countries import fips_to_iso3

__all__ = ["GKG_COLUMNS", "NOT_EVENTS", "read_gdelt_gkg"]

#: Why a GKG file is not imported, and what to do instead: the one wording of the hint
#: that the importers (:func:`earlywarn.io.history.import_history` given kind ``gkg``,
#: :func:`earlywarn.io.gdelt.detect_layout` given a GKG file) give.
NOT_EVENTS = (
    "GKG records hold themes, names, places and tone per document, no events, and are not "
    "imported into the archive; read one in Python with earlywarn.io.read_gdelt_gkg(path)"
)

#: GKG 2.1 columns, in file order.
GKG_COLUMNS = (
    "GKGRECORDID",
    "DATE",
    "SourceCollectionIdentifier",
    "SourceCommonName",
    "DocumentIdentifier",
    "Counts",
    "V2Counts",
    "Themes",
    "V2Themes",
    "Locations",
    "V2Locations",
    "Persons",
    "V2Persons",
    "Organizations",
    "V2Organizations",
    "V2Tone",
    "Dates",
    "GCAM",
    "SharingImage",
    "RelatedImages",
    "SocialImageEmbeds",
    "SocialVideoEmbeds",
    "Quotations",
    "AllNames",
    "Amounts",
    "TranslationInfo",
    "Extras",
)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _themes(v2: str | None) -> list[str]:
    """Theme codes of a V2Themes (``CODE,offset;...``) or Themes (``CODE;...``) field."""
    if not isinstance(v2, str):
        return []
    return _unique([t.split(",", 1)[0] for t in v2.split(";")])


def _names(v2: str | None) -> list[str]:
    return _themes(v2)


def _countries(v2loc: str | None) -> list[str]:
    """ISO3 codes of the countries in a V2Locations field (``type#name#FIPS#...;...``)."""
    if not isinstance(v2loc, str):
        return []
    out = []
    for loc in v2loc.split(";"):
        parts = loc.split("#")
        if len(parts) > 2:
            iso = fips_to_iso3(parts[2])
            if iso:
                out.append(iso)
    return _unique(out)


def _tone(v2tone: str | None) -> tuple[float, float, float, float, int | None]:
    """(tone, positive, negative, polarity, word count) of a V2Tone field."""
    nan = float("nan")
    if not isinstance(v2tone, str):
        return nan, nan, nan, nan, None
    p = v2tone.split(",")
    try:
        vals = [float(x) for x in p[:4]]
        words = int(float(p[6])) if len(p) > 6 else None
    except ValueError:
        return nan, nan, nan, nan, None
    return vals[0], vals[1], vals[2], vals[3], words


def _convert(f: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    date = pd.to_datetime(
        f["DATE"].astype("string").str[:14], format="%Y%m%d%H%M%S", errors="coerce", utc=True
    )
    bad = date.isna() | f["GKGRECORDID"].isna()
    report.reject("bad_date_or_id", int(bad.sum()))
    f, date = f[~bad], date[~bad]
    themes = f["V2Themes"].where(f["V2Themes"].notna(), f["Themes"])
    persons = f["V2Persons"].where(f["V2Persons"].notna(), f["Persons"])
    orgs = f["V2Organizations"].where(f["V2Organizations"].notna(), f["Organizations"])
    tones = [_tone(t) for t in f["V2Tone"]]
    return pd.DataFrame(
        {
            "gkg_id": f["GKGRECORDID"].astype(object),
            "date": date,
            "outlet": f["SourceCommonName"].astype(object),
            "url": f["DocumentIdentifier"].astype(object),
            "themes": [_themes(t) for t in themes],
            "countries": [_countries(v) for v in f["V2Locations"]],
            "persons": [_names(v) for v in persons],
            "organizations": [_names(v) for v in orgs],
            "tone": [t[0] for t in tones],
            "positive": [t[1] for t in tones],
            "negative": [t[2] for t in tones],
            "polarity": [t[3] for t in tones],
            "word_count": pd.array([t[4] for t in tones], dtype="Int64"),
        }
    )


def read_gdelt_gkg(path: PathLike) -> tuple[pd.DataFrame, ImportReport]:
    """Read a GDELT 2.1 GKG file (raw tab-separated or BigQuery CSV export) per document.

    Raises
    ------
    ImportFormatError
        If the file is neither GKG layout.
    """
    report = ImportReport("gkg", str(path))
    head = read_head(path)
    frames: list[pd.DataFrame] = []
    if not head.strip():
        report.notes.append("empty file: no data rows")
    elif head.startswith("GKGRECORDID,"):
        report.notes.append("layout bigquery-csv")
        frames = [_convert(f, report) for f in iter_quoted_csv(path, report) if not f.empty]
    elif len(head.split("\t")) == len(GKG_COLUMNS):
        report.notes.append("layout raw-tsv")
        for block in iter_blocks(path, report):
            f = parse_block(block, GKG_COLUMNS, report)
            if not f.empty:
                frames.append(_convert(f, report))
    else:
        raise ImportFormatError(
            f"{path}: not a GDELT 2.1 GKG file (expected a 'GKGRECORDID,DATE,...' header or "
            f"{len(GKG_COLUMNS)} tab-separated fields per line)"
        )
    out = (
        pd.concat(frames, ignore_index=True)
        if frames
        else _convert(pd.DataFrame(columns=GKG_COLUMNS), report)
    )
    dup = out["gkg_id"].duplicated()
    report.reject("duplicate_id", int(dup.sum()))
    out = out[~dup].reset_index(drop=True)
    report.rows_kept = len(out)
    return out, report
