"""Alert rules: a YAML file of named rules, validated on load.

A rules file looks like::

    rules:
      - name: protest-surge
        kind: [events]                # series kinds (earlywarn.series.kinds): events,
                                      # fatalities, coverage, tone, network, dyad, counts
        event_class: ["cameo:14"]     # cameo:NN, plover:NAME, quad:N or all
        series: ["*"]                 # glob patterns over unique_id (default: all)
        detector: ensemble            # a detector name in the anomalies frame
        threshold: 3.0                # score at or above which a period is anomalous
        severity:                     # a fixed level, or levels escalating by score
          - {score: 3, level: medium}
          - {score: 6, level: high}
        min_duration: 1               # consecutive anomalous periods before alerting
        cooldown: 2                   # quiet periods that still belong to the same episode
        window: 7D                    # how recent the last anomalous ds must be (vs as_of)
        min_per_month: 0              # the period's value, as a rate per 30 days, must reach it
        title: "Protest surge: {country_name}"

A rule matches a series when its kind, event class and globs all match (each left out
matches everything), so the same rule watches ``ev:MLI:r19`` coded from news,
``MLI:root19`` imported from GDELT and ``MLI:pv_events`` imported from ACLED.

Corroboration of news-fed alerts is not a rule key: the ``min_families`` setting counts
independent owner families (the feed's ``family``, or its outlet when it has none) for
every rule. The old per-rule ``min_outlets`` is deprecated: it is ignored with a
``FutureWarning`` that says so.
"""

from __future__ import annotations

import fnmatch
import math
import re
import string
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from earlywarn._yaml import safe_load
from earlywarn.data import read_text
from earlywarn.errors import ConfigError
from earlywarn.extract.plover import PLOVER_TYPES
from earlywarn.series.kinds import KINDS, series_kind

__all__ = [
    "MAX_PERIODS",
    "MAX_PER_MONTH",
    "MAX_SCORE",
    "MAX_WINDOW_DAYS",
    "SEVERITIES",
    "Rule",
    "apply_overrides",
    "bind_focal",
    "load_rules",
]

#: Severity levels, lowest first.
SEVERITIES = ("low", "medium", "high", "critical")

_DEFAULT_DEDUP = "{rule}|{unique_id}|{episode_start}"

#: A threshold or severity score must be below this (as the review page's rules form
#: asks): no detector's score comes near it (the z and rate scores stop at 50, the
#: ensemble's -log10 p near 300), so a rule asking more would never fire.
MAX_SCORE = 1000.0
#: Most periods of ``min_duration`` and ``cooldown``: a year of daily periods (seven of
#: weekly, thirty of monthly). A longer run is no surge but the series' level, so a rule
#: asking more never fires; a longer cooldown keeps every later surge in one episode.
MAX_PERIODS = 366
#: Longest recency ``window``, in days (ten years; a month counts 30 days).
MAX_WINDOW_DAYS = 3660
#: Highest ``min_per_month``, a rate per 30 days no series comes near (more events than
#: GDELT codes in a month for the whole world), so a rule asking more never fires.
MAX_PER_MONTH = 1e8


