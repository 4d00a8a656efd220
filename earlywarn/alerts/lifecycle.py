"""Alert lifecycle: acknowledge, resolve, dismiss, reopen, comment (returning updated frames)."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from earlywarn.errors import EarlywarnError

__all__ = [
    "STATUSES",
    "AlertNotFoundError",
    "acknowledge",
    "comment",
    "dismiss",
    "reopen",
    "resolve",
]

#: Statuses an alert can have.
STATUSES = ("new", "reopened", "acknowledged", "resolved", "dismissed")


class AlertNotFoundError(EarlywarnError, KeyError):
    """No alert with the given ``alert_id``; list ids with ``alerts.alert_id``."""


def _set(
    alerts: pd.DataFrame,
    alert_id: str,
    status: str,
    who: str,
    why: str,
    now: datetime | None,
    verb: str = "",
) -> pd.DataFrame:
    mask = alerts["alert_id"] == alert_id
    if not mask.any():
        raise AlertNotFoundError(
            f"no alert with alert_id {alert_id!r}; the frame holds {len(alerts)} alerts"
        )
    if not who or not str(who).strip():
        raise EarlywarnError(f"{status}: say who made the change (who=...)")
    out = alerts.copy()
    stamp = pd.Timestamp(now or datetime.now(timezone.utc))
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    line = f"{stamp.strftime('%Y-%m-%d %H:%M')}Z {verb or status} by {who}" + (
        f": {why}" if why else ""
    )
    old = out.loc[mask, "note"].iloc[0]
    out.loc[mask, "note"] = f"{old}\n{line}" if isinstance(old, str) and old else line
    out.loc[mask, "status"] = status
    out["updated_at"] = pd.to_datetime(out["updated_at"], utc=True)
    out.loc[mask, "updated_at"] = stamp
    return out


def acknowledge(
    alerts: pd.DataFrame, alert_id: str, who: str, why: str = "", *, now: datetime | None = None
) -> pd.DataFrame:
    """Mark an alert as seen and being followed; the change is appended to ``note``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"alert_id": ["x1"], "status": ["new"], "note": [None],
    ...                   "updated_at": [pd.Timestamp("2024-01-01", tz="UTC")]})
    >>> out = acknowledge(a, "x1", "lan", "watching", now=pd.Timestamp("2024-01-02", tz="UTC"))
    >>> out.status[0], out.note[0]
    ('acknowledged', '2024-01-02 00:00Z acknowledged by lan: watching')
    """
    return _set(alerts, alert_id, "acknowledged", who, why, now)


def resolve(
    alerts: pd.DataFrame, alert_id: str, who: str, why: str = "", *, now: datetime | None = None
) -> pd.DataFrame:
    """Close an alert as handled; it is reopened if its signal returns."""
    return _set(alerts, alert_id, "resolved", who, why, now)


def dismiss(
    alerts: pd.DataFrame, alert_id: str, who: str, why: str = "", *, now: datetime | None = None
) -> pd.DataFrame:
    """Close an alert as a false alarm; it stays dismissed while its episode lasts."""
    return _set(alerts, alert_id, "dismissed", who, why, now)


def reopen(
    alerts: pd.DataFrame, alert_id: str, who: str, why: str = "", *, now: datetime | None = None
) -> pd.DataFrame:
    """Open a resolved or dismissed alert again (status ``reopened``)."""
    return _set(alerts, alert_id, "reopened", who, why, now)


def comment(
    alerts: pd.DataFrame, alert_id: str, who: str, why: str = "", *, now: datetime | None = None
) -> pd.DataFrame:
    """Add a comment to an alert's ``note`` without changing its status.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"alert_id": ["x1"], "status": ["new"], "note": [None],
    ...                   "updated_at": [pd.Timestamp("2024-01-01", tz="UTC")]})
    >>> out = comment(a, "x1", "lan", "asked the embassy", now=pd.Timestamp("2024-01-02", tz="UTC"))
    >>> out.status[0], out.note[0]
    ('new', '2024-01-02 00:00Z comment by lan: asked the embassy')
    """
    if not why or not str(why).strip():
        raise EarlywarnError("comment: write the comment (why=...)")
    row = alerts.loc[alerts["alert_id"] == alert_id, "status"]
    status = str(row.iloc[0]) if len(row) else "new"
    return _set(alerts, alert_id, status, who, why, now, verb="comment")
