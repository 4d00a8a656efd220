"""Hostile inputs, sixth round (tests/HOSTILE.md, branch defects): defects the fifth round
noticed and left alone (an import of another kind's header, https delivery to a plain-HTTP
server, ledger rows of a model new on a rerun), each through the CLI or the public API."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlywarn.cli import app

ICEWS = "icews/icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz"
GDELT_REDUCED = "gdelt/events_v1_reduced_historical_1979_sample.tsv"


def _cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def _first_line(path: Path) -> str:
    with gzip.open(path, "rt") if path.suffix == ".gz" else path.open() as fh:
        return fh.readline()


FOREIGN = {  # a header of another kind -> the kinds it was given as
    "gdelt": ["acled", "ucdp", "icews", "counts"],
    "icews": ["acled", "ucdp", "gdelt", "counts"],
    "random": ["acled", "ucdp", "icews", "gdelt", "counts"],
    "acled": ["ucdp"],
    "ucdp": ["acled"],
}
_CASES = [(h, k) for h, kinds in FOREIGN.items() for k in kinds]


@pytest.mark.parametrize(("header", "kind"), _CASES, ids=[f"{h}-as-{k}" for h, k in _CASES])
@pytest.mark.parametrize("rows", [0, 2])
def test_a_header_of_another_kind_is_refused_rows_or_none(
    shared_data: Path, tmp_path: Path, header: str, kind: str, rows: int
) -> None:
    """An ACLED or UCDP import of a file whose header is another kind's (a GDELT reduced
    file, an ICEWS file, a random CSV, UCDP given as ACLED) holding the header alone was
    accepted as 0 rows, exit 0, a new archive created: the columns were checked only on
    rows. Now the header itself is checked (65), naming the columns expected and found,
    before anything is created; ICEWS, GDELT and counts already refused such headers."""
    headers = {
        "gdelt": _first_line(shared_data / GDELT_REDUCED),
        "icews": _first_line(shared_data / ICEWS),
        "random": "foo,bar,baz\n",
        "acled": "event_id_cnty,event_date,event_type,sub_event_type,actor1,country\n",
        "ucdp": "id,type_of_violence,side_a,side_b,date_start,country\n",
    }
    text = headers[header]
    sep = "\t" if "\t" in text else ","
    width = len(text.split(sep))
    for i in range(rows):
        text += sep.join(["2015-03-2" + str(i)] + ["x"] * (width - 1)) + "\n"
    path = tmp_path / "f.csv"
    path.write_text(text)
    archive = tmp_path / "new" / "a.duckdb"
    r = _cli("--archive", str(archive), "import", kind, str(path))
    assert r.exit_code == 65, r.output
    assert not archive.parent.exists()
    if kind in ("acled", "ucdp"):
        expects = "event_date, sub_event_type" if kind == "acled" else "id, type_of_violence"
        assert f"it expects {expects}" in r.stderr, r.stderr
        found = headers[header].split(sep)[0].strip()
        assert f"found: {found}" in r.stderr, r.stderr


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
def test_a_header_only_file_of_the_right_kind_is_still_zero_rows(tmp_path: Path, kind: str) -> None:
    """The API: a right header with no rows reads as 0 rows, one of another kind raises."""
    from earlywarn.errors import ImportFormatError
    from earlywarn.io import import_file

    right = {
        "acled": "event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,country\n",
        "ucdp": "id,type_of_violence,side_a,side_b,date_start,date_end,country,best\n",
    }
    path = tmp_path / "f.csv"
    path.write_text(right[kind])
    frame, report = import_file(kind, path)
    assert len(frame) == 0 and report.rows_read == 0
    path.write_text("Date\tSource\tTarget\tCAMEOCode\n")
    with pytest.raises(ImportFormatError, match="its header lacks"):
        import_file(kind, path)
