"""Score alert rules (or a detector) against labelled crisis onsets.

The rules of the count (periods are the series' own: months for monthly series), as
``crisis_series/README.md`` states them:

- An *alert* is the period at which an episode first satisfies its rule (score at or
  above the threshold, and the value at or above ``min_per_month``, for ``min_duration``
  consecutive periods); later periods of the same episode (runs joined across
  ``cooldown`` quiet periods) are not new alerts.
- A labelled crisis spans ``start .. end``; its *onset* is ``start``. An alert on a
  series of the labelled country (the country of the series' kind,
  :func:`earlywarn.series.kinds.series_kind`) *catches* an onset when it is dated in
  ``[onset - max_lead, onset + 1]`` (the README's window). An alert catching a
  ``primary`` onset is *true*. Alerts in the crisis months after that window (``onset +
  1 < ds <= end``: the README's "use end to mask crisis months when counting false
  alarms") and alerts in or catching a ``context`` crisis (``[onset - max_lead,
  max(end, onset + 1)]``) are *neutral*: neither true nor false. Every other alert is
  *false*. Precision = true / (true + false).
- An onset is *caught with lead >= 0* (the issue's bar) when a true alert is dated
  ``onset - max_lead .. onset``; the lead is ``onset - alert`` in periods (0 = an alert
  on the onset month). Recall = caught / onsets; ``detected_in_window`` also counts an
  alert on ``onset + 1``.
- ``since``: the labels cover only the period from ``since`` on (the African crisis
  onsets were labelled over ACLED's coverage, 1997 on; the UCDP series reach back to
  1989, whose crises -- Rwanda 1994 among them -- are not labelled). Alerts before it are
  not judged and its months are not counted as history.
- False alerts per country-year divide the false alerts by the scored history of the
  countries the rules cover (months from ``since`` in which any of a country's covered
  series has a score, over 12); per series-year divides by every covered series' scored
  history.

Scores come from :func:`earlywarn.detect.detect` over the whole history; detectors are
as_of-safe, so this equals re-running the pipeline at every ``as_of``.

``earlywarn eval alerts`` (:func:`main`) prints the tuning half, the held-aside half
(``experiments/splits/crisis_countries.csv``) and Yemen for the shipped rules, the pooled
onset-risk model (:class:`~earlywarn.detect.OnsetRisk`, fitted on the tuning half; one
alert per country episode), the forecast-surprise CUSUM
(:class:`~earlywarn.detect.ForecastSurprise`, its yearly refits on Dask; one alert per
country episode), its two-month-window variant (``window_surprise``: the last two months'
sum against the forecast made before them, no CUSUM), the escalation test
(:class:`~earlywarn.detect.EscalationTest`: the last 1-3 months against a baseline 6-12
months back under a pooled negative-binomial null, one alert per country episode) and the
textbook detectors (:func:`textbook_detectors`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from earlywarn._progress import Progress, counted
from earlywarn.alerts.engine import episodes
from earlywarn.alerts.rules import Rule, load_rules
from earlywarn.detect._base import BaseDetector, infer_freq
from earlywarn.detect._detect import detect
from earlywarn.detect._escalation import EscalationTest
from earlywarn.detect._onset import OnsetRisk
from earlywarn.detect._surprise import WINDOW, WINDOW_THRESHOLD, ForecastSurprise
from earlywarn.io.shared import shared_data
from earlywarn.series.kinds import series_kind

__all__ = [
    "LABELLED_FROM",
    "alert_dates",
    "alert_table",
    "calibrate_threshold",
    "development_data",
    "evaluate_alerts",
    "main",
    "textbook_detectors",
]

_PER_YEAR = {"D": 365.25, "W": 52.18, "MS": 12.0}


def _month_index(ts: pd.Timestamp, freq: str) -> int:
    if freq == "MS":
        return ts.year * 12 + ts.month - 1
    days = int((ts - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1))
    return days // 7 if freq == "W" else days


def alert_dates(anomalies: pd.DataFrame, rule: Rule) -> list[tuple[str, pd.Timestamp]]:
    """``(unique_id, ds)`` of every alert a rule raises over the whole history.

    Examples
    --------
    >>> import pandas as pd
    >>> an = pd.DataFrame({"unique_id": "YEM:total", "detector": "ensemble",
    ...                    "ds": pd.date_range("2015-01-01", periods=5, freq="MS"),
    ...                    "score": [0.5, 4.0, 5.0, 0.1, 3.5]})
    >>> [d.strftime("%Y-%m") for _, d in alert_dates(an, Rule("r", series=("*",)))]
    ['2015-02', '2015-05']
    """
    out = []
    sub = anomalies[anomalies["detector"] == rule.detector]
    for uid, g in sub.groupby("unique_id", sort=True):
        if not rule.matches(str(uid)):
            continue
        g = g.sort_values("ds")
        flags = rule.flags(g, infer_freq(g["ds"]) if len(g) > 1 else "MS")
        for first, last, _ in episodes(
            flags, min_duration=rule.min_duration, cooldown=rule.cooldown
        ):
            run = 0
            for i in range(first, last + 1):
                run = run + 1 if flags[i] else 0
                if run >= rule.min_duration:
                    out.append((str(uid), pd.Timestamp(g["ds"].iloc[i])))
                    break
    return out


def _labels(labels: pd.DataFrame | str | Path) -> pd.DataFrame:
    """Labels with ``start``/``end`` timestamps and a unique ``key`` per crisis.

    Reads both layouts of ``shared/data``: ``start_month, end_month`` (Yemen) and
    ``onset, end`` (``crisis_series/crisis_onsets.csv``).
    """
    frame = pd.read_csv(labels) if isinstance(labels, (str, Path)) else labels.copy()
    start = "start_month" if "start_month" in frame else "onset"
    end = "end_month" if "end_month" in frame else "end"
    frame["start"] = pd.to_datetime(frame[start])
    frame["end"] = pd.to_datetime(frame[end])
    frame["key"] = frame["unique_id"].astype(str) + " " + frame["start"].dt.strftime("%Y-%m")
    return frame


def evaluate_alerts(
    series: pd.DataFrame,
    labels: pd.DataFrame | str | Path,
    rules_or_detector: Sequence[Rule] | Rule | BaseDetector | None = None,
    *,
    max_lead: int = 3,
    anomalies: pd.DataFrame | None = None,
    since: str | pd.Timestamp | None = None,
    raised: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Precision, recall, lead time and false alerts per country-year (see module docs).

    ``rules_or_detector``: rules (default: the shipped rules), one rule, or a detector
    (then one rule over every series at the detector's threshold with ``cooldown=1``).
    ``anomalies`` may be passed to reuse scores already computed with ``lookback=None``.
    ``since``: the first period the labels cover (earlier alerts are not judged).
    ``raised``: judge the alerts the nightly runs actually raised (the archive's
    ``alert_ledger``: ``rule, unique_id, ds`` and ``rerun``) instead of replaying the rules
    over the history. Alerts first raised by a forced rerun of their night were not known on
    that night: they are left out (``rerun_alerts`` counts them), so no lead time rests on
    hindsight.

    Examples
    --------
    >>> import pandas as pd
    >>> ds = pd.date_range("2010-01-01", periods=24, freq="MS")
    >>> an = pd.DataFrame({"unique_id": "XYZ:pv_events", "ds": ds, "detector": "ensemble",
    ...                    "y": 50.0, "score": 0.0})
    >>> an.loc[[3, 9, 14, 20], "score"] = 9.0  # 2010-04, 2010-10, 2011-03, 2011-09
    >>> labels = pd.DataFrame({"unique_id": "XYZ", "onset": ["2010-06", "2011-05"],
    ...                        "end": ["2010-12", "2011-05"], "role": ["primary", "context"]})
    >>> r = evaluate_alerts(an[["unique_id", "ds", "y"]], labels, Rule("r"), anomalies=an)
    >>> r["caught"], r["true_alerts"], r["context_alerts"], r["false_alerts"]
    (1, 1, 2, 1)
    >>> late = evaluate_alerts(an[["unique_id", "ds", "y"]], labels, Rule("r"), anomalies=an,
    ...                        since="2011-01-01")  # the labels cover 2011 on: 2 alerts judged
    >>> late["alerts"], late["false_alerts"], late["country_years"]
    (2, 1, 1.0)
    """
    detectors = None
    if isinstance(rules_or_detector, BaseDetector):
        detectors = {"candidate": rules_or_detector}
        rules: list[Rule] = [
            Rule(
                "candidate",
                series=("*",),
                detector="candidate",
                threshold=float(rules_or_detector.threshold),
                cooldown=1,
            )
        ]
    elif isinstance(rules_or_detector, Rule):
        rules = [rules_or_detector]
    else:
        rules = list(rules_or_detector) if rules_or_detector is not None else load_rules()
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    if anomalies is None or detectors is not None:
        anomalies = detect(frame, detectors, as_of=frame["ds"].max(), lookback=None)
    start = pd.Timestamp(since) if since is not None else None
    lab = _labels(labels)
    primary = lab[lab["role"] == "primary"]

    covered = [u for u in frame["unique_id"].unique() if any(r.matches(str(u)) for r in rules)]
    freq = {u: infer_freq(frame.loc[frame["unique_id"] == u, "ds"]) for u in covered}
    used = {r.detector for r in rules}
    scored = anomalies[anomalies["unique_id"].isin(covered) & anomalies["detector"].isin(used)]
    if start is not None:
        scored = scored[pd.to_datetime(scored["ds"]) >= start]
    series_years = float(
        sum(
            g["ds"].nunique() / _PER_YEAR.get(freq[str(u)], 12.0)
            for u, g in scored.groupby("unique_id")
        )
    )
    by_country = scored.assign(
        country=scored["unique_id"].map(lambda u: series_kind(str(u)).country)
    )
    country_years = float(
        sum(
            g["ds"].nunique() / _PER_YEAR.get(freq[str(g["unique_id"].iloc[0])], 12.0)
            for _, g in by_country.groupby("country")
        )
    )

    rerun_alerts = 0
    if raised is not None:
        from earlywarn.ledger import live_alerts

        names = {r.name for r in rules}
        mine = raised[raised["rule"].isin(names)]
        live = live_alerts(mine)
        rerun_alerts = int((~live).sum())
        kept = mine[live]
        found = [
            (str(rule), str(uid), ds)
            for rule, uid, ds in zip(
                kept["rule"], kept["unique_id"], pd.to_datetime(kept["ds"]), strict=True
            )
            if start is None or ds >= start
        ]
    else:
        found = [
            (r.name, uid, ds)
            for r in rules
            for uid, ds in alert_dates(anomalies, r)
            if start is None or ds >= start
        ]
    true_: list[dict[str, str]] = []
    false_: list[dict[str, str]] = []
    ctx: list[dict[str, str]] = []
    lead: dict[str, int | None] = {str(x): None for x in primary["key"]}
    detected: dict[str, bool] = {str(x): False for x in primary["key"]}
    for name, uid, ds in found:
        f = freq.get(uid, "MS")
        country = series_kind(uid).country
        at = _month_index(ds, f)
        hit = neutral = False
        for row in lab[lab["unique_id"] == country].itertuples():
            s = _month_index(pd.Timestamp(row.start), f)  # type: ignore[arg-type]
            e = _month_index(pd.Timestamp(row.end), f)  # type: ignore[arg-type]
            if row.role != "primary":
                neutral |= s - max_lead <= at <= max(e, s + 1)
            elif s - max_lead <= at <= s + 1:
                hit = True
                detected[str(row.key)] = True
                if at <= s:
                    prev = lead[str(row.key)]
                    lead[str(row.key)] = max(prev or 0, s - at)
            else:
                neutral |= s + 1 < at <= e
        record = {"rule": name, "unique_id": uid, "ds": ds.strftime("%Y-%m-%d")}
        (true_ if hit else ctx if neutral else false_).append(record)
    caught = [k for k, v in lead.items() if v is not None]
    n_on = len(lead)
    judged = len(true_) + len(false_)
    return {
        "onsets": n_on,
        "caught": len(caught),
        "recall": len(caught) / n_on if n_on else float("nan"),
        "detected_in_window": sum(detected.values()) / n_on if n_on else float("nan"),
        "lead_times": lead,
        "mean_lead": float(np.mean([lead[k] for k in caught])) if caught else float("nan"),
        "median_lead": float(np.median([lead[k] for k in caught])) if caught else float("nan"),
        "alerts": len(found),
        "true_alerts": len(true_),
        "false_alerts": len(false_),
        "context_alerts": len(ctx),
        "precision": len(true_) / judged if judged else float("nan"),
        "series": len(covered),
        "series_years": round(series_years, 2),
        "false_alerts_per_series_year": len(false_) / series_years
        if series_years
        else float("nan"),
        "countries": int(by_country["country"].nunique()),
        "country_years": round(country_years, 2),
        "false_alerts_per_country_year": len(false_) / country_years
        if country_years
        else float("nan"),
        "max_lead": max_lead,
        "rerun_alerts": rerun_alerts,
        "false_alert_list": false_,
    }


