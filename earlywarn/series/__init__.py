"""Series: events and articles to long frames ``unique_id, ds, y``, and what each measures."""

from earlywarn.series.build import (
    CRISIS_ROOTS,
    build_series,
    collection_start,
    coverage,
    event_counts,
    tone_series,
)
from earlywarn.series.ids import SeriesId, parse_id, series_id
from earlywarn.series.kinds import SeriesKind, series_kind

__all__ = [
    "CRISIS_ROOTS",
    "SeriesId",
    "SeriesKind",
    "build_series",
    "collection_start",
    "coverage",
    "event_counts",
    "parse_id",
    "series_id",
    "series_kind",
    "tone_series",
]
