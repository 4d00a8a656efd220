"""``detect``: score many series with a set of detectors as of a date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Literal

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.detect._base import BaseDetector, infer_freq
from earlywarn.detect._ensemble import Ensemble, default_detectors
from earlywarn.errors import ConfigError
from earlywarn.schema import TABLES, empty_frame
from earlywarn.series.kinds import is_level

__all__ = ["DEFAULT_LOOKBACK", "detect"]

log = get_logger(__name__)

#: Periods scored per series when ``lookback="auto"``: 30 days, 13 weeks, 6 months.
DEFAULT_LOOKBACK = {"D": 30, "W": 13, "MS": 6}

_COLUMNS = [c for c in TABLES["anomalies"].columns if c != "as_of"]


def detect(
    series: pd.DataFrame,
    detectors: Mapping[str, BaseDetector] | None = None,
    *,
    as_of: date | datetime | str,
    lookback: int | Literal["auto"] | None = "auto",
) -> pd.DataFrame:
    """Score every series as of ``as_of``.

    Only periods ``ds <= as_of`` are read (later rows are dropped before scoring) and
    every detector scores period ``t`` from data up to ``t``.

    Parameters
    ----------
    series : DataFrame
        Long frame ``unique_id, ds, y``. With an ``as_of`` column (rows of the
        ``series`` table), vintages after ``as_of`` are dropped and the latest remaining
        vintage of each period is used.
    detectors : mapping of name to detector, or None
        Detectors to run on every series, each written under its name in the
        ``detector`` column. ``None`` runs the defaults: for count-like series
        (``ev:``, ``dyad:``, ``cov:``, imported counts) ``robust_z``, ``rate_surprise``,
        ``rate_cusum``, ``share_spike`` and their ``ensemble`` (Cauchy combination); for ``tone:`` series ``robust_z`` on
        falling tone and ``ensemble``. Alert rules usually read ``ensemble``.
    as_of : date
        The last period that may be read.
    lookback : int, "auto" or None
        Periods returned per series: ``"auto"`` (default) keeps the last 30 daily,
        13 weekly or 6 monthly periods; an int keeps that many; ``None`` keeps all of
        history (as used by evaluation and backfills). Scoring always uses the full
        history before each period.

    Returns
    -------
    DataFrame
        ``unique_id, ds, detector, y, expected, score, is_anomaly`` (the ``anomalies``
        table without ``as_of``); periods without enough history are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "ev:VNM:r14", "ds": pd.date_range("2024-01-01", periods=40),
    ...                   "y": [4.0, 5, 3, 6, 4, 5] * 6 + [5, 40, 5, 4]})
    >>> out = detect(y, as_of="2024-02-07")
    >>> sorted(out.detector.unique())  # no share_spike: this frame has no total volume
    ['ensemble', 'rate_cusum', 'rate_surprise', 'robust_z']
    >>> out[out.is_anomaly & (out.detector == "ensemble")].ds.dt.day.tolist()
    [7]
    """
    cutoff = _cutoff(as_of)
    if (
        lookback is not None
        and lookback != "auto"
        and (not isinstance(lookback, int) or lookback < 1)
    ):
        raise ConfigError(f"detect: lookback={lookback!r}; use a positive int, 'auto' or None")
    missing = {"unique_id", "ds", "y"} - set(series.columns)
    if missing:
        raise ConfigError(f"detect: series frame lacks columns {sorted(missing)}")
    frame = series.loc[:, ["unique_id", "ds", "y"]].copy()
    if "as_of" in series.columns and series["as_of"].notna().any():
        # several vintages of the series table: the latest known at as_of per period
        made = pd.to_datetime(series["as_of"])
        frame = frame[made <= cutoff].assign(_made=made[made <= cutoff])
        frame = frame.sort_values("_made").drop_duplicates(["unique_id", "ds"], keep="last")
        frame = frame.drop(columns="_made")
    frame["ds"] = pd.to_datetime(frame["ds"])
    if frame["ds"].dt.tz is not None:
        frame["ds"] = frame["ds"].dt.tz_convert("UTC").dt.tz_localize(None)
    frame = frame[frame["ds"] <= cutoff]
    if frame.empty:
        return empty_frame("anomalies").loc[:, _COLUMNS]

    if detectors is None:
        is_tone = frame["unique_id"].astype(str).map(is_level).astype(bool)
        parts = []
        for kind, sub in (("count", frame[~is_tone]), ("tone", frame[is_tone])):
            if sub.empty:
                continue
            ens = Ensemble(default_detectors(kind))
            ens.fit(sub)
            # share totals come from the whole frame, so score with it and keep `sub`'s rows
            scored = ens.score_all(frame if kind == "count" else sub)
            keep = set(sub["unique_id"].unique())
            parts += [
                s[s["unique_id"].isin(keep)].assign(detector=name) for name, s in scored.items()
            ]
    else:
        parts = []
        for name, det in detectors.items():
            if not isinstance(det, BaseDetector):
                raise ConfigError(f"detect: detector {name!r} is not a BaseDetector: {det!r}")
            parts.append(det.fit(frame).score(frame).assign(detector=name))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["score"].notna()]
    out = _trim(out, frame, lookback)
    out["is_anomaly"] = _flags(out, detectors)
    log.debug("detect: %d rows for %d series", len(out), out["unique_id"].nunique())
    return out.loc[:, _COLUMNS].sort_values(["unique_id", "detector", "ds"]).reset_index(drop=True)


def _cutoff(as_of: date | datetime | str) -> pd.Timestamp:
    ts = pd.Timestamp(as_of)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.normalize() if isinstance(as_of, (date, str)) and not _has_time(as_of) else ts


def _has_time(as_of: date | datetime | str) -> bool:
    return isinstance(as_of, datetime) or (isinstance(as_of, str) and len(as_of) > 10)


def _trim(out: pd.DataFrame, frame: pd.DataFrame, lookback: int | str | None) -> pd.DataFrame:
    if lookback is None or out.empty:
        return out
    keep = []
    for uid, g in frame.groupby("unique_id", sort=False):
        n = DEFAULT_LOOKBACK.get(infer_freq(g["ds"]), 30) if lookback == "auto" else int(lookback)
        keep.append(pd.DataFrame({"unique_id": uid, "ds": g["ds"].iloc[-n:]}))
    window = pd.concat(keep, ignore_index=True)
    return out.merge(window, on=["unique_id", "ds"], how="inner")


def _flags(out: pd.DataFrame, detectors: Mapping[str, BaseDetector] | None) -> pd.Series:
    if detectors is None:
        thresholds = {"ensemble": Ensemble().threshold}
        for name, det in {**default_detectors("count")}.items():
            thresholds[name] = det.threshold
    else:
        thresholds = {name: det.threshold for name, det in detectors.items()}
    limit = out["detector"].map(thresholds).astype(float)
    return (out["score"] >= limit).astype(bool)
