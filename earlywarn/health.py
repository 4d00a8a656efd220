"""Data-health gates: is tonight's data fit to raise crisis alerts on?

A collapse in collection (feeds failing, no articles, undated entries, empty texts) makes
volume series drop or jump for reasons that are not in the world. These checks run
before detection. The gate has two levels:

- global: a ``fail`` of any check but ``source_gate`` closes it, and the alerts stage holds
  back every alert on a series that collection feeds;
- per source language and country (``source_gate`` rows, subject ``language:vi`` or
  ``country:VNM``): when the sources of one language or country are down (the
  completeness ledger, :mod:`earlywarn.completeness`, has them failed, silent or far below their
  expected volume, or most of their feeds failed), alerts on the series those sources feed
  are held back, while the rest go out.

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
>>> gate_state(h).fully_open
False
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from earlywarn.completeness import OK_STATUSES, completeness_ledger, degraded_rows
from earlywarn.stage import StageContext, StageResult
from earlywarn.store import Write

__all__ = ["GateState", "HealthThresholds", "check_health", "gate_open", "gate_state", "stage"]

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
    fed_share: float = 0.25  # a series is fed by a source when it brings this share of its articles


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
    ledger: pd.DataFrame | None = None,
    collected: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Run the checks for ``as_of``; returns rows for the ``health`` table.

    Parameters
    ----------
    feeds : DataFrame
        The feeds polled tonight (``feed_id, outlet, last_status``): tonight's catalog, not
        every feed the archive has known (:func:`tonight_feeds`).
    articles : DataFrame
        Articles collected on the nights up to ``as_of`` (``as_of, outlet, date_flag, text``),
        typically the last four weeks; tonight's are those with ``as_of`` equal to it.
    origins : DataFrame, optional
        ``origin, last_date``: the newest event of each source of events (coder, icews ...).
    ledger : DataFrame, optional
        Tonight's completeness ledger (:func:`earlywarn.completeness.completeness_ledger`): adds a
        ``silent_feed`` warning per feed that went silent tonight, a ``degraded_feed``
        warning per feed read in a degraded way (its items stored, the gate not closed by
        it: see :mod:`earlywarn.completeness`) and a ``source_gate`` row per language and
        country (``fail`` when its sources are down).
    collected : mapping, optional
        Tonight's counts of the collect stage (its ``runs`` row, see
        :class:`earlywarn.collect.CollectResult`): feeds read but not as usual
        (``reason:degraded_parse``, their entries kept) add a ``degraded_parse`` warning.
    """
    t = thresholds or HealthThresholds()
    rows: list[dict] = []
    if len(feeds):
        failed = ~feeds["last_status"].isin(OK_STATUSES)
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
    degraded = int((collected or {}).get("reason:degraded_parse", 0) or 0)
    if degraded:
        rows.append(
            _row(
                as_of,
                "degraded_parse",
                "feeds",
                degraded,
                0,
                "warn",
                f"{degraded} of {len(feeds)} feeds read in a degraded way (degraded_parse): "
                "parts past the tolerant parser's budget were read by the recovering parser; "
                "their items are stored, some fields may be lost (degraded_feed rows name the feeds)",
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
    if ledger is not None and not ledger.empty:
        rows.extend(_ledger_rows(as_of, ledger, t))
    return pd.DataFrame(rows, columns=_COLUMNS)


def _ledger_rows(as_of: date, ledger: pd.DataFrame, t: HealthThresholds) -> list[dict]:
    rows = []
    silent = ledger[(ledger["level"] == "feed") & (ledger["status"] == "silent")]
    for r in silent.to_dict("records"):
        expected = float(r["expected"]) if pd.notna(r["expected"]) else 0.0
        rows.append(
            _row(as_of, "silent_feed", str(r["subject"]), float(r["observed"]), expected,
                 "warn", f"feed {r['subject']}: {r['message']}")
        )  # fmt: skip
    feeds = ledger[ledger["level"] == "feed"]
    degraded = feeds[degraded_rows(feeds)]
    for r in degraded.to_dict("records"):
        rows.append(
            _row(as_of, "degraded_feed", str(r["subject"]), float(r["observed"]), 0.0,
                 "warn", f"feed {r['subject']}: {r['status']}: {r['message']}")
        )  # fmt: skip
    for r in ledger[ledger["level"].isin(("language", "country"))].to_dict("records"):
        n_feeds, n_failed = int(r["feeds"]), int(r["failed"])
        share = n_failed / n_feeds if n_feeds else 0.0
        down = r["status"] in ("failed", "silent", "low") or share > t.feed_failures_fail
        rows.append(
            _row(
                as_of,
                "source_gate",
                f"{r['level']}:{r['subject']}",
                share,
                t.feed_failures_fail,
                "fail" if down else "ok",
                f"{r['level']} {r['subject']}: {n_failed} of {n_feeds} feeds failed; "
                f"{r['message']}"
                + ("; alerts on the series these sources feed are held back" if down else ""),
            )
        )
    return rows


@dataclass(frozen=True)
class GateState:
    """The data-health gate for one night.

    ``open`` is the global gate; ``closed`` maps each closed source scope (``language:vi``,
    ``country:VNM``) to the reason; ``reasons`` are the failed global checks.
    """

    open: bool
    closed: dict[str, str] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()

    @property
    def fully_open(self) -> bool:
        """No check failed, globally or for any source language or country."""
        return self.open and not self.closed


def gate_state(health: pd.DataFrame) -> GateState:
    """The gate from tonight's health rows (:func:`check_health`).

    Examples
    --------
    >>> import pandas as pd
    >>> h = pd.DataFrame({"check": ["feed_failures", "source_gate", "source_gate"],
    ...     "subject": ["all", "language:vi", "language:en"], "status": ["warn", "fail", "ok"],
    ...     "message": ["41 of 197 feeds failed", "vi down", "en fine"]})
    >>> g = gate_state(h)
    >>> g.open, g.closed, g.fully_open
    (True, {'language:vi': 'vi down'}, False)
    """
    failed = health[health["status"] == "fail"]
    scoped = failed["check"] == "source_gate"
    return GateState(
        open=not (~scoped).any(),
        closed=dict(zip(failed.loc[scoped, "subject"], failed.loc[scoped, "message"], strict=True)),
        reasons=tuple(failed.loc[~scoped, "message"]),
    )


def gate_open(health: pd.DataFrame) -> bool:
    """Whether the global gate is open: no check failed but per-source ones."""
    return gate_state(health).open


def tonight_feeds(feeds: pd.DataFrame, catalog_ids: set[str] | None = None) -> pd.DataFrame:
    """The feeds polled tonight: those of the catalog, else those of the latest collection.

    The feeds table keeps every feed the archive has known (earlier catalogs too); failure
    shares are taken over tonight's feeds only ("197 of 197 feeds failed", not "of 367").
    """
    if catalog_ids is not None:
        return feeds[feeds["feed_id"].isin(catalog_ids)]
    if feeds.empty or feeds["last_fetched"].isna().all():
        return feeds
    return feeds[feeds["last_fetched"] == feeds["last_fetched"].max()]


def _ledger_history(ctx: StageContext, feeds: pd.DataFrame, window: int) -> pd.DataFrame:
    """Earlier nights' observed volumes: the ledger's, or (before the ledger has any) the
    articles collected on each night the collect stage ran, per feed and group."""
    lo = ctx.as_of - timedelta(days=2 * window)
    hist = ctx.archive.query(
        "SELECT as_of, level, subject, observed FROM completeness WHERE as_of >= ? AND as_of < ?",
        [lo, ctx.as_of],
    )
    if not hist.empty:
        return hist
    counts = ctx.archive.query(
        "SELECT r.as_of, a.feed_id, count(a.article_id) AS n FROM runs r "
        "LEFT JOIN articles a ON a.as_of = r.as_of "
        "WHERE r.stage = 'collect' AND r.status = 'done' AND r.as_of >= ? AND r.as_of < ? "
        "GROUP BY r.as_of, a.feed_id",
        [lo, ctx.as_of],
    )
    frames = []
    for night, g in counts.groupby("as_of"):
        observed = dict(zip(g["feed_id"].dropna(), g.loc[g["feed_id"].notna(), "n"], strict=True))
        led = completeness_ledger(
            as_of=pd.Timestamp(str(night)).date(),
            feeds=feeds.assign(last_status="ok", entries=1),
            observed=observed,
        )
        frames.append(led[["as_of", "level", "subject", "observed"]])
    if not frames:
        return pd.DataFrame(columns=["as_of", "level", "subject", "observed"])
    return pd.concat(frames, ignore_index=True)


def _collect_counts(ctx: StageContext) -> dict[str, Any]:
    """The counts the collect stage stored for ``as_of`` (its ``runs`` row), or ``{}``."""
    runs = ctx.archive.query(
        "SELECT rows FROM runs WHERE as_of = ? AND stage = 'collect' AND status = 'done'",
        [ctx.as_of],
    )
    if runs.empty or runs["rows"].iloc[0] is None:
        return {}
    counts = json.loads(str(runs["rows"].iloc[0]))
    return counts if isinstance(counts, dict) else {}


def stage(ctx: StageContext) -> StageResult:
    """The nightly ``health`` stage: tonight's completeness ledger and checks, per ``as_of``."""
    lo = ctx.as_of - timedelta(days=28)
    articles = ctx.archive.query(
        "SELECT as_of, feed_id, outlet, date_flag, text FROM articles "
        "WHERE as_of > ? AND as_of <= ?",
        [lo, ctx.as_of],
    )
    catalog_ids = {f.feed_id for f in ctx.catalog} if ctx.catalog is not None else None
    feeds = tonight_feeds(ctx.archive.table("feeds"), catalog_ids)
    tonight = articles[pd.to_datetime(articles["as_of"]).dt.date == ctx.as_of]
    ledger = completeness_ledger(
        as_of=ctx.as_of,
        feeds=feeds,
        observed={str(k): int(v) for k, v in tonight.groupby("feed_id").size().items()},
        history=_ledger_history(ctx, feeds, 14),
    )
    origins = ctx.archive.query(
        "SELECT origin, max(date) AS last_date FROM events WHERE date <= ? GROUP BY origin",
        [ctx.as_of],
    )
    health = check_health(
        as_of=ctx.as_of,
        feeds=feeds,
        articles=articles,
        origins=origins,
        ledger=ledger,
        collected=_collect_counts(ctx),
    )
    gate = gate_state(health)
    return [
        Write("completeness", ledger, replace={"as_of": ctx.as_of}),
        Write("health", health, replace={"as_of": ctx.as_of}),
    ], {
        "gate_open": int(gate.open),
        "sources_closed": len(gate.closed),
        "warnings": int((health["status"] == "warn").sum()),
        "failures": int((health["status"] == "fail").sum()),
    }
