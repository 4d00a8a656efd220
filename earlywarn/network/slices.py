"""Network slices: every edge (events and co-mentions) in a window ending ``as_of``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from earlywarn.network.edges import comention_edges, event_edges, parse_window

if TYPE_CHECKING:
    from earlywarn.store import Archive

__all__ = ["archive_slice", "slice_edges"]


def slice_edges(
    events: pd.DataFrame | None,
    mentions: pd.DataFrame | None,
    articles: pd.DataFrame | None,
    as_of: str | date,
    window: str | int = "7D",
) -> pd.DataFrame:
    """Event and co-mention edges of the window ``(as_of - window, as_of]`` (a daily slice
    is ``window="1D"``, a weekly one ``"7D"``), in the ``edges`` table's columns."""
    parts = []
    if events is not None and not events.empty:
        parts.append(event_edges(events, as_of, window))
    if mentions is not None and articles is not None and not mentions.empty:
        parts.append(comention_edges(mentions, articles, as_of, window))
    if not parts:
        from earlywarn.network.edges import EDGE_COLUMNS

        return pd.DataFrame(columns=EDGE_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def archive_slice(archive: Archive, as_of: str | date, window: str | int = "7D") -> pd.DataFrame:
    """:func:`slice_edges` over the events, articles and mentions of an archive."""
    end = pd.Timestamp(as_of).normalize()
    lo = end - parse_window(window)
    events = archive.query(
        "SELECT date, source_name, source_country, target_name, target_country, goldstein "
        "FROM events WHERE date > ? AND date <= ?",
        [lo.date(), end.date()],
    )
    articles = archive.query(
        "SELECT article_id, published FROM articles WHERE published >= ? AND published < ?",
        [lo.tz_localize("UTC"), (end + pd.Timedelta(days=1)).tz_localize("UTC")],
    )
    mentions = archive.query(
        "SELECT m.* FROM mentions m JOIN articles a USING (article_id) "
        "WHERE a.published >= ? AND a.published < ?",
        [lo.tz_localize("UTC"), (end + pd.Timedelta(days=1)).tz_localize("UTC")],
    )
    return slice_edges(events, mentions, articles, end, window)
