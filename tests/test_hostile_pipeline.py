"""Hostile runs of the pipeline (issue 14): a night that has not happened yet."""

from __future__ import annotations

import datetime as dt
import os
import shutil
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


def test_the_next_utc_day_is_a_night_in_the_future(tmp_path: Path) -> None:
    """A night is a UTC date: the next UTC day has begun in no zone's UTC, yet it was
    accepted (a day of slack 'for zones east of UTC'); the night was then marked done,
    so the scheduled run for it skipped. Now refused like any later day (64); today is
    still a night that can be run."""
    from typer.testing import CliRunner

    from earlywarn.cli import app
    from earlywarn.pipeline import past_night

    settings = load_settings(archive=tmp_path / "a.duckdb")
    Archive(settings.archive).close()
    today = dt.datetime.now(dt.timezone.utc).date()
    tomorrow = today + dt.timedelta(days=1)
    args = ["--archive", str(settings.archive), "nightly", "--as-of", tomorrow.isoformat()]
    r = CliRunner().invoke(app, [*args, "--stages", "series"])
    assert r.exit_code == 64, (r.exit_code, r.stderr[-500:])  # EX_USAGE
    assert f"as_of {tomorrow} is in the future" in r.stderr and "UTC" in r.stderr
    with Archive(settings.archive, read_only=True) as a:
        assert a.count("runs") == 0
    with pytest.raises(UsageError, match="in the future"):
        run_nightly(settings, tomorrow, stages=["series"])
    now = dt.datetime.now(dt.timezone.utc).date()  # (midnight UTC may have passed)
    assert past_night(now) == now and past_night("today") == now


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


def _as_nobody() -> list[str] | None:
    """A command prefix running as an unprivileged user (root reads every file); None if
    root cannot drop its privileges here."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else None


def test_a_read_only_command_on_a_path_that_is_no_archive_says_what_it_is(tmp_path: Path) -> None:
    """``status`` (and every read-only command) on a device, a directory, a FIFO, a file this
    user may not read or behind a folder it may not enter: what the path is and what to do,
    exit 74 as when writing there; 66 ('does not exist') only for a path that does not."""
    import subprocess
    import sys
    import tempfile

    root = Path(tempfile.mkdtemp(dir="/tmp"))  # reachable by the unprivileged user
    try:
        root.chmod(0o755)
        fifo = root / "fifo.duckdb"
        os.mkfifo(fifo)
        locked = root / "locked.duckdb"
        Archive(locked).close()
        locked.chmod(0o000)
        closed = root / "closed"
        closed.mkdir(mode=0o700)
        Archive(closed / "a.duckdb").close()
        closed.chmod(0o000)
        cases = [
            ("/dev/null", 74, "not a regular file but a character device"),
            (str(root), 74, "is a directory; give a file path such as"),
            (str(fifo), 74, "not a regular file but a named pipe (FIFO)"),
            (str(locked), 74, "cannot read archive"),
            (str(closed / "a.duckdb"), 74, "cannot reach archive"),
            (str(root / "missing.duckdb"), 66, "does not exist"),
        ]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        prefix = _as_nobody()
        if prefix is None:  # permissions cannot be tested as root
            cases = [c for c in cases if "cannot" not in c[2]]
        for path, code, phrase in cases:
            r = subprocess.run(
                [*(prefix or []), sys.executable, "-m", "earlywarn.cli", "--archive", path, "status"],
                capture_output=True, text=True, env=env, timeout=120, cwd=root,
            )  # fmt: skip
            assert r.returncode == code, (path, r.stderr[-1500:])
            assert phrase in r.stderr and "Traceback" not in r.stderr, (path, r.stderr[-500:])
            if code != 66:
                assert "does not exist" not in r.stderr, path
    finally:
        for p in (root / "locked.duckdb", root / "closed"):
            p.chmod(0o755)
        shutil.rmtree(root)
