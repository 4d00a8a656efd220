"""Hostile inputs, fourth round (issue 14; tests/HOSTILE.md): archives, imports, nights and
settings, each through a real entry point (the CLI or the public API)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from earlywarn.cli import app

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
