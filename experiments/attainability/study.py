"""Can the alert bars be met at all on the tuning half? Every detector family's whole
recall-precision curve as its threshold sweeps (issue 13). Reads the tuning half only.

    PYTHONPATH=. python experiments/attainability/study.py [--cache DIR] [--curves]

For each family already in the repo -- the shipped rules (``rate_surprise`` on ACLED
events and UCDP deaths, both thresholds swept on a grid), the pooled onset-risk model
(in-sample: the shipped coefficients, fitted on this half; and leave-one-country-out:
each country scored by a model fitted on the other 29), the three textbook detectors, the
forecast-surprise CUSUM, the two-month window surprise and the escalation test (in-sample:
the shipped null, fitted on this half without labels; and leave-one-country-out: the null
refitted without the country) -- the threshold sweeps a grid (the score's upper-tail
quantiles and every primary onset's best score in ``[onset-3, onset]``) and each
threshold is counted as ``evaluate_alerts`` counts (onsets caught with lead >= 0,
precision, false alerts per country-year, from 1997-01). Printed per family: the figure
at the shipped threshold, the most onsets caught at any threshold, the best recall
reachable at precision >= 0.60 and <= 0.5 false alerts per country-year, and the best
precision reachable at recall >= 70% (11 of 15 onsets). A threshold chosen on the very
onsets it is judged on: these are upper bounds, not estimates.

Alerts come from ``earlywarn.alerts.evaluate.alert_dates`` (the scorer's own episode
rule); the counting of true, false and neutral alerts is :class:`Counter`, a copy of
``evaluate_alerts``' loop that reuses the alerts of a threshold across the two rules of the
shipped set; it is checked against ``evaluate_alerts`` at five thresholds of every family
(the script stops if they differ). ``--cache DIR`` keeps the forecast-surprise series
scores (about 100 s CPU each of two rolling refits) and the leave-one-country-out scores.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from earlywarn.alerts.evaluate import (
    LABELLED_FROM,
    _labels,
    _month_index,
    alert_dates,
    development_data,
    evaluate_alerts,
    textbook_detectors,
)
from earlywarn.alerts.rules import Rule, load_rules
from earlywarn.detect import detect
from earlywarn.io.shared import shared_data
from earlywarn.series.kinds import series_kind

SINCE = LABELLED_FROM["tuning"]
PRECISION_BAR = 0.60
FALSE_BAR = 0.5  # false alerts per country-year
RECALL_BAR = 0.70
MAX_LEAD = 3

Alerts = list[tuple[str, pd.Timestamp]]


class Counter:
    """``evaluate_alerts``' count of a list of alerts ``(unique_id, ds)`` (monthly series):
    onsets caught with lead >= 0, true, false and neutral alerts."""

    def __init__(self, labels: pd.DataFrame, since: str = SINCE) -> None:
        lab = _labels(labels)
        self.since = pd.Timestamp(since)
        self.rows: dict[str, list[tuple[int, int, bool, str]]] = {}
        for row in lab.to_dict("records"):
            self.rows.setdefault(str(row["unique_id"]), []).append(
                (
                    _month_index(pd.Timestamp(row["start"]), "MS"),
                    _month_index(pd.Timestamp(row["end"]), "MS"),
                    row["role"] == "primary",
                    str(row["key"]),
                )
            )
        self.onsets = int((lab["role"] == "primary").sum())
        self._country: dict[str, str | None] = {}

    def country(self, uid: str) -> str | None:
        if uid not in self._country:
            self._country[uid] = series_kind(uid).country
        return self._country[uid]

    def __call__(self, found: Alerts) -> dict[str, Any]:
        caught: set[str] = set()
        true = false = neutral_n = 0
        for uid, ds in found:
            if ds < self.since:
                continue
            at = _month_index(ds, "MS")
            hit = neutral = False
            for s, e, primary, key in self.rows.get(str(self.country(uid)), []):
                if not primary:
                    neutral |= s - MAX_LEAD <= at <= max(e, s + 1)
                elif s - MAX_LEAD <= at <= s + 1:
                    hit = True
                    if at <= s:
                        caught.add(key)
                else:
                    neutral |= s + 1 < at <= e
            if hit:
                true += 1
            elif neutral:
                neutral_n += 1
            else:
                false += 1
        return {"caught": len(caught), "true": true, "false": false, "neutral": neutral_n}


def detector_rule(name: str, threshold: float) -> Rule:
    """The rule ``evaluate_alerts`` makes of a detector."""
    return Rule(name, series=("*",), detector=name, threshold=threshold, cooldown=1)


def onset_scores(an: pd.DataFrame, labels: pd.DataFrame, rule: Rule) -> list[float]:
    """Each primary onset's best score in ``[onset-3, onset]`` on the series ``rule``
    covers (with its ``min_per_month``): the thresholds at which an onset drops out."""
    lab = _labels(labels)
    sub = an[an["detector"] == rule.detector]
    sub = sub[[rule.matches(str(u)) for u in sub["unique_id"]]]
    if rule.min_per_month:
        sub = sub[sub["y"].to_numpy(float) >= rule.min_per_month - 1e-9]
    country = sub["unique_id"].map(lambda u: series_kind(str(u)).country)
    at = pd.to_datetime(sub["ds"])
    at_m = (at.dt.year * 12 + at.dt.month - 1).to_numpy()
    out = []
    for row in lab[lab["role"] == "primary"].to_dict("records"):
        s = _month_index(pd.Timestamp(row["start"]), "MS")
        w = (country == row["unique_id"]).to_numpy() & (at_m >= s - MAX_LEAD) & (at_m <= s)
        v = sub.loc[w, "score"].dropna()
        if len(v):
            out.append(float(v.max()))
    return out


def grid(an: pd.DataFrame, labels: pd.DataFrame, rule: Rule, n: int = 150) -> list[float]:
    """Thresholds: ``n`` upper-tail quantiles of the rule's scores (from 1997) and every
    primary onset's best score."""
    sub = an[(an["detector"] == rule.detector) & (pd.to_datetime(an["ds"]) >= SINCE)]
    s = sub["score"].dropna().to_numpy(float)
    q = np.quantile(s, 1 - np.geomspace(0.3, 2e-5, n)) if len(s) else np.array([])
    return sorted({round(float(v), 6) for v in [*q, *onset_scores(an, labels, rule)]})


