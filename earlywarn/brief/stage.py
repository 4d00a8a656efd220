"""The nightly ``brief`` stage: build tonight's brief, store it, queue the e-mail digests.

It runs after ``alerts`` (the brief reports tonight's alert changes) and before
``deliver`` (which sends the digests) and ``report`` (which puts the stored brief at
the top of the report). The brief and its outbox rows are committed in one
transaction, so a brief is never stored without its deliveries; a rerun upserts the
same brief and queues nothing twice (the outbox key is ``brief:<as_of>``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from earlywarn.store import Write

if TYPE_CHECKING:
    from earlywarn.stage import StageContext

__all__ = ["stage"]


def stage(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    """Build, store and queue the brief of ``ctx.as_of``."""
    from earlywarn.alerts import load_channels
    from earlywarn.alerts.outbox import enqueue_digest, outbox_for
    from earlywarn.brief.build import build_brief

    brief = build_brief(ctx.archive, ctx.as_of, focal_country=ctx.settings.focal_country)
    frame = pd.DataFrame(
        {
            "as_of": [ctx.as_of_ts],
            "brief": [json.dumps(brief, ensure_ascii=False, default=str)],
            "created_at": [pd.Timestamp.now(tz="UTC")],
        }
    )
    channels = load_channels(ctx.settings.channels) if ctx.settings.channels else []
    key = f"brief:{ctx.as_of.isoformat()}"
    digests = enqueue_digest(
        brief, channels, outbox_for(ctx.archive, [key]), locale=ctx.settings.locale
    )
    return [Write("briefs", frame), Write("outbox", digests)], {
        "stories": len(brief["stories"]),
        "new_alerts": len(brief["changes"]["new_alerts"]),
        "digests": len(digests),
    }
