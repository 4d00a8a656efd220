"""Settings: defaults < TOML config file < ``EARLYWARN_*`` environment < arguments.

Examples
--------
>>> from earlywarn.config import load_settings
>>> s = load_settings(archive="/tmp/x.duckdb")
>>> s.archive.name
'x.duckdb'
>>> s.focal_country
'VNM'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import tomllib
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from earlywarn.errors import ConfigError

__all__ = ["ENV_PREFIX", "Settings", "load_settings"]

ENV_PREFIX = "EARLYWARN_"


class HttpSettings(BaseModel):
    """Settings of the one HTTP client."""

    model_config = ConfigDict(extra="forbid")
    user_agent: str = "earlywarn/0.1 (+https://example.invalid/earlywarn)"
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(20.0, gt=0)
    total_timeout: float = Field(60.0, gt=0)
    max_bytes: int = Field(10_000_000, gt=0)
    max_redirects: int = Field(5, ge=0)
    per_host_concurrency: int = Field(2, ge=1)
    politeness_delay: float = Field(1.0, ge=0)
    max_connections: int = Field(32, ge=1)
    retries: int = Field(3, ge=0)
    respect_robots: bool = True
    allow_private: list[str] = Field(default_factory=list)


class Settings(BaseModel):
    """All of earlywarn's settings; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    archive: Path = Path("earlywarn.duckdb")
    output_dir: Path = Path("earlywarn-out")
    tracking_uri: str | None = None
    experiment: str = "earlywarn"
    catalog: Path | None = None
    models_dir: Path | None = None
    rules: Path | None = None
    channels: Path | None = None
    focal_country: str = Field("VNM", min_length=3, max_length=3)
    scheduler: str | None = None
    n_workers: int = Field(2, ge=1)
    lock_timeout: float = Field(0.0, ge=0)
    log_format: Literal["text", "json"] = "text"
    max_forecast_series: int = Field(40, ge=1)
    horizon: int = Field(8, ge=1)
    keep_raw_html: bool = False
    http: HttpSettings = Field(default_factory=lambda: HttpSettings.model_validate({}))

    def resolved_tracking_uri(self) -> str:
        """The MLflow tracking URI: the configured one, or a sqlite store beside the archive."""
        if self.tracking_uri:
            return self.tracking_uri
        return f"sqlite:///{self.output_dir.resolve() / 'mlflow.db'}"


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        parts = key.split("__")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _env_layer(environ: dict[str, str]) -> dict[str, Any]:
    flat: dict[str, Any] = {
        k[len(ENV_PREFIX) :].lower(): v
        for k, v in environ.items()
        if k.startswith(ENV_PREFIX) and k != ENV_PREFIX + "CONFIG"
    }
    for key, value in flat.items():
        if key == "http__allow_private":
            flat[key] = [v for v in value.split(",") if v]
    return _nest(flat)


def _format_error(err: ValidationError, source: str) -> str:
    lines = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"])
        if e["type"] == "extra_forbidden":
            lines.append(
                f"{source}: unknown key '{key}'; allowed keys are listed in earlywarn.config.Settings"
            )
        else:
            lines.append(f"{source}: key '{key}': {e['msg']} (got {e.get('input')!r})")
    return "\n".join(lines)


def load_settings(
    config_file: str | os.PathLike[str] | None = None,
    *,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build settings from the four layers and validate them.

    Parameters
    ----------
    config_file : path, optional
        A TOML file; defaults to ``$EARLYWARN_CONFIG`` or ``earlywarn.toml`` in the
        working directory if it exists.
    environ : dict, optional
        Environment to read ``EARLYWARN_*`` variables from (default ``os.environ``).
        Nested keys use a double underscore: ``EARLYWARN_HTTP__USER_AGENT``.
    **overrides
        Arguments; ``None`` values are ignored.

    Raises
    ------
    ConfigError
        Naming the file (or ``environment`` / ``arguments``) and the key at fault.
    """
    env = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    path = config_file or env.get(ENV_PREFIX + "CONFIG")
    if path is None and Path("earlywarn.toml").is_file():
        path = "earlywarn.toml"
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file {p} does not exist; create it or drop --config")
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{p}: not valid TOML ({exc}); fix the syntax") from exc
        data = data.get("earlywarn", data)
        try:
            Settings.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_format_error(exc, str(p))) from None
    env_layer = _env_layer(env)
    if env_layer:
        data = _merge(data, env_layer)
        try:
            Settings.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_format_error(exc, "environment (EARLYWARN_*)")) from None
    data = _merge(data, {k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_error(exc, "arguments")) from None