def figures(counts: dict[str, Any], onsets: int, cy: float) -> dict[str, Any]:
    judged = counts["true"] + counts["false"]
    return {
        **counts,
        "onsets": onsets,
        "recall": counts["caught"] / onsets,
        "precision": counts["true"] / judged if judged else float("nan"),
        "false_cy": counts["false"] / cy,
    }


def sweep(
    series: pd.DataFrame,
    labels: pd.DataFrame,
    an: pd.DataFrame,
    rules: Sequence[Rule],
    grids: Sequence[Sequence[float]],
) -> pd.DataFrame:
    """One row per combination of the rules' thresholds (one grid per rule)."""
    counter = Counter(labels)
    base = evaluate_alerts(series, labels, list(rules), anomalies=an, since=SINCE)
    cy = float(base["country_years"])
    per_rule = [
        {th: alert_dates(an, replace(r, threshold=th)) for th in g}
        for r, g in zip(rules, grids, strict=True)
    ]
    rows = []
    for combo in _product(grids):
        found: Alerts = [a for i, th in enumerate(combo) for a in per_rule[i][th]]
        rows.append({"threshold": combo, **figures(counter(found), counter.onsets, cy)})
    out = pd.DataFrame(rows)
    _check(series, labels, an, rules, out)
    return out


def _product(grids: Sequence[Sequence[float]]) -> list[tuple[float, ...]]:
    combos: list[tuple[float, ...]] = [()]
    for g in grids:
        combos = [(*c, th) for c in combos for th in g]
    return combos


def _check(
    series: pd.DataFrame,
    labels: pd.DataFrame,
    an: pd.DataFrame,
    rules: Sequence[Rule],
    table: pd.DataFrame,
) -> None:
    """Five rows of the sweep recounted by ``evaluate_alerts``; stop if any differs."""
    picks = np.linspace(0, len(table) - 1, 5).round().astype(int)
    for i in picks:
        combo = table["threshold"].iloc[i]
        rs = [replace(r, threshold=th) for r, th in zip(rules, combo, strict=True)]
        r = evaluate_alerts(series, labels, rs, anomalies=an, since=SINCE)
        got = table.iloc[i]
        want = (r["caught"], r["true_alerts"], r["false_alerts"])
        if (got["caught"], got["true"], got["false"]) != want:
            raise SystemExit(f"count differs from evaluate_alerts at {combo}: {got} vs {want}")


