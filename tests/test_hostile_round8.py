"""Hostile inputs, eighth round (tests/HOSTILE.md): process variables beside the settings,
config files in the encodings Windows editors save, rule files that can never fire, empty
feed catalogs, impossible coordinates in imports, a full disk under the search index, words
wider than a phone. Each through a real entry point: the CLI, the public API, real files,
a real tmpfs-like limit (RLIMIT_FSIZE) and Debian's Chromium."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from earlywarn.cli import app
from earlywarn.store import Archive

REPO = Path(__file__).resolve().parents[1]


def _cli(*args: str, env: dict[str, str] | None = None) -> object:
    return CliRunner().invoke(app, list(args), env=env)


# -- EARLYWARN_* variables that are no setting ------------------------------------------------


def test_the_documented_process_variables_are_not_settings(tmp_path: Path) -> None:
    """EARLYWARN_SHARED_DATA (which the evals' errors say to set) and
    EARLYWARN_MLFLOW_CALL_DEADLINE (the MLflow deadline) were read by the settings layer
    as keys: every command exited 78 'unknown key shared_data'. An unknown variable is
    still refused, naming the variable as written."""
    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    for var, value in (
        ("EARLYWARN_SHARED_DATA", str(tmp_path)),
        ("EARLYWARN_MLFLOW_CALL_DEADLINE", "30"),
    ):
        r = _cli("--archive", str(archive), "status", "--json", env={var: value})
        assert r.exit_code == 0, (var, r.output)  # type: ignore[attr-defined]
    r = _cli("--archive", str(archive), "status", env={"EARLYWARN_HTTP__USER_AGNET": "x"})
    assert r.exit_code == 78  # type: ignore[attr-defined]
    assert "unknown variable EARLYWARN_HTTP__USER_AGNET" in r.output  # type: ignore[attr-defined]
