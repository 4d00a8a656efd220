"""Escalation test: the last months of a country's conflict series against a lagged
baseline, under a pooled negative-binomial model, the series' p-values combined.

For every monthly conflict series (event counts of a conflict class and deaths, as
:func:`~earlywarn.detect._onset.onset_series` selects them) and month ``t``, the sum of the
last ``m`` months ``R = y[t-m+1] + ... + y[t]`` is judged against the mean ``b`` of a
*lagged* baseline, months ``t - hi .. t - lo`` (``baseline=(lo, hi)``, 6-12 by default),
not against the months just before ``t``: a slow escalation raises those too and would
hide itself. Under the null ``R`` is negative binomial with mean
``mu = m (b + c) e^d`` and variance ``mu + alpha mu^2``, where the dispersion depends on
the baseline's level and on how many baseline months there are,
``log alpha = a0 + a1 log1p(b) + a2 / n``. The five numbers ``(d, c, a0, a1, a2)`` are
fitted by maximum likelihood on all country-months of many countries at once
(:func:`~earlywarn.detect._escalation_null.fit_escalation_model`), one set per series kind (events, deaths), ``m`` and
baseline, so a short history or a sparse series gets the dispersion its peers show rather
than one estimated from its own few months. The shipped set
(``earlywarn/data/escalation.json``) was fitted on the tuning half of the African crisis
series only; fitting reads no labels.

A month's upper-tail mid-p of ``R`` is computed for each ``m`` in ``windows`` and each of
the country's series; the country's p-values are combined (Cauchy combination, valid under
the strong dependence of overlapping windows and of two sources counting one war; or
Fisher's) and the score is ``-log10`` of the combined p, written on one series of the
country (the anchor of :class:`~earlywarn.detect.OnsetRisk`) so that one country episode
raises one alert.

The variant and the threshold were chosen on the tuning half, checked
leave-one-country-out (``experiments/escalation/study.py``, ``experiments/RESULTS.md``).
Measured with ``earlywarn eval alerts`` (row ``escalation_test``): tuning half 6 of 15
onsets caught with lead >= 0 at precision 0.62 in-sample, 4/15 at 0.33
leave-one-country-out; held-aside half 1/14 at 0.20, below the shipped rules (7/15 at 0.55;
3/14 at 0.27): no shipped rule uses it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from earlywarn.detect._base import BaseDetector, cauchy_combine
from earlywarn.detect._escalation_null import (
    _GRID,
    _N_PARAMS,
    _P_FLOOR,
    _nb_parts,
    calibrated_p,
    escalation_rows,
    load_escalation_model,
    model_key,
    upper_p,
)
from earlywarn.detect._onset import onset_series
from earlywarn.errors import ConfigError
from earlywarn.series.kinds import series_kind

__all__ = ["BASELINE", "COMBINE", "THRESHOLD", "WINDOWS", "EscalationTest", "country_scores"]

#: The default variant, chosen by F1 of caught onsets and precision on the tuning half of
#: the African crisis series (``experiments/escalation/study.py``): the last 1, 2 and 3
#: months, a baseline 6-12 months back, calibrated p-values combined by Fisher's method,
#: alert at ``-log10 p >= THRESHOLD`` (the lowest threshold with at most 0.008 false
#: alerts per country-year there).
WINDOWS: tuple[int, ...] = (1, 2, 3)
BASELINE: tuple[int, int] = (6, 12)
COMBINE = "fisher"
THRESHOLD = 6.0


def _fisher(p: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(p)
    chi = np.where(ok, -2 * np.log(np.where(ok, p, 1.0)), 0.0).sum(axis=0)
    k = ok.sum(axis=0)
    with np.errstate(invalid="ignore"):
        out = stats.chi2.sf(chi, 2 * np.maximum(k, 1))
    return np.where(k == 0, np.nan, out)


class EscalationTest(BaseDetector):
    """Multi-month escalation against a lagged baseline, pooled NB null, p-values combined.

    Scores monthly series of conflict events and deaths (see the module docstring); the
    score of a country-month is ``-log10`` of the combined p-value, written on the
    country's anchor series (its first event-count series, else its first deaths series),
    with ``expected`` the anchor's baseline month under the null. Other series and
    non-monthly series get no score; months without ``min_baseline`` baseline months on
    any series are not scored. As_of-safe: month ``t`` reads months up to ``t``, and the
    null's parameters are fixed data.

    Parameters
    ----------
    windows : sequence of int
        The ``m`` (months judged together, ending at ``t``); each gives a p-value per
        series, all combined.
    baseline : (int, int)
        The baseline's months back ``(lo, hi)``: months ``t - hi .. t - lo``.
    combine : {"cauchy", "fisher"}
        How a country's p-values are combined.
    calibrate : bool
        Map each negative-binomial p-value to the pooled share of country-months at least
        as extreme (:func:`calibrated_p`) before combining.
    model : mapping, path or None
        The null's parameters (:func:`fit_escalation_model`; ``None``: the shipped ones,
        fitted on the tuning half of the African crisis series).
    min_baseline : int
        Least observed baseline months for a series-month to be judged.
    threshold : float
        ``-log10 p`` at or above which a month is anomalous.

    Examples
    --------
    >>> ds = pd.date_range("2010-01-01", periods=60, freq="MS")
    >>> ev = [20.0, 25, 18, 22, 30, 21] * 9 + [60, 150, 220, 260, 300, 320]
    >>> y = pd.concat([pd.DataFrame({"unique_id": "MLI:pv_events", "ds": ds, "y": ev}),
    ...                pd.DataFrame({"unique_id": "MLI:ucdp_fatalities", "ds": ds,
    ...                              "y": [v * 2 for v in ev]})])
    >>> s = EscalationTest().fit(y).predict(y)
    >>> sorted(s["unique_id"].unique())  # one score per country
    ['MLI:pv_events']
    >>> s.loc[s["is_anomaly"], "ds"].dt.strftime("%Y-%m").iloc[0]  # its third month
    '2014-09'
    >>> bool(s["score"].iloc[:-6].max() < 2)  # nothing before it
    True

    One month at three times the baseline (60 events) is within the month-to-month
    noise pooled over the African series; 150 then 220 are not.
    """

    score_kind = "neglog10p"

    def __init__(
        self,
        windows: Sequence[int] = WINDOWS,
        baseline: Sequence[int] = BASELINE,
        combine: str = COMBINE,
        calibrate: bool = True,
        model: Mapping[str, Any] | str | Path | None = None,
        min_baseline: int = 3,
        threshold: float = THRESHOLD,
    ) -> None:
        self.windows = windows
        self.baseline = baseline
        self.combine = combine
        self.calibrate = calibrate
        self.model = model
        self.min_baseline = min_baseline
        self.threshold = threshold

    def _validate_params(self) -> None:
        super()._validate_params()
        name = type(self).__name__
        if self.combine not in ("cauchy", "fisher"):
            raise ConfigError(f"{name}: combine={self.combine!r} is not one of 'cauchy', 'fisher'")
        ws = list(self.windows) if isinstance(self.windows, (list, tuple)) else []
        if not ws or any(not isinstance(w, int) or isinstance(w, bool) or w < 1 for w in ws):
            raise ConfigError(f"{name}: windows={self.windows!r} must be a list of ints >= 1")
        bl = self.baseline
        if (
            not isinstance(bl, (list, tuple))
            or len(bl) != 2
            or not all(isinstance(v, int) for v in bl)
            or not max(ws) <= bl[0] <= bl[1]
        ):
            raise ConfigError(
                f"{name}: baseline={bl!r} must be (lo, hi) months back with "
                f"max(windows) <= lo <= hi, e.g. (6, 24)"
            )
        if not isinstance(self.min_baseline, int) or self.min_baseline < 1:
            raise ConfigError(f"{name}: min_baseline={self.min_baseline!r} must be an int >= 1")

    def _fit(self, frame: pd.DataFrame) -> None:
        if self.model is None or isinstance(self.model, (str, Path)):
            model = load_escalation_model(self.model)
        else:
            model = dict(self.model)
        params = model.get("params", {})
        calib = model.get("calibration", {})
        for kind in ("ev", "f"):
            for m in self.windows:
                key = model_key(kind, m, self.baseline)
                if (
                    key not in params
                    or len(params[key]) != _N_PARAMS
                    or len(calib.get(key, ())) != len(_GRID)
                ):
                    raise ConfigError(
                        f"{type(self).__name__}: the model has no parameters {key!r}; fit them "
                        "with fit_escalation_model(frame, windows, baselines)"
                    )
        self.params_ = {k: list(map(float, v)) for k, v in params.items()}
        self.calibration_ = {k: list(map(float, v)) for k, v in calib.items()}

    def series_p(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Per series, month and window: ``unique_id, ds, m, p, expected`` (before
        combining)."""
        parts = []
        for m in self.windows:
            rows = escalation_rows(frame, m, self.baseline, self.min_baseline)
            rows = rows[rows["R"].notna() & rows["b"].notna()]
            for kind, g in rows.groupby("kind"):
                key = model_key(str(kind), m, self.baseline)
                theta = self.params_[key]
                mu, _ = _nb_parts(
                    np.asarray(theta), m, g["b"].to_numpy(float), g["n"].to_numpy(float)
                )
                p = upper_p(theta, m, g)
                if self.calibrate:
                    p = calibrated_p(p, self.calibration_[key])
                parts.append(g[["unique_id", "ds"]].assign(m=m, p=p, expected=mu / m))
        if not parts:
            return pd.DataFrame(columns=["unique_id", "ds", "m", "p", "expected"])
        return pd.concat(parts, ignore_index=True)

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        per = self.series_p(frame)
        if per.empty:
            return pd.DataFrame()
        score = country_scores(per, self.combine)
        out = frame.merge(score[["unique_id", "ds", "score"]], on=["unique_id", "ds"])
        first = per[per["m"] == min(self.windows)][["unique_id", "ds", "expected"]]
        out = out.merge(first, on=["unique_id", "ds"], how="left")
        out.loc[out["y"].isna(), "score"] = np.nan
        if last:
            out = out.groupby("unique_id", sort=False).tail(last)
        return out


