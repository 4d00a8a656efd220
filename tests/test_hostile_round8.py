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


# -- config files saved by Windows editors ----------------------------------------------------


def test_yaml_config_files_in_windows_encodings(tmp_path: Path) -> None:
    """A rules file saved as Windows-1252 (an accented word in a comment) failed the alerts
    stage with UnicodeDecodeError (70); a model spec or an experiment saved as UTF-16
    (Notepad's "Unicode", PowerShell) was the same internal error. Now UTF-16 with its mark
    is read like UTF-8 (as the TOML file already was), other bytes a config error (78)."""
    from earlywarn.forecast.specs import load_models

    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    rules = (REPO / "earlywarn" / "data" / "alerts.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "rules.yaml"
    bad.write_bytes(("# règles du ministère\n" + rules).encode("cp1252"))
    r = _cli("--archive", str(archive), "alerts", "--as-of", "2016-01-31",
             env={"EARLYWARN_RULES": str(bad)})  # fmt: skip
    assert r.exit_code == 78, r.output  # type: ignore[attr-defined]
    assert f"{bad}: not UTF-8 text" in r.output and "save it as UTF-8" in r.output  # type: ignore[attr-defined]
    good = tmp_path / "rules16.yaml"
    good.write_text(rules, encoding="utf-16")
    r = _cli("--archive", str(archive), "alerts", "--as-of", "2016-01-31",
             env={"EARLYWARN_RULES": str(good)})  # fmt: skip
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    models = tmp_path / "models"
    models.mkdir()
    (models / "naive.yaml").write_text("name: naive\nestimator: Naive\n", encoding="utf-16")
    assert list(load_models(models)) == ["naive"]
    exp = tmp_path / "e.yaml"
    exp.write_bytes("name: démo\nseries: {path: x.csv}\n".encode("cp1252"))
    r = _cli("backtest", str(exp))
    assert r.exit_code == 78 and f"{exp}: not UTF-8 text" in r.output, r.output  # type: ignore[attr-defined]
