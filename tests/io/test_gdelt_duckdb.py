"""`earlywarn import gdelt` reads GDELT exports with DuckDB: the same rows and counts as the
pandas importer, and the pandas importer for what DuckDB does not take."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from earlywarn.config import load_settings
from earlywarn.extract.cameo import goldstein
from earlywarn.io import read_gdelt_events
from earlywarn.io._common import ImportReport
from earlywarn.io._gdelt_duckdb import UnsupportedFileError, import_gdelt_events
from earlywarn.io.history import import_history
from earlywarn.store import Archive

DAILY = "gdelt/events_v1_daily_20170912_sample.tsv"
REDUCED = "gdelt/events_v1_reduced_historical_1979_sample.tsv"


def _daily(shared: Path) -> list[str]:
    return (shared / DAILY).read_text(encoding="utf-8").splitlines()


def _variants(shared: Path, tmp: Path) -> dict[str, Path]:
    lines = _daily(shared)
    out = {"daily": tmp / "daily.tsv", "gzip": tmp / "daily.export"}
    out["daily"].write_text("\n".join(lines) + "\n")
    out["gzip"].write_bytes(gzip.compress(out["daily"].read_bytes()))  # no .gz suffix
    bad = list(lines)
    bad[2] = "\t".join(bad[2].split("\t")[:30])
    bad[3] += "\textra\tfields"
    out["columns"] = tmp / "columns.tsv"
    out["columns"].write_text("\n".join(bad) + "\n" + lines[4][:50])
    bad = list(lines)
    f = bad[1].split("\t")
    f[1] = "20161399"
    bad[1] = "\t".join(f)
    f = bad[2].split("\t")
    f[26], f[28], f[29] = "999", "", ""  # unknown code; no root code or QuadClass given
    bad[2] = "\t".join(f)
    f = bad[3].split("\t")
    f[26], f[27], f[28], f[29], f[30] = "0211", "021", "", "", ""  # root, quad, Goldstein filled
    bad[3] = "\t".join(f)
    bad.append(bad[5])  # a duplicate id
    out["values"] = tmp / "values.tsv"
    out["values"].write_text("\n".join(bad) + "\n")
    return out


def _table(path: Path) -> pd.DataFrame:
    with Archive(path, read_only=True) as archive:
        return archive.table("events").sort_values("event_id").reset_index(drop=True)


@pytest.mark.parametrize("case", ["daily", "gzip", "columns", "values"])
def test_same_rows_and_counts_as_pandas(shared_data: Path, tmp_path: Path, case: str) -> None:
    path = _variants(shared_data, tmp_path)[case]
    ref, ref_report = read_gdelt_events(path)
    with Archive(tmp_path / "ref.duckdb") as archive:
        archive.upsert("events", ref)
    report = ImportReport("gdelt", str(path))
    with Archive(tmp_path / "sql.duckdb") as archive:
        written = import_gdelt_events(archive.con, path, report)
    assert written == report.rows_kept == ref_report.rows_kept > 0
    assert (report.rows_read, report.reasons) == (ref_report.rows_read, ref_report.reasons)
    pd.testing.assert_frame_equal(_table(tmp_path / "sql.duckdb"), _table(tmp_path / "ref.duckdb"))


def test_cli_path_uses_duckdb_then_reruns_idempotently(shared_data: Path, tmp_path: Path) -> None:
    path = _variants(shared_data, tmp_path)["values"]
    settings = load_settings(archive=tmp_path / "a.duckdb")
    first = import_history(settings, "gdelt", path)
    again = import_history(settings, "gdelt", path)
    assert first == again and first["rows_kept"] == 8
    with Archive(settings.archive, read_only=True) as archive:
        assert archive.count("events") == 8
        row = archive.query("SELECT * FROM events WHERE cameo_code = '0211'").iloc[0]
    assert (row["root_code"], row["quad_class"]) == ("02", 1)
    assert row["goldstein"] == pytest.approx(goldstein("0211"))  # from the CAMEO codebook


def test_fallback_to_pandas_for_reduced_and_latin1(shared_data: Path, tmp_path: Path) -> None:
    with (
        pytest.raises(UnsupportedFileError, match="reduced"),
        Archive(tmp_path / "x.duckdb") as archive,
    ):
        import_gdelt_events(archive.con, shared_data / REDUCED, ImportReport("gdelt", "x"))
    lines = (shared_data / DAILY).read_bytes().splitlines()
    fields = lines[4].split(b"\t")
    fields[6] = fields[6] + "\u00e9".encode("latin-1")  # Actor1Name with a latin-1 byte
    lines[4] = b"\t".join(fields)
    mixed = tmp_path / "mixed.tsv"
    mixed.write_bytes(b"\n".join(lines) + b"\n")
    settings = load_settings(archive=tmp_path / "a.duckdb")
    summary = import_history(settings, "gdelt", mixed)
    assert summary["rows_kept"] == 10 and summary["repaired"] == {"recoded_cp1252": 1}
    with Archive(settings.archive, read_only=True) as archive:
        names = archive.query("SELECT source_name FROM events")["source_name"]
    assert names.str.endswith("\u00e9").sum() == 1
    reduced = import_history(settings, "gdelt", shared_data / REDUCED)
    assert reduced["rows_kept"] == 999
