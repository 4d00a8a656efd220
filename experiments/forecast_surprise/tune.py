"""Tuning-half study of ForecastSurprise (issue 13): calibration of the one-step PIT, and
the CUSUM allowance / combination chosen leave-one-country-out (thresholds for 0.015 false
alerts per country-year, the shipped rules' budget). Reads the tuning half only.

    PYTHONPATH=. python experiments/forecast_surprise/tune.py [--cache q.parquet]
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import numpy as np
import pandas as pd

from earlywarn.alerts.evaluate import (
    LABELLED_FROM,
    calibrate_threshold,
    development_data,
    evaluate_alerts,
)
from earlywarn.alerts.rules import Rule
from earlywarn.detect._surprise import ForecastSurprise, surprise_from_quantiles
from earlywarn.forecast.rolling import rolling_quantiles
from earlywarn.io.shared import shared_data
from earlywarn.series.kinds import series_kind

TARGET = 0.015
SINCE = LABELLED_FROM["tuning"]
VARIANTS = list(itertools.product((1, 3), (0.5, 1.0, 2.0), ("stouffer", "fisher")))


def anomalies(series, pers, h: int, k: float, comb: str) -> pd.DataFrame:
    det = ForecastSurprise(horizon=h, reference=k, combine=comb)
    out = det._from_series_scores(series, pers[h])
    return out.assign(detector="fs")


def run(series, labels, an, th):
    return evaluate_alerts(
        series,
        labels,
        Rule("fs", series=("*",), detector="fs", threshold=th, cooldown=1),
        anomalies=an,
        since=SINCE,
    )


def f1(r):
    rec, prec = r["recall"], r["precision"]
    return 0.0 if not rec or not prec or np.isnan(prec) else 2 * rec * prec / (rec + prec)


def in_sample(series, labels, ans, describe) -> None:
    """Print each variant's row on all tuning countries, its threshold set for 0.015 false
    alerts per country-year; ``describe(variant)`` names the variant."""
    print("\nin-sample (threshold for 0.015 false/country-year on all 30 tuning countries):")
    rule = Rule("fs", series=("*",), detector="fs", cooldown=1)
    for v, an in ans.items():
        th = calibrate_threshold(series, labels, rule, target=TARGET, anomalies=an, since=SINCE)
        r = run(series, labels, an, th)
        leads = [x for x in r["lead_times"].values() if x is not None]
        print(
            f"  {describe(v)} th={th:<6g} caught {r['caught']}/{r['onsets']} "
            f"prec {r['precision']:.2f} false/c-yr {r['false_alerts_per_country_year']:.3f} "
            f"median lead {np.median(leads) if leads else float('nan')}",
            flush=True,
        )


def leave_one_country_out(series, labels, ans, country) -> None:
    """Print the leave-one-country-out row: each country scored with the variant and the
    threshold (0.015 false alerts per country-year) chosen on the other countries."""
    print("\nleave-one-country-out (variant and threshold chosen on the other 29):")
    rule = Rule("fs", series=("*",), detector="fs", cooldown=1)
    tot = {"caught": 0, "true": 0, "false": 0, "onsets": 0}
    chosen = []
    for c in sorted(country.unique()):
        rest_s, rest_l = series[country != c], labels[labels["unique_id"] != c]
        one_s, one_l = series[country == c], labels[labels["unique_id"] == c]
        best = None
        for v, an in ans.items():
            an_rest = an[an["unique_id"].isin(rest_s["unique_id"])]
            th = calibrate_threshold(
                rest_s, rest_l, rule, target=TARGET, anomalies=an_rest, since=SINCE
            )
            score = f1(run(rest_s, rest_l, an_rest, th))
            if best is None or score > best[0]:
                best = (score, v, th)
        assert best is not None
        _, v, th = best
        chosen.append(v)
        an_one = ans[v][ans[v]["unique_id"].isin(one_s["unique_id"])]
        r = run(one_s, one_l, an_one, th)
        for key, col in (("caught", "caught"), ("true", "true_alerts"), ("false", "false_alerts")):
            tot[key] += r[col]
        tot["onsets"] += r["onsets"]
    prec = tot["true"] / max(tot["true"] + tot["false"], 1)
    print(
        f"  caught {tot['caught']}/{tot['onsets']}, precision {prec:.2f}, false {tot['false']}; "
        f"variants chosen: {pd.Series([str(v) for v in chosen]).value_counts().to_dict()}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=None, help="parquet of horizon-1 quantiles")
    ap.add_argument("--cache3", default=None, help="parquet of horizon-3 quantiles")
    args = ap.parse_args()
    series, labels = development_data(shared_data())["tuning"]
    pers = {}
    for h, cache in ((1, args.cache), (3, args.cache3)):
        if cache and Path(cache).exists():
            q = pd.read_parquet(cache)
        else:
            t0 = time.process_time()
            q = rolling_quantiles(series, horizon=h)
            print(f"horizon-{h} quantiles: {time.process_time() - t0:.0f} s CPU")
            if cache:
                q.to_parquet(cache)
        per = pers[h] = surprise_from_quantiles(series, q)
        p = per["p"].to_numpy()
        print(
            f"h={h} PIT (mid-p, upper tail) on {len(p)} series-months: share p<0.05 "
            f"{np.mean(p < 0.05):.3f}, p<0.01 {np.mean(p < 0.01):.4f}, p<0.001 "
            f"{np.mean(p < 0.001):.4f}; z mean {per['z'].mean():.2f} sd {per['z'].std():.2f}"
        )
    country = series["unique_id"].map(lambda u: series_kind(str(u)).country)
    ans = {v: anomalies(series, pers, *v) for v in VARIANTS}
    in_sample(series, labels, ans, lambda v: f"h={v[0]} k={v[1]:<4} {v[2]:<9}")
    leave_one_country_out(series, labels, ans, country)


if __name__ == "__main__":
    main()
