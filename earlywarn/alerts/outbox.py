"""The delivery outbox: alerts are enqueued with their stage, then delivered and marked.

How nothing is lost
-------------------
:func:`enqueue` turns alerts into ``outbox`` rows (one per alert and matching channel,
with the message payload frozen in JSON). The alerts stage commits them in the *same*
transaction as the alerts, so an alert is never stored without its deliveries.
:func:`earlywarn.alerts.dispatch.deliver` then works through due rows, one row at a time, in two small
transactions:

1. *claim*: ``attempts + 1`` and ``next_attempt_at = now + backoff`` (the retry time),
   with ``last_error`` saying the attempt started;
2. send (:func:`earlywarn.alerts.senders.send`);
3. *mark*: ``sent`` with ``sent_at``, or the error in ``last_error`` (``failed`` once
   ``max_attempts`` are used up, else ``pending`` until ``next_attempt_at``).

A crash before 3 leaves the row ``pending`` with its retry time: it is sent again
later, never lost. Delivery is therefore *at least once*; exactly-once at the network
boundary is impossible, so every message carries a stable ``delivery_id`` (CloudEvents
``id``, ``X-Earlywarn-Delivery-Id`` header, e-mail ``Message-ID``) and receivers can
drop repeats. Rows already ``sent`` are never sent again, and re-enqueueing skips keys
that exist, so reruns of the pipeline send nothing twice.

Keys and escalations
--------------------
The outbox key is ``(alert_id, channel)``. The first delivery of an alert to a channel
uses the alert's id. When a later run sees the alert at a *higher* severity than any
delivery of it to that channel, a new delivery is keyed ``<alert_id>#<severity>``
(e.g. ``3f2a...#high``) and marked as an escalation. The same or a lower severity, and
alerts an analyst ``dismissed`` or ``resolved``, create nothing; reopening a resolved
alert does not notify again unless its severity rises.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from earlywarn.alerts.channels import Channel
from earlywarn.alerts.rules import SEVERITIES
from earlywarn.schema import TABLES, empty_frame
from earlywarn.store import Archive

__all__ = ["OUTBOX_STATUSES", "delivery_id", "enqueue", "enqueue_digest", "outbox_for"]

#: Statuses of an outbox row.
OUTBOX_STATUSES = ("pending", "sent", "failed")
#: Alert statuses set by an analyst that stop deliveries.
_QUIET = ("dismissed", "resolved")
_N_EVIDENCE = 5


def delivery_id(key: str, channel: str) -> str:
    """The stable id of the delivery of outbox key ``key`` to ``channel``.

    Examples
    --------
    >>> delivery_id("3f2a", "desk-email")
    'ew-912600ae7f443b42d8777a72'
    >>> delivery_id("3f2a", "desk-email") == delivery_id("3f2a", "desk-email")
    True
    """
    return "ew-" + hashlib.sha1(f"{key}|{channel}".encode()).hexdigest()[:24]


def _now(now: datetime | str | None) -> pd.Timestamp:
    ts = pd.Timestamp(now) if now is not None else pd.Timestamp.now(tz="UTC")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _iso(value: Any) -> str | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        return pd.Timestamp(value).isoformat()
    except (TypeError, ValueError):
        return str(value)


def _pick(rec: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {k: rec.get(k) for k in keys if rec.get(k) is not None}


def _alert_summary(row: Mapping[str, Any]) -> dict[str, Any]:
    raw = row.get("evidence")
    try:
        ev = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except (TypeError, ValueError):
        ev = {}
    score = row.get("score")
    return {
        "alert_id": str(row["alert_id"]),
        "rule": row.get("rule"),
        "unique_id": row.get("unique_id"),
        "label": ev.get("label"),
        "title": row.get("title"),
        "severity": row.get("severity"),
        "score": None if score is None or pd.isna(score) else float(score),
        "status": row.get("status"),
        "ds": _iso(row.get("ds")),
        "as_of": _iso(row.get("as_of")),
        "description": ev.get("description") or None,
        "detector": ev.get("detector"),
        "threshold": ev.get("threshold"),
        "anomaly": ev.get("anomaly"),
        "episode": ev.get("episode"),
        "window": ev.get("window"),
        "forecast": ev.get("forecast"),
        "counts": ev.get("counts"),
        "articles": [
            _pick(a, ("title", "url", "outlet", "language", "published", "sentence"))
            for a in (ev.get("articles") or [])[:_N_EVIDENCE]
        ],
        "events": [
            _pick(
                e,
                (
                    "date",
                    "source_name",
                    "source_country",
                    "target_name",
                    "target_country",
                    "cameo_code",
                    "quad_class",
                    "goldstein",
                    "sentence",
                    "url",
                ),
            )
            for e in (ev.get("events") or [])[:_N_EVIDENCE]
        ],
    }


def _rank(severity: Any) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def _delivered_rank(existing: pd.DataFrame | None) -> dict[tuple[str, str], int]:
    """Highest severity already in the outbox per (alert_id, channel)."""
    out: dict[tuple[str, str], int] = {}
    if existing is None or existing.empty:
        return out
    for key, channel, payload in zip(
        existing["alert_id"], existing["channel"], existing["payload"], strict=True
    ):
        try:
            sev = json.loads(payload)["alert"]["severity"] if isinstance(payload, str) else None
        except (TypeError, ValueError, KeyError):
            sev = None
        base = str(key).split("#", 1)[0]
        suffix = str(key).split("#", 1)[1] if "#" in str(key) else None
        rank = max(_rank(sev), _rank(suffix), 0)
        k = (base, str(channel))
        out[k] = max(out.get(k, -1), rank)
    return out


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    if not records:
        return empty_frame("outbox")
    frame = pd.DataFrame(records, columns=list(TABLES["outbox"].columns))
    for col in ("created_at", "next_attempt_at", "sent_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    frame["attempts"] = frame["attempts"].astype("Int64")
    return frame


def _pending(key: str, channel: str, payload: Mapping[str, Any], stamp: Any) -> dict[str, Any]:
    """One outbox row waiting for its first attempt."""
    return {
        "alert_id": key,
        "channel": channel,
        "status": "pending",
        "attempts": 0,
        "payload": json.dumps(payload, ensure_ascii=False, default=str),
        "last_error": None,
        "created_at": stamp,
        "next_attempt_at": stamp,
        "sent_at": None,
    }


def enqueue(
    alerts: pd.DataFrame,
    channels: Sequence[Channel],
    existing: pd.DataFrame | None = None,
    *,
    now: datetime | str | None = None,
    locale: str = "en",
) -> pd.DataFrame:
    """Outbox rows for ``alerts``: one per alert and channel that accepts it.

    Parameters
    ----------
    alerts : DataFrame
        Rows of the ``alerts`` table (as :func:`earlywarn.alerts.evaluate_rules` returns).
    channels : sequence of Channel
        The configured channels (:func:`earlywarn.alerts.load_channels`).
    existing : DataFrame, optional
        The current ``outbox`` rows (at least those of these alerts); keys already there
        are skipped, so a ``sent`` row is never reset and reruns send nothing twice. A
        severity above every earlier delivery of the alert to a channel creates an
        escalation keyed ``<alert_id>#<severity>`` (see the module docstring).
    now : datetime, optional
        ``created_at`` and ``next_attempt_at`` of the new rows (default: now, UTC).
    locale : str
        The language (``en``, ``vi``) the message's labels are written in, frozen in the
        payload as the brief's is (the configured ``locale``).

    Returns
    -------
    DataFrame
        Columns of the ``outbox`` table: ``alert_id`` (the key), ``channel``,
        ``status`` ('pending'), ``attempts`` (0), ``payload`` (JSON: ``delivery_id``,
        ``key``, ``channel``, ``kind`` ('new' | 'escalation'), ``time``, ``alert`` with
        its evidence summary, ``locale``), ``last_error``, ``created_at``, ``next_attempt_at``,
        ``sent_at``. Commit it in the same transaction as the alerts.

    Examples
    --------
    >>> import pandas as pd
    >>> alerts = pd.DataFrame({"alert_id": ["a1"], "rule": ["spike"], "unique_id": ["cov:VNM"],
    ...     "ds": [pd.Timestamp("2024-03-05")], "as_of": [pd.Timestamp("2024-03-05")],
    ...     "severity": ["high"], "score": [7.0], "title": ["Coverage spike: Vietnam"],
    ...     "status": ["new"], "evidence": ["{}"], "created_at": [pd.Timestamp.now(tz="UTC")],
    ...     "updated_at": [pd.Timestamp.now(tz="UTC")], "note": [None]})
    >>> chans = [Channel("hook", "cloudevents", "https://h.example.org/e"),
    ...          Channel("desk", "cloudevents", "https://d.example.org/e", min_severity="critical")]
    >>> rows = enqueue(alerts, chans, now="2024-03-06T06:00:00Z")
    >>> rows[["alert_id", "channel", "status", "attempts"]].values.tolist()
    [['a1', 'hook', 'pending', 0]]
    >>> enqueue(alerts, chans, existing=rows).empty
    True
    >>> enqueue(alerts.assign(severity="critical"), chans, existing=rows)["alert_id"].tolist()
    ['a1#critical', 'a1']
    """
    stamp = _now(now)
    done = _delivered_rank(existing)
    records: list[dict[str, Any]] = []
    for raw in alerts.to_dict("records"):
        row = {str(k): v for k, v in raw.items()}
        if str(row.get("status")) in _QUIET:
            continue
        base = str(row["alert_id"])
        sev = str(row.get("severity"))
        summary: dict[str, Any] | None = None
        for ch in channels:
            if not ch.accepts(
                rule=str(row.get("rule")), unique_id=str(row.get("unique_id")), severity=sev
            ):
                continue
            before = done.get((base, ch.name))
            if before is None:
                key, kind = base, "new"
            elif _rank(sev) > before:
                key, kind = f"{base}#{sev}", "escalation"
            else:
                continue
            summary = summary or _alert_summary(row)
            alert = dict(summary)
            if kind == "escalation" and before is not None:
                alert["previous_severity"] = SEVERITIES[before]
            did = delivery_id(key, ch.name)
            payload = {
                "delivery_id": did,
                "key": key,
                "channel": ch.name,
                "kind": kind,
                "time": _iso(row.get("updated_at")) or stamp.isoformat(),
                "alert": alert,
                "locale": locale,
            }
            records.append(_pending(key, ch.name, payload, stamp))
    return _frame(records)


def enqueue_digest(
    brief: Mapping[str, Any],
    channels: Sequence[Channel],
    existing: pd.DataFrame | None = None,
    *,
    now: datetime | str | None = None,
    locale: str = "en",
) -> pd.DataFrame:
    """Outbox rows sending ``brief`` (:func:`earlywarn.brief.build_brief`) to digest channels.

    One row per enabled channel with ``digest: true``, keyed ``brief:<as_of>``; keys in
    ``existing`` are skipped, so a rerun queues nothing twice. The payload (``kind``
    'brief') freezes the brief without its ``state``, and the ``locale`` (``en``, ``vi``)
    its labels are written in, as text and as HTML.

    Examples
    --------
    >>> chans = [Channel("desk", "apprise", "mailto://u:p@127.0.0.1?to=d@example.org", digest=True),
    ...          Channel("hook", "cloudevents", "https://h.example.org/e")]
    >>> rows = enqueue_digest({"as_of": "2024-03-05", "stories": []}, chans, now="2024-03-06")
    >>> rows[["alert_id", "channel", "status"]].values.tolist()
    [['brief:2024-03-05', 'desk', 'pending']]
    >>> enqueue_digest({"as_of": "2024-03-05"}, chans, existing=rows).empty
    True
    """
    stamp = _now(now)
    key = f"brief:{brief['as_of']}"
    have = (
        set()
        if existing is None or existing.empty
        else set(
            zip(existing["alert_id"].astype(str), existing["channel"].astype(str), strict=True)
        )
    )
    body = {k: v for k, v in brief.items() if k != "state"}
    records = []
    for ch in channels:
        if not (ch.enabled and ch.digest) or (key, ch.name) in have:
            continue
        payload = {
            "delivery_id": delivery_id(key, ch.name),
            "key": key,
            "channel": ch.name,
            "kind": "brief",
            "time": stamp.isoformat(),
            "brief": body,
            "locale": locale,
        }
        records.append(_pending(key, ch.name, payload, stamp))
    return _frame(records)


def outbox_for(archive: Archive, alert_ids: Sequence[str] | pd.Series) -> pd.DataFrame:
    """The ``outbox`` rows of ``alert_ids`` (with their escalations), for :func:`enqueue`.

    Examples
    --------
    >>> import tempfile
    >>> with Archive(tempfile.mkdtemp() + "/a.duckdb") as archive:
    ...     outbox_for(archive, ["a1"]).empty
    True
    """
    ids = [str(a) for a in alert_ids]
    if not ids:
        return empty_frame("outbox")
    return archive.query(
        "SELECT * FROM outbox WHERE list_contains(?, split_part(alert_id, '#', 1))", [ids]
    )
