"""Backtest throughput: N monthly series x 5 folds x 4 models on Dask vs a sequential Prophet loop.

    python benchmarks/bench_forecast.py --quick          # 8 series
    python benchmarks/bench_forecast.py --series 100     # then extrapolate to 1,000

Series are the 21 real Yemen monthly GDELT series, repeated with a multiplicative jitter so
every copy is a distinct series. The reference is the plain loop one would write by hand:
``for series, fold: prophet.Prophet().fit(train).predict(future)``. Prints seconds, series per
minute, the ratio and the extrapolated time for 1,000 series.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from earlywarn.forecast.backtest import backtest
from earlywarn.forecast.specs import make_estimator
from earlywarn.scale import get_client

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def make_series(n: int, seed: int = 0) -> pd.DataFrame:
    base = pd.read_csv(DATA / "event_counts" / "YEM_gdelt_monthly_long.csv")
    ids = base["unique_id"].unique()
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(n):
        s = base[base["unique_id"] == ids[i % len(ids)]].copy()
        s["y"] = np.round(s["y"] * rng.lognormal(0, 0.1, len(s)))
        s["unique_id"] = f"s{i:04d}"
        parts.append(s)
    return pd.concat(parts, ignore_index=True)


def prophet_loop(y: pd.DataFrame, horizon: int, folds: int) -> float:
    from prophet import Prophet

    for name in ("cmdstanpy", "prophet"):
        logging.getLogger(name).setLevel(logging.WARNING)
    t0 = time.perf_counter()
    for _, s in y.groupby("unique_id"):
        s = s.assign(ds=pd.to_datetime(s["ds"]))[["ds", "y"]].reset_index(drop=True)
        for f in range(folds):
            end = len(s) - horizon * (folds - f)
            m = Prophet(weekly_seasonality=False, daily_seasonality=False)
            m.fit(s.iloc[:end])
            m.predict(m.make_future_dataframe(horizon, freq="MS", include_history=False))
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="8 series")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    n = 8 if args.quick else args.series
    horizon, folds = 6, 5
    y = make_series(n)
    models = {
        "snaive": make_estimator("SeasonalNaive"),
        "theta": make_estimator("Theta"),
        "count_nb": make_estimator("CountGLM"),
        "prophet": make_estimator("Prophet", {"uncertainty_samples": 100}),
    }
    client = get_client(n_workers=args.workers)
    try:
        warm = make_series(args.workers)
        backtest(warm, models, horizon=horizon, folds=1, client=client)  # imports, JIT
        t0 = time.perf_counter()
        res = backtest(y, models, horizon=horizon, folds=folds, client=client)
        dask_s = time.perf_counter() - t0
    finally:
        client.close()
    ref_n = max(2, n // 4)
    ref_s = prophet_loop(y[y["unique_id"].isin(y["unique_id"].unique()[:ref_n])], horizon, folds)
    ref_per_series = ref_s / ref_n
    fits = n * folds * len(models)
    print(
        f"earlywarn backtest on Dask ({args.workers} workers): {n} series x {folds} folds x "
        f"{len(models)} models = {fits} fits in {dask_s:.1f} s "
        f"({n / dask_s * 60:.0f} series/min, {len(res.forecasts)} forecast rows)"
    )
    print(
        f"sequential Prophet loop (1 model): {ref_n} series x {folds} folds in {ref_s:.1f} s "
        f"({ref_per_series:.2f} s/series)"
    )
    print(
        f"ratio (Prophet-loop s/series / earlywarn 4-model s/series): "
        f"{ref_per_series / (dask_s / n):.2f}x"
    )
    print(
        f"extrapolated to 1,000 series: earlywarn {dask_s / n * 1000 / 60:.1f} min, "
        f"Prophet loop {ref_per_series * 1000 / 60:.1f} min (target <= 10 min)"
    )


if __name__ == "__main__":
    main()
