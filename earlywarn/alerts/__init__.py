"""Alerts: YAML rules over anomaly scores, evidence packs, a simple lifecycle and delivery.

Examples
--------
>>> from earlywarn.alerts import load_rules
>>> [r.name for r in load_rules()][:2]
['protest-surge', 'coercion-surge']
"""

from __future__ import annotations

from earlywarn.alerts.channels import Channel, load_channels, parse_channels
from earlywarn.alerts.dispatch import deliver, retry_failed
from earlywarn.alerts.engine import episodes, evaluate_rules
from earlywarn.alerts.evidence import build_evidence
from earlywarn.alerts.lifecycle import (
    STATUSES,
    AlertNotFoundError,
    acknowledge,
    comment,
    dismiss,
    reopen,
    resolve,
)
from earlywarn.alerts.outbox import (
    OUTBOX_STATUSES,
    delivery_id,
    enqueue,
    enqueue_digest,
    outbox_for,
)
from earlywarn.alerts.rules import SEVERITIES, Rule, load_rules
from earlywarn.alerts.senders import DeliveryError, DeliveryTLSError

__all__ = [
    "OUTBOX_STATUSES",
    "SEVERITIES",
    "STATUSES",
    "AlertNotFoundError",
    "Channel",
    "DeliveryError",
    "DeliveryTLSError",
    "Rule",
    "acknowledge",
    "build_evidence",
    "comment",
    "deliver",
    "delivery_id",
    "dismiss",
    "enqueue",
    "enqueue_digest",
    "episodes",
    "evaluate_rules",
    "load_channels",
    "load_rules",
    "outbox_for",
    "parse_channels",
    "reopen",
    "resolve",
    "retry_failed",
]
