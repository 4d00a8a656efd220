"""Hostile alert rules (issue 14, third round; tests/HOSTILE.md): values a rules file may
hold that silence a rule or fail the alerts stage, refused when the file is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from earlywarn.alerts import load_rules
from earlywarn.errors import ConfigError


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("threshold: .nan", "'threshold' must be a finite number"),  # never fires: silence
        ("threshold: .inf", "'threshold' must be a finite number"),
        ("min_per_month: -.inf", "'min_per_month' must be a finite number"),
        ("severity: [{score: .nan, level: high}]", "'severity'"),
        ("title: 'Surge in {country_nam}'", "'{country_nam}' is not a placeholder"),  # KeyError
        ("title: '{rule.__class__.__mro__}'", "is not a placeholder"),  # Python internals
        ("title: '{rule:>99999999}'", "is not a placeholder"),  # a 100 MB title
        ("title: 'unclosed {rule'", "a literal brace is written"),
        ("dedup_key: '{unique_id}|{ds}'", "'{ds}' is not a placeholder"),
    ],
)
def test_a_rule_that_would_stay_silent_or_fail_the_stage_is_refused(
    tmp_path: Path, line: str, phrase: str
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(f"rules:\n- name: surge\n  series: ['cov:*']\n  {line}\n")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    assert str(path) in str(err.value) and phrase in str(err.value)


def test_the_shipped_rules_and_their_placeholders_still_load() -> None:
    rules = {r.name: r for r in load_rules()}
    assert "{language}" in rules["narrative-new-language"].title  # a perception title


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("min_duration: 100000000000000000000", "min_duration"),  # 10^20: never fires
        ("min_duration: 367", "min_duration"),
        ("cooldown: 100000000000000000000", "cooldown"),  # one episode for ever
        ("threshold: 1.0e+20", "threshold"),
        ("threshold: 1000", "threshold"),  # the review page's form refuses it too
        ("min_per_month: 1.0e+300", "min_per_month"),
        ("severity: [{score: 3, level: medium}, {score: 1.0e+20, level: high}]", "severity"),
        ("window: 99999999999D", "window"),  # OutOfBoundsTimedelta in the alerts stage
        ("window: 9999999MS", "window"),  # 'year -831308 is out of range' there
        ("window: 3661D", "window"),
    ],
)
def test_absurd_numbers_in_a_rule_are_refused_naming_file_rule_and_key(
    tmp_path: Path, line: str, key: str
) -> None:
    """A rules file's min_duration of 10^20 (and other numbers no series can meet) was
    accepted: the rule never fired, or a window past pandas' range failed the alerts
    stage at the first anomaly. Now a config error naming the file, the rule and the key,
    with the range allowed."""
    path = tmp_path / "rules.yaml"
    path.write_text(f"rules:\n- name: surge\n  series: ['cov:*']\n  {line}\n")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    said = str(err.value)
    assert str(path) in said and "rule #0 ('surge')" in said and f"key '{key}'" in said, said


def test_numbers_at_the_edges_of_the_ranges_load(tmp_path: Path) -> None:
    from earlywarn.alerts.rules import MAX_PERIODS, MAX_WINDOW_DAYS

    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n- name: surge\n  series: ['cov:*']\n"
        f"  min_duration: {MAX_PERIODS}\n  cooldown: {MAX_PERIODS}\n"
        f"  window: {MAX_WINDOW_DAYS}D\n  threshold: 999.5\n  min_per_month: 1.0e+8\n"
        "  severity: [{score: -5, level: low}, {score: 999, level: critical}]\n"
    )
    (rule,) = load_rules(path)
    assert rule.min_duration == rule.cooldown == MAX_PERIODS and rule.window == "3660D"
    assert rule.window_offset().days == MAX_WINDOW_DAYS
