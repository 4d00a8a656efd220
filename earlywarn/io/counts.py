"""Imported aggregate event counts: long ``unique_id, ds, y`` or raw ``MonthYear, EventCode, N_events``.

The raw layout (a BigQuery ``GROUP BY MonthYear, EventCode`` over GDELT) is turned into
``<CTY>:total`` and ``<CTY>:rootNN`` monthly series with missing months filled with
zeros; ``CTY`` comes from the ``country`` argument or the file name (``YEM_...csv``).

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "YEM.csv"
>>> _ = p.write_text("MonthYear,EventCode,N_events\\n201002,035,1\\n201002,012,72\\n201004,141,5\\n")
>>> counts, report = read_counts(p)
>>> counts[counts.unique_id == "YEM:total"].y.tolist()
[73.0, 0.0, 5.0]
>>> sorted(counts.unique_id.unique())[:3]
['YEM:root01', 'YEM:root02', 'YEM:root03']
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from earlywarn._log import get_logger
from earlywarn.errors import ImportFormatError
from earlywarn.io._common import (
    ImportReport,
    PathLike,
    check_header,
    iter_blocks,
    ns_dates,
    parse_block,
    read_head,
)
from earlywarn.schema import empty_frame, validate

__all__ = ["read_counts"]

log = get_logger(__name__)

_LONG = ("unique_id", "ds", "y")
#: Largest count believed (events in one period); above it a value is rejected as absurd.
MAX_COUNT = 1e12
_RAW = ("MonthYear", "EventCode", "N_events")


def _country_from_name(path: PathLike) -> str | None:
    m = re.match(r"^([A-Z]{3})(?:[_.\-]|$)", Path(path).name)
    return m.group(1) if m else None


def _bad_values(y: pd.Series, report: ImportReport) -> pd.Series:
    """Reject counts that are infinite, negative or absurd (> MAX_COUNT); the mask of them."""
    known = y.notna()
    inf = known & ~np.isfinite(y)
    neg = known & ~inf & (y < 0)
    huge = known & ~inf & (y > MAX_COUNT)
    report.reject("infinite_count", int(inf.sum()))
    report.reject("negative_count", int(neg.sum()))
    report.reject("absurd_count", int(huge.sum()))
    return inf | neg | huge


def _wall_times(s: pd.Series) -> pd.Series:
    """``s`` read as times, each as its clock shows it (its zone dropped, as for a file in
    one zone): pandas refuses a column mixing zones (or zones and none) as a whole.

    Examples
    --------
    >>> d = _wall_times(pd.Series(["2020-01-01", "2020-02-01T00:00+07:00", "x"]))
    >>> d.dt.strftime("%m-%d %H:%M").fillna("-").tolist()
    ['01-01 00:00', '02-01 00:00', '-']
    """
    try:
        return pd.to_datetime(s, errors="coerce", format="mixed")
    except ValueError:  # "Mixed timezones detected"

        def one(value: object) -> pd.Timestamp | None:
            try:
                t = pd.Timestamp(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                return None
            return None if t is pd.NaT else t.tz_localize(None)

        return pd.to_datetime(s.map(one), errors="coerce")


def _raw_to_long(f: pd.DataFrame, country: str, report: ImportReport) -> pd.DataFrame:
    ds = ns_dates(pd.to_datetime(f["MonthYear"], format="%Y%m", errors="coerce"))
    y = pd.to_numeric(f["N_events"], errors="coerce").astype("float64")
    code = f["EventCode"].astype(str).str.strip()
    root = pd.to_numeric(code.str[:2], errors="coerce").astype("float64")
    bad_date, bad_y = ds.isna(), ds.notna() & y.isna()
    bad_code = ds.notna() & y.notna() & ~root.between(1, 20)
    report.reject("bad_date", int(bad_date.sum()))
    report.reject("bad_value", int(bad_y.sum()))
    report.reject("unknown_cameo_code", int(bad_code.sum()))
    ok = ~(bad_date | bad_y | bad_code)
    ok &= ~_bad_values(y.where(ok), report)
    g = pd.DataFrame({"ds": ds[ok], "root": root[ok].astype(int), "y": y[ok].astype(float)})
    if g.empty:
        return empty_frame("counts")
    months = pd.date_range(g["ds"].min(), g["ds"].max(), freq="MS")
    by_root = g.pivot_table(index="ds", columns="root", values="y", aggfunc="sum")
    by_root = by_root.reindex(index=months, columns=range(1, 21), fill_value=0.0).fillna(0.0)
    wide = by_root.rename(columns=lambda r: f"{country}:root{r:02d}")
    wide.insert(0, f"{country}:total", by_root.sum(axis=1))
    wide.index.name = "ds"
    long = wide.reset_index().melt(id_vars="ds", var_name="unique_id", value_name="y")
    return long.loc[:, ["unique_id", "ds", "y"]]


def read_counts(
    path: PathLike, *, country: str | None = None, source: str | None = None
) -> tuple[pd.DataFrame, ImportReport]:
    """Read aggregated event counts into the ``counts`` table layout.

    Parameters
    ----------
    path : path-like
        CSV with a header: either ``unique_id, ds, y`` or ``MonthYear, EventCode, N_events``.
    country : str, optional
        ISO3 for the raw layout's series ids; by default the file name's ``XXX_`` prefix.
    source : str, optional
        Value of the ``source`` column; by default the file name.

    Returns
    -------
    (DataFrame, ImportReport)
        Columns exactly ``unique_id, ds, y, source`` (``ds`` = period start), and the report.

    Raises
    ------
    ImportFormatError
        If the header is neither layout, or the raw layout's country cannot be told.
    """
    report = ImportReport("counts", str(path))
    head = read_head(path)
    if not head.strip():
        report.notes.append("empty file: no data rows")
        return empty_frame("counts"), report
    delimiter = ","
    first_line = head.split("\n", 1)[0]
    if "," not in first_line:  # Excel in many locales separates fields with ";" (as ACLED)
        other = max(";\t|", key=first_line.count)
        if first_line.count(other):
            report.notes.append(f"fields separated by {other!r}, not ','")
            delimiter = other
    header = check_header([h.strip().strip('"') for h in first_line.split(delimiter)], path)
    if set(_LONG) <= set(header):
        layout = "long"
    elif set(_RAW) <= set(header):
        layout = "raw"
        country = country or _country_from_name(path)
        if not country:
            raise ImportFormatError(
                f"{path}: raw counts (MonthYear, EventCode, N_events) do not say their country; "
                "pass country='YEM' or name the file 'YEM_....csv'"
            )
    else:
        raise ImportFormatError(
            f"{path}: header {header[:5]} is neither 'unique_id,ds,y' nor 'MonthYear,EventCode,N_events'"
        )
    report.notes.append(f"layout {layout}")
    frames, first = [], True
    for block in iter_blocks(path, report):
        if first:
            block = block.split(b"\n", 1)[1] if b"\n" in block else b""
            first = False
        if block.strip():
            frames.append(parse_block(block, header, report, delimiter=delimiter, quoting=True))
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=header)
    if layout == "raw":
        out = _raw_to_long(raw, str(country), report)
    else:
        ds = ns_dates(_wall_times(raw["ds"]))
        y = pd.to_numeric(raw["y"], errors="coerce").astype("float64")
        bad_id, bad_date = raw["unique_id"].isna(), raw["unique_id"].notna() & ds.isna()
        bad_y = ~bad_id & ~bad_date & y.isna() & raw["y"].notna()
        report.reject("missing_id", int(bad_id.sum()))
        report.reject("bad_date", int(bad_date.sum()))
        report.reject("bad_value", int(bad_y.sum()))
        ok = ~(bad_id | bad_date | bad_y)
        ok &= ~_bad_values(y.where(ok), report)
        out = pd.DataFrame(
            {"unique_id": raw["unique_id"][ok].astype(object), "ds": ds[ok], "y": y[ok]}
        )
        dup = out.duplicated(["unique_id", "ds"], keep="first")
        report.reject("duplicate_id", int(dup.sum()))
        out = out[~dup]
    out = out.assign(source=source or Path(path).name)
    out["ds"] = pd.to_datetime(out["ds"]).dt.tz_localize(None).astype("datetime64[ns]")
    out["y"] = out["y"].astype("float64")
    out = validate(out.reset_index(drop=True), "counts", stage="import")
    report.rows_kept = report.rows_read - report.rows_rejected
    if layout == "raw":
        report.notes.append(f"{report.rows_kept} (month, code) rows -> {len(out)} series points")
    return out, report
