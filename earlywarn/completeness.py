"""The completeness ledger: what collection expected to see each night, and what it saw.

For every feed, and summed per outlet, language and source country, the ledger keeps
tonight's observed volume (new articles) beside the volume expected from the subject's
own history: the median of its last ``window`` nights in the ledger (a robust figure that
one busy or empty night does not move). A subject is

- ``failed`` when tonight's fetch failed (for a group: every feed of it failed);
- ``silent`` when it was read fine but brought nothing although its history expects
  something: a silent zero is caught at the first poll that misses, not days later;
- ``low`` when it brought under ``low_share`` of what is expected;
- ``new`` while it has fewer than ``min_nights`` nights of history; ``ok`` otherwise;
- ``degraded`` instead of ``ok`` or ``new`` when its volume came only through feeds read
  in a degraded way (fetch status ``degraded_parse``: part of the document past the
  tolerant parser's budget, read by the recovering parser; see
  :class:`earlywarn.collect.feeds.FeedRead`). Its items are all stored, but some fields
  may be lost, so the night is marked rather than shown complete. A degraded feed that
  also fell silent or low keeps that status, and the message says it was degraded; a
  group with some but not all of its volume read so says how many of its feeds were.

Every row a degraded read touched (the ``degraded`` rows, and the silent, low or group
rows that kept their volume status) has its ``degraded`` column set: that flag, not the
message text, is what :func:`degraded_rows`, the health table, the report and the review
page read. The message keeps a ``(degraded_parse)`` note for people; nothing parses it
(a reworded or translated message, or one that happens to contain it, changes nothing).

``degraded`` does not close the data-health gate: the ledger judges volume, and a
degraded read stores every item it finds (the volume it measures is there), so the
source gate (:mod:`earlywarn.health`) stays with ``failed``, ``silent`` and ``low``; the
health table warns per degraded feed instead (``degraded_feed``).

The ledger is kept in the archive (table ``completeness``), one row per night and subject; each
night's expectation is read from the rows of the nights before it.

Examples
--------
>>> import pandas as pd
>>> from datetime import date
>>> feeds = pd.DataFrame({"feed_id": ["a", "b"], "outlet": ["VnExpress", "BBC"],
...     "language": ["vi", "en"], "country": ["VNM", "GBR"], "last_status": ["ok", "ok"],
...     "entries": [30, 20]})
>>> history = pd.DataFrame({"as_of": pd.to_datetime(["2024-05-0%d" % d for d in (1, 2, 3)] * 2),
...     "level": "feed", "subject": ["a"] * 3 + ["b"] * 3, "observed": [12, 9, 10, 5, 6, 4]})
>>> led = completeness_ledger(as_of=date(2024, 5, 4), feeds=feeds,
...     observed={"a": 0, "b": 5}, history=history)
>>> led.loc[led["level"] == "feed", ["subject", "expected", "observed", "status"]].values.tolist()
[['a', 10.0, 0, 'silent'], ['b', 5.0, 5, 'ok']]
>>> led.loc[led["subject"] == "vi", "status"].item()  # no ledger history of its own yet
'new'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

__all__ = [
    "DEGRADED_STATUSES", "LEDGER_LEVELS", "OK_STATUSES", "LedgerSettings", "completeness_ledger",
    "degraded_rows",
]  # fmt: skip

#: The subjects the ledger keeps, finest first.
LEDGER_LEVELS = ("feed", "outlet", "language", "country")
#: Fetch outcomes of a feed read, its entries kept, but not as usual (reason codes of
#: :class:`earlywarn.collect.feeds.FeedRead`, stored as the feed's ``last_status``).
DEGRADED_STATUSES = ("degraded_parse",)
#: Fetch outcomes that are not failures.
OK_STATUSES = ("ok", "not_modified", *DEGRADED_STATUSES)
#: Shown in the message of each row a degraded read touched, for people only: the
#: ``degraded`` column says so for programs (schema v14; see :func:`degraded_rows`).
_MARK = "(degraded_parse)"
_COLUMNS = [
    "as_of", "level", "subject", "feeds", "failed", "observed", "expected", "status", "message",
    "degraded",
]  # fmt: skip


@dataclass(frozen=True)
class LedgerSettings:
    """How expectations are formed and when a shortfall counts."""

    window: int = 14  # nights of history the median is taken over
    min_nights: int = 3  # nights of history before a subject is judged
    low_share: float = 0.2  # below this share of the expected volume: ``low``
    min_expected: float = 1.0  # an expectation below this is "nothing expected"


def _subjects(feeds: pd.DataFrame, level: str) -> pd.Series:
    col = "feed_id" if level == "feed" else level
    return feeds[col].fillna("").astype(str).replace("", "unknown")


def _expected(history: pd.DataFrame, as_of: date, s: LedgerSettings) -> dict[tuple[str, str], float]:
    """Median observed volume of each (level, subject) over its last ``window`` nights."""
    if history.empty:
        return {}
    h = history[pd.to_datetime(history["as_of"]).dt.date < as_of]
    h = h.sort_values("as_of").groupby(["level", "subject"]).tail(s.window)
    grouped = h.groupby(["level", "subject"])["observed"]
    n, med = grouped.size(), grouped.median()
    return {k: float(med[k]) for k in med.index if n[k] >= s.min_nights}


def _status(
    level: str, n_feeds: int, n_failed: int, observed: int, expected: float, entries: int,
    s: LedgerSettings, n_degraded: int = 0,
) -> tuple[str, str]:  # fmt: skip
    status, message = _volume_status(level, n_feeds, n_failed, observed, expected, entries, s)
    if not n_degraded or status == "failed":
        return status, message
    if level == "feed":
        note = (
            f"read in a degraded way {_MARK}: parts past the tolerant parser's "
            "budget were read by the recovering parser, some fields may be lost"
        )
    else:
        note = f"{n_degraded} of {n_feeds} feeds read in a degraded way {_MARK}"
    if status in ("ok", "new") and n_degraded == n_feeds - n_failed:
        return "degraded", f"{note}; {message}"  # all of tonight's volume came so
    return status, f"{message}; {note}"


def _volume_status(
    level: str, n_feeds: int, n_failed: int, observed: int, expected: float, entries: int,
    s: LedgerSettings,
) -> tuple[str, str]:  # fmt: skip
    what = "feed" if level == "feed" else f"{n_feeds} feeds"
    if n_failed and n_failed == n_feeds:
        return "failed", f"fetch failed ({what})"
    if level == "feed" and entries == 0 and observed == 0:
        return "silent", "fetched fine but the feed lists no entries"
    if np.isnan(expected):
        return "new", f"{observed} new articles; too little history to expect a volume"
    if observed == 0 and expected >= s.min_expected:
        return "silent", f"no new articles tonight, {expected:g} expected"
    if expected >= s.min_expected and observed < s.low_share * expected:
        return "low", f"{observed} new articles tonight, {expected:g} expected"
    failed = f" ({n_failed} of {n_feeds} feeds failed)" if n_failed else ""
    return "ok", f"{observed} new articles tonight, {expected:g} expected{failed}"


def completeness_ledger(
    *,
    as_of: date,
    feeds: pd.DataFrame,
    observed: Mapping[str, int],
    history: pd.DataFrame | None = None,
    settings: LedgerSettings | None = None,
) -> pd.DataFrame:
    """Tonight's ledger rows: expected vs observed volume per feed, outlet, language, country.

    Parameters
    ----------
    as_of : date
        The night.
    feeds : DataFrame
        The feeds polled tonight (``feed_id, outlet, language, country, last_status,
        entries``), i.e. tonight's catalog, not every feed the archive ever knew; a
        ``last_status`` in :data:`DEGRADED_STATUSES` is a feed read in a degraded way.
    observed : mapping
        New articles collected tonight per ``feed_id`` (absent: none).
    history : DataFrame, optional
        Earlier ledger rows (``as_of, level, subject, observed``).
    settings : LedgerSettings, optional

    Returns
    -------
    DataFrame
        ``as_of, level, subject, feeds, failed, observed, expected, status, message,
        degraded``; ``expected`` is NaN while a subject has too little history;
        ``degraded`` is True on each row a degraded read touched (see :func:`degraded_rows`).
    """
    s = settings or LedgerSettings()
    hist = history if history is not None else pd.DataFrame(columns=["as_of", "level", "subject", "observed"])
    expected = _expected(hist, as_of, s)
    f = feeds.assign(
        _failed=~feeds["last_status"].isin(OK_STATUSES),
        _degraded=feeds["last_status"].isin(DEGRADED_STATUSES),
        _observed=[int(observed.get(fid, 0)) for fid in feeds["feed_id"]],
        _entries=pd.to_numeric(feeds["entries"], errors="coerce").fillna(0).astype(int),
    )
    rows = []
    for level in LEDGER_LEVELS:
        g = f.groupby(_subjects(f, level), sort=True)
        agg = pd.DataFrame(
            {
                "feeds": g.size(),
                "failed": g["_failed"].sum(),
                "degraded": g["_degraded"].sum(),
                "observed": g["_observed"].sum(),
                "entries": g["_entries"].sum(),
            }
        )
        for subject, r in agg.iterrows():
            exp = expected.get((level, str(subject)), float("nan"))
            n_degraded = int(r["degraded"])
            status, message = _status(
                level, int(r["feeds"]), int(r["failed"]), int(r["observed"]), exp,
                int(r["entries"]), s, n_degraded,
            )  # fmt: skip
            rows.append(
                {
                    "as_of": pd.Timestamp(as_of),
                    "level": level,
                    "subject": str(subject),
                    "feeds": int(r["feeds"]),
                    "failed": int(r["failed"]),
                    "observed": int(r["observed"]),
                    "expected": exp,
                    "status": status,
                    "message": message,
                    # as _status notes it: any of its feeds read so, unless all failed
                    "degraded": n_degraded > 0 and status != "failed",
                }
            )
    return pd.DataFrame(rows, columns=_COLUMNS)


def degraded_rows(ledger: pd.DataFrame) -> pd.Series:
    """Which ledger rows a degraded read touched (a boolean Series on ``ledger``'s index):
    its ``degraded`` column, set on status ``degraded`` and on a row that kept its volume
    status (``silent``, ``low``, or a group's ``ok``/``new``) although some of its feeds
    were read so. The message text is not read.

    Raises
    ------
    ValueError
        If ``ledger`` has no ``degraded`` column (a ledger built before schema v14 that
        was not migrated: open its archive with this earlywarn to add it).

    Examples
    --------
    >>> feeds = pd.DataFrame({"feed_id": ["a", "b"], "outlet": ["X", "X"],
    ...     "language": ["en", "en"], "country": ["GBR", "GBR"],
    ...     "last_status": ["degraded_parse", "ok"], "entries": [30, 20]})
    >>> led = completeness_ledger(as_of=date(2024, 5, 4), feeds=feeds, observed={"a": 3})
    >>> led.loc[degraded_rows(led), ["level", "subject", "status"]].values.tolist()
    [['feed', 'a', 'degraded'], ['outlet', 'X', 'new'], ['language', 'en', 'new'], ['country', 'GBR', 'new']]
    """
    if "degraded" not in ledger.columns:
        raise ValueError(
            "the completeness ledger has no 'degraded' column (built before schema v14?): "
            "open its archive with this earlywarn to migrate it, or build it with "
            "completeness_ledger"
        )
    return ledger["degraded"].astype("boolean").fillna(False).astype(bool)
