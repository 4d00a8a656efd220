"""Hostile experiment files (issue 14, third round; tests/HOSTILE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from earlywarn.errors import ConfigError
from earlywarn.forecast.experiment import run_experiment

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "line",
    ["horizon: abc", "horizon: 1e9", "horizon: [6]", "horizon: .nan", "horizon: true",
     "folds: 100000000", "step: abc", "initial: -5"],
)  # fmt: skip
def test_a_count_that_is_no_whole_number_is_a_config_error(tmp_path: Path, line: str) -> None:
    """'horizon: 1e9' is a string in YAML, '.nan' a float, '[6]' a list: each ended
    'earlywarn backtest' in an internal error (exit 70) from int() deep inside."""
    key = line.split(":")[0]
    lines = {"horizon": "horizon: 3", "folds": "folds: 1", key: line}
    path = tmp_path / "exp.yaml"
    path.write_text(
        f"name: x\nseries:\n  path: {REPO}/earlywarn/demo/corpus/YEM_gdelt_monthly_long.csv\n"
        f"models_dir: {REPO}/models\nmodels: naive\n" + "\n".join(lines.values()) + "\n"
    )
    with pytest.raises(ConfigError, match=f"key '{key}' must be a whole number from 1 to"):
        run_experiment(path)
