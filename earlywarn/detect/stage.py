"""The nightly ``detect`` stage: the detector ensemble over tonight's series."""

from __future__ import annotations

from earlywarn.stage import StageContext, StageResult, series_frame
from earlywarn.store import Write

__all__ = ["stage"]


def stage(ctx: StageContext) -> StageResult:
    """Score every series as of tonight; store the anomaly rows per ``as_of``.

    ``tie:`` series are also scored two-sided by the network-shift score
    (:func:`earlywarn.network.shift.tie_shift`, detector ``tie_shift``).
    """
    import pandas as pd

    from earlywarn.detect import detect
    from earlywarn.network.shift import tie_shift

    frame = series_frame(ctx)
    an = detect(frame, as_of=ctx.as_of)
    ties = tie_shift(frame, as_of=ctx.as_of) if "unique_id" in frame else an.iloc[:0]
    if not ties.empty:
        an = pd.concat([an, ties[an.columns]], ignore_index=True)
    an.insert(0, "as_of", ctx.as_of_ts)
    return [Write("anomalies", an, replace={"as_of": ctx.as_of})], {
        "flagged": int(an["is_anomaly"].sum())
    }
