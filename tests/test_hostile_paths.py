"""Input paths that are no file (issue 14, third round; tests/HOSTILE.md): a directory,
a named pipe or a device given as the config, the feed catalog, an import or a rules file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_directory_pipe_or_device_is_named_for_what_it_is(tmp_path: Path) -> None:
    """Each reader said '... does not exist' of a path that exists; a rules or channels
    file that is a named pipe waited for a writer for ever."""
    from typer.testing import CliRunner

    from earlywarn.cli import app

    fifo, folder = tmp_path / "pipe", tmp_path / "folder"
    os.mkfifo(fifo)
    folder.mkdir()
    archive = str(tmp_path / "a.duckdb")
    cases = [
        (["-c", str(fifo), "status"], "is a named pipe (FIFO), not a file", 78),
        (["-c", str(folder), "status"], "is a directory, not a file", 78),
        (["feeds", "check", str(fifo)], "is a named pipe (FIFO), not a file", 78),
        (["feeds", "check", "/dev/null"], "is a character device, not a file", 78),
        (["--archive", archive, "import", "counts", str(folder)], "is a directory", 66),
    ]
    for args, phrase, code in cases:
        r = CliRunner().invoke(app, args)
        assert r.exit_code == code and phrase in r.stderr, (args, r.exit_code, r.stderr)
        assert "does not exist" not in r.stderr
    code = (
        "import sys\nfrom earlywarn.alerts import load_rules\n"
        "try:\n    load_rules(sys.argv[1])\nexcept Exception as e:\n    print(e)\n"
    )
    run = subprocess.run(  # a pipe with no writer: on the old code, open() never returned
        [sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=30
    )
    assert "is a named pipe (FIFO), not a file" in run.stdout, run.stderr[-500:]
