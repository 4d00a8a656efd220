"""Declarative model specs: ``models/*.yaml`` -> named, configured (unfitted) forecasters.

A spec file holds one mapping ``{name, estimator, params}`` or a list of them (or
``{models: [...]}``)::

    name: prophet_vn
    estimator: Prophet
    params: {country_holidays: VN, changepoint_prior_scale: 0.1}

Unknown estimators, unknown keys, unknown parameters and invalid values raise
:class:`~earlywarn.errors.ConfigError` naming the file and the key.

Examples
--------
>>> make_estimator("SeasonalNaive", {"season_length": 12})
SeasonalNaive(method='auto', season_length=12)
>>> sorted(REGISTRY)[:4]
['AutoARIMA', 'AutoETS', 'CountGLM', 'Drift']
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from earlywarn._yaml import read_config_text, safe_load
from earlywarn.errors import ConfigError, path_problem
from earlywarn.forecast.base import BaseForecaster

__all__ = ["REGISTRY", "estimator_class", "load_models", "make_estimator"]

REGISTRY: Mapping[str, str] = {
    "Naive": "earlywarn.forecast.baselines:Naive",
    "SeasonalNaive": "earlywarn.forecast.baselines:SeasonalNaive",
    "Mean": "earlywarn.forecast.baselines:Mean",
    "Drift": "earlywarn.forecast.baselines:Drift",
    "Prophet": "earlywarn.forecast.prophet_model:Prophet",
    "ETS": "earlywarn.forecast.statistical:ETS",
    "SARIMAX": "earlywarn.forecast.statistical:SARIMAX",
    "CountGLM": "earlywarn.forecast.statistical:CountGLM",
    "AutoETS": "earlywarn.forecast.nixtla:AutoETS",
    "AutoARIMA": "earlywarn.forecast.nixtla:AutoARIMA",
    "Theta": "earlywarn.forecast.nixtla:Theta",
    "GBQuantile": "earlywarn.forecast.ml:GBQuantile",
    "GlobalQuantileGB": "earlywarn.forecast.global_model:GlobalQuantileGB",
    "GlobalNegBin": "earlywarn.forecast.global_negbin:GlobalNegBin",
    "QuantileAverage": "earlywarn.forecast.global_model:QuantileAverage",
}

_KEYS = {"name", "estimator", "params", "description"}


def estimator_class(name: str, *, source: str = "<arguments>") -> type[BaseForecaster]:
    """The forecaster class registered as ``name``."""
    target = REGISTRY.get(name)
    if target is None:
        raise ConfigError(
            f"{source}: key 'estimator': unknown estimator {name!r}; known: {sorted(REGISTRY)}"
        )
    module, _, attr = target.partition(":")
    cls: type[BaseForecaster] = getattr(importlib.import_module(module), attr)
    return cls


def make_estimator(
    name: str, params: Mapping[str, Any] | None = None, *, source: str = "<arguments>"
) -> BaseForecaster:
    """Build and validate a forecaster from its registered name and parameters."""
    cls = estimator_class(name, source=source)
    params = dict(params or {})
    valid = cls._param_names()
    for key in params:
        if key not in valid:
            raise ConfigError(
                f"{source}: key 'params.{key}': {name} has no parameter {key!r}; "
                f"valid parameters: {valid}"
            )
    for key, value in params.items():
        bad = _not_finite(value, f"params.{key}")
        if bad:
            raise ConfigError(
                f"{source}: key '{bad}': not a finite number; give a number (or remove the key "
                "for the default)"
            )
        if isinstance(value, list):  # YAML has no tuples
            params[key] = tuple(value)
    try:
        est = cls(**params)
        est._validate_params()
    except ConfigError as exc:  # a nested spec (a member of an ensemble) names itself
        raise ConfigError(f"{source}: key 'params': {exc}") from exc
    except (ValueError, TypeError, OverflowError) as exc:  # int(inf), int("abc"), ...
        raise ConfigError(f"{source}: key 'params': {type(exc).__name__}: {exc}") from exc
    return est


def _not_finite(value: Any, key: str) -> str | None:
    """The key (``params.weights.gb``) of the first NaN or infinite number in ``value``.

    YAML reads ``.nan``, ``.inf`` and ``1e999`` as floats no estimator can use: a NaN weight
    made every score NaN, an infinite horizon ended the backtest in an OverflowError.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return key
    if isinstance(value, Mapping):
        items: Any = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    for k, v in items:
        bad = _not_finite(v, f"{key}.{k}")
        if bad:
            return bad
    return None


def _specs(path: Path) -> list[Any]:
    problem = path_problem(path)  # a named pipe was read for ever, /dev/zero to MemoryError
    if problem is not None:
        raise ConfigError(f"{path}: a model spec {problem}; remove it from the models folder")
    try:
        data = safe_load(read_config_text(path, "a model spec"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if isinstance(data, Mapping) and "models" in data:
        data = data["models"]
    if isinstance(data, Mapping):
        return [data]
    if isinstance(data, list):
        return data
    raise ConfigError(f"{path}: expected a model spec (name, estimator, params) or a list of them")


def load_models(path: str | Path) -> dict[str, BaseForecaster]:
    """Load every model spec in a ``models/`` directory (``*.yaml``/``*.yml``) or one file."""
    path = Path(path)
    if path.is_dir():
        files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    elif path.is_file():
        files = [path]
    else:
        raise ConfigError(f"{path}: no such model spec file or directory")
    models: dict[str, BaseForecaster] = {}
    for file in files:
        for i, spec in enumerate(_specs(file)):
            where = f"{file}" if i == 0 else f"{file}[{i}]"
            if not isinstance(spec, Mapping):
                raise ConfigError(f"{where}: a model spec must be a mapping, got {spec!r}")
            extra = set(spec) - _KEYS
            if extra:
                raise ConfigError(
                    f"{where}: key {sorted(extra)[0]!r} is not allowed; "
                    f"allowed keys: {sorted(_KEYS)}"
                )
            if "estimator" not in spec:
                raise ConfigError(f"{where}: key 'estimator' is missing")
            name = str(spec.get("name") or file.stem)
            params = spec.get("params") or {}
            if not isinstance(params, Mapping):
                raise ConfigError(f"{where}: key 'params' must be a mapping, got {params!r}")
            if name in models:
                raise ConfigError(f"{where}: key 'name': model name {name!r} is defined twice")
            models[name] = make_estimator(str(spec["estimator"]), params, source=where)
    if not models:
        raise ConfigError(f"{path}: no model specs found (*.yaml)")
    return models
