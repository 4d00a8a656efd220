"""Settings: defaults < TOML config file < ``EARLYWARN_*`` environment < arguments.

Examples
--------
>>> from earlywarn.config import load_settings
>>> s = load_settings(archive="/tmp/x.duckdb")
>>> s.archive.name
'x.duckdb'
>>> s.focal_country, load_settings(focal_country="Việt Nam").focal_country
('VNM', 'VNM')
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import tomllib
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from earlywarn._log import get_logger
from earlywarn._yaml import config_text
from earlywarn.errors import ConfigError, path_problem

__all__ = ["ENV_PREFIX", "Settings", "load_settings"]

ENV_PREFIX = "EARLYWARN_"
#: ``EARLYWARN_*`` variables that are no setting: read where they are used (the config file,
#: the shared data folder of the evals and tests, the deadline of one MLflow call), so the
#: settings layer leaves them alone. Setting one made every command a configuration error
#: ('unknown key shared_data') although the messages themselves said to set it.
PROCESS_VARIABLES = frozenset(
    ENV_PREFIX + name for name in ("CONFIG", "SHARED_DATA", "MLFLOW_CALL_DEADLINE")
)
log = get_logger(__name__)


_DAY = 86_400.0


class HttpSettings(BaseModel):
    """Settings of the one HTTP client (and of alert deliveries).

    Every limit must be finite and sane: infinity, NaN and absurd values (a timeout of
    more than a day, a body cap above 2 GiB ...) are refused with the key named.
    ``total_timeout`` bounds one fetch (connect, headers, body, redirects, retries) and
    one delivery; ``stage_timeout`` bounds all fetches of a collect run.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    #: one line of printable text (a line break would make every request invalid HTTP)
    user_agent: str = "earlywarn/0.1 (+https://example.invalid/earlywarn)"
    connect_timeout: float = Field(10.0, gt=0, le=600)
    read_timeout: float = Field(20.0, gt=0, le=3600)
    total_timeout: float = Field(60.0, gt=0, le=_DAY)
    stage_timeout: float = Field(4 * 3600.0, gt=0, le=7 * _DAY)
    max_bytes: int = Field(10_000_000, gt=0, le=2**31)
    max_redirects: int = Field(5, ge=0, le=50)
    per_host_concurrency: int = Field(2, ge=1, le=64)
    politeness_delay: float = Field(1.0, ge=0, le=3600)
    max_connections: int = Field(32, ge=1, le=1024)
    retries: int = Field(3, ge=0, le=20)
    #: entries read per feed document, the newest first (a feed listing 100,000 items
    #: would otherwise send the collect stage after every one of them, night after night)
    max_entries: int = Field(1000, ge=1, le=100_000)
    respect_robots: bool = True
    allow_private: list[str] = Field(default_factory=list)

    @field_validator("user_agent")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if not value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError(
                "give one line of printable text, such as 'earlywarn/0.1 (+mailto:desk@example.org)'"
                " (a line break would make every request invalid HTTP)"
            )
        return value

    def wide_allowances(self) -> list[str]:
        """Entries of ``allow_private`` that open more than one host (whole networks).

        Examples
        --------
        >>> HttpSettings(allow_private=["127.0.0.1", "10.0.0.0/8", "intranet"]).wide_allowances()
        ['10.0.0.0/8 (16777216 addresses)']
        """
        out = []
        for item in self.allow_private:
            try:
                net = ipaddress.ip_network(item.strip(), strict=False)
            except ValueError:
                if "*" in item:
                    out.append(f"{item} (a wildcard matches no host: list names exactly)")
                continue
            if net.num_addresses > 1:
                out.append(f"{item} ({net.num_addresses} addresses)")
        return out


class WebSettings(BaseModel):
    """Settings of the review page (``earlywarn serve``): sessions, login, proxy trust."""

    model_config = ConfigDict(extra="forbid")
    #: Key signing the session cookies; empty: a random key per start (everyone logs in again).
    session_secret: str = ""
    session_hours: float = Field(12.0, gt=0)
    #: Let visitors who are not logged in read (never act); off: every page needs a login.
    anonymous_read: bool = False
    #: Header an authenticating reverse proxy sets to the user name (e.g. ``X-Remote-User``);
    #: empty (the default): never trusted.
    proxy_user_header: str = ""
    #: Addresses the proxy connects from; the header is ignored from any other address.
    proxy_trusted: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])
    login_max_failures: int = Field(5, ge=1)
    login_max_failures_per_address: int = Field(20, ge=1)
    login_window_minutes: float = Field(15.0, gt=0)
    login_lockout_minutes: float = Field(15.0, gt=0)


#: Settings that are paths: ``~`` and ``$VAR`` in them are expanded (:func:`expand_path`).
_PATH_KEYS = ("archive", "output_dir", "catalog", "models_dir", "rules", "channels")
_VAR = re.compile(r"\$(?:\{([^}]*)\}|(\w+))")


