"""The nightly ``report`` stage: the self-contained HTML report for ``as_of``."""

from __future__ import annotations

import json
from typing import Any

from earlywarn.schema import TABLES
from earlywarn.stage import StageContext, StageResult, evidence_frames, report_path

__all__ = ["stage"]


def _run_stats(ctx: StageContext) -> dict[str, dict[str, float]]:
    """Seconds and rows written per stage for ``as_of``, from the ``runs`` table (so a
    resumed night reports the stages an earlier, interrupted run finished too)."""
    runs = ctx.archive.query(
        "SELECT stage, epoch(finished_at) - epoch(started_at) AS seconds, rows FROM runs "
        "WHERE as_of = ? AND status = 'done' ORDER BY finished_at",
        [ctx.as_of],
    )
    rows = {
        stage: sum(v for k, v in json.loads(str(r)).items() if k in TABLES)
        for stage, r in zip(runs["stage"], runs["rows"], strict=True)
    }
    return {
        "seconds": dict(zip(runs["stage"], runs["seconds"].round(2), strict=True)),
        "rows": rows,
    }


def _perception(ctx: StageContext) -> Any:
    """The "Perception" section of the focal country over the last 30 days."""
    from earlywarn.focal.summary import perception_summary
    from earlywarn.focal.view import perception_view, render_section

    s = ctx.settings
    summary = perception_summary(
        ctx.archive, s.focal_country, ctx.as_of, peers=s.focal_peers, days=30, locale=s.locale
    )
    return render_section(perception_view(summary, s.locale), s.locale)


def stage(ctx: StageContext) -> StageResult:
    """Render the report of ``ctx.as_of`` into place (atomic, see `render_report`)."""
    from earlywarn.brief.build import load_brief
    from earlywarn.ledger import RERUN_AT, track_record
    from earlywarn.network import archive_slice
    from earlywarn.report import render_report

    frames = evidence_frames(ctx)
    path = report_path(ctx.settings, ctx.as_of)
    ids = frames["articles"]["article_id"].tolist()
    render_report(
        path,
        as_of=ctx.as_of,
        alerts=ctx.archive.query(f"SELECT *, {RERUN_AT} FROM alerts WHERE as_of = ?", [ctx.as_of]),
        series=frames["series"],
        forecasts=frames["forecasts"],
        anomalies=ctx.archive.table("anomalies", "as_of = ?", [ctx.as_of]),
        articles=frames["articles"],
        events=frames["events"],
        edges=ctx.archive.table("edges", "as_of = ?", [ctx.as_of]),
        stats=_run_stats(ctx),
        focal_country=ctx.settings.focal_country,
        mentions=frames["mentions"],
        stories=ctx.archive.query(
            "SELECT * FROM stories WHERE list_contains(?, article_id)", [ids]
        ),
        health=ctx.archive.table("health", "as_of = ?", [ctx.as_of]),
        locale=ctx.settings.locale,
        brief=load_brief(ctx.archive, ctx.as_of),
        track=track_record(ctx.archive, ctx.as_of),
        held=ctx.archive.table("held_alerts", "as_of = ?", [ctx.as_of]),
        network=archive_slice(ctx.archive, ctx.as_of, "7D"),
        perception=_perception(ctx),
    )
    return [], {"report_bytes": path.stat().st_size}
