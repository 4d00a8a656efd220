"""The nightly ``alerts`` and ``deliver`` stages: rules over anomalies, then the outbox."""

from __future__ import annotations

from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.stage import StageContext, StageResult, evidence_frames
from earlywarn.store import Write

__all__ = ["deliver", "stage"]

log = get_logger(__name__)


def _channels(ctx: StageContext) -> list[Any]:
    from earlywarn.alerts import load_channels

    return load_channels(ctx.settings.channels) if ctx.settings.channels else []


def stage(ctx: StageContext) -> StageResult:
    """Evaluate the rules on tonight's anomalies with their evidence; hold back the alerts
    on series whose sources are down (:mod:`earlywarn.alerts.hold`), storing them with their
    reason; enqueue deliveries in the same transaction (the outbox)."""
    from earlywarn.alerts import enqueue, evaluate_rules, load_rules, outbox_for
    from earlywarn.alerts.hold import hold_back, source_shares
    from earlywarn.alerts.rules import apply_overrides, bind_focal
    from earlywarn.health import HealthThresholds, gate_state
    from earlywarn.ledger import alert_entries, rule_version

    rules = apply_overrides(load_rules(ctx.settings.rules), ctx.archive.table("rule_overrides"))
    rules = bind_focal(rules, ctx.settings.focal_country)
    anomalies = ctx.archive.table("anomalies", "as_of = ?", [ctx.as_of])
    previous = ctx.archive.table("alerts")
    f = evidence_frames(ctx)
    owners = ctx.archive.query("SELECT feed_id, family FROM feeds")
    articles = f["articles"].merge(owners, on="feed_id", how="left")
    stories = ctx.archive.query(
        "SELECT article_id, story_id FROM stories WHERE list_contains(?, article_id)",
        [articles["article_id"].tolist()],
    ).drop_duplicates("article_id")
    articles = articles.merge(stories, on="article_id", how="left")  # a narrative's evidence
    articles["story_id"] = articles["story_id"].fillna(articles["article_id"])
    alerts = evaluate_rules(
        anomalies,
        rules,
        as_of=ctx.as_of,
        previous=previous,
        series=f["series"],
        events=f["events"],
        articles=articles,
        mentions=f["mentions"],
        forecasts=f["forecasts"],
        min_families=ctx.settings.min_families,
        perception=f["perception"],
    )
    from earlywarn.focal.narrative_stage import perception_alerts

    extra = perception_alerts(ctx, rules, previous)  # narratives and pickup (issue 15)
    if len(extra):
        alerts = pd.concat([alerts, extra.reindex(columns=alerts.columns)], ignore_index=True)
    gate = gate_state(ctx.archive.table("health", "as_of = ?", [ctx.as_of]))
    shares = (
        {}
        if gate.fully_open
        else source_shares(
            alerts["unique_id"].unique(),
            articles=f["articles"],
            mentions=f["mentions"],
            events=f["events"],
            perception=f["perception"],
        )
    )
    alerts, held = hold_back(
        alerts, gate, shares, as_of=ctx.as_of, fed_share=HealthThresholds().fed_share
    )
    if len(held):
        log.warning(
            "data-health gate for %s: %d crisis alerts held back (%s)",
            ctx.as_of,
            len(held),
            "; ".join(sorted(set(held["scope"]))),
        )
    outbox = enqueue(
        alerts,
        _channels(ctx),
        outbox_for(ctx.archive, alerts["alert_id"].tolist()),
        locale=ctx.settings.locale,
    )
    known = ctx.archive.query("SELECT alert_id FROM alert_ledger")["alert_id"]
    versions = {r.name: rule_version(r) for r in rules}
    rerun = ctx.archive.stage_done(ctx.as_of, "alerts")  # its first run committed a record
    ledger = alert_entries(alerts, ctx.as_of, versions, known, rerun=rerun)
    if rerun and len(ledger):
        log.warning(
            "rerun of %s: %d alert(s) not raised by that night's first run (%s) recorded as "
            "raised on a rerun at %s, not on the night; the track record does not score them",
            ctx.as_of,
            len(ledger),
            ", ".join(sorted(set(ledger["rule"].astype(str)))),
            ledger["recorded_at"].iloc[0].strftime("%Y-%m-%d %H:%M UTC"),
        )
    writes = [
        Write("alerts", alerts),
        Write("outbox", outbox),
        Write("alert_ledger", ledger),
        Write("held_alerts", held, replace={"as_of": ctx.as_of}),
    ]
    return writes, {
        "alerts": len(alerts),
        "ledger_rerun": len(ledger) if rerun else 0,
        "suppressed_by_health": len(held),
        "enqueued": len(outbox),
    }


def deliver(ctx: StageContext) -> StageResult:
    """Send due deliveries from the outbox (runs on every invocation, to retry)."""
    from earlywarn.alerts import deliver as deliver_outbox

    return [], deliver_outbox(ctx.archive, _channels(ctx), http=ctx.settings.http)