def expand_path(value: Any, environ: Mapping[str, str]) -> Any:
    """A path setting with ``~`` (the home folder) and ``$VAR`` or ``${VAR}`` expanded, as
    a shell would: DuckDB expands ``~`` itself, so a path left as written put the
    archive's lock in a folder named ``~`` under the working directory and the archive
    in the home folder. A variable that is not set is an error (ValueError), not a
    folder named ``$VAR``. Values that are no text are returned as they are.

    Examples
    --------
    >>> expand_path("${DATA}/a.duckdb", {"DATA": "/srv"}), expand_path("x", {})
    ('/srv/a.duckdb', 'x')
    >>> expand_path("~/a.duckdb", {"HOME": "/home/ew"})
    '/home/ew/a.duckdb'
    >>> expand_path("$DATA/a.duckdb", {})
    Traceback (most recent call last):
    ...
    ValueError: names the environment variable $DATA, which is not set; set it or write the path out
    """
    if not isinstance(value, str | os.PathLike):
        return value
    text = os.fspath(value)
    if not isinstance(text, str):
        return value

    def var(m: re.Match[str]) -> str:
        name = m.group(1) if m.group(1) is not None else m.group(2)
        if name not in environ:
            raise ValueError(
                f"names the environment variable ${name}, which is not set; set it or write "
                "the path out"
            )
        return environ[name]

    text = _VAR.sub(var, text)
    if text == "~" or text.startswith("~/"):
        home = environ.get("HOME") or os.path.expanduser("~")
        if home == "~":
            raise ValueError("starts with ~ but the home folder is not known; write the path out")
        text = home + text[1:]
    elif text.startswith("~"):
        text = os.path.expanduser(text)  # ~user
    return text


