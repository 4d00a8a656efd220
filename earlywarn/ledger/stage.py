"""The nightly ``ledger`` stage: score earlier nights' forecasts and alerts on tonight's data."""

from __future__ import annotations

from earlywarn.stage import StageContext, StageResult, series_frame
from earlywarn.store import Write

__all__ = ["stage"]


def stage(ctx: StageContext) -> StageResult:
    """Resolve every ledger forecast whose truth tonight's series holds, and every open alert
    a reviewer decided or later data settled; rows already resolved are left alone."""
    from earlywarn.ledger import resolve_alerts, resolve_forecasts

    series = series_frame(ctx)
    pending = ctx.archive.query(
        "SELECT l.* FROM forecast_ledger l ANTI JOIN forecast_scores s USING (forecast_id) "
        "WHERE l.as_of < ?",
        [ctx.as_of],
    )
    scores = resolve_forecasts(pending, series, ctx.as_of)
    open_alerts = ctx.archive.query(
        "SELECT l.* FROM alert_ledger l ANTI JOIN alert_outcomes o USING (alert_id) "
        "WHERE l.as_of <= ?",
        [ctx.as_of],
    )
    statuses = ctx.archive.query("SELECT alert_id, status FROM alerts")
    outcomes = resolve_alerts(open_alerts, statuses, series, ctx.as_of)
    return [Write("forecast_scores", scores), Write("alert_outcomes", outcomes)], {
        "forecasts_pending": len(pending),
        "forecasts_resolved": len(scores),
        "alerts_open": len(open_alerts),
        "alerts_decided": len(outcomes),
    }
