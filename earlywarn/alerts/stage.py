"""The nightly ``alerts`` and ``deliver`` stages: rules over anomalies, then the outbox."""

from __future__ import annotations

from typing import Any

from earlywarn._log import get_logger
from earlywarn.stage import StageContext, StageResult, evidence_frames
from earlywarn.store import Write

__all__ = ["deliver", "stage"]

log = get_logger(__name__)

#: Series kinds fed by tonight's collection: their alerts wait when the health gate is closed.
COLLECTION_KINDS = ("cov:", "tone:", "ev:", "dyad:")


def _channels(ctx: StageContext) -> list[Any]:
    from earlywarn.alerts import load_channels

    return load_channels(ctx.settings.channels) if ctx.settings.channels else []


def stage(ctx: StageContext) -> StageResult:
    """Evaluate the rules on tonight's anomalies with their evidence; hold back
    collection-fed alerts when the data-health gate is closed; enqueue deliveries in the
    same transaction (the outbox)."""
    from earlywarn.alerts import enqueue, evaluate_rules, load_rules, outbox_for
    from earlywarn.alerts.rules import apply_overrides
    from earlywarn.health import gate_open
    from earlywarn.ledger import alert_entries, rule_version

    rules = apply_overrides(load_rules(ctx.settings.rules), ctx.archive.table("rule_overrides"))
    anomalies = ctx.archive.table("anomalies", "as_of = ?", [ctx.as_of])
    previous = ctx.archive.table("alerts")
    f = evidence_frames(ctx)
    alerts = evaluate_rules(
        anomalies,
        rules,
        as_of=ctx.as_of,
        previous=previous,
        series=f["series"],
        events=f["events"],
        articles=f["articles"],
        mentions=f["mentions"],
        forecasts=f["forecasts"],
    )
    health = ctx.archive.table("health", "as_of = ?", [ctx.as_of])
    suppressed = 0
    if not gate_open(health):
        held = alerts["unique_id"].str.startswith(COLLECTION_KINDS)
        suppressed = int(held.sum())
        alerts = alerts[~held]
        log.warning(
            "data-health gate closed for %s (%s): %d crisis alerts held back as a data-health notice",
            ctx.as_of,
            "; ".join(health.loc[health["status"] == "fail", "message"]),
            suppressed,
        )
    outbox = enqueue(alerts, _channels(ctx), outbox_for(ctx.archive, alerts["alert_id"].tolist()))
    known = ctx.archive.query("SELECT alert_id FROM alert_ledger")["alert_id"]
    versions = {r.name: rule_version(r) for r in rules}
    ledger = alert_entries(alerts, ctx.as_of, versions, known)
    return [Write("alerts", alerts), Write("outbox", outbox), Write("alert_ledger", ledger)], {
        "alerts": len(alerts),
        "suppressed_by_health": suppressed,
        "enqueued": len(outbox),
    }


def deliver(ctx: StageContext) -> StageResult:
    """Send due deliveries from the outbox (runs on every invocation, to retry)."""
    from earlywarn.alerts import deliver as deliver_outbox

    return [], deliver_outbox(ctx.archive, _channels(ctx), http=ctx.settings.http)