class Settings(BaseModel):
    """All of earlywarn's settings; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)
    archive: Path = Path("earlywarn.duckdb")
    output_dir: Path = Path("earlywarn-out")
    tracking_uri: str | None = None
    experiment: str = "earlywarn"
    catalog: Path | None = None
    models_dir: Path | None = None
    rules: Path | None = None
    channels: Path | None = None
    #: The focal country (ISO3, or a name in a catalog language: "Vietnam", "Việt Nam").
    focal_country: str = "VNM"
    #: Peers compared with it (codes or names; default the ASEAN members, China, the US;
    #: the focal country itself is skipped).
    focal_peers: list[str] = Field(default_factory=lambda: _default_peers())
    scheduler: str | None = None
    n_workers: int = Field(2, ge=1, le=1024)
    lock_timeout: float = Field(0.0, ge=0, le=_DAY)
    log_format: Literal["text", "json"] = "text"
    max_forecast_series: int = Field(40, ge=1, le=1_000_000)
    horizon: int = Field(8, ge=1, le=10_000)
    #: independent owner families (feeds' ``family``) a news-fed alert needs above ``low``
    min_families: int = Field(2, ge=1, le=1_000)
    keep_raw_html: bool = False
    #: Language of the report and the review page's default (``en`` or ``vi``).
    locale: Literal["en", "vi"] = "en"
    web: WebSettings = Field(default_factory=lambda: WebSettings.model_validate({}))
    http: HttpSettings = Field(default_factory=lambda: HttpSettings.model_validate({}))

    @field_validator(*_PATH_KEYS, mode="before")
    @classmethod
    def _expand_path(cls, value: Any, info: ValidationInfo) -> Any:
        environ = (info.context or {}).get("environ")
        return expand_path(value, os.environ if environ is None else environ)

    @field_validator("focal_country")
    @classmethod
    def _focal_iso3(cls, value: str) -> str:
        return _country(value)

    @field_validator("focal_peers", mode="before")
    @classmethod
    def _peer_iso3(cls, value: Any) -> list[str]:
        items = value.split(",") if isinstance(value, str) else list(value or [])
        return [_country(str(v)) for v in items if str(v).strip()]

    def resolved_tracking_uri(self, environ: Mapping[str, str] | None = None) -> str:
        """The MLflow tracking URI: ``--tracking-uri`` or the ``tracking_uri`` setting, else
        MLflow's own ``MLFLOW_TRACKING_URI``, else a sqlite store in ``output_dir``.

        Examples
        --------
        >>> s = load_settings(output_dir="/tmp/o", environ={})
        >>> s.resolved_tracking_uri({"MLFLOW_TRACKING_URI": "http://127.0.0.1:5000"})
        'http://127.0.0.1:5000'
        >>> s.resolved_tracking_uri({})
        'sqlite:////tmp/o/mlflow.db'
        """
        if self.tracking_uri:
            return self.tracking_uri
        env = os.environ if environ is None else environ
        if env.get("MLFLOW_TRACKING_URI"):
            return env["MLFLOW_TRACKING_URI"]
        return f"sqlite:///{self.output_dir.resolve() / 'mlflow.db'}"


def _default_peers() -> list[str]:
    from earlywarn.focal.names import DEFAULT_PEERS

    return list(DEFAULT_PEERS)


def _country(value: str) -> str:
    """ISO3 of a country code or name (raises ValueError, which pydantic reports with the key)."""
    from earlywarn.errors import UsageError
    from earlywarn.focal.names import resolve_country

    try:
        return resolve_country(value)
    except UsageError as exc:
        raise ValueError(str(exc)) from None


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
        if k.startswith(ENV_PREFIX) and k not in PROCESS_VARIABLES
    }
    for key, value in flat.items():
        if key in ("http__allow_private", "web__proxy_trusted"):
            flat[key] = [v for v in value.split(",") if v]
    return _nest(flat)


def _did_you_mean(loc: tuple[Any, ...]) -> str:
    """`` (did you mean 'archive'?)`` for a misspelt key at ``loc``, or ``""``.

    Examples
    --------
    >>> _did_you_mean(("archve",)), _did_you_mean(("http", "user_agnet")), _did_you_mean(("x",))
    (" (did you mean 'archive'?)", " (did you mean 'user_agent'?)", '')
    """
    import difflib

    model: Any = Settings
    for part in loc[:-1]:
        field = getattr(model, "model_fields", {}).get(str(part))
        model = getattr(field, "annotation", None)
    fields = list(getattr(model, "model_fields", {}))
    close = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.75) if loc else []
    return f" (did you mean '{close[0]}'?)" if close else ""


def _format_error(err: ValidationError, source: str) -> str:
    lines = []
    env = source.startswith("environment")
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"])
        var = ENV_PREFIX + "__".join(str(p) for p in e["loc"]).upper()
        if e["type"] == "extra_forbidden":
            if env:  # name the variable, not a key nobody wrote
                lines.append(
                    f"{source}: unknown variable {var} (key '{key}'){_did_you_mean(e['loc'])}; "
                    "unset it or fix its name: allowed keys are listed in "
                    "earlywarn.config.Settings, other EARLYWARN_ variables are "
                    f"{', '.join(sorted(PROCESS_VARIABLES))}"
                )
                continue
            lines.append(
                f"{source}: unknown key '{key}'{_did_you_mean(e['loc'])}; allowed keys are "
                "listed in earlywarn.config.Settings"
            )
        else:
            where = f"{var} (key '{key}')" if env else f"key '{key}'"
            lines.append(f"{source}: {where}: {e['msg']} (got {e.get('input')!r})")
    return "\n".join(lines)


def _toml_text(raw: bytes, path: Path) -> str:
    """A config file's text: UTF-8, with or without the byte-order mark Windows editors
    write (TOML allows none, and tomllib reported 'Invalid statement' at line 1, column 1
    of a file that looked right), or UTF-16 with its mark (PowerShell's ``Out-File``).

    Examples
    --------
    >>> _toml_text("\\ufeffarchive = 'a'".encode(), Path("x.toml"))
    "archive = 'a'"
    >>> _toml_text("archive = 'ă'".encode("utf-16"), Path("x.toml"))
    "archive = 'ă'"
    """
    return config_text(raw, str(path))


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

    Examples
    --------
    >>> s = load_settings(environ={"EARLYWARN_HORIZON": "6"}, focal_country="Việt Nam")
    >>> s.horizon, s.focal_country, s.http.total_timeout
    (6, 'VNM', 60.0)
    """
    env = dict(os.environ if environ is None else environ)
    context = {"environ": env}
    data: dict[str, Any] = {}
    path = config_file or env.get(ENV_PREFIX + "CONFIG")
    if path is None and Path("earlywarn.toml").is_file():
        path = "earlywarn.toml"
    if path is not None:
        try:
            p = Path(expand_path(path, env))
        except ValueError as exc:
            raise ConfigError(f"config file {path} {exc}") from None
        problem = path_problem(p)
        if problem is not None:
            raise ConfigError(
                f"config file {p} {problem}; give the path of a TOML file, or drop --config"
            )
        try:
            data = tomllib.loads(_toml_text(p.read_bytes(), p))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{p}: not valid TOML ({exc}); fix the syntax") from exc
        data = data.get("earlywarn", data)
        try:
            Settings.model_validate(data, context=context)
        except ValidationError as exc:
            raise ConfigError(_format_error(exc, str(p))) from None
    env_layer = _env_layer(env)
    if env_layer:
        data = _merge(data, env_layer)
        try:
            Settings.model_validate(data, context=context)
        except ValidationError as exc:
            raise ConfigError(_format_error(exc, "environment (EARLYWARN_*)")) from None
    data = _merge(data, {k: v for k, v in overrides.items() if v is not None})
    try:
        settings = Settings.model_validate(data, context=context)
    except ValidationError as exc:
        raise ConfigError(_format_error(exc, "arguments")) from None
    for wide in settings.http.wide_allowances():
        log.warning(
            "http.allow_private entry %s is wider than one host: every address in it "
            "may be fetched (SSRF); list single hosts instead",
            wide,
        )
    return settings
