"""Working through the outbox: send due rows, mark each outcome, back off on failure.

The claim / send / mark protocol and why a crash loses nothing are described in
:mod:`earlywarn.alerts.outbox`. Run :func:`deliver` after the alerts stage and then
every few minutes (``earlywarn deliver``) so retries happen when they are due.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from tenacity import RetryCallState, wait_exponential

from earlywarn._log import get_logger
from earlywarn.alerts.channels import Channel
from earlywarn.alerts.outbox import _frame, _now
from earlywarn.alerts.senders import (
    DeliveryError,
    DeliveryTimeoutError,
    DeliveryTLSError,
    send_bounded,
)
from earlywarn.config import HttpSettings
from earlywarn.store import Archive, Write

__all__ = ["backoff_seconds", "deliver", "retry_failed"]

log = get_logger(__name__)


def backoff_seconds(attempt: int, *, base: float = 60.0, cap: float = 3600.0) -> float:
    """Seconds to wait after attempt number ``attempt`` (1, 2, ...): ``base * 2**(n-1)``, capped.

    Examples
    --------
    >>> [backoff_seconds(n) for n in (1, 2, 3, 10)]
    [60.0, 120.0, 240.0, 3600.0]
    """
    state = RetryCallState(None, None, (), {})  # type: ignore[arg-type]
    state.attempt_number = max(int(attempt), 1)
    return float(wait_exponential(multiplier=base, max=cap)(state))


def _write(archive: Archive, rec: dict[str, Any]) -> None:
    archive.commit([Write("outbox", _frame([rec]))])


def deliver(
    archive: Archive,
    channels: Sequence[Channel],
    *,
    now: datetime | str | None = None,
    max_attempts: int = 5,
    batch: int = 100,
    http: HttpSettings | None = None,
    backoff: float = 60.0,
    max_backoff: float = 3600.0,
) -> dict[str, int]:
    """Send the due outbox rows and record each outcome in its own transaction.

    Due rows are ``pending`` with ``next_attempt_at <= now`` for a configured, enabled
    channel, oldest first, at most ``batch``. See the module docstring for the claim /
    send / mark protocol and why a crash loses nothing.

    Parameters
    ----------
    archive : Archive
        The open, writable archive (hold its lock, e.g. ``archive.lock()``).
    channels : sequence of Channel
        Rows of channels not listed (or disabled) stay pending and are counted as ``held``.
    now : datetime, optional
        The clock for picking due rows and for the timestamps written (default: the
        real time, UTC, read again for each row).
    max_attempts : int
        After this many failed attempts a row becomes ``failed`` (a dead letter). A failed
        TLS handshake (an ``https://`` receiver speaking plain HTTP, a refused certificate:
        :class:`~earlywarn.alerts.senders.DeliveryTLSError`) makes it ``failed`` at once,
        and the channel's other due rows with it, unsent: each would fail the same way.
        They stay in the outbox for ``earlywarn deliver --retry-failed`` after the fix.
    batch : int
        Most rows to attempt in this call.
    http : HttpSettings, optional
        Timeouts and user agent for webhooks, apprise and SMTP.
    backoff, max_backoff : float
        Retry after ``backoff * 2**(attempts-1)`` seconds, at most ``max_backoff``.

    Returns
    -------
    dict
        ``attempted``, ``sent``, ``retry`` (failed, will retry), ``failed`` (gave up, or unsent
        after a TLS failure of the channel in this call),
        ``held`` (pending rows of unconfigured channels), ``deferred`` (rows of a channel
        that timed out earlier in this call: left pending, not attempted).

    Notes
    -----
    Each send runs in a child process bounded by ``http.total_timeout`` and a memory cap
    (:func:`earlywarn.alerts.senders.send_bounded`). A channel that times out is not
    tried again in the same call, so one stalled receiver costs one deadline, not one
    per row, and the archive lock is released soon; other channels' rows still go.
    """
    if max_attempts < 1 or batch < 1:
        raise ValueError(f"max_attempts and batch must be >= 1, got {max_attempts}, {batch}")
    stamp = _now(now)
    by_name = {c.name: c for c in channels if c.enabled}
    names = sorted(by_name)
    counts = {"attempted": 0, "sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    stalled: set[str] = set()
    broken: dict[str, str] = {}  # channel -> its TLS failure in this call
    due = archive.query(
        "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? "
        "AND list_contains(?, channel) ORDER BY created_at, alert_id, channel LIMIT ?",
        [stamp.to_pydatetime(), names, int(batch)],
    )
    held = archive.query(
        "SELECT count(*) AS n FROM outbox WHERE status = 'pending' "
        "AND NOT list_contains(?, channel)",
        [names],
    )
    counts["held"] = int(held["n"].iloc[0])
    if counts["held"]:
        log.warning(
            "%d pending deliveries wait for channels not configured or disabled", counts["held"]
        )
    for raw in due.to_dict("records"):
        rec = {str(k): v for k, v in raw.items()}
        channel = by_name[str(rec["channel"])]
        if channel.name in stalled:
            counts["deferred"] += 1
            continue
        if channel.name in broken:  # the same handshake would fail the same way
            error = f"not sent: {broken[channel.name]}"
            _write(archive, {**rec, "status": "failed", "last_error": error[:1000]})
            counts["failed"] += 1
            continue
        attempt = int(rec["attempts"] or 0) + 1
        at = stamp if now is not None else _now(None)
        retry_at = at + pd.Timedelta(
            seconds=backoff_seconds(attempt, base=backoff, cap=max_backoff)
        )
        claim = {
            **rec,
            "attempts": attempt,
            "next_attempt_at": retry_at,
            "last_error": f"attempt {attempt} started {at.isoformat()}; no outcome recorded",
        }
        _write(archive, claim)
        counts["attempted"] += 1
        try:
            send_bounded(channel, json.loads(str(rec["payload"])), http)
        except Exception as exc:  # any failure of one row must not stop the others
            if isinstance(exc, DeliveryTimeoutError):
                stalled.add(channel.name)
            if isinstance(exc, DeliveryTLSError):
                broken[channel.name] = str(exc)
            if not isinstance(exc, DeliveryError):
                log.exception("unexpected error delivering %s to %s", rec["alert_id"], channel.name)
            gave_up = attempt >= max_attempts or isinstance(exc, DeliveryTLSError)
            error = (
                f"{type(exc).__name__}: {exc}" if not isinstance(exc, DeliveryError) else str(exc)
            )
            _write(
                archive,
                {**claim, "status": "failed" if gave_up else "pending", "last_error": error[:1000]},
            )
            counts["failed" if gave_up else "retry"] += 1
            log.warning(
                "delivery of %s to %s failed (attempt %d/%d%s): %s",
                rec["alert_id"],
                channel.name,
                attempt,
                max_attempts,
                ", giving up" if gave_up else f", retry at {retry_at.isoformat()}",
                error,
            )
            continue
        sent_at = stamp if now is not None else _now(None)
        _write(archive, {**claim, "status": "sent", "sent_at": sent_at, "last_error": None})
        counts["sent"] += 1
        log.info("delivered %s to %s", rec["alert_id"], channel.name)
    return counts


def retry_failed(
    archive: Archive, *, channel: str | None = None, now: datetime | str | None = None
) -> int:
    """Give ``failed`` rows (dead letters) a new round of attempts; returns how many.

    Use after fixing a channel (wrong password, receiver down for days). The rows keep
    their delivery ids, so receivers still drop anything they already got.

    Examples
    --------
    >>> import tempfile
    >>> with Archive(tempfile.mkdtemp() + "/a.duckdb") as archive:
    ...     retry_failed(archive)
    0
    """
    where = "status = 'failed'" + (" AND channel = ?" if channel else "")
    rows = archive.table("outbox", where, [channel] if channel else [])
    if rows.empty:
        return 0
    stamp = _now(now)
    rows = rows.assign(status="pending", attempts=0, next_attempt_at=stamp)
    archive.commit(
        [
            Write(
                "outbox",
                _frame([{str(k): v for k, v in r.items()} for r in rows.to_dict("records")]),
            )
        ]
    )
    log.info("%d failed deliveries queued again", len(rows))
    return len(rows)
