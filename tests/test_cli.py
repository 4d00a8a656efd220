"""The command line: help, exit codes a scheduler can act on, errors that say what to do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "earlywarn.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_help_lists_every_stage() -> None:
    r = _run("--help")
    assert r.returncode == 0
    for cmd in (
        "demo",
        "nightly",
        "collect",
        "extract",
        "network",
        "series",
        "forecast",
        "detect",
        "alerts",
        "report",
        "import",
        "backtest",
        "eval",
        "feeds",
    ):
        assert cmd in r.stdout


def test_bad_config_key_exits_78(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('focal_contry = "VNM"\n')
    r = _run("--config", str(cfg), "status")
    assert r.returncode == 78
    assert "unknown key 'focal_contry'" in r.stderr


def test_missing_archive_exits_74_with_hint(tmp_path: Path) -> None:
    r = _run("--archive", str(tmp_path / "none.duckdb"), "status")
    assert r.returncode == 74
    assert "earlywarn demo" in r.stderr


def test_corrupt_archive_exits_74(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"\x00garbage" * 1000)
    r = _run("--archive", str(bad), "status")
    assert r.returncode == 74
    assert "not a DuckDB file" in r.stderr


def test_usage_error_exits_64() -> None:
    r = _run("nightly", "--no-such-option")
    assert r.returncode == 64


def test_bad_date_is_a_clear_error(tmp_path: Path) -> None:
    r = _run("--archive", str(tmp_path / "a.duckdb"), "nightly", "--as-of", "31/12/2024")
    assert r.returncode == 70
    assert "YYYY-MM-DD" in r.stderr


@pytest.mark.parametrize("kind", ["icews", "counts"])
def test_import_twice_changes_nothing(tmp_path: Path, kind: str) -> None:
    from earlywarn.demo import CORPUS
    from earlywarn.store import Archive

    path = {
        "icews": CORPUS / "icews18_2018-08-29_2018-10-31.tsv.gz",
        "counts": CORPUS / "YEM_gdelt_monthly_long.csv",
    }[kind]
    archive = tmp_path / "a.duckdb"
    for _ in range(2):
        r = _run("--archive", str(archive), "import", kind, str(path))
        assert r.returncode == 0, r.stderr
    table = "counts" if kind == "counts" else "events"
    with Archive(archive, read_only=True) as a:
        assert a.count(table) == {"icews": 95540, "counts": 1596}[kind]


def test_feeds_check_offline_validates_catalog() -> None:
    repo = Path(__file__).resolve().parents[1]
    r = _run("feeds", "check", str(repo / "feeds" / "global.yaml"))
    assert r.returncode == 0, r.stderr
    assert "languages" in r.stdout
