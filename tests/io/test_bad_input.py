"""Bad files derived from the real samples: counted by reason, never a crash."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from earlywarn.errors import ImportFormatError
from earlywarn.io import read_acled, read_counts, read_gdelt_events, read_icews, read_ucdp
from earlywarn.schema import TABLES

DAILY = "gdelt/events_v1_daily_20170912_sample.tsv"
REDUCED = "gdelt/events_v1_reduced_historical_1979_sample.tsv"


def _lines(shared: Path, name: str) -> list[str]:
    return (shared / name).read_text(encoding="utf-8").splitlines()


def test_truncated_and_wrong_columns(shared_data: Path, tmp_path: Path) -> None:
    lines = _lines(shared_data, DAILY)
    lines[2] = "\t".join(lines[2].split("\t")[:30])  # a truncated row
    lines[3] = lines[3] + "\textra\tfields"  # too many fields
    p = tmp_path / "bad.tsv"
    p.write_text("\n".join(lines) + "\n" + lines[4][:50])  # and a file cut mid-row
    ev, r = read_gdelt_events(p)
    assert (r.rows_read, r.rows_kept) == (11, 8)
    assert r.reasons == {"truncated_row": 2, "wrong_column_count": 1}
    assert list(ev.columns) == list(TABLES["events"].columns)


def test_bad_dates_codes_duplicates(shared_data: Path, tmp_path: Path) -> None:
    lines = _lines(shared_data, DAILY)
    f = lines[1].split("\t")
    f[1] = "20161399"
    lines[1] = "\t".join(f)
    f = lines[2].split("\t")
    f[26] = "999"  # EventCode not in CAMEO
    lines[2] = "\t".join(f)
    lines.append(lines[5])  # duplicate GLOBALEVENTID
    p = tmp_path / "bad.tsv"
    p.write_text("\n".join(lines) + "\n")
    ev, r = read_gdelt_events(p)
    assert r.reasons == {"bad_date": 1, "unknown_cameo_code": 1, "duplicate_id": 1}
    assert (r.rows_read, r.rows_kept) == (11, 8) and ev.event_id.is_unique


def test_latin1_bytes_are_repaired(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / REDUCED).read_bytes().splitlines()
    for k in (5, 6):
        fields = data[k].split(b"\t")
        fields[1] = fields[1] + "\u00e9".encode("latin-1")  # Source actor with a latin-1 byte
        data[k] = b"\t".join(fields)
    p = tmp_path / "mixed.tsv"
    p.write_bytes(b"\n".join(data) + b"\n")
    ev, r = read_gdelt_events(p)
    assert r.repaired == {"recoded_cp1252": 2}
    assert r.rows_read == 999 and r.rows_kept == 999
    assert ev.source_name.str.endswith("\u00e9").sum() == 2


def test_empty_and_headers_only(tmp_path: Path, shared_data: Path) -> None:
    empty = tmp_path / "empty.tsv"
    empty.write_bytes(b"")
    for reader in (read_gdelt_events, read_icews, read_acled, read_ucdp, read_counts):
        frame, r = reader(empty)
        assert frame.empty and r.rows_read == 0 and r.notes
    head = tmp_path / "head.tsv"
    head.write_text(_lines(shared_data, REDUCED)[0] + "\n")
    ev, r = read_gdelt_events(head)
    assert ev.empty and list(ev.columns) == list(TABLES["events"].columns) and r.rows_read == 0


def test_gzip_and_truncated_gzip(shared_data: Path, tmp_path: Path) -> None:
    raw = (shared_data / REDUCED).read_bytes()
    good = tmp_path / "r.tsv.gz"
    good.write_bytes(gzip.compress(raw))
    _ev, r = read_gdelt_events(good)
    assert r.rows_kept == 999
    cut = tmp_path / "cut.tsv.gz"
    cut.write_bytes(gzip.compress(raw)[:-200])
    with pytest.raises(ImportFormatError, match="gzip truncated"):
        read_gdelt_events(cut)


def test_unreadable_layouts(shared_data: Path, tmp_path: Path) -> None:
    lines = _lines(shared_data, DAILY)
    dropped = tmp_path / "dropped.tsv"
    dropped.write_text("\n".join("\t".join(x.split("\t")[:40]) for x in lines) + "\n")
    with pytest.raises(ImportFormatError, match="40 tab-separated fields"):
        read_gdelt_events(dropped)
    with pytest.raises(ImportFormatError, match="not an ICEWS file"):
        read_icews(shared_data / REDUCED)
    # a headerless GDELT export named as ICEWS: its first row is not a header, so its
    # repeated country codes are no "header names 'USA' twice" (the message it gave)
    with pytest.raises(ImportFormatError, match="not an ICEWS file"):
        read_icews(shared_data / DAILY)
    # the GKG sample named as GDELT events: said "1 tab-separated fields; expected 57/58"
    with pytest.raises(ImportFormatError, match=r"Knowledge Graph.*read_gdelt_gkg"):
        read_gdelt_events(shared_data / "gdelt/gkg_v2_sample_20200222.csv.gz")
    with pytest.raises(ImportFormatError, match="neither"):
        read_counts(shared_data / REDUCED)
    with pytest.raises(ImportFormatError, match="does not exist"):
        read_icews(tmp_path / "missing.tsv")


def test_icews_bad_rows(shared_data: Path, tmp_path: Path) -> None:
    with gzip.open(
        shared_data / "icews/icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz", "rt"
    ) as fh:
        lines = [next(fh).rstrip("\n") for _ in range(21)]
    lines[1] = lines[1].replace("2018-08-29", "2018-02-30", 1)
    f = lines[2].split("\t")
    f[4] = "ABC"
    lines[2] = "\t".join(f)
    lines[3] = "\t".join(lines[3].split("\t")[:5])
    p = tmp_path / "icews.tsv"
    p.write_text("\n".join(lines) + "\n")
    _ev, r = read_icews(p)
    assert r.reasons == {"bad_date": 1, "unknown_cameo_code": 1, "truncated_row": 1}
    assert (r.rows_read, r.rows_kept) == (20, 17)


def test_counts_bad_rows(shared_data: Path, tmp_path: Path) -> None:
    lines = _lines(shared_data, "event_counts/YEM_gdelt_monthly_by_eventcode_raw.csv")[:50]
    lines[1] = "201013,035,1"
    lines[2] = "201002,XX,4"
    lines[3] = "201002,012,many"
    lines[4] = "201002,012"
    p = tmp_path / "YEM_raw.csv"
    p.write_text("\n".join(lines) + "\n")
    counts, r = read_counts(p)
    assert r.reasons == {"bad_date": 1, "unknown_cameo_code": 1, "bad_value": 1, "truncated_row": 1}
    assert (r.rows_read, r.rows_kept) == (49, 45)
    assert counts.unique_id.str.startswith("YEM:").all()