@dataclass(frozen=True)
class Rule:
    """One alert rule (see the module docstring for the YAML form).

    Examples
    --------
    >>> r = Rule("protest", series=("ev:*:r14",), threshold=3.0,
    ...          severity=((3.0, "medium"), (6.0, "high")))
    >>> r.matches("ev:VNM:r14"), r.matches("ev:VNM:r18")
    (True, False)
    >>> r.severity_for(7.5)
    'high'
    >>> fight = Rule("fighting", kind=("events",), event_class=("plover:ASSAULT",))
    >>> [fight.matches(u) for u in ("ev:MLI:r19", "MLI:root18", "MLI:pv_events", "cov:MLI")]
    [True, True, True, False]
    """

    name: str
    series: tuple[str, ...] = ("*",)
    detector: str = "ensemble"
    threshold: float = 3.0
    severity: str | tuple[tuple[float, str], ...] = "medium"
    min_duration: int = 1
    cooldown: int = 0
    window: str = "7D"
    dedup_key: str = _DEFAULT_DEDUP
    title: str = "{rule}: {series_label}"
    description: str = ""
    exclude: tuple[str, ...] = field(default_factory=tuple)
    kind: tuple[str, ...] = field(default_factory=tuple)
    event_class: tuple[str, ...] = field(default_factory=tuple)
    min_per_month: float = 0.0

    def matches(self, unique_id: str) -> bool:
        """Whether ``unique_id`` is of the rule's kind and event class, matches one of its
        patterns and none of its exclusions."""
        if any(fnmatch.fnmatchcase(unique_id, p) for p in self.exclude):
            return False
        if not any(fnmatch.fnmatchcase(unique_id, p) for p in self.series):
            return False
        if self.kind or self.event_class:
            k = series_kind(unique_id)
            if self.kind and k.kind not in self.kind:
                return False
            if self.event_class and not set(self.event_class) & set(k.classes):
                return False
        return True

    def flags(self, frame: pd.DataFrame, freq: str = "MS") -> np.ndarray:
        """Anomalous periods of one series' scores: ``score >= threshold`` and, with
        ``min_per_month``, ``y`` scaled to 30 days (``freq`` D, W or MS) at least that."""
        flags = (frame["score"] >= self.threshold).to_numpy(dtype=bool, copy=True)
        if self.min_per_month and "y" in frame:
            per_month = frame["y"].to_numpy(float) * 30.0 / _DAYS.get(freq, 30.0)
            flags &= per_month >= self.min_per_month - 1e-9
        return flags

    def severity_for(self, score: float) -> str:
        """The severity level for ``score`` (the highest level whose score is reached)."""
        if isinstance(self.severity, str):
            return self.severity
        level = self.severity[0][1]
        for limit, name in self.severity:
            if score >= limit:
                level = name
        return level

    def window_offset(self) -> pd.DateOffset | pd.Timedelta:
        """The recency window as a pandas offset (``"7D"`` -> 7 days, ``"3MS"`` -> 3 months)."""
        return _parse_window(self.window)


def _parse_window(text: str) -> pd.DateOffset | pd.Timedelta:
    s = str(text).strip()
    num = "".join(ch for ch in s if ch.isdigit()) or "1"
    unit = s[len(num) :] if s.startswith(num) else s
    n = int(num)
    if n < 1:  # a window of no days holds no anomaly: the rule never fires
        raise ValueError(f"{text!r} is an empty window; use at least one day, week or month")
    days = n * {"MS": 30, "M": 30, "ME": 30, "W": 7}.get(unit, 1)
    if days > MAX_WINDOW_DAYS:  # past pandas' range, the alerts stage failed (overflow)
        raise ValueError(
            f"{text!r} is a window of {days:,} days, longer than {MAX_WINDOW_DAYS:,} (ten "
            "years); the window says how recent an episode's last anomaly must be"
        )
    if unit in ("MS", "M", "ME"):
        return pd.DateOffset(months=n)
    if unit in ("W",):
        return pd.Timedelta(weeks=n)
    if unit in ("D",):
        return pd.Timedelta(days=n)
    raise ValueError(f"{text!r} is not a window like '7D', '2W' or '3MS'")