def country_scores(per: pd.DataFrame, combine: str = "cauchy") -> pd.DataFrame:
    """Combine the p-values of :meth:`EscalationTest.series_p` (``unique_id, ds, m, p``) per
    country and month: ``country, ds, unique_id, score`` with ``score = -log10`` of the
    combined p and ``unique_id`` the country's anchor series.

    Examples
    --------
    >>> per = pd.DataFrame({"unique_id": ["MLI:pv_events", "MLI:ucdp_fatalities"],
    ...                     "ds": pd.Timestamp("2020-01-01"), "m": 1, "p": [1e-4, 0.5]})
    >>> row = country_scores(per).iloc[0]
    >>> row["unique_id"], round(float(row["score"]), 1)
    ('MLI:pv_events', 3.7)
    """
    country = {u: series_kind(str(u)).country for u in per["unique_id"].unique()}
    per = per.assign(country=per["unique_id"].map(country))
    rows, keys = pd.factorize(pd.MultiIndex.from_arrays([per["country"], per["ds"]]))
    cols, _ = pd.factorize(pd.MultiIndex.from_arrays([per["unique_id"], per["m"]]))
    p = np.full((cols.max() + 1, len(keys)), np.nan)
    p[cols, rows] = per["p"].to_numpy(float)
    comb = cauchy_combine(p) if combine == "cauchy" else _fisher(p)
    score = pd.DataFrame(
        {
            "country": keys.get_level_values(0),
            "ds": keys.get_level_values(1),
            "score": -np.log10(np.clip(comb, _P_FLOOR, 1.0)),
        }
    ).sort_values(["country", "ds"], ignore_index=True)
    anchors = {}
    for c, g in per.groupby("country"):
        ids = sorted(g["unique_id"].unique())
        ev = [u for u in ids if onset_series(u) == "ev"]
        anchors[c] = (ev or ids)[0]
    score["unique_id"] = score["country"].map(anchors)
    return score[["country", "ds", "unique_id", "score"]]
