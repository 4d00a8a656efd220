"""Hostile inputs, fourth round (issue 14; tests/HOSTILE.md): archives, imports, nights and
settings, each through a real entry point (the CLI or the public API)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlywarn.cli import app
from earlywarn.store import Archive

GDELT = "gdelt/events_v1_daily_20170912_sample.tsv"


def _cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def test_events_with_no_actor_name_do_not_fail_the_series_and_network_stages(
    shared_data: Path, tmp_path: Path
) -> None:
    """GDELT leaves Actor1Name blank on many events (a country code alone): read back from
    the archive as pandas' text dtype, the blank stayed NaN where None was asked for, and
    the series and network stages failed (AttributeError) for every night holding one."""
    archive = str(tmp_path / "a.duckdb")
    r = _cli("--archive", archive, "import", "gdelt", str(shared_data / GDELT))
    assert r.exit_code == 0, r.output
    for stage in ("series", "network"):
        r = _cli("--archive", archive, stage, "--as-of", "2016-09-30")
        assert r.exit_code == 0, (stage, r.output)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])  # DuckDB's reader, then pandas'
@pytest.mark.parametrize(
    ("column", "value"),
    [(31, "99999999999999999999999"), (29, "300"), (32, "inf"), (30, "inf"), (30, "-11")],
)
def test_an_event_number_its_column_cannot_hold_is_a_rejection_not_a_lost_import(
    shared_data: Path, tmp_path: Path, encoding: str, column: int, value: str
) -> None:
    """NumMentions of 10^23 (or QuadClass 300, NumSources inf) in one GDELT row ended the
    import in an internal error (exit 70: DuckDB 'out of range for INT32', pandas 'cannot
    safely cast'), every good row lost; a GoldsteinScale of inf or -11 (off the -10..10
    scale) was stored and weighted network edges inf. Each is now that row's rejection."""
    rows = (shared_data / GDELT).read_text(encoding="utf-8").splitlines()
    fields = rows[1].split("\t")
    fields[column] = value
    rows[1] = "\t".join(fields)
    if encoding == "cp1252":
        rows[2] = rows[2].replace("UNITED STATES", "UNITED STATES \u00e9")  # pandas path
    path = tmp_path / "events.tsv"
    path.write_bytes(("\n".join(rows) + "\n").encode(encoding))
    archive = tmp_path / "a.duckdb"
    r = _cli("--archive", str(archive), "import", "gdelt", str(path))
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["reasons"] == {"number_out_of_range": 1}
    assert report["rows_kept"] == len(rows) - 1
    with Archive(archive, read_only=True) as a:
        assert a.count("events") == len(rows) - 1


def test_a_path_setting_with_tilde_or_a_variable_is_expanded_once_for_all(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'archive = "~/ew/a.duckdb"' in earlywarn.toml: DuckDB expands '~' itself, so the
    archive went to the home folder while its lock was taken in a folder named '~' under
    the working directory (two jobs started from two folders locked two files and wrote
    one archive), and 'status' said the archive it had just written did not exist. A
    '$VAR' that is not set made a folder named '$VAR'."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("EW_DATA", str(home / "data"))
    monkeypatch.chdir(work)
    (work / "ew.toml").write_text('archive = "~/ew/a.duckdb"\noutput_dir = "${EW_DATA}/out"\n')
    r = _cli("-c", "ew.toml", "import", "gdelt", str(shared_data / GDELT))
    assert r.exit_code == 0, r.output
    assert (home / "ew" / "a.duckdb").is_file() and (home / "ew" / "a.duckdb.lock").exists()
    assert not (work / "~").exists()
    r = _cli("-c", "ew.toml", "status")
    assert r.exit_code == 0, r.output
    (work / "bad.toml").write_text('archive = "$EW_NOT_SET/a.duckdb"\n')
    r = _cli("-c", "bad.toml", "import", "gdelt", str(shared_data / GDELT))
    assert r.exit_code == 78 and "$EW_NOT_SET, which is not set" in r.stderr
    assert not (work / "$EW_NOT_SET").exists()


def test_another_applications_duckdb_file_is_not_taken_over(
    shared_data: Path, tmp_path: Path
) -> None:
    """--archive pointed at another application's DuckDB file: a writing command created
    earlywarn's thirty tables in it (and altered a table of its own named 'articles'),
    and then worked on it as an archive; a schema version that is no number ended in a
    traceback (ValueError)."""
    import duckdb

    path = tmp_path / "sales.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE sales (x INTEGER)")
        con.execute("CREATE TABLE articles (x INTEGER)")
    r = _cli("--archive", str(path), "import", "gdelt", str(shared_data / GDELT))
    assert r.exit_code == 74, r.output
    assert "not an earlywarn archive" in r.stderr and "articles, sales" in r.stderr
    with duckdb.connect(str(path), read_only=True) as con:
        assert sorted(t for (t,) in con.execute("SHOW TABLES").fetchall()) == ["articles", "sales"]
        assert con.execute("DESCRIBE articles").fetchall()[-1][0] == "x"  # no column added
    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    with duckdb.connect(str(archive)) as con:
        con.execute("UPDATE meta SET value = 'abc' WHERE key = 'schema_version'")
    for args in (["status"], ["import", "gdelt", str(shared_data / GDELT)]):
        r = _cli("--archive", str(archive), *args)
        assert r.exit_code == 74 and "schema version is 'abc'" in r.stderr, (args, r.output)