def summary(table: pd.DataFrame, at: tuple[float, ...] | None) -> dict[str, Any]:
    """Shipped point, most caught, best recall at the precision and false-alert bars, best
    precision at the recall bar."""
    need = math.ceil(RECALL_BAR * int(table["onsets"].iloc[0]) - 1e-9)
    ok = table[(table["precision"] >= PRECISION_BAR) & (table["false_cy"] <= FALSE_BAR)]
    rec = table[table["caught"] >= need]
    out: dict[str, Any] = {"need": need, "max_caught": int(table["caught"].max())}
    if at is not None:
        out["shipped"] = table[[t == at for t in table["threshold"]]].iloc[0].to_dict()
    out["best_recall"] = (
        ok.sort_values(["caught", "precision"], ascending=False).iloc[0].to_dict()
        if len(ok)
        else None
    )
    out["best_precision"] = (
        rec.sort_values(["precision", "caught"], ascending=False).iloc[0].to_dict()
        if len(rec)
        else None
    )
    return out


def frontier(table: pd.DataFrame) -> pd.DataFrame:
    """The rows no other row beats in both onsets caught and precision."""
    t = table.dropna(subset=["precision"]).sort_values(
        ["caught", "precision"], ascending=[False, False]
    )
    keep, best = [], -1.0
    for i, row in t.iterrows():
        if row["precision"] > best:
            keep.append(i)
            best = row["precision"]
    return t.loc[keep].sort_values("caught")


# ---------------------------------------------------------------------------- families


