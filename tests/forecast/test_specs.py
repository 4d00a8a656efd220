from __future__ import annotations

from pathlib import Path

import pytest

from earlywarn.errors import ConfigError
from earlywarn.forecast.specs import REGISTRY, load_models

from .conftest import REPO


def test_shipped_models_load() -> None:
    models = load_models(REPO / "models")
    assert {"snaive", "prophet", "count_nb", "autoets", "gbquantile"} <= set(models)
    used = {type(m).__name__ for m in models.values()}
    assert used == set(REGISTRY)


def test_unknown_param_names_file_and_key(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("name: p\nestimator: Prophet\nparams: {country_holiday: VN}\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: key 'params\.country_holiday'"):
        load_models(tmp_path)


def test_unknown_estimator_and_bad_value(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("estimator: LSTM\n")
    with pytest.raises(ConfigError, match=r"a\.yaml: key 'estimator': unknown estimator 'LSTM'"):
        load_models(tmp_path / "a.yaml")
    (tmp_path / "a.yaml").write_text("estimator: Naive\nparams: {method: magic}\n")
    with pytest.raises(ConfigError, match=r"a\.yaml: key 'params'.*method='magic'"):
        load_models(tmp_path / "a.yaml")
    (tmp_path / "a.yaml").write_text("estimator: Naive\nextra: 1\n")
    with pytest.raises(ConfigError, match="key 'extra' is not allowed"):
        load_models(tmp_path / "a.yaml")


def test_list_file_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "many.yaml").write_text(
        "models:\n  - {name: n, estimator: Naive}\n  - {name: s, estimator: SeasonalNaive,"
        " params: {season_length: 4}}\n"
    )
    models = load_models(tmp_path)
    assert models["s"].get_params()["season_length"] == 4
    (tmp_path / "dup.yaml").write_text("name: n\nestimator: Mean\n")
    with pytest.raises(ConfigError, match="defined twice"):
        load_models(tmp_path)
