"""Turning anomaly scores into alerts: episodes, dedup, severity, lifecycle carry-over."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from earlywarn._log import get_logger
from earlywarn.alerts.evidence import build_evidence, period_bounds
from earlywarn.alerts.rules import SEVERITIES, Rule
from earlywarn.alerts.sources import COLLECTION_KINDS, independent_families, series_article_ids
from earlywarn.detect._base import infer_freq
from earlywarn.errors import ConfigError
from earlywarn.labels import country_name, series_label
from earlywarn.schema import TABLES, empty_frame
from earlywarn.series.ids import parse_id

__all__ = ["Episode", "episodes", "evaluate_rules"]

log = get_logger(__name__)

Episode = tuple[int, int, int]  # (first flagged index, last flagged index, flagged periods)


def episodes(
    flags: Sequence[bool] | np.ndarray, *, min_duration: int = 1, cooldown: int = 0
) -> list[Episode]:
    """Group flagged periods into episodes.

    Runs of flagged periods separated by at most ``cooldown`` unflagged periods form
    one episode; an episode counts only if it holds a run of at least ``min_duration``
    consecutive flagged periods.

    Examples
    --------
    >>> episodes([0, 1, 1, 0, 1, 0, 0, 0, 1], cooldown=1)
    [(1, 4, 3), (8, 8, 1)]
    >>> episodes([0, 1, 0, 1, 1], min_duration=2)
    [(3, 4, 2)]
    """
    idx = np.flatnonzero(np.asarray(flags, dtype=bool))
    out: list[Episode] = []
    if len(idx) == 0:
        return out
    groups = np.split(idx, np.flatnonzero(np.diff(idx) > cooldown + 1) + 1)
    for g in groups:
        runs = np.split(g, np.flatnonzero(np.diff(g) > 1) + 1)
        if max(len(r) for r in runs) >= min_duration:
            out.append((int(g[0]), int(g[-1]), len(g)))
    return out


def _alert_id(rule: Rule, uid: str, start: pd.Timestamp) -> str:
    key = rule.dedup_key.format(
        rule=rule.name, unique_id=uid, episode_start=start.strftime("%Y-%m-%d")
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _now(now: datetime | None) -> pd.Timestamp:
    ts = pd.Timestamp(now or datetime.now(timezone.utc))
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def evaluate_rules(
    anomalies: pd.DataFrame,
    rules: Sequence[Rule],
    *,
    as_of: date | datetime | str,
    series: pd.DataFrame,
    events: pd.DataFrame | None,
    articles: pd.DataFrame | None,
    mentions: pd.DataFrame | None,
    forecasts: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    now: datetime | None = None,
    min_families: int = 1,
    perception: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Alerts firing at ``as_of`` (columns of the ``alerts`` table).

    For each rule and each matching series, periods with ``score >= threshold`` (of the
    rule's detector, ``ds <= as_of``) are grouped into episodes (:func:`episodes`); an
    episode alerts if its last anomalous period overlaps the rule's ``window`` before
    ``as_of``. ``alert_id`` is a sha1 of the dedup key (rule, unique_id, episode start),
    so reruns give the same ids; an episode that continues one of ``previous``'s alerts
    keeps that alert's id even when its start fell out of the scored lookback.

    Lifecycle with ``previous``: ``acknowledged`` and ``dismissed`` stay as set,
    ``resolved`` becomes ``reopened`` when a newer anomalous period arrives, and a rising
    severity sets ``escalated`` (with ``previous_severity``) in the evidence. Only the
    alerts firing now are returned; the pipeline upserts them by ``alert_id``.

    Corroboration: an alert on a news-fed series (``cov:``, ``tone:``, ``ev:``, ``dyad:``)
    rises above ``low`` only when the articles behind its episode come from at least
    ``min_families`` independent owner families (``family`` column of ``articles``: an
    outlet group or a state owner; an outlet without one is its own family). Ten state
    outlets repeating one line are one voice. The count is in the evidence
    (``corroboration``); imported series (no articles) are not capped.

    Examples
    --------
    >>> import pandas as pd
    >>> ds = pd.date_range("2024-01-01", periods=5)
    >>> an = pd.DataFrame({"unique_id": "cov:VNM", "ds": ds, "detector": "ensemble",
    ...                    "y": [5.0, 6, 5, 30, 31], "expected": 5.0,
    ...                    "score": [0.1, 0.2, 0.1, 6.0, 7.0], "is_anomaly": False})
    >>> s = an[["unique_id", "ds", "y"]]
    >>> rule = Rule("spike", series=("cov:*",), threshold=3.0, window="2D")
    >>> out = evaluate_rules(an, [rule], as_of="2024-01-05", series=s, events=None,
    ...                      articles=None, mentions=None)
    >>> out[["rule", "unique_id", "severity", "score", "status"]].values.tolist()
    [['spike', 'cov:VNM', 'medium', 7.0, 'new']]
    """
    cutoff = pd.Timestamp(as_of)
    cutoff = cutoff.tz_convert("UTC").tz_localize(None) if cutoff.tzinfo else cutoff
    as_of_day = cutoff.normalize()
    stamp = _now(now)
    need = {"unique_id", "ds", "detector", "score"}
    if not need <= set(anomalies.columns):
        raise ConfigError(f"evaluate_rules: anomalies lack {sorted(need - set(anomalies.columns))}")
    an = anomalies.copy()
    an["ds"] = pd.to_datetime(an["ds"])
    an = an[an["ds"] <= cutoff]
    prev = _previous_index(previous)
    rows: list[dict[str, Any]] = []
    for rule in rules:
        sub = an[an["detector"] == rule.detector]
        uids = [u for u in sub["unique_id"].unique() if rule.matches(str(u))]
        for uid in uids:
            g = sub[sub["unique_id"] == uid].sort_values("ds")
            freq = infer_freq(g["ds"]) if len(g) > 1 else _series_freq(series, str(uid))
            flags = rule.flags(g, freq)
            recent_from = as_of_day + pd.Timedelta(days=1) - rule.window_offset()
            for first, last, _n in episodes(
                flags, min_duration=rule.min_duration, cooldown=rule.cooldown
            ):
                last_ds = pd.Timestamp(g["ds"].iloc[last])
                if period_bounds(last_ds, freq)[1] <= recent_from:
                    continue
                ep = g.iloc[first : last + 1]
                ep = ep[flags[first : last + 1]]
                row = _alert_row(
                    rule,
                    str(uid),
                    ep,
                    freq,
                    as_of_day,
                    stamp,
                    prev,
                    series=series,
                    events=events,
                    articles=articles,
                    mentions=mentions,
                    forecasts=forecasts,
                    perception=perception,
                    min_families=min_families,
                )
                if row is not None:
                    rows.append(row)
    if not rows:
        return empty_frame("alerts")
    out = pd.DataFrame(rows)
    out["_rank"] = out["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    out = out.sort_values(["_rank", "score"], ascending=False).drop(columns="_rank")
    out = out.drop_duplicates("alert_id", keep="first")
    return _typed(out)


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    cols = list(TABLES["alerts"].columns)
    frame = out.loc[:, cols].reset_index(drop=True)
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    frame["score"] = frame["score"].astype(float)
    for c in ("created_at", "updated_at"):
        frame[c] = pd.to_datetime(frame[c], utc=True)
    return frame


def _series_freq(series: pd.DataFrame, uid: str) -> str:
    own = series.loc[series["unique_id"] == uid, "ds"]
    return infer_freq(pd.to_datetime(own)) if len(own) > 1 else "D"


def _previous_index(previous: pd.DataFrame | None) -> list[dict[str, Any]]:
    if previous is None or previous.empty:
        return []
    recs = previous.to_dict("records")
    for r in recs:
        ev = r.get("evidence")
        try:
            r["_evidence"] = json.loads(ev) if isinstance(ev, str) else dict(ev or {})
        except (TypeError, ValueError):
            r["_evidence"] = {}
    return [{str(k): v for k, v in r.items()} for r in recs]


def _match_previous(
    prev: list[dict[str, Any]], rule: Rule, uid: str, alert_id: str, start: pd.Timestamp, freq: str
) -> dict[str, Any] | None:
    for r in prev:
        if r.get("alert_id") == alert_id:
            return r
    gap = (rule.cooldown + 1) * {"MS": 31, "W": 7}.get(freq, 1)
    for r in prev:
        if r.get("rule") != rule.name or r.get("unique_id") != uid:
            continue
        end = r["_evidence"].get("episode", {}).get("end")
        if end and pd.Timestamp(end) + pd.Timedelta(days=gap) >= start:
            return r
    return None


def _target_name(target: str | None) -> str:
    """A dyad's or tie's counterpart by name (a country, a person, an organisation)."""
    if not target:
        return ""
    from earlywarn.network.actors import node_label

    return node_label(target)


def _change(y: Any, expected: Any) -> str:
    """``strengthening``/``weakening`` for a two-sided score (observed vs expected)."""
    y, expected = _num(y), _num(expected)
    if y is None or expected is None:
        return "changing"
    return "strengthening" if y > expected else "weakening"


def _alert_row(
    rule: Rule,
    uid: str,
    ep: pd.DataFrame,
    freq: str,
    as_of_day: pd.Timestamp,
    stamp: pd.Timestamp,
    prev: list[dict[str, Any]],
    min_families: int = 1,
    **frames: Any,
) -> dict[str, Any] | None:
    start = pd.Timestamp(ep["ds"].iloc[0])
    latest = ep.iloc[-1]
    score = float(ep["score"].max())
    severity = rule.severity_for(score)
    corroboration: dict[str, Any] | None = None
    if uid.startswith(COLLECTION_KINDS) and frames.get("articles") is not None:
        end = period_bounds(pd.Timestamp(latest["ds"]), freq)[1]
        n = _families(uid, start, end, frames.get("articles"), frames.get("mentions"),
                      frames.get("events"), frames.get("perception"))  # fmt: skip
        capped = min_families > 1 and n < min_families and severity != SEVERITIES[0]
        corroboration = {"families": n, "required": min_families, "capped_from": None}
        if capped:
            corroboration["capped_from"] = severity
            severity = SEVERITIES[0]
    alert_id = _alert_id(rule, uid, start)
    before = _match_previous(prev, rule, uid, alert_id, start, freq)
    status, created, note = "new", stamp, None
    escalated, prev_sev = False, None
    if before is not None:
        alert_id = str(before["alert_id"])
        start = min(start, pd.Timestamp(before["_evidence"].get("episode", {}).get("start", start)))
        created = before.get("created_at") or stamp
        note = before.get("note")
        status = str(before.get("status") or "new")
        if status == "resolved" and pd.Timestamp(latest["ds"]) > pd.Timestamp(before["ds"]):
            status = "reopened"
        prev_sev = before.get("severity")
        if prev_sev in SEVERITIES and SEVERITIES.index(severity) > SEVERITIES.index(prev_sev):
            escalated = True
    evidence = build_evidence(uid, latest["ds"], as_of=as_of_day, **frames)
    evidence.update(
        {
            "rule": rule.name,
            "description": rule.description,
            "detector": rule.detector,
            "threshold": rule.threshold,
            "anomaly": {
                "ds": pd.Timestamp(latest["ds"]).isoformat(),
                "y": _num(latest.get("y")),
                "expected": _num(latest.get("expected")),
                "score": _num(latest["score"]),
            },
            "episode": {
                "start": start.isoformat(),
                "end": pd.Timestamp(latest["ds"]).isoformat(),
                "periods": len(ep),
                "max_score": score,
            },
            "anomalous_periods": [pd.Timestamp(d).isoformat() for d in ep["ds"]],
            "escalated": escalated,
            "previous_severity": prev_sev if escalated else None,
            "corroboration": corroboration,
        }
    )
    sid = parse_id(uid)
    title = rule.title.format(
        rule=rule.name,
        unique_id=uid,
        country=sid.country or "",
        country_name=country_name(sid.country) or uid,
        target=sid.target or "",
        target_name=_target_name(sid.target),
        series_label=series_label(uid, freq),
        change=_change(latest.get("y"), latest.get("expected")),
    )
    return {
        "alert_id": alert_id,
        "rule": rule.name,
        "unique_id": uid,
        "ds": latest["ds"],
        "as_of": as_of_day,
        "severity": severity,
        "score": score,
        "title": title,
        "status": status,
        "evidence": json.dumps(evidence, ensure_ascii=False, default=str),
        "created_at": created,
        "updated_at": stamp,
        "note": note,
    }


def _families(
    uid: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    articles: pd.DataFrame | None,
    mentions: pd.DataFrame | None,
    events: pd.DataFrame | None,
    perception: pd.DataFrame | None = None,
) -> int:
    """Independent owner families among the articles behind ``uid`` in [start, end)."""
    if articles is None or articles.empty or "published" not in articles:
        return 0
    pub = pd.to_datetime(articles["published"], utc=True).dt.tz_localize(None)
    arts = articles[(pub >= start) & (pub < end)]
    ids = series_article_ids(uid, mentions, events, perception)
    if ids is not None:
        arts = arts[arts["article_id"].isin(set(ids))]
    return independent_families(arts)


def _num(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f
