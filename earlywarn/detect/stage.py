"""The nightly ``detect`` stage: the detector ensemble over tonight's series."""

from __future__ import annotations

from earlywarn.stage import StageContext, StageResult, series_frame
from earlywarn.store import Write

__all__ = ["stage"]


def stage(ctx: StageContext) -> StageResult:
    """Score every series as of tonight; store the anomaly rows per ``as_of``."""
    from earlywarn.detect import detect

    an = detect(series_frame(ctx), as_of=ctx.as_of)
    an.insert(0, "as_of", ctx.as_of_ts)
    return [Write("anomalies", an, replace={"as_of": ctx.as_of})], {
        "flagged": int(an["is_anomaly"].sum())
    }