def _cached(cache: Path | None, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    if cache is None:
        return make()
    path = cache / f"{name}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    out = make()
    cache.mkdir(parents=True, exist_ok=True)
    out.to_parquet(path)
    return out


def _as_anomalies(scores: pd.DataFrame, name: str, series: pd.DataFrame) -> pd.DataFrame:
    an = scores[["unique_id", "ds", "score"]].assign(detector=name)
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    an = an.assign(ds=pd.to_datetime(an["ds"]))
    return an.merge(frame, on=["unique_id", "ds"], how="inner")


def onset_risk_loco(series: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """The shipped onset-risk settings, each country scored by a model fitted on the others."""
    from earlywarn.alerts.onset_fit import (
        POSITIVE_WEIGHT,
        C,
        _scored,
        loco_predictions,
        training_rows,
    )

    rows = training_rows(series, labels, since=SINCE)
    prob = loco_predictions(rows, C, class_weight={0: 1.0, 1: POSITIVE_WEIGHT})
    return _scored(rows, prob, series)


def escalation_loco(series: pd.DataFrame) -> pd.DataFrame:
    """The shipped escalation test, each country scored under a null fitted on the others
    (windows 1-3, baseline 6-12 months back; no labels)."""
    from earlywarn.detect import EscalationTest
    from earlywarn.detect._escalation import BASELINE, WINDOWS
    from earlywarn.detect._escalation_null import fit_escalation_model

    country = series["unique_id"].map(lambda u: series_kind(str(u)).country)
    parts = []
    for c in sorted(country.unique()):
        model = fit_escalation_model(series[country != c], WINDOWS, (BASELINE,))
        one = series[country == c]
        det = EscalationTest(model=model)
        parts.append(detect(one, {"escalation_loco": det}, as_of=one["ds"].max(), lookback=None))
    return pd.concat(parts, ignore_index=True)


def surprise(series: pd.DataFrame, window: int, cache: Path | None) -> pd.DataFrame:
    """Per-series forecast-surprise scores (the pooled rolling quantile refits)."""
    from earlywarn.detect import ForecastSurprise

    det = ForecastSurprise(window=window)
    return _cached(cache, f"surprise_w{window}", lambda: det.series_scores(series))


def families(
    series: pd.DataFrame, labels: pd.DataFrame, cache: Path | None
) -> dict[str, tuple[pd.DataFrame, list[Rule]]]:
    """name -> (anomalies, rules at the shipped thresholds) of every family."""
    from earlywarn.detect import EscalationTest, ForecastSurprise, OnsetRisk
    from earlywarn.detect._surprise import WINDOW, WINDOW_THRESHOLD

    last = series["ds"].max()
    out: dict[str, tuple[pd.DataFrame, list[Rule]]] = {}
    rules = [r for r in load_rules() if any(r.matches(str(u)) for u in series["unique_id"])]
    shared = detect(series, as_of=last, lookback=None)
    used = {r.detector for r in rules}
    out["shipped rules"] = (shared[shared["detector"].isin(used)], rules)
    dets = {"onset_risk": OnsetRisk(), "escalation_test": EscalationTest(), **textbook_detectors()}
    for name, det in dets.items():
        out[name] = (
            detect(series, {name: det}, as_of=last, lookback=None),
            [detector_rule(name, float(det.threshold))],
        )
    from earlywarn.detect._onset import THRESHOLD as ONSET_THRESHOLD

    loco = _cached(cache, "onset_risk_loco", lambda: onset_risk_loco(series, labels))
    out["onset_risk LOCO"] = (
        loco.assign(detector="onset_risk_loco"),
        [detector_rule("onset_risk_loco", ONSET_THRESHOLD)],
    )
    esc = _cached(cache, "escalation_loco", lambda: escalation_loco(series))
    out["escalation_test LOCO"] = (
        esc,
        [detector_rule("escalation_loco", float(EscalationTest().threshold))],
    )
    for name, window, det in (
        ("forecast_surprise", 1, ForecastSurprise()),
        (
            "window_surprise",
            WINDOW,
            ForecastSurprise(window=WINDOW, reference=None, threshold=WINDOW_THRESHOLD),
        ),
    ):
        per = surprise(series, window, cache)
        an = det._from_series_scores(series, per).assign(detector=name)
        out[name] = (an, [detector_rule(name, float(det.threshold))])
    return out


def fmt(row: dict[str, Any] | None) -> str:
    if row is None:
        return "none"
    th = "/".join(f"{v:.4g}" for v in row["threshold"])
    return (
        f"{int(row['caught'])}/{int(row['onsets'])} at {row['precision']:.2f} "
        f"({row['false_cy']:.3f} false/c-yr; th {th})"
    )


def grids_for(an: pd.DataFrame, labels: pd.DataFrame, rules: Sequence[Rule]) -> list[list[float]]:
    """One grid per rule; a rule set (the shipped rules) gets a coarser one per rule, with
    the shipped threshold in it."""
    n = 150 if len(rules) == 1 else 40
    return [sorted({*grid(an, labels, r, n), float(r.threshold)}) for r in rules]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=None, help="folder for the costly scores (parquet)")
    ap.add_argument("--curves", action="store_true", help="print each family's frontier")
    ap.add_argument("--only", default=None, help="comma-separated families to run")
    args = ap.parse_args(argv)
    t0 = time.process_time()
    series, labels = development_data(shared_data())["tuning"]
    series = series.assign(ds=pd.to_datetime(series["ds"]))
    cache = Path(args.cache) if args.cache else None
    fams = families(series, labels, cache)
    if args.only:
        keep = set(args.only.split(","))
        fams = {k: v for k, v in fams.items() if k in keep}
    sys.stdout.write(
        f"tuning half: {series['unique_id'].nunique()} series, "
        f"{int((labels['role'] == 'primary').sum())} primary onsets; bars: precision >= "
        f"{PRECISION_BAR}, <= {FALSE_BAR} false/c-yr, recall >= {RECALL_BAR:.0%}\n\n"
        f"{'family':<22}{'shipped threshold':>34}{'most':>6}  "
        f"{'best recall at the precision and false-alert bars':<52}"
        f"best precision at recall >= 70%\n"
    )
    for name, (an, rules) in fams.items():
        table = sweep(series, labels, an, rules, grids_for(an, labels, rules))
        s = summary(table, tuple(float(r.threshold) for r in rules))
        sys.stdout.write(
            f"{name:<22}{fmt(s['shipped']):>34}{s['max_caught']:>6}  "
            f"{fmt(s['best_recall']):<52}{fmt(s['best_precision'])}\n"
        )
        if args.curves:
            for row in frontier(table).to_dict("records"):
                sys.stdout.write(f"    frontier {fmt(row)}\n")
        sys.stdout.flush()
    sys.stderr.write(f"{time.process_time() - t0:.0f} s CPU\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
