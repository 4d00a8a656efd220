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
