"""Alerts: YAML rules over anomaly scores, evidence packs and a simple lifecycle.

Examples
--------
>>> from earlywarn.alerts import load_rules
>>> [r.name for r in load_rules()][:2]
['protest-surge', 'coercion-surge']
"""

from __future__ import annotations

from earlywarn.alerts.engine import episodes, evaluate_rules
from earlywarn.alerts.evidence import build_evidence, describe_series
from earlywarn.alerts.lifecycle import (
    STATUSES,
    AlertNotFoundError,
    acknowledge,
    dismiss,
    resolve,
)
from earlywarn.alerts.rules import SEVERITIES, Rule, load_rules

__all__ = [
    "SEVERITIES",
    "STATUSES",
    "AlertNotFoundError",
    "Rule",
    "acknowledge",
    "build_evidence",
    "describe_series",
    "dismiss",
    "episodes",
    "evaluate_rules",
    "load_rules",
    "resolve",
]
