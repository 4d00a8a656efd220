"""Series: events and articles to long frames ``unique_id, ds, y``."""

from earlywarn.series.build import CRISIS_ROOTS, build_series, coverage, event_counts, tone_series
from earlywarn.series.ids import SeriesId, parse_id, series_id

__all__ = [
    "CRISIS_ROOTS",
    "SeriesId",
    "build_series",
    "coverage",
    "event_counts",
    "parse_id",
    "series_id",
    "tone_series",
]
