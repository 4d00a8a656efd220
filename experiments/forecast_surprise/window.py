"""Tuning-half study of the window surprise (issue 13): judge the last ``w`` months together
against the predictive distribution of their sum made before them (``ForecastSurprise``
with ``window=w``: a direct pooled model of the ``w``-month sum at origin ``t - w``), a
country's series combined (Stouffer), the combined ``Z`` (or its CUSUM) thresholded for
0.015 false alerts per country-year (the shipped rules' budget). ``w`` and the CUSUM
choice are checked leave-one-country-out. Reads the tuning half only.

    PYTHONPATH=. python experiments/forecast_surprise/window.py [--cache-dir /tmp]
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import numpy as np
import pandas as pd
from tune import in_sample, leave_one_country_out

from earlywarn.alerts.evaluate import development_data
from earlywarn.detect._surprise import ForecastSurprise, surprise_from_quantiles
from earlywarn.forecast.rolling import rolling_quantiles
from earlywarn.io.shared import shared_data
from earlywarn.series.kinds import series_kind

WINDOWS = (1, 2, 3, 4)
REFERENCES = (None, 1.0)  # None: the month's combined Z itself; 1.0: its CUSUM (k = 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache-dir", default=None, help="folder for the quantile parquets")
    args = ap.parse_args()
    series, labels = development_data(shared_data())["tuning"]
    per = {}
    for w in WINDOWS:
        cache = Path(args.cache_dir) / f"window{w}_tuning.parquet" if args.cache_dir else None
        if cache and cache.exists():
            q = pd.read_parquet(cache)
        else:
            t0 = time.process_time()
            q = rolling_quantiles(series, horizon=w, window=w)
            print(f"window-{w} quantiles: {time.process_time() - t0:.0f} s CPU", flush=True)
            if cache:
                q.to_parquet(cache)
        per[w] = surprise_from_quantiles(series, q, window=w)
        p = per[w]["p"].to_numpy()
        print(
            f"w={w} PIT (mid-p, upper tail) on {len(p)} series-months: share p<0.05 "
            f"{np.mean(p < 0.05):.3f}, p<0.01 {np.mean(p < 0.01):.4f}, p<0.001 "
            f"{np.mean(p < 0.001):.4f}; z mean {per[w]['z'].mean():.2f} sd "
            f"{per[w]['z'].std():.2f}",
            flush=True,
        )
    ans = {}
    for w, ref in itertools.product(WINDOWS, REFERENCES):
        det = ForecastSurprise(window=w, reference=ref)
        ans[(w, ref)] = det._from_series_scores(series, per[w]).assign(detector="fs")
    in_sample(series, labels, ans, lambda v: f"w={v[0]} cusum={'k=1' if v[1] else 'none':<5}")
    country = series["unique_id"].map(lambda u: series_kind(str(u)).country)
    leave_one_country_out(series, labels, ans, country)


if __name__ == "__main__":
    main()
