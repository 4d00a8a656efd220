"""Hostile import files (issue 14): absurd counts, unterminated quotes, a full disk."""

from __future__ import annotations

import csv
import gzip
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from earlywarn.config import load_settings
from earlywarn.errors import ImportFormatError
from earlywarn.io import read_counts
from earlywarn.io.history import import_history
from earlywarn.store import Archive

COUNTS = "event_counts/YEM_gdelt_monthly_by_eventcode_raw.csv"
ICEWS = "icews/icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz"


def test_counts_that_are_infinite_negative_or_absurd_are_rejected(tmp_path: Path) -> None:
    p = tmp_path / "long.csv"
    p.write_text(
        "unique_id,ds,y\nA,2020-01-01,1\nA,2020-02-01,inf\nA,2020-03-01,-5\n"
        "A,2020-04-01,1e300\nA,2020-05-01,-inf\nA,2020-06-01,6\n"
    )
    counts, r = read_counts(p)
    assert counts["y"].tolist() == [1.0, 6.0]
    assert r.reasons == {"infinite_count": 2, "negative_count": 1, "absurd_count": 1}
    assert (r.rows_read, r.rows_kept) == (6, 2)


def test_an_unterminated_quote_is_rejected_and_swallows_nothing(
    shared_data: Path, tmp_path: Path
) -> None:
    lines = (shared_data / COUNTS).read_text(encoding="utf-8").splitlines()[:40]
    lines[3] = '201002,"035,7'  # the quote never closes
    p = tmp_path / "YEM_quote.csv"
    p.write_text("\n".join(lines) + "\n")
    _, r = read_counts(p)
    assert r.reasons == {"unterminated_quote": 1}
    assert (r.rows_read, r.rows_kept) == (39, 38)  # every other row kept