@pytest.mark.parametrize("night", ["0001-01-01", "1000-06-15"])
def test_a_night_before_any_news_is_refused_and_nothing_is_stored(
    tmp_path: Path, night: str
) -> None:
    """'--as-of 0001-01-01' (a year typed short) is a date: the series, health, alerts and
    report stages failed inside with 'OverflowError: date value out of range'."""
    from earlywarn.config import load_settings
    from earlywarn.errors import UsageError
    from earlywarn.pipeline import run_nightly

    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    for stage in ("series", "alerts"):
        r = _cli("--archive", str(archive), stage, "--as-of", night)
        assert r.exit_code == 64 and "before 1900-01-01" in r.stderr, (stage, r.output)
    with pytest.raises(UsageError, match="before 1900-01-01"):
        run_nightly(load_settings(archive=archive), night, stages=["report"])
    with Archive(archive, read_only=True) as a:
        assert a.count("runs") == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_config_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    """Notepad saves earlywarn.toml with a UTF-8 byte-order mark, PowerShell's Out-File in
    UTF-16: tomllib refused the first with 'Invalid statement (at line 1, column 1)' of a
    file that looks right (78), the second as a UnicodeDecodeError."""
    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    cfg = tmp_path / "earlywarn.toml"
    cfg.write_text(f"archive = '{archive}'\n", encoding=encoding)
    r = _cli("-c", str(cfg), "status")
    assert r.exit_code == 0, r.output
    cfg.write_bytes(b"archive = '\xe9.duckdb'\n")  # latin-1: still a clear error
    r = _cli("-c", str(cfg), "status")
    assert r.exit_code == 78 and "not UTF-8 text" in r.stderr and "save it as UTF-8" in r.stderr


def test_an_output_folder_that_is_a_file_is_refused_before_any_stage(tmp_path: Path) -> None:
    """'--out report.html' (a file where a folder is wanted): every stage ran, then the
    report stage failed with 'FileExistsError: [Errno 17] File exists', night after night.
    It is now a config error (78) before the first stage, and nothing is stored."""
    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    taken = tmp_path / "report.html"
    taken.write_text("x")
    for out in (taken, taken / "sub"):
        r = _cli("--archive", str(archive), "--out", str(out), "report", "--as-of", "2024-01-31")
        assert r.exit_code == 78, r.output
        assert "is a file, not a folder" in r.stderr and "give --out" in r.stderr
    with Archive(archive, read_only=True) as a:
        assert a.count("runs") == 0
    r = _cli("--archive", str(archive), "--out", str(tmp_path / "new" / "out"), "report",
             "--as-of", "2024-01-31")  # fmt: skip
    assert r.exit_code == 0, r.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_an_export_onto_a_pipe_or_a_link_writes_through_it(tmp_path: Path) -> None:
    """`earlywarn export inbox --out /dev/stdout` (or a pipe, or a device) wrote a file
    beside it and renamed it over the path: the pipe, device node or link was replaced
    by a regular file (run as root, /dev/stdout or /dev/full of the whole machine).
    `network export --out`, `brief --html` or `perception --html` a folder was an
    internal error (IsADirectoryError, 70)."""
    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so the writer need not wait
    try:
        r = _cli("--archive", str(archive), "export", "inbox", "--out", str(fifo))
        assert r.exit_code == 0, r.output
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
        assert os.read(reader, 1 << 16).decode("utf-8-sig").startswith("alert_id")
    finally:
        os.close(reader)
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    link.symlink_to(real)
    r = _cli("--archive", str(archive), "export", "inbox", "--out", str(link))
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and real.read_text(encoding="utf-8-sig").startswith("alert_id")
    r = _cli("--archive", str(archive), "network", "export", "--as-of", "2024-01-31", "--out",
             str(tmp_path))  # fmt: skip
    assert r.exit_code == 64 and "is a folder; give a file name" in r.stderr, r.output
    for args in (["brief", "--html"], ["perception", "--html"]):  # the same for HTML pages
        r = _cli("--archive", str(archive), *args, str(tmp_path), "--as-of", "2024-01-31")
        assert r.exit_code == 64 and "is a folder; give a file name" in r.stderr, r.output
