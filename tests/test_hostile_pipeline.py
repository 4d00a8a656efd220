"""Hostile runs of the pipeline (issue 14): a night that has not happened yet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from earlywarn.config import load_settings
from earlywarn.errors import UsageError
from earlywarn.pipeline import run_nightly
from earlywarn.store import Archive


def test_a_night_in_the_future_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from earlywarn.cli import app

    settings = load_settings(archive=tmp_path / "a.duckdb")
    Archive(settings.archive).close()  # an archive that exists, with nothing in it
    with pytest.raises(UsageError, match=r"in the future.*clock"):
        run_nightly(settings, "2999-01-01", stages=["series"])
    later = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=3)
    r = CliRunner().invoke(
        app, ["--archive", str(settings.archive), "series", "--as-of", later.isoformat()]
    )
    assert r.exit_code == 64 and "in the future" in r.stderr  # EX_USAGE, as a bad date
    with Archive(settings.archive, read_only=True) as a:
        assert a.count("runs") == 0


def test_an_archive_path_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from earlywarn.cli import app

    counts = tmp_path / "c.csv"
    counts.write_text("unique_id,ds,y\nA,2020-01-01,1\n")
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where a folder would be")
    cases = [
        (blocker / "a.duckdb", "notes.txt is a file, not a folder"),
        (Path("/dev/null"), "not a regular file"),
    ]
    if Path("/proc/self").exists():  # a virtual file system: nothing can be created there
        cases.append((Path("/proc/earlywarn-test.duckdb"), "cannot write the archive"))
    for archive, phrase in cases:
        r = CliRunner().invoke(app, ["--archive", str(archive), "import", "counts", str(counts)])
        assert r.exit_code == 74, (archive, r.stderr)  # EX_IOERR, as a full disk
        assert phrase in r.stderr and "internal error" not in r.stderr
        assert "delete" not in r.stderr and "another earlywarn job" not in r.stderr
    assert blocker.read_text() == "a file where a folder would be"
