"""Delivery channels: where alerts go, loaded from a validated YAML file.

A channels file looks like::

    channels:
      - name: desk-email                 # unique; the outbox key uses it
        kind: apprise                    # apprise (email, Slack, Teams, json://...) or cloudevents
        url: "mailtos://${SMTP_USER}:${SMTP_PASSWORD}@smtp.example.org?to=desk@example.org"
        min_severity: medium             # low | medium | high | critical (default low)
        rules: ["protest-*", "coercion-*"]   # optional globs over rule names (default all)
        series: ["*:VNM*", "dyad:*>VNM"]     # optional globs over series ids (default all)
      - name: siem
        kind: cloudevents                # CloudEvents 1.0 JSON, structured mode, via httpx
        url: https://siem.example.org/hooks/earlywarn
        headers: {Authorization: "Bearer ${SIEM_TOKEN}"}   # cloudevents only
        source: "urn:earlywarn:mofa-vn"  # CloudEvents 'source' (default urn:earlywarn:alerts)
      - name: morning-brief
        kind: apprise
        url: "mailtos://${SMTP_USER}:${SMTP_PASSWORD}@smtp.example.org?to=desk@example.org"
        digest: true                     # also send the morning brief (HTML + text e-mail)
        min_severity: critical           # and only critical alerts

``digest: true`` (apprise channels only) sends each night's brief to the channel as
well: an e-mail with an HTML and a plain-text body for e-mail URLs, the text for others.

``${NAME}`` anywhere in a string value is replaced by the environment variable
``NAME`` (a missing variable is an error), so secrets stay out of the file. Set
``enabled: false`` to keep a channel in the file without sending to it.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from earlywarn._yaml import safe_load
from earlywarn.alerts.rules import SEVERITIES
from earlywarn.data import read_text
from earlywarn.errors import ConfigError

__all__ = ["KINDS", "Channel", "load_channels", "parse_channels"]

#: Channel kinds.
KINDS = ("apprise", "cloudevents")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_KEYS = {
    "name",
    "kind",
    "url",
    "min_severity",
    "rules",
    "series",
    "headers",
    "source",
    "enabled",
    "digest",
}


@dataclass(frozen=True)
class Channel:
    """One delivery channel (see the module docstring for the YAML form).

    Examples
    --------
    >>> ch = Channel("desk", "apprise", "json://127.0.0.1:8080/hook",
    ...              min_severity="high", rules=("protest-*",))
    >>> ch.accepts(rule="protest-surge", unique_id="ev:VNM:r14", severity="critical")
    True
    >>> ch.accepts(rule="protest-surge", unique_id="ev:VNM:r14", severity="medium")
    False
    >>> ch  # the URL may hold secrets: it is never shown
    Channel(name='desk', kind='apprise', min_severity='high')
    """

    name: str
    kind: str
    url: str = field(repr=False)
    min_severity: str = "low"
    rules: tuple[str, ...] = field(default=("*",), repr=False)
    series: tuple[str, ...] = field(default=("*",), repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    source: str = field(default="urn:earlywarn:alerts", repr=False)
    enabled: bool = field(default=True, repr=False)
    digest: bool = field(default=False, repr=False)

    def accepts(self, *, rule: str, unique_id: str, severity: str) -> bool:
        """Whether an alert of ``rule`` on ``unique_id`` at ``severity`` goes to this channel."""
        if not self.enabled:
            return False
        rank = SEVERITIES.index(severity) if severity in SEVERITIES else -1
        if rank < SEVERITIES.index(self.min_severity):
            return False
        return any(fnmatch.fnmatchcase(rule, p) for p in self.rules) and any(
            fnmatch.fnmatchcase(unique_id, p) for p in self.series
        )


def _expand(value: Any, at: str, environ: Mapping[str, str]) -> Any:
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in environ:
                raise ConfigError(
                    f"{at}: environment variable {name} is not set; export it or "
                    "remove the ${" + name + "} reference"
                )
            return environ[name]

        return _ENV.sub(sub, value)
    if isinstance(value, list):
        return [_expand(v, at, environ) for v in value]
    if isinstance(value, Mapping):
        return {k: _expand(v, f"{at}.{k}", environ) for k, v in value.items()}
    return value


def _globs(item: Mapping[str, Any], key: str, at: str) -> tuple[str, ...]:
    if key not in item:
        return ("*",)
    val = item[key]
    val = [val] if isinstance(val, str) else val
    if not isinstance(val, list) or not val or not all(isinstance(v, str) and v for v in val):
        raise ConfigError(f"{at}: key '{key}' must be a glob or a non-empty list of globs")
    return tuple(val)


def _check_url(kind: str, url: str, at: str) -> None:
    if kind == "cloudevents":
        if not re.match(r"^https?://[^/\s]+", url):
            raise ConfigError(f"{at}: key 'url' must be an http(s):// URL for kind cloudevents")
        from earlywarn.collect.http import url_problem

        problem = url_problem(url)  # else every delivery to it fails, night after night
        if problem is not None:
            raise ConfigError(f"{at}: key 'url' is not a URL that can be reached ({problem})")
        return
    import apprise

    if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
        scheme = url.split("://", 1)[0] if "://" in url else "?"
        raise ConfigError(
            f"{at}: key 'url' is not a valid apprise URL (scheme {scheme!r}); see "
            "https://github.com/caronc/apprise/wiki for the URL of each service"
        )


def _channel(item: Any, where: str, index: int, environ: Mapping[str, str]) -> Channel:
    if not isinstance(item, Mapping):
        raise ConfigError(f"{where}: channel #{index} must be a mapping, got {type(item).__name__}")
    name = item.get("name")
    at = f"{where}: channel #{index} ({name!r})"
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(
            f"{at}: key 'name' is required: letters, digits, '_', '.', '-' (at most 64)"
        )
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise ConfigError(f"{at}: unknown key(s) {unknown}; allowed: {sorted(_KEYS)}")
    item = _expand(dict(item), at, environ)
    kind = item.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{at}: key 'kind' must be one of {KINDS}, got {kind!r}")
    url = item.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{at}: key 'url' is required and must be a string")
    _check_url(kind, url.strip(), at)
    sev = item.get("min_severity", "low")
    if sev not in SEVERITIES:
        raise ConfigError(f"{at}: key 'min_severity' must be one of {SEVERITIES}, got {sev!r}")
    headers = item.get("headers", {})
    if headers and kind != "cloudevents":
        raise ConfigError(
            f"{at}: key 'headers' is for kind cloudevents; apprise URLs take headers as "
            "'+Name=value' query arguments"
        )
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, (str, int)) for k, v in headers.items()
    ):
        raise ConfigError(f"{at}: key 'headers' must map header names to strings")
    if any(re.search(r"[\x00-\x1f\x7f]", f"{k}{v}") for k, v in headers.items()):
        raise ConfigError(
            f"{at}: key 'headers' holds a line break or control character; give each "
            "header one line of text (it would make every delivery invalid HTTP)"
        )
    source = item.get("source", "urn:earlywarn:alerts")
    if not isinstance(source, str) or not source:
        raise ConfigError(f"{at}: key 'source' must be a non-empty URI reference")
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{at}: key 'enabled' must be true or false, got {enabled!r}")
    digest = item.get("digest", False)
    if not isinstance(digest, bool):
        raise ConfigError(f"{at}: key 'digest' must be true or false, got {digest!r}")
    if digest and kind != "apprise":
        raise ConfigError(f"{at}: key 'digest' is for kind apprise (e-mail, chat), not {kind}")
    return Channel(
        name=name,
        kind=kind,
        url=url.strip(),
        min_severity=sev,
        rules=_globs(item, "rules", at),
        series=_globs(item, "series", at),
        headers=tuple((str(k), str(v)) for k, v in headers.items()),
        source=source,
        enabled=enabled,
        digest=digest,
    )


def parse_channels(
    doc: Any, where: str = "<channels>", *, environ: Mapping[str, str] | None = None
) -> list[Channel]:
    """Validate a parsed channels document (``{"channels": [...]}``) into channels.

    Parameters
    ----------
    doc : mapping or list
        The YAML document; a bare list of channels is accepted too.
    where : str
        Named in error messages (the file path).
    environ : mapping, optional
        Where ``${NAME}`` references are looked up (default ``os.environ``).

    Raises
    ------
    ConfigError
        Naming ``where``, the channel (by index and name) and the key at fault.

    Examples
    --------
    >>> doc = {"channels": [{"name": "hook", "kind": "cloudevents",
    ...                      "url": "https://h.example.org/e?token=${TOKEN}"}]}
    >>> [c.name for c in parse_channels(doc, environ={"TOKEN": "s3cret"})]
    ['hook']
    >>> parse_channels(doc, "ch.yaml", environ={})
    Traceback (most recent call last):
    ...
    earlywarn.errors.ConfigError: ch.yaml: channel #0 ('hook').url: environment variable TOKEN is not set; ...
    """
    env = os.environ if environ is None else environ
    items = doc.get("channels") if isinstance(doc, Mapping) else doc
    if not isinstance(items, list):
        raise ConfigError(f"{where}: expected a top-level 'channels:' list")
    if not items:  # else every alert is silently never delivered (enabled: false pauses one)
        raise ConfigError(
            f"{where}: 'channels:' lists no channel; add one (see channels.example.yaml), "
            "set enabled: false to pause one, or remove channels from the config"
        )
    channels = [_channel(item, where, i, env) for i, item in enumerate(items)]
    names = [c.name for c in channels]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{where}: channel names must be unique; repeated: {dupes}")
    return channels


def load_channels(
    path: str | os.PathLike[str], *, environ: Mapping[str, str] | None = None
) -> list[Channel]:
    """Load and validate delivery channels from a YAML file.

    Raises
    ------
    ConfigError
        If the file cannot be read, is not YAML, or a channel is invalid (the message
        names the file, the channel and the key).

    Examples
    --------
    >>> from importlib.resources import files
    >>> example = files("earlywarn.data").joinpath("channels.example.yaml")
    >>> env = {"SMTP_USER": "u", "SMTP_PASSWORD": "p", "SLACK_TOKEN": "T0/B0/X0",
    ...        "SIEM_TOKEN": "t"}
    >>> [c.kind for c in load_channels(str(example), environ=env)]
    ['apprise', 'apprise', 'apprise', 'cloudevents']
    """
    text, where = read_text(None, path, "channels file")
    try:
        doc = safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML: {exc}") from None
    return parse_channels(doc, where, environ=environ)