def calibrate_threshold(
    series: pd.DataFrame,
    labels: pd.DataFrame | str | Path,
    rule: Rule,
    *,
    target: float,
    anomalies: pd.DataFrame | None = None,
    grid: Sequence[float] | None = None,
    since: str | pd.Timestamp | None = None,
) -> float:
    """The lowest threshold at which ``rule`` raises at most ``target`` false alerts per
    country-year on ``series`` (use the tuning half only).

    ``grid`` defaults to 2.0, 2.25, ... 30 (``-log10 p`` scale), searched by bisection
    (false alerts fall as the threshold rises); if no threshold on it reaches the
    target, the highest is returned.
    """
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    if anomalies is None:
        anomalies = detect(frame, as_of=frame["ds"].max(), lookback=None)
    steps = sorted(grid) if grid is not None else [2.0 + 0.25 * i for i in range(113)]

    def ok(th: float) -> bool:
        res = evaluate_alerts(
            frame, labels, replace(rule, threshold=th), anomalies=anomalies, since=since
        )
        return bool(res["false_alerts_per_country_year"] <= target)

    lo, hi = 0, len(steps) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(steps[mid]):
            hi = mid
        else:
            lo = mid + 1
    return float(steps[lo])


def textbook_detectors() -> dict[str, BaseDetector]:
    """The three baselines every alert figure is printed next to.

    ``robust_z_12m``: robust z-score of ``log1p(y)`` against the median and MAD of the
    last 12 months (z >= 3.5); ``nb_surprise``: negative-binomial upper-tail test against
    the mean and variance of the last 12 months (p < 0.001); ``snaive_99.9``: above the
    seasonal-naive 99.9% prediction interval (z >= 3.29).
    """
    from earlywarn.detect import CountSurprise, RobustZScore, SeasonalNaiveInterval

    return {
        "robust_z_12m": RobustZScore(window=12, min_periods=6),
        "nb_surprise": CountSurprise(window=12, family="negbin"),
        "snaive_99.9": SeasonalNaiveInterval(period=12),
    }


