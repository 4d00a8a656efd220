"""A network shift: the focal country's tie with one counterpart weakens or strengthens.

For a ``tie:FOCAL~X`` series and a day ``t``, the last ``recent`` days (``k1`` ties with X
out of ``n1`` ties of the focal country in all, ``tie:FOCAL~ALL``) are set against the
``baseline`` days before them (``k0`` of ``n0``). If X's share did not change, ``k1``
given ``k = k1 + k0`` is binomial with ``q = n1 / (n1 + n0)``; its variance is widened by
the over-dispersion ``phi`` of X's daily counts around its share over both windows
(quasi-binomial: news comes in bursts, one summit day can hold a week's ties). The score
is ``-log10`` of the two-sided normal p-value of ``z = (k1 - k q) / sqrt(phi k q (1-q))``. Conditioning on the
focal country's own volume means a busy week in general is not read as a shift with every
partner; two-sided, a tie falling silent scores as well as one flaring up.

Examples
--------
>>> import pandas as pd
>>> ds = pd.date_range("2024-01-01", periods=35)
>>> chn = [4.0] * 28 + [0.0] * 7
>>> s = pd.concat([pd.DataFrame({"unique_id": "tie:VNM~CHN", "ds": ds, "y": chn}),
...                pd.DataFrame({"unique_id": "tie:VNM~ALL", "ds": ds, "y": [10.0] * 35})])
>>> out = tie_shift(s, as_of="2024-02-04")
>>> row = out.iloc[-1]
>>> float(row.y), float(row.expected), bool(row.is_anomaly), shift_direction(row.y, row.expected)
(0.0, 28.0, True, 'weaken')
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

__all__ = ["THRESHOLD", "shift_direction", "tie_shift"]

#: Default score (-log10 p) at or above which a period is flagged; chosen on the tuning
#: half of the ICEWS focal countries (see ``benchmarks/network_shift.py``).
THRESHOLD = 4.0


def shift_direction(y: float, expected: float) -> str:
    """``"strengthen"`` when more ties than expected, else ``"weaken"``."""
    return "strengthen" if y > expected else "weaken"


def tie_shift(
    series: pd.DataFrame,
    *,
    as_of: str | date | pd.Timestamp,
    recent: int = 7,
    baseline: int = 28,
    lookback: int = 30,
    threshold: float = THRESHOLD,
    min_ties: int = 5,
) -> pd.DataFrame:
    """Score every ``tie:F~X`` series of ``series`` for a change of X's share of F's ties.

    Parameters
    ----------
    series : DataFrame
        Long frame ``unique_id, ds, y`` with daily ``tie:`` series (others are ignored);
        each focal country's ``tie:F~ALL`` must be there.
    as_of : date
        Last day read.
    recent, baseline : int
        Days of the recent window and of the baseline before it.
    lookback : int
        Days scored (ending ``as_of``).
    threshold : float
        Score at or above which ``is_anomaly`` is set.
    min_ties : int
        Periods where both windows together hold fewer ties with X are not scored.

    Returns
    -------
    DataFrame
        The ``anomalies`` columns ``unique_id, ds, detector, y, expected, score,
        is_anomaly``; ``detector`` is ``"tie_shift"``, ``y`` the ties in the recent window
        and ``expected`` the ties X's baseline share would give.
    """
    from scipy.stats import norm

    cols = ["unique_id", "ds", "detector", "y", "expected", "score", "is_anomaly"]
    if series.empty:
        return pd.DataFrame(columns=cols)
    s = series[series["unique_id"].astype(str).str.startswith("tie:")]
    if s.empty:
        return pd.DataFrame(columns=cols)
    cutoff = pd.Timestamp(as_of).normalize()
    s = s.assign(ds=pd.to_datetime(s["ds"]))
    s = s[s["ds"] <= cutoff]
    wide = s.pivot_table(index="ds", columns="unique_id", values="y", aggfunc="sum")
    wide = wide.reindex(pd.date_range(wide.index.min(), cutoff, freq="D")).fillna(0.0)
    r1 = wide.rolling(recent, min_periods=recent).sum()
    r0 = wide.shift(recent).rolling(baseline, min_periods=baseline).sum()
    scored = wide.index[-lookback:]
    frames = []
    for uid in wide.columns:
        focal, _, other = uid[4:].partition("~")
        total = f"tie:{focal}~ALL"
        if other == "ALL" or total not in wide:
            continue
        k1 = r1.loc[scored, uid].to_numpy()
        k0 = r0.loc[scored, uid].to_numpy()
        n1 = r1.loc[scored, total].to_numpy()
        n0 = r0.loc[scored, total].to_numpy()
        nd = wide[total].where(wide[total] > 0)
        span = recent + baseline
        sq = (wide[uid] ** 2 / nd).fillna(0.0).rolling(span).sum().loc[scored].to_numpy()
        ok = ~(np.isnan(k1) | np.isnan(k0)) & (k1 + k0 >= min_ties) & (n1 > 0) & (n0 > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            k, n = k1 + k0, n1 + n0
            p = k / n  # X's share over both windows
            q = n1 / n  # the recent window's part of the focal country's ties
            expected = np.where(ok, n1 * k0 / n0, np.nan)
            # Pearson dispersion of the daily counts around the pooled share
            chi2 = (sq - 2 * p * k + p**2 * n) / (p * (1 - p))
            phi = np.where(p < 1, np.maximum(1.0, chi2 / (span - 1)), 1.0)
            z = (k1 - k * q) / np.sqrt(phi * k * q * (1 - q))
        pv = 2 * norm.sf(np.abs(np.nan_to_num(z)))
        score = np.where(ok, -np.log10(np.maximum(pv, 1e-300)), np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": uid,
                    "ds": scored,
                    "detector": "tie_shift",
                    "y": k1,
                    "expected": expected,
                    "score": score,
                }
            )[ok]
        )
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["is_anomaly"] = out["score"] >= threshold
    return out[cols]
