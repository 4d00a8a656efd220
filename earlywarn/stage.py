"""What a nightly stage gets and returns: the shared types below every stage package.

A stage is a function ``stage(ctx: StageContext) -> StageResult`` that lives next to its
code (``earlywarn/collect/stage.py``, ``earlywarn/extract/stage.py`` ...). It reads what
earlier stages stored through ``ctx.archive`` and returns the writes it wants committed
together with its ``runs`` row, plus numbers for the run log. :mod:`earlywarn.pipeline`
runs them in order; this module only holds what several stages share.

Examples
--------
>>> from datetime import date
>>> from earlywarn.config import Settings
>>> report_path(Settings(output_dir="out"), date(2024, 1, 31)).name
'report-2024-01-31.html'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._progress import Progress
from earlywarn.config import Settings
from earlywarn.store import Archive, Write

__all__ = [
    "EARLIEST_NIGHT",
    "StageContext",
    "StageResult",
    "evidence_frames",
    "report_path",
    "series_frame",
]

#: The first night a stage runs for or the review page shows (collect's first publication
#: date too): before it, look-backs leave the dates pandas and Python hold (year 1 failed
#: inside the stages with OverflowError, and /network with a 500).
EARLIEST_NIGHT = date(1900, 1, 1)

#: What a stage returns: the writes to commit, and numbers (rows, counts) for the run log.
StageResult = tuple[list[Write], dict[str, Any]]


@dataclass
class StageContext:
    """What a stage gets: the open archive, settings, the date, and shared run state."""

    archive: Archive
    settings: Settings
    as_of: date
    run_id: str
    catalog: Sequence[Any] | None = None
    client: Any = None
    progress: Progress | None = None
    timings: dict[str, float] = field(default_factory=dict)
    rows: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def as_of_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.as_of)


#: What a nightly run without a feed catalog is told (before its collect stage runs).
NO_CATALOG = (
    "no feed catalog: set catalog in the config file or pass --catalog (the shipped one is "
    "feeds/global.yaml); an archive of imported events alone runs the other stages: "
    "nightly --stages series,health,forecast,detect,alerts,report"
)


def report_path(settings: Settings, as_of: date) -> Path:
    """Where the HTML report for ``as_of`` goes."""
    return settings.output_dir / f"report-{as_of.isoformat()}.html"


def series_frame(ctx: StageContext) -> pd.DataFrame:
    """Tonight's series (``unique_id, ds, y``), as the series stage stored them."""
    return ctx.archive.query(
        "SELECT unique_id, ds, y FROM series WHERE as_of = ? ORDER BY unique_id, ds", [ctx.as_of]
    )


def evidence_frames(ctx: StageContext, days: int = 120) -> dict[str, pd.DataFrame]:
    """The frames alerts and the report draw evidence from: the last ``days`` days."""
    lo = ctx.as_of - timedelta(days=days)
    articles = ctx.archive.articles(since=lo, until=ctx.as_of)
    ids = articles["article_id"].tolist()
    return {
        "series": series_frame(ctx),
        "events": ctx.archive.events(since=lo, until=ctx.as_of),
        "articles": articles,
        "mentions": ctx.archive.query(
            "SELECT * FROM mentions WHERE list_contains(?, article_id)", [ids]
        ),
        "forecasts": ctx.archive.table("forecasts", "as_of = ?", [ctx.as_of]),
        "perception": ctx.archive.query(
            "SELECT * FROM perception WHERE list_contains(?, article_id)", [ids]
        ),
    }