#: The first month the labels of each development set cover (``since`` of
#: :func:`evaluate_alerts`): the African onsets were labelled over ACLED's coverage, which
#: starts in 1997-01 (``crisis_series/README.md``: primaries need 24 months of
#: ``pv_events`` before them, the six 1998 onsets with less are context); the UCDP series
#: reach back to 1989, whose crises (Rwanda 1994, Burundi 1993 ...) carry no label.
LABELLED_FROM: dict[str, str] = {"tuning": "1997-01-01", "held_aside": "1997-01-01"}


def development_data(data: str | Path) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """``{"tuning", "held_aside", "yemen"}`` -> ``(series, labels)`` from ``shared/data``.

    The African crisis series are split by country with
    ``experiments/splits/crisis_countries.csv`` (made once; never re-drawn).
    """
    root = Path(data)
    crisis = root / "crisis_series"
    split_file = Path(__file__).resolve().parents[2] / "experiments/splits/crisis_countries.csv"
    series = pd.read_csv(crisis / "acled_africa_monthly_long.csv", parse_dates=["ds"])
    labels = pd.read_csv(crisis / "crisis_onsets.csv")
    split = pd.read_csv(split_file)
    country = series["unique_id"].map(lambda u: series_kind(str(u)).country)
    out: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    for half in ("tuning", "held_aside"):
        keep = set(split.loc[split["half"] == half, "country"])
        out[half] = (
            series[country.isin(keep)].reset_index(drop=True),
            labels[labels["unique_id"].isin(keep)].reset_index(drop=True),
        )
    yem = root / "event_counts"
    out["yemen"] = (
        pd.read_csv(yem / "YEM_gdelt_monthly_long.csv", parse_dates=["ds"]),
        pd.read_csv(yem / "YEM_known_crisis_periods.csv"),
    )
    return out