def bind_focal(rules: Sequence[Rule], focal: str) -> list[Rule]:
    """The rules with ``{focal}`` in their ``series`` and ``exclude`` globs replaced by the
    focal country's ISO3 (unbound, ``{focal}`` matches no series).

    Examples
    --------
    >>> r = bind_focal(load_rules(), "LAO")
    >>> [x.name for x in r if x.matches("per:LAO")], [x.name for x in r if x.matches("per:VNM")]
    (['focal-coverage-spike'], [])
    """

    def sub(globs: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(g.replace("{focal}", focal) for g in globs)

    return [replace(r, series=sub(r.series), exclude=sub(r.exclude)) for r in rules]


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """Load and validate alert rules from YAML (``None``: the shipped default rules).

    Raises
    ------
    ConfigError
        Naming the file, the rule (by index and name) and the key that is wrong.

    Examples
    --------
    >>> rules = load_rules()
    >>> any(r.matches("cov:VNM") for r in rules)
    True
    """
    text, where = read_text("alerts.yaml", path, "rules file")
    try:
        doc = safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML: {exc}") from None
    items = doc.get("rules") if isinstance(doc, Mapping) else doc
    if not isinstance(items, list):
        raise ConfigError(f"{where}: expected a top-level 'rules:' list of rules")
    if not items:  # every alert would stay silent, night after night, without a word
        raise ConfigError(
            f"{where}: 'rules' is empty, so no alert could ever be raised; list at least one "
            "rule (the shipped ones are in earlywarn/data/alerts.yaml), or drop the 'rules' "
            "setting to use them"
        )
    rules = [_rule(item, where, i) for i, item in enumerate(items)]
    names = [r.name for r in rules]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{where}: rule names must be unique; repeated: {dupes}")
    return rules


_KEYS = {f for f in Rule.__dataclass_fields__}
# keys of older rule files, read with a warning and ignored: key -> what to do instead
_DEPRECATED = {
    "min_outlets": (
        "news-fed alerts are corroborated by independent owner families (the feed's "
        "'family' in the catalog, or its outlet when it has none), for every rule: set "
        "'min_families' in the config file or EARLYWARN_MIN_FAMILIES instead (default 2; an "
        "alert with fewer families is raised at 'low'), and delete 'min_outlets' from the rule"
    ),
}
_DAYS = {"D": 1.0, "W": 7.0, "MS": 30.0}
_CLASS = re.compile(r"all|cameo:\d{2}|plover:[A-Za-z]+|quad:[1-4]")
#: the detectors whose scores the nightly anomalies table holds (the default ensemble and
#: its components, the network's tie shift) and the perception rules' own: a rule naming
#: another (a typo, ``zscroe``) matched no anomaly and stayed silent for good
DETECTORS = (
    "ensemble", "robust_z", "rate_surprise", "rate_cusum", "share_spike", "tie_shift", "perception",
)  # fmt: skip


#: the placeholders each template may hold (what the alert engine fills in)
_PLACEHOLDERS = {
    "title": ("rule", "unique_id", "country", "country_name", "target", "target_name",
              "series_label", "change"),
    "dedup_key": ("rule", "unique_id", "episode_start"),
}  # fmt: skip
#: the titles of the perception alerts (earlywarn.focal.narrative_stage) fill in others
_PERCEPTION_TITLES = {
    "narrative-new-language": ("country_name", "language", "narrative"),
    "low-pickup": ("country_name", "statement"),
}


def _known_class(value: str) -> bool:
    """Whether an event class a rule names can be a series' (``plover:ASSUALT`` or
    ``cameo:27`` matched nothing, so the rule never fired)."""
    kind, _, name = value.partition(":")
    if kind == "plover":
        return name.upper() in PLOVER_TYPES
    if kind == "cameo":
        return 1 <= int(name) <= 20
    return True


def _finite(value: Any) -> bool:
    """A number that is not a bool, NaN or infinite (a NaN threshold never fires: silence)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _template(value: str, key: str, at: str, allowed: Sequence[str]) -> None:
    """Refuse a template the engine cannot fill: an unknown placeholder failed the alerts
    stage at the first anomaly (KeyError), '{rule.__class__}' reads Python internals and
    '{rule:>99999999}' builds a 100 MB title."""
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(value)]
    except ValueError as exc:
        raise ConfigError(
            f"{at}: key '{key}': {exc} (a literal brace is written '{{{{' or '}}}}')"
        ) from None
    for name, spec, conv in fields:
        if name is not None and (name not in allowed or spec or conv):
            shown = "{" + name + ("!" + conv if conv else "") + (":" + spec if spec else "") + "}"
            raise ConfigError(
                f"{at}: key '{key}': {shown!r} is not a placeholder; use "
                + ", ".join("{" + a + "}" for a in allowed)
            )


def _rule(item: Any, where: str, index: int) -> Rule:
    if not isinstance(item, Mapping):
        raise ConfigError(f"{where}: rule #{index} must be a mapping, got {type(item).__name__}")
    name = item.get("name")
    at = f"{where}: rule #{index} ({name!r})"
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{at}: key 'name' is required and must be a non-empty string")
    for key in sorted(set(item) & set(_DEPRECATED)):
        warnings.warn(
            f"{at}: key '{key}' is deprecated and ignored: {_DEPRECATED[key]}",
            FutureWarning,
            stacklevel=3,
        )
    unknown = sorted(set(item) - _KEYS - set(_DEPRECATED))
    if unknown:
        raise ConfigError(f"{at}: unknown key(s) {unknown}; allowed: {sorted(_KEYS)}")
    kw: dict[str, Any] = {"name": name}
    for key in ("series", "exclude", "kind", "event_class"):
        if key in item:
            val = item[key]
            val = [val] if isinstance(val, str) else val
            if not isinstance(val, list) or not val or not all(isinstance(v, str) for v in val):
                what = "a glob or a list of globs" if key in ("series", "exclude") else "a list"
                raise ConfigError(f"{at}: key '{key}' must be {what}")
            if key == "kind" and set(val) - set(KINDS):
                raise ConfigError(
                    f"{at}: key 'kind': {sorted(set(val) - set(KINDS))} not in {list(KINDS)}"
                )
            if key == "event_class":
                bad = [v for v in val if not _CLASS.fullmatch(v) or not _known_class(v)]
                if bad:
                    raise ConfigError(
                        f"{at}: key 'event_class': {bad} are not cameo:NN (a CAMEO root "
                        "01-20), plover:NAME (one of "
                        f"{', '.join(PLOVER_TYPES)}), quad:N (1-4) or all"
                    )
                val = [
                    v.split(":")[0] + ":" + v.split(":")[1].upper() if ":" in v else v for v in val
                ]
            kw[key] = tuple(val)
    for key in ("detector", "dedup_key", "title", "description"):
        if key in item:
            if not isinstance(item[key], str):
                raise ConfigError(f"{at}: key '{key}' must be a string")
            if key == "detector" and item[key] not in DETECTORS:
                raise ConfigError(
                    f"{at}: key 'detector': {item[key]!r} is not one of {', '.join(DETECTORS)}"
                    " (a rule naming no detector of the nightly run never fires)"
                )
            kw[key] = item[key]
            if key in _PLACEHOLDERS:
                allowed = _PLACEHOLDERS[key]
                if key == "title" and item.get("detector") == "perception":
                    allowed = _PERCEPTION_TITLES.get(name, allowed)
                _template(item[key], key, at, allowed)
    if "dedup_key" in kw and "{unique_id}" not in kw["dedup_key"]:
        raise ConfigError(f"{at}: key 'dedup_key' must contain '{{unique_id}}'")
    for key in ("threshold", "min_per_month"):
        if key in item:
            if not _finite(item[key]):
                raise ConfigError(f"{at}: key '{key}' must be a finite number, got {item[key]!r}")
            if key == "threshold" and item[key] <= 0:  # half or more of all periods flagged
                raise ConfigError(
                    f"{at}: key 'threshold' must be above 0 (as the review page's rules form "
                    f"asks), got {item[key]!r}: a score of 0 is a period as expected, so the "
                    "rule would raise an alert on most series it watches"
                )
            if key == "threshold" and item[key] >= MAX_SCORE:
                raise ConfigError(
                    f"{at}: key 'threshold' must be below {MAX_SCORE:g} (as the review page's "
                    f"rules form asks), got {item[key]!r}: no detector's score comes near it, "
                    "so the rule would never fire"
                )
            if key == "min_per_month" and not 0 <= item[key] <= MAX_PER_MONTH:
                raise ConfigError(
                    f"{at}: key 'min_per_month' must be from 0 to {MAX_PER_MONTH:.0e} (a rate "
                    f"per 30 days), got {item[key]!r}: no series comes near more, so the rule "
                    "would never fire"
                )
            kw[key] = float(item[key])
    for key in ("min_duration", "cooldown"):
        if key in item:
            v = item[key]
            low = 1 if key == "min_duration" else 0
            if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= MAX_PERIODS:
                why = (
                    "periods in a row before alerting; a longer run is the series' level, not "
                    "a surge, so the rule would never fire"
                    if key == "min_duration"
                    else "quiet periods still in one episode; a longer gap keeps every later "
                    "surge in the first episode, so no new alert is raised"
                )
                raise ConfigError(
                    f"{at}: key '{key}' must be an integer from {low} to {MAX_PERIODS} "
                    f"({why}), got {v!r}"
                )
            kw[key] = v
    if "window" in item:
        try:
            _parse_window(str(item["window"]))
        except ValueError as exc:
            raise ConfigError(f"{at}: key 'window': {exc}") from None
        kw["window"] = str(item["window"])
    if "severity" in item:
        kw["severity"] = _severity(item["severity"], at)
    return Rule(**kw)


def _severity(value: Any, at: str) -> str | tuple[tuple[float, str], ...]:
    if isinstance(value, str):
        if value not in SEVERITIES:
            raise ConfigError(f"{at}: key 'severity': {value!r} is not one of {SEVERITIES}")
        return value
    if isinstance(value, Sequence) and value:
        levels = []
        for lv in value:
            if not (isinstance(lv, Mapping) and set(lv) == {"score", "level"}):
                raise ConfigError(f"{at}: key 'severity': each level is {{score: N, level: NAME}}")
            if lv["level"] not in SEVERITIES or not _finite(lv["score"]):
                raise ConfigError(
                    f"{at}: key 'severity': bad level {dict(lv)!r}; levels are "
                    f"{SEVERITIES} with numeric scores"
                )
            if not -MAX_SCORE < lv["score"] < MAX_SCORE:
                raise ConfigError(
                    f"{at}: key 'severity': the score of level {lv['level']!r} must be "
                    f"between -{MAX_SCORE:g} and {MAX_SCORE:g}, got {lv['score']!r}: no "
                    "detector's score comes near it, so the level would never be given"
                )
            levels.append((float(lv["score"]), str(lv["level"])))
        return tuple(sorted(levels))
    raise ConfigError(f"{at}: key 'severity' must be a level name or a list of levels")


def apply_overrides(rules: Sequence[Rule], overrides: pd.DataFrame | None) -> list[Rule]:
    """The rules as changed on the review page (``rule_overrides`` table): rules switched
    off are left out, a stored threshold replaces the file's. Unknown rule names are ignored.

    Examples
    --------
    >>> rules = [Rule("a", threshold=3.0), Rule("b")]
    >>> o = pd.DataFrame({"rule": ["a", "b"], "enabled": [True, False], "threshold": [4.5, None]})
    >>> [(r.name, r.threshold) for r in apply_overrides(rules, o)]
    [('a', 4.5)]
    """

    if overrides is None or overrides.empty:
        return list(rules)
    by_name = {str(r["rule"]): r for r in overrides.to_dict("records")}
    out = []
    for rule in rules:
        o = by_name.get(rule.name)
        if o is None:
            out.append(rule)
            continue
        if o.get("enabled") is not None and not pd.isna(o["enabled"]) and not bool(o["enabled"]):
            continue
        t = o.get("threshold")
        out.append(rule if t is None or pd.isna(t) else replace(rule, threshold=float(t)))
    return out