_FSIZE = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from earlywarn.cli import main
sys.argv = ["earlywarn", "--archive", *sys.argv[2:]]
main()
"""


@pytest.mark.slow
def test_a_full_disk_is_a_clear_error_and_stores_nothing(shared_data: Path, tmp_path: Path) -> None:
    settings = load_settings(archive=tmp_path / "a.duckdb")
    import_history(settings, "counts", shared_data / COUNTS)
    icews = tmp_path / "icews.tsv.gz"
    lines = gzip.decompress((shared_data / ICEWS).read_bytes()).split(b"\n")[:20000]
    icews.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    limit = 256 * 1024  # smaller than the import's write-ahead log
    args = [str(limit), str(settings.archive), "import", "icews", str(icews)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    full = subprocess.run(
        [sys.executable, "-c", _FSIZE, *args], capture_output=True, text=True, env=env, timeout=300
    )
    assert full.returncode == 74, full.stderr
    assert "could not write the archive" in full.stderr and "Traceback" not in full.stderr
    with Archive(settings.archive, read_only=True) as a:  # intact, nothing half-done
        assert a.count("counts") == 1596 and a.count("events") == 0
    report = import_history(settings, "icews", icews)  # with room, the same import works
    with Archive(settings.archive, read_only=True) as a:
        assert a.count("events") == report["rows_kept"] > 15000 and a.count("counts") == 1596


def test_an_unterminated_quote_in_a_multiline_csv_swallows_nothing(tmp_path: Path) -> None:
    from earlywarn.io import read_acled
    from tests.io.test_conflict import ACLED

    good = tmp_path / "acled.csv"
    good.write_text(ACLED)
    broken = tmp_path / "broken.csv"
    broken.write_text(ACLED.replace(",Protest against strikes,", ',"Protest against strikes,'))
    events, r = read_acled(good)
    events2, r2 = read_acled(broken)
    assert r2.reasons == {**r.reasons, "unterminated_quote": 1}
    assert (r2.rows_read, r2.rows_kept) == (r.rows_read, r.rows_kept - 1)
    assert len(events2) == len(events) - 1


# -- a file of another format or dialect than the CSV the importer expects -------------


@pytest.mark.parametrize("kind", ["acled", "ucdp", "counts", "icews", "gdelt"])
def test_a_workbook_pdf_or_utf16_file_is_a_clear_error_not_zero_rows(
    kind: str, tmp_path: Path
) -> None:
    import zipfile

    from tests.io.test_conflict import ACLED

    settings = load_settings(archive=tmp_path / "a.duckdb")
    xlsx = tmp_path / "export.xlsx"  # a workbook is a zip of XML parts
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    pdf = tmp_path / "report.csv"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    utf16 = tmp_path / "unicode.txt"  # Excel's "Unicode Text": UTF-16 with a BOM, tabs
    utf16.write_text(ACLED.replace(",", "\t"), encoding="utf-16")
    for path, what in [(xlsx, "Excel workbook"), (pdf, "PDF"), (utf16, "UTF-16")]:
        with pytest.raises(ImportFormatError, match=f"{what}.*export it as CSV"):
            import_history(settings, kind, path)
    assert not settings.archive.exists()  # the file is read before the archive is created


def test_semicolon_separated_exports_are_read_like_comma_separated(tmp_path: Path) -> None:
    from earlywarn.io import read_acled, read_ucdp
    from tests.io.test_conflict import ACLED, UCDP

    for read, text in [(read_acled, ACLED), (read_ucdp, UCDP)]:
        comma, semi = tmp_path / "comma.csv", tmp_path / "semi.csv"
        comma.write_text(text, encoding="utf-8")
        # Excel's export where the decimal mark is a comma: ";" between fields, CRLF, BOM
        rows = list(csv.reader(io.StringIO(text)))
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        semi.write_text(out.getvalue(), encoding="utf-8-sig")
        (want, r1), (got, r2) = read(comma), read(semi)
        assert r2.rows_kept == r1.rows_kept > 0 and r2.reasons == r1.reasons
        pd.testing.assert_frame_equal(got, want)
        assert any("';'" in note for note in r2.notes)


# -- line breaks and line lengths nobody tuned for: classic-Mac CR, one enormous line ------


def _import(kind: str, path: Path, archive: Path) -> dict[str, object]:
    import json

    from typer.testing import CliRunner

    from earlywarn.cli import app

    r = CliRunner().invoke(app, ["--archive", str(archive), "import", kind, str(path)])
    assert r.exit_code == 0, (kind, path.name, r.exit_code, r.stderr[-800:])
    out: dict[str, object] = json.loads(r.stdout)
    return out


def _conflict_files(shared_data: Path) -> dict[str, bytes]:
    from tests.io.test_conflict import ACLED, UCDP

    gdelt = (shared_data / "gdelt/events_v1_daily_20170912_sample.tsv").read_bytes()
    return {
        "acled": ACLED.encode(),
        "ucdp": UCDP.encode(),
        "gdelt": b"\n".join(gdelt.split(b"\n")[:30]) + b"\n",
    }


@pytest.mark.parametrize("kind", ["acled", "ucdp", "gdelt"])
def test_lines_ending_in_a_carriage_return_alone_import_like_the_original(
    shared_data: Path, tmp_path: Path, kind: str
) -> None:
    """An old Excel for Mac "CSV (Macintosh)" export ends lines with CR: it ended ACLED and
    UCDP imports in a traceback (exit 70) and GDELT in 'not a GDELT events file'."""
    data = _conflict_files(shared_data)[kind]
    (tmp_path / "lf.csv").write_bytes(data)
    (tmp_path / "cr.csv").write_bytes(data.replace(b"\n", b"\r"))
    want = _import(kind, tmp_path / "lf.csv", tmp_path / "lf.duckdb")
    got = _import(kind, tmp_path / "cr.csv", tmp_path / "cr.duckdb")
    for key in ("rows_read", "rows_kept", "reasons"):
        assert got[key] == want[key], (kind, key)
    with (
        Archive(tmp_path / "lf.duckdb", read_only=True) as a,
        Archive(tmp_path / "cr.duckdb", read_only=True) as b,
    ):
        assert a.count("events") == b.count("events") > 0


@pytest.mark.parametrize("kind", ["acled", "ucdp", "gdelt"])
@pytest.mark.parametrize("where", ["middle", "last-unterminated"])
def test_one_enormous_line_is_rejected_and_every_other_row_kept(
    shared_data: Path, tmp_path: Path, kind: str, where: str
) -> None:
    """A line of 3 million separators (or 5 MB of text) made pyarrow refuse the whole file
    ('straddling object straddles two block boundaries'), losing every good row."""
    data = _conflict_files(shared_data)[kind]
    sep = b"\t" if kind == "gdelt" else b","
    huge = sep * 3_000_000 if where == "middle" else b"x" * 5_000_000
    head, _, rest = data.partition(b"\n")
    crafted = head + b"\n" + huge + b"\n" + rest if where == "middle" else data + huge
    (tmp_path / "ok.csv").write_bytes(data)
    (tmp_path / "huge.csv").write_bytes(crafted)
    want = _import(kind, tmp_path / "ok.csv", tmp_path / "ok.duckdb")
    got = _import(kind, tmp_path / "huge.csv", tmp_path / "huge.duckdb")
    assert got["rows_kept"] == want["rows_kept"]
    assert got["reasons"] == {**want["reasons"], "line_too_long": 1}  # type: ignore[dict-item]


# -- dates outside what nanoseconds hold (1677-2262) ------------------------------------


def _far_dates(kind: str, text: str) -> tuple[str, str]:
    """``text`` and a copy with one date in year 1500 and one in 2999 (same rows)."""
    import re

    first = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
    rows = text.splitlines(keepends=True)
    data = [i for i, r in enumerate(rows) if i and first.search(r)]
    bad = list(rows)
    bad[data[0]] = first.sub(r"1500-\2-\3", bad[data[0]])
    bad[data[-1]] = first.sub(r"2999-\2-\3", bad[data[-1]])
    return text, "".join(bad)


@pytest.mark.parametrize("kind", ["acled", "ucdp", "icews", "counts"])
def test_a_date_of_year_1500_or_2999_is_a_bad_date_not_a_lost_import(
    kind: str, tmp_path: Path
) -> None:
    """pandas reads year 1500 (microseconds), but the archive's frames hold nanoseconds:
    one such date ended the import in OutOfBoundsDatetime (exit 70), every good row lost."""
    from tests.io.test_conflict import ACLED, UCDP

    texts = {
        "acled": ACLED,
        "ucdp": UCDP,
        "icews": "event_date\tsource_name\tsource_affiliation\tevent_text\tcameo_code\t"
        "quad_class\ttarget_name\ttarget_affiliation\n"
        + "".join(
            f"2018-09-0{d}\tPolice (India)\tIndia\tMake statement\t010\t1\tChina\tChina\n"
            for d in range(1, 6)
        ),
        "counts": "unique_id,ds,y\n" + "".join(f"A,2020-0{m}-01,{m}\n" for m in range(1, 6)),
    }
    good, bad = _far_dates(kind, texts[kind])
    (tmp_path / "good.csv").write_text(good)
    (tmp_path / "bad.csv").write_text(bad)
    want = _import(kind, tmp_path / "good.csv", tmp_path / "good.duckdb")
    got = _import(kind, tmp_path / "bad.csv", tmp_path / "bad.duckdb")
    extra = got["reasons"].get("bad_date", 0) - want["reasons"].get("bad_date", 0)  # type: ignore[attr-defined]
    assert got["rows_read"] == want["rows_read"] and extra in (1, 2)
    assert int(want["rows_kept"]) - extra <= int(got["rows_kept"]) < int(want["rows_kept"])  # type: ignore[call-overload]


# -- a header naming one column twice ---------------------------------------------------


@pytest.mark.parametrize("kind", ["acled", "ucdp", "icews", "counts"])
def test_a_header_naming_a_column_twice_is_a_clear_error(kind: str, tmp_path: Path) -> None:
    """A spreadsheet join or a pasted column repeats a header name: pandas then hands back
    a frame for that column, and the import ended in AttributeError (exit 70)."""
    from typer.testing import CliRunner

    from earlywarn.cli import app
    from tests.io.test_conflict import ACLED, UCDP

    sep = "\t" if kind == "icews" else ","
    text, col = {
        "acled": (ACLED, "event_date"),
        "ucdp": (UCDP, "date_start"),
        "icews": (
            "event_date\tsource_name\tsource_affiliation\tevent_text\tcameo_code\tquad_class\t"
            "target_name\ttarget_affiliation\n"
            "2018-09-01\tPolice (India)\tIndia\tMake statement\t010\t1\tChina\tChina\n",
            "event_date",
        ),
        "counts": ("unique_id,ds,y\nA,2020-01-01,1\nA,2020-02-01,2\n", "ds"),
    }[kind]
    head, _, rest = text.partition("\n")
    rows = [r for r in rest.split("\n")]
    path = tmp_path / "twice.csv"
    path.write_text(f"{head}{sep}{col}\n" + "\n".join(r and f"{r}{sep}2020-01-01" for r in rows))
    r = CliRunner().invoke(
        app, ["--archive", str(tmp_path / "a.duckdb"), "import", kind, str(path)]
    )
    assert r.exit_code == 65, r.stderr[-600:]  # EX_DATAERR, as a file of the wrong layout
    assert f"'{col}' twice" in r.stderr and "internal error" not in r.stderr


def test_a_counts_file_mixing_time_zones_is_read_as_its_clocks_show(tmp_path: Path) -> None:
    """pandas refuses a column mixing zones (or zones and none) as a whole: the import
    ended in 'Mixed timezones detected' (exit 70). Each date is read as written, as a file
    in one zone already was."""
    rows = ["2020-01-01", "2020-02-01T00:00:00+07:00", "2020-03-01T00:00:00Z", "not a date"]
    path = tmp_path / "tz.csv"
    path.write_text("unique_id,ds,y\n" + "".join(f"A,{d},{i}\n" for i, d in enumerate(rows)))
    got = _import("counts", path, tmp_path / "a.duckdb")
    assert (got["rows_kept"], got["reasons"]) == (3, {"bad_date": 1})
    with Archive(tmp_path / "a.duckdb", read_only=True) as a:
        ds = a.query("SELECT ds FROM counts ORDER BY ds")["ds"].dt.strftime("%Y-%m-%d")
    assert ds.tolist() == ["2020-01-01", "2020-02-01", "2020-03-01"]


def test_import_history_takes_only_archive_kinds(shared_data: Path, tmp_path: Path) -> None:
    """ew.import_history(settings, "gkg", path) failed inside with KeyError 'event_id' (GKG
    records are read by earlywarn.io but hold no events), and an unknown kind's message
    offered gkg; a kind in capitals skipped the GDELT fast path. Nothing is created."""
    from earlywarn.errors import UsageError

    settings = load_settings(archive=tmp_path / "a.duckdb", environ={})
    gkg = shared_data / "gdelt/gkg_v2_sample_20200222.csv.gz"
    with pytest.raises(UsageError, match="read_gdelt_gkg") as refused:
        import_history(settings, "gkg", gkg)
    # one wording of the hint: the import of kind gkg and the events reader given a GKG file
    from earlywarn.errors import ImportFormatError
    from earlywarn.io.gdelt import detect_layout
    from earlywarn.io.gkg import NOT_EVENTS

    with pytest.raises(ImportFormatError) as sniffed:
        detect_layout("GKGRECORDID\tDATE\tSourceCollectionIdentifier")
    assert str(refused.value).endswith(NOT_EVENTS) and str(sniffed.value).endswith(NOT_EVENTS)
    with pytest.raises(UsageError, match="unknown import kind 'acme'") as unknown:
        import_history(settings, "acme", gkg)
    assert "gkg" not in str(unknown.value)
    assert not list(tmp_path.iterdir())
    daily = shared_data / "gdelt/events_v1_daily_20170912_sample.tsv"
    assert import_history(settings, "GDELT", daily)["rows_kept"] == 10
    with Archive(settings.archive, read_only=True) as a:
        assert a.table("runs")["stage"].str.startswith("import:gdelt:").all()
