"""Loading rules: the shipped file, and errors naming file, rule and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from earlywarn.alerts import Rule, load_rules
from earlywarn.alerts.rules import bind_focal
from earlywarn.errors import ConfigError


def test_shipped_rules_cover_the_agreed_series() -> None:
    rules = bind_focal(load_rules(), "VNM")

    def covers(uid: str) -> bool:
        return any(r.matches(uid) for r in rules)

    for uid in [
        "ev:VNM:r14",
        "ev:PHL:r17",
        "ev:CHN:r18",
        "ev:USA:r19",
        "ev:RUS:r20",
        "ev:VNM:q4",
        "dyad:CHN>VNM",
        "per:VNM",
        "ptone:VNM",
        "pneg:VNM",
        "pnew:VNM",
        "cov:PHL",
        "YEM:root14",
        "YEM:total",
    ]:
        assert covers(uid), uid
    assert not covers("ev:VNM:r04")
    spike = next(r for r in rules if r.name == "coverage-spike")
    assert not spike.matches("cov:VNM")  # the focal country has its own rules
    assert not covers("per:CHN") and not covers("per:VNM:lang=en")  # peers, breakdowns: compared


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "rules.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("rules:\n  - name: a\n    threshold: high\n", "rule #0 ('a'): key 'threshold'"),
        ("rules:\n  - name: a\n    severity: urgent\n", "key 'severity'"),
        ("rules:\n  - name: a\n    window: soon\n", "key 'window'"),
        ("rules:\n  - name: a\n    min_duration: 0\n", "key 'min_duration'"),
        (
            "rules:\n  - name: a\n  - name: b\n    treshold: 3\n",
            "rule #1 ('b'): unknown key(s) ['treshold']",
        ),
        ("rules:\n  - threshold: 3\n", "key 'name' is required"),
        ("rules:\n  - name: a\n  - name: a\n", "unique"),
        ("rules: [\n", "not valid YAML"),
        ("- 1\n- 2\n", "rule #0 must be a mapping"),
        ("rules:\n  - name: a\n    series: 5\n", "key 'series'"),
        ("rules:\n  - name: a\n    severity: [{score: 3, level: huge}]\n", "bad level"),
    ],
)
def test_errors_name_file_rule_and_key(tmp_path: Path, text: str, needle: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    assert str(path) in str(info.value)
    assert needle in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_rules(tmp_path / "nope.yaml")


def test_severity_levels_and_window() -> None:
    path_rules = load_rules()
    r = next(x for x in path_rules if x.name == "protest-surge")
    assert [r.severity_for(s) for s in (3.1, 6.5, 12)] == ["medium", "high", "critical"]
    assert Rule("x", window="3MS").window_offset().months == 3


def test_shipped_dyad_rule_title_claims_no_tension() -> None:
    """dyad:SRC>TGT counts every event from one country to the other, cooperation too: the
    shipped rule titled its alerts 'Tension between Türkiye and Saudi Arabia' on a week of
    negotiations, appeals and visits (Goldstein +7, +3; ICEWS, 2018-10-31)."""
    import pandas as pd

    from earlywarn.alerts import evaluate_rules, load_rules

    rule = next(r for r in load_rules() if r.matches("dyad:TUR>SAU"))
    days = pd.date_range("2018-10-01", "2018-10-31")
    anomalies = pd.DataFrame(
        {"unique_id": "dyad:TUR>SAU", "ds": days, "detector": rule.detector,
         "score": [0.5] * (len(days) - 1) + [6.2], "y": 5.0, "expected": 5.0}
    )  # fmt: skip
    from earlywarn.schema import empty_frame

    none = {t: empty_frame(t) for t in ("series", "events", "articles", "mentions")}
    alerts = evaluate_rules(anomalies, [rule], as_of="2018-10-31", **none)
    assert list(alerts["title"]) == ["Events from Türkiye towards Saudi Arabia rising"]
