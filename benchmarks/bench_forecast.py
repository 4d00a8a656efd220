"""Backtest throughput: 1,000 monthly series x 5 folds x 4 models on Dask vs a Prophet loop.

    python benchmarks/bench_forecast.py              # full scale: 1,000 series (~10 min on 2 cores)
    python benchmarks/bench_forecast.py --quick      # 16 series, a smoke run
    python benchmarks/bench_forecast.py --models snaive,autoets,theta,count_nb

Series are real-shaped: each is one of the 21 Yemen monthly GDELT count series (2010-02 ..
2016-05) resampled and perturbed -- a random level factor (log-normal, sd 0.5), month-by-month
multiplicative noise (log-normal, sd 0.15), rounded to counts, and a random number (0-16) of
leading months dropped, so lengths vary from 60 to 76 months. Models (default): SeasonalNaive,
AutoETS, Theta (statsforecast) and Prophet (100 predictive draws), horizon 6, 5 folds, on a
``LocalCluster`` of 2 single-threaded worker processes, series sent in batches per task.

The reference is the plain loop one would write by hand, run sequentially in this process:
``for series, fold: prophet.Prophet().fit(train).predict(future)`` (Prophet's defaults). It
is measured on a subset (``--ref-series``) and extrapolated linearly to all series; the output
says so. The ratio is reference seconds for 1 model / earlywarn seconds for 4 models. The
machine's load average is printed, and the workers' CPU seconds (with the cmdstan child
processes) give a load-independent figure: CPU seconds / workers is the wall time on idle cores.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from earlywarn.forecast.backtest import backtest
from earlywarn.forecast.specs import make_estimator
from earlywarn.scale import get_client

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MODELS = {
    "snaive": ("SeasonalNaive", {}),
    "autoets": ("AutoETS", {}),
    "theta": ("Theta", {}),
    "prophet": ("Prophet", {"uncertainty_samples": 100}),
    "count_nb": ("CountGLM", {}),
}


def make_series(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` real-shaped monthly count series resampled from the 21 Yemen series."""
    base = pd.read_csv(DATA / "event_counts" / "YEM_gdelt_monthly_long.csv")
    groups = [g.reset_index(drop=True) for _, g in base.groupby("unique_id", sort=True)]
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(n):
        s = groups[int(rng.integers(len(groups)))]
        s = s.iloc[int(rng.integers(0, 17)) :].copy()
        level = rng.lognormal(0.0, 0.5)
        s["y"] = np.round(s["y"].to_numpy() * level * rng.lognormal(0.0, 0.15, len(s)))
        s["unique_id"] = f"s{i:04d}"
        parts.append(s)
    return pd.concat(parts, ignore_index=True)


def prophet_loop(y: pd.DataFrame, horizon: int, folds: int) -> float:
    """Seconds for the hand-written sequential Prophet loop (Prophet's defaults)."""
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


def _cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (cmdstan runs as a child)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="16 series, 4 reference series")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ref-series", type=int, default=20, help="series in the reference")
    parser.add_argument("--models", default="snaive,autoets,theta,prophet")
    args = parser.parse_args()
    n = 16 if args.quick else args.series
    ref_n = min(4 if args.quick else args.ref_series, n)
    horizon, folds = 6, 5
    names = args.models.split(",")
    models = {k: make_estimator(*MODELS[k]) for k in names}
    y = make_series(n)
    load_before = _load()
    t0 = time.perf_counter()
    client = get_client(n_workers=args.workers)
    start_s = time.perf_counter() - t0
    try:
        backtest(
            make_series(2 * args.workers, seed=1), models, horizon=horizon, folds=1, client=client
        )
        warm_s = time.perf_counter() - t0 - start_s
        cpu0 = sum(client.run(_cpu_seconds).values())
        t1 = time.perf_counter()
        res = backtest(y, models, horizon=horizon, folds=folds, client=client)
        dask_s = time.perf_counter() - t1
        cpu_s = sum(client.run(_cpu_seconds).values()) - cpu0
    finally:
        client.close()
    load_after = _load()
    ref_y = y[y["unique_id"].isin(y["unique_id"].unique()[:ref_n])]
    ref_cpu0 = _cpu_seconds()
    ref_s = prophet_loop(ref_y, horizon, folds)
    ref_cpu = _cpu_seconds() - ref_cpu0
    ref_all = ref_s / ref_n * n
    fits = res.forecasts.groupby(["unique_id", "model", "cutoff"]).ngroups
    per_model = res.forecasts.groupby(["model", "unique_id", "cutoff"])["seconds"].first()
    per_model = per_model.groupby(level="model").sum()
    print(f"series: {n} resampled/perturbed copies of the 21 real Yemen monthly series")
    print(
        f"load average (1/5/15 min) before {load_before}, after {load_after} on {os.cpu_count()} CPUs"
    )
    print(
        f"earlywarn backtest on Dask ({args.workers} workers): {n} series x {folds} folds x "
        f"{len(models)} models ({', '.join(names)}) = {fits} fits in {dask_s:.1f} s wall "
        f"= {dask_s / 60:.2f} min ({n / dask_s * 60:.0f} series/min; cluster start "
        f"{start_s:.1f} s and warm-up {warm_s:.1f} s not included)"
    )
    print(
        f"  worker CPU time (incl. cmdstan children): {cpu_s:.0f} s; on {args.workers} idle "
        f"cores that is >= {cpu_s / args.workers:.0f} s = {cpu_s / args.workers / 60:.1f} min wall"
    )
    print(
        "  fit+predict wall seconds summed per model (inside workers): "
        + ", ".join(f"{k} {v:.0f}" for k, v in per_model.items())
    )
    print(
        f"reference: sequential Prophet loop (1 model, Prophet defaults) measured on {ref_n} "
        f"series x {folds} folds = {ref_s:.1f} s wall, {ref_cpu:.1f} s CPU "
        f"({ref_s / ref_n:.2f} s/series), "
        f"extrapolated to {n} series: {ref_all:.0f} s = {ref_all / 60:.1f} min"
    )
    print(
        f"ratio: reference {ref_all:.0f} s (1 model) / earlywarn {dask_s:.0f} s "
        f"({len(models)} models) = {ref_all / dask_s:.2f}x; "
        f"target <= 10 min: {'met' if dask_s <= 600 else 'NOT met'} at this load"
    )
    print(
        f"CPU-time ratio (load-independent): reference {ref_cpu / ref_n * n:.0f} CPU-s / "
        f"earlywarn {cpu_s:.0f} CPU-s = {ref_cpu / ref_n * n / cpu_s:.2f}x"
    )


if __name__ == "__main__":
    main()