def alert_table(
    data: dict[str, tuple[pd.DataFrame, pd.DataFrame]],
    candidates: dict[str, Sequence[Rule] | BaseDetector],
    *,
    max_lead: int = 3,
    progress: Progress | None = None,
    since: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per (candidate, data set): caught, onsets, recall, precision, false alerts
    per country-year, mean and median lead, alerts. ``since`` maps a data set to the first period its
    labels cover (default :data:`LABELLED_FROM`)."""
    since = LABELLED_FROM if since is None else since
    rows = []
    for part, (series, labels) in counted(list(data.items()), progress, "data sets"):
        frame = series.assign(ds=pd.to_datetime(series["ds"]))
        shared = detect(frame, as_of=frame["ds"].max(), lookback=None)
        for name, cand in candidates.items():
            an = None if isinstance(cand, BaseDetector) else shared
            r = evaluate_alerts(
                frame, labels, cand, max_lead=max_lead, anomalies=an, since=since.get(part)
            )
            rows.append(
                {
                    "candidate": name,
                    "data": part,
                    "caught": r["caught"],
                    "onsets": r["onsets"],
                    "recall": r["recall"],
                    "precision": r["precision"],
                    "false_per_country_year": r["false_alerts_per_country_year"],
                    "mean_lead": r["mean_lead"],
                    "median_lead": r["median_lead"],
                    "alerts": r["alerts"],
                    "country_years": r["country_years"],
                }
            )
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None, progress: Progress | None = None) -> int:
    """Print the alert table: shipped rules, the onset-risk model and textbook detectors on
    the three data sets."""
    ap = argparse.ArgumentParser(
        prog="earlywarn eval alerts",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    ap.add_argument("--data", default=str(shared_data()), help="the shared/data folder")
    ap.add_argument("--rules", default=None, help="rules YAML (default: the shipped rules)")
    ap.add_argument("--max-lead", type=int, default=3)
    ap.add_argument(
        "--scheduler", default=None, help="a Dask scheduler address (default: a LocalCluster)"
    )
    ap.add_argument(
        "--workers", type=int, default=2, help="LocalCluster worker processes (default 2)"
    )
    ap.add_argument(
        "--calibrate",
        type=float,
        default=None,
        metavar="RATE",
        help="print, per rule covering the tuning half, the threshold reaching RATE false "
        "alerts per country-year on the tuning half (and nothing else)",
    )
    args = ap.parse_args(argv)
    rules = load_rules(args.rules)
    data = development_data(args.data)
    out = sys.stdout
    if args.calibrate is not None:
        series, labels = data["tuning"]
        an = detect(series, as_of=series["ds"].max(), lookback=None)
        used = [r for r in rules if any(r.matches(str(u)) for u in series["unique_id"].unique())]
        for r in used:
            th = calibrate_threshold(
                series,
                labels,
                r,
                target=args.calibrate / len(used),
                anomalies=an,
                since=LABELLED_FROM["tuning"],
            )
            out.write(f"{r.name}: threshold {th:g} (shipped {r.threshold:g})\n")
        return 0
    from earlywarn.scale import get_client

    client = get_client(args.scheduler, args.workers)
    try:
        candidates: dict[str, Sequence[Rule] | BaseDetector] = {"shipped rules": rules}
        candidates["onset_risk"] = OnsetRisk()
        candidates["forecast_surprise"] = ForecastSurprise(client=client)
        candidates["window_surprise"] = ForecastSurprise(
            window=WINDOW, reference=None, threshold=WINDOW_THRESHOLD, client=client
        )
        candidates["escalation_test"] = EscalationTest()
        candidates.update(textbook_detectors())
        table = alert_table(data, candidates, max_lead=args.max_lead, progress=progress)
    finally:
        client.close()
    out.write(
        f"primary onsets caught with lead >= 0 (alert in [onset-{args.max_lead}, onset]); "
        f"precision = true / (true + false) alerts, true = in [onset-{args.max_lead}, "
        "onset+1] of a primary onset, neutral = later crisis months and context crises; "
        "false alerts per country-year (African sets: from 1997-01, the labelled period)\n"
    )
    for part, (series, labels) in data.items():
        lab = _labels(labels)
        out.write(
            f"\n{part}: {series['unique_id'].nunique()} series, "
            f"{(lab['role'] == 'primary').sum()} primary onsets\n"
        )
        out.write(
            f"{'candidate':<18}{'caught':>8}{'recall':>8}{'prec':>7}{'false/c-yr':>11}"
            f"{'lead':>6}{'med':>5}{'alerts':>8}\n"
        )
        for row in table[table["data"] == part].itertuples():
            out.write(
                f"{row.candidate:<18}{f'{row.caught}/{row.onsets}':>8}{row.recall:>8.0%}"
                f"{row.precision:>7.2f}{row.false_per_country_year:>11.3f}"
                f"{row.mean_lead:>6.1f}{row.median_lead:>5.0f}{row.alerts:>8}\n"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
