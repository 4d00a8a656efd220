"""Data-health gates: is tonight's data fit to raise crisis alerts on?

A collapse in collection (feeds failing, no articles, undated entries, empty texts) makes
volume series drop or jump for reasons that are not in the world. These checks run
before detection; a ``fail`` closes the gate, and the alerts stage then raises a
data-health notice instead of crisis alerts on the series that collection feeds.

Examples
--------
>>> import pandas as pd
>>> feeds = pd.DataFrame({"feed_id": ["a", "b", "c"], "outlet": ["x", "y", "z"],
...                       "last_status": ["ok", "http_500", "timeout"]})
>>> h = check_health(as_of=pd.Timestamp("2024-05-01").date(), feeds=feeds,
...                  articles=pd.DataFrame(columns=["as_of", "outlet", "date_flag", "text"]))
>>> h.loc[h["check"] == "feed_failures", ["value", "status"]].values.tolist()
[[0.6666666666666666, 'fail']]
>>> gate_open(h)
False
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from earlywarn.stage import StageContext, StageResult
from earlywarn.store import Write

__all__ = ["HealthThresholds", "check_health", "gate_open", "stage"]

_COLUMNS = ["as_of", "check", "subject", "value", "threshold", "status", "message"]


@dataclass(frozen=True)
class HealthThresholds:
    """Where each check warns or fails (shares are in [0, 1])."""

    feed_failures_warn: float = 0.2
    feed_failures_fail: float = 0.5
    volume_drop_fail: float = 0.2  # tonight's articles below this share of the trailing median
    min_history_nights: int = 3
    silent_days: int = 3
    silent_min_articles: int = 3
    undated_warn: float = 0.5
    empty_text_warn: float = 0.5
    empty_text_chars: int = 200
    stale_origin_days: int = 7


def _row(
    as_of: date, check: str, subject: str, value: float, threshold: float, status: str, message: str
) -> dict:
    return {
        "as_of": pd.Timestamp(as_of),
        "check": check,
        "subject": subject,
        "value": float(value),
        "threshold": float(threshold),
        "status": status,
        "message": message,
    }


def check_health(
    *,
    as_of: date,
    feeds: pd.DataFrame,
    articles: pd.DataFrame,
    origins: pd.DataFrame | None = None,
    thresholds: HealthThresholds | None = None,
) -> pd.DataFrame:
    """Run the checks for ``as_of``; returns rows for the ``health`` table.

    Parameters
    ----------
    feeds : DataFrame
        The feeds table after tonight's collection (``feed_id, outlet, last_status``).
    articles : DataFrame
        Articles collected on the nights up to ``as_of`` (``as_of, outlet, date_flag, text``),
        typically the last four weeks; tonight's are those with ``as_of`` equal to it.
    origins : DataFrame, optional
        ``origin, last_date``: the newest event of each source of events (coder, icews ...).
    """
    t = thresholds or HealthThresholds()
    rows: list[dict] = []
    if len(feeds):
        failed = ~feeds["last_status"].isin(["ok", "not_modified"])
        share = float(failed.mean())
        status = (
            "fail"
            if share > t.feed_failures_fail
            else "warn"
            if share > t.feed_failures_warn
            else "ok"
        )
        rows.append(
            _row(
                as_of,
                "feed_failures",
                "all",
                share,
                t.feed_failures_fail,
                status,
                f"{int(failed.sum())} of {len(feeds)} feeds failed",
            )
        )
    arts = articles.assign(as_of=pd.to_datetime(articles["as_of"]).dt.date)
    tonight = arts[arts["as_of"] == as_of]
    per_night = arts[arts["as_of"] < as_of].groupby("as_of").size()
    if len(per_night) >= t.min_history_nights:
        median = float(per_night.median())
        ratio = len(tonight) / median if median else 1.0
        status = "fail" if ratio < t.volume_drop_fail else "ok"
        rows.append(
            _row(
                as_of,
                "volume",
                "articles",
                ratio,
                t.volume_drop_fail,
                status,
                f"{len(tonight)} new articles tonight vs a median of {median:.0f} per night",
            )
        )
    if len(tonight):
        undated = float((tonight["date_flag"] != "ok").mean())
        rows.append(
            _row(
                as_of,
                "undated_share",
                "articles",
                undated,
                t.undated_warn,
                "warn" if undated > t.undated_warn else "ok",
                f"{undated:.0%} of tonight's articles have no usable date",
            )
        )
        empty = float((tonight["text"].fillna("").str.len() < t.empty_text_chars).mean())
        rows.append(
            _row(
                as_of,
                "empty_text_share",
                "articles",
                empty,
                t.empty_text_warn,
                "warn" if empty > t.empty_text_warn else "ok",
                f"{empty:.0%} of tonight's articles have under {t.empty_text_chars} characters of text",
            )
        )
    recent = arts[(arts["as_of"] > as_of - pd.Timedelta(days=t.silent_days).to_pytimedelta())]
    before = arts[arts["as_of"] <= as_of - pd.Timedelta(days=t.silent_days).to_pytimedelta()]
    counts = before.groupby("outlet").size()
    for outlet in sorted(
        set(counts[counts >= t.silent_min_articles].index) - set(recent["outlet"])
    ):
        rows.append(
            _row(
                as_of,
                "silent_source",
                str(outlet),
                0.0,
                t.silent_days,
                "warn",
                f"{outlet} published {int(counts[outlet])} articles before but none in the last "
                f"{t.silent_days} nights",
            )
        )
    if origins is not None:
        for origin, last in zip(
            origins["origin"], pd.to_datetime(origins["last_date"]), strict=True
        ):
            age = (pd.Timestamp(as_of) - last).days
            if age > t.stale_origin_days:
                rows.append(
                    _row(
                        as_of,
                        "stale_origin",
                        str(origin),
                        age,
                        t.stale_origin_days,
                        "info",
                        f"newest {origin} event is {age} days old: its series are history, "
                        "not news",
                    )
                )
    return pd.DataFrame(rows, columns=_COLUMNS)


def gate_open(health: pd.DataFrame) -> bool:
    """Whether crisis alerts may be raised: no check failed."""
    return not (health["status"] == "fail").any()


def stage(ctx: StageContext) -> StageResult:
    """The nightly ``health`` stage: tonight's checks, stored per ``as_of``."""
    lo = ctx.as_of - timedelta(days=28)
    articles = ctx.archive.query(
        "SELECT as_of, outlet, date_flag, text FROM articles WHERE as_of > ? AND as_of <= ?",
        [lo, ctx.as_of],
    )
    origins = ctx.archive.query(
        "SELECT origin, max(date) AS last_date FROM events WHERE date <= ? GROUP BY origin",
        [ctx.as_of],
    )
    health = check_health(
        as_of=ctx.as_of, feeds=ctx.archive.table("feeds"), articles=articles, origins=origins
    )
    return [Write("health", health, replace={"as_of": ctx.as_of})], {
        "gate_open": int(gate_open(health)),
        "warnings": int((health["status"] == "warn").sum()),
        "failures": int((health["status"] == "fail").sum()),
    }
