"""Evaluate the forecasters on real data: ``earlywarn eval forecast [--quick]``.

Three monthly data sets, each a column of the issue's table (and ICEWS daily as a fourth,
without ``--quick``):

* the African crisis series (``shared/data/crisis_series``: ACLED political-violence events
  and UCDP fatalities per country-month), split once by country into a **tuning** half and a
  **held-aside** half (``experiments/splits/crisis_countries.csv``); horizon 6 months,
  8 rolling origins 6 months apart (the last four years);
* Yemen's 21 GDELT monthly count series (2010-2016), horizon 6, 3 origins;
* ICEWS daily counts of the 20 most active affiliations, horizon 7, 3 origins.

Scores are pooled over horizons 1..h and origins: ``crps_vs_naive`` is the mean CRPS of a
model divided by the mean CRPS of the last-value forecast on the same series and origins
(below 1 beats "no change"; the bar is 0.90 on the held-aside half); ``crps_vs_snaive`` is the
same against the seasonal naive; ``mase_vs_naive`` likewise for MASE; ``coverage90`` is the
share of truths inside the 90% interval; ``folds`` the origins per series, ``failed`` the
series-origins a model gave no forecast for (listed with the reason under the table); ``fit_s``
the seconds spent fitting and predicting over all origins (a global model fits once per
origin on every series).

Every fit runs on Dask (a LocalCluster of single-threaded worker processes unless
``--scheduler`` names a cluster): the per-series models in batches of series, each origin of
a global model as one task. The run's wall time and its CPU time (this process and every
worker) are printed under the table.

Leak-free: every origin's features, and every global model's pooled training rows, come
only from values at or before that origin's cutoff (tested in
``tests/forecast/test_global.py``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from earlywarn._progress import Progress
from earlywarn.errors import UsageError
from earlywarn.forecast.backtest import backtest
from earlywarn.forecast.base import BaseForecaster
from earlywarn.forecast.specs import load_models
from earlywarn.io.shared import shared_data

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "Evaluation", "crisis_series", "evaluate", "icews_daily", "main", "pooled_scores", "report",
]  # fmt: skip

_REPO = Path(__file__).resolve().parents[2]
_SPLIT = _REPO / "experiments" / "splits" / "crisis_countries.csv"

#: Models of the crisis and Yemen tables (names of specs in ``models/``).
MODELS = (
    "naive", "snaive", "mean", "theta", "autoets", "prophet", "count_nb", "gbquantile",
    "global_gb", "global_nb", "ensemble",
)  # fmt: skip
QUICK = ("naive", "snaive", "theta", "global_gb", "global_nb", "ensemble")


def icews_daily(data_dir: Path | None = None, top: int = 20) -> pd.DataFrame:
    """Daily event counts (either side) of the ``top`` affiliations in the ICEWS sample
    (``data_dir``: ``shared/data``, default :func:`earlywarn.io.shared.shared_data`)."""
    data_dir = shared_data() if data_dir is None else data_dir
    df = pd.read_csv(
        data_dir / "icews" / "icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz",
        sep="\t",
        keep_default_na=False,
        dtype={"cameo_code": str},
        parse_dates=["event_date"],
    )
    sides = pd.concat(
        [
            df[["event_date", "source_affiliation"]].rename(columns={"source_affiliation": "aff"}),
            df[["event_date", "target_affiliation"]].rename(columns={"target_affiliation": "aff"}),
        ]
    )
    sides = sides[sides["aff"] != ""]
    keep = sides["aff"].value_counts().index[:top]
    counts = (
        sides[sides["aff"].isin(keep)]
        .groupby(["aff", "event_date"])
        .size()
        .rename("y")
        .reset_index()
    )
    days = pd.date_range(df["event_date"].min(), df["event_date"].max(), freq="D")
    full = pd.MultiIndex.from_product([keep, days], names=["aff", "event_date"])
    counts = counts.set_index(["aff", "event_date"]).reindex(full, fill_value=0).reset_index()
    return pd.DataFrame(
        {
            "unique_id": "icews:" + counts["aff"],
            "ds": counts["event_date"],
            "y": counts["y"].astype(float),
        }
    )


def crisis_series(half: str, data_dir: Path | None = None, split: Path = _SPLIT) -> pd.DataFrame:
    """The crisis series of one half (``"tuning"`` or ``"held_aside"``) of the country split
    (``data_dir``: ``shared/data``, default :func:`earlywarn.io.shared.shared_data`)."""
    data_dir = shared_data() if data_dir is None else data_dir
    halves = pd.read_csv(split)
    if half not in set(halves["half"]):
        raise ValueError(f"half={half!r}: use one of {sorted(set(halves['half']))}")
    countries = set(halves.loc[halves["half"] == half, "country"])
    y = pd.read_csv(
        data_dir / "crisis_series" / "acled_africa_monthly_long.csv", parse_dates=["ds"]
    )
    return y[y["unique_id"].str.split(":").str[0].isin(countries)].reset_index(drop=True)


def pooled_scores(fold_metrics: pd.DataFrame, reference: str, other: str) -> pd.DataFrame:
    """Per model: CRPS and MASE pooled over series and origins, relative to ``reference``
    (and CRPS relative to ``other``) on the same series and origins."""
    fm = fold_metrics.copy()
    keys = ["unique_id", "fold"]
    rows = []
    for model, part in fm.groupby("model"):
        row: dict[str, float | str] = {
            "model": str(model),
            "folds": int(part.groupby("unique_id")["cutoff"].nunique().max()),
            "series": part["unique_id"].nunique(),
        }
        for ref, label in ((reference, "naive"), (other, "snaive")):
            base = fm.loc[fm["model"] == ref, [*keys, "crps", "mase"]]
            both = part.merge(base, on=keys, how="inner", suffixes=("", "_ref"))
            both = both[np.isfinite(both["crps"]) & np.isfinite(both["crps_ref"])]
            row[f"crps_vs_{label}"] = float(both["crps"].mean() / both["crps_ref"].mean())
            if label == "naive":
                ok = np.isfinite(both["mase"]) & np.isfinite(both["mase_ref"])
                row["mase_vs_naive"] = float(
                    both.loc[ok, "mase"].mean() / both.loc[ok, "mase_ref"].mean()
                )
        row["crps"] = float(part["crps"].mean())
        row["coverage90"] = float(part["coverage90"].mean())
        rows.append(row)
    return pd.DataFrame(rows).sort_values("crps_vs_naive", ignore_index=True)


@dataclass
class Evaluation:
    """What ``earlywarn eval forecast`` prints.

    Attributes
    ----------
    table : DataFrame
        One row per data set and model (see :func:`pooled_scores`), with ``folds`` (origins
        per series), ``failed`` (series-folds without a forecast) and ``fit_s``.
    failures : DataFrame
        ``data, unique_id, model, cutoff, reason`` of every series-fold without a forecast.
    wall_s, cpu_s : float
        Wall seconds, and CPU seconds of this process plus every Dask worker.
    workers : int
        Dask workers used.
    """

    table: pd.DataFrame
    failures: pd.DataFrame
    wall_s: float
    cpu_s: float
    workers: int


def evaluate(
    quick: bool = False,
    models_dir: Path = _REPO / "models",
    progress: Progress | None = None,
    client: Client | None = None,
    *,
    series: int | None = None,
    folds: int | None = None,
    datasets: tuple[str, ...] | None = None,
    models: tuple[str, ...] | None = None,
) -> Evaluation:
    """Backtest the models on every data set; one row per data set and model.

    The per-series fits and each fold of a global model run on Dask: ``client``, or a
    :func:`earlywarn.scale.get_client` LocalCluster (2 single-threaded worker processes)
    started and closed here. ``series`` keeps the first that many series of each data set
    and ``folds`` overrides the number of origins (both for quick checks; the printed
    figures use all series and folds); ``datasets`` selects data sets by label and ``models``
    model specs by name (the last value and the seasonal naive, the references, always run).
    ``progress(done, total, what)`` hears of each series backtested.
    """
    from earlywarn.scale import get_client

    specs = load_models(models_dir)
    names: tuple[str, ...] = QUICK if quick else MODELS
    if models is not None:
        unknown = sorted(set(models) - set(specs))
        if unknown:
            raise UsageError(f"models {unknown} have no spec in {models_dir}: use {sorted(specs)}")
        names = ("naive", "snaive", *(m for m in models if m not in ("naive", "snaive")))
    chosen: Mapping[str, BaseForecaster] = {k: specs[k] for k in names if k in specs}
    sets = [s for s in _datasets(quick) if datasets is None or s[0] in datasets]
    if datasets is not None and not sets:
        raise UsageError(f"no data set among {datasets!r}: use {[s[0] for s in _datasets(False)]}")
    own = client is None
    client = get_client() if client is None else client
    wall0, cpu0 = time.perf_counter(), _cpu_seconds(client)
    tables, failures = [], []
    try:
        for label, load, horizon, n_folds, step in sets:
            y = load()
            if series is not None:
                y = y[y["unique_id"].isin(y["unique_id"].unique()[: int(series)])]
            n_folds = n_folds if folds is None else int(folds)
            tell = None if progress is None else _labelled(progress, label)
            res = backtest(
                y, chosen, horizon=horizon, folds=n_folds, step=step, client=client,
                progress=tell,
            )  # fmt: skip
            table = pooled_scores(res.fold_metrics, "naive", "snaive")
            # wall seconds fitting and predicting, all origins (each row repeats its fit's share)
            seconds = res.forecasts.groupby("model")["seconds"].sum() / horizon
            table["fit_s"] = table["model"].map(seconds).round(1)
            failed = res.failures.groupby("model").size()
            table["failed"] = table["model"].map(failed).fillna(0).astype(int)
            gone = [m for m in failed.index if m not in set(table["model"])]
            if gone:  # a model that failed everywhere still gets its row
                table = pd.concat(
                    [table, pd.DataFrame({"model": gone, "failed": failed[gone].to_numpy()})],
                    ignore_index=True,
                )
            table.insert(0, "data", label)
            tables.append(table)
            failures.append(res.failures.assign(data=label))
        cpu = _cpu_seconds(client) - cpu0
        wall = time.perf_counter() - wall0
        workers = len(client.scheduler_info().get("workers", {}))
    finally:
        if own:
            client.close()
    fails = pd.concat(failures, ignore_index=True) if failures else pd.DataFrame()
    return Evaluation(
        pd.concat(tables, ignore_index=True),
        fails.reindex(columns=["data", "unique_id", "model", "cutoff", "reason"]),
        wall,
        cpu,
        workers,
    )


def _datasets(quick: bool) -> list[tuple[str, Callable[[], pd.DataFrame], int, int, int]]:
    """``(label, loader, horizon, folds, step)`` of each data set."""
    sets: list[tuple[str, Callable[[], pd.DataFrame], int, int, int]] = [
        ("crisis tuning", lambda: crisis_series("tuning"), 6, 8, 6),
        ("crisis held-aside", lambda: crisis_series("held_aside"), 6, 8, 6),
        (
            "Yemen monthly",
            lambda: pd.read_csv(shared_data() / "event_counts" / "YEM_gdelt_monthly_long.csv"),
            6,
            3,
            6,
        ),
    ]
    if not quick:
        sets.append(("ICEWS daily", icews_daily, 7, 3, 7))
    return sets


def _process_cpu() -> float:
    return time.process_time()


def _cpu_seconds(client: Client) -> float:
    """CPU seconds so far of this process and of every worker process of ``client``."""
    return time.process_time() + sum(client.run(_process_cpu).values())


def _labelled(progress: Progress, label: str) -> Progress:
    return lambda done, total, what: progress(done, total, f"{label} {what}")


def report(ev: Evaluation) -> str:
    """The printed table, the failures (counted per model and reason) and the run time."""
    cols = ["data", "model", "folds", "series", "failed", "crps_vs_naive", "mase_vs_naive",
            "coverage90", "crps_vs_snaive", "crps", "fit_s"]  # fmt: skip
    table = ev.table.reindex(columns=cols)
    lines = [table.round(3).to_string(index=False, na_rep="-")]
    if len(ev.failures):
        lines.append("\nSeries-folds without a forecast (model, reason: how many; series):")
        grouped = ev.failures.groupby(["data", "model", "reason"], sort=True)
        for (data, model, reason), part in grouped:
            ids = sorted(part["unique_id"].unique())
            more = f" +{len(ids) - 5}" if len(ids) > 5 else ""
            lines.append(f"  {data} / {model}: {reason}: {len(part)}; {', '.join(ids[:5])}{more}")
    lines.append(
        f"\nwall {ev.wall_s / 60:.1f} min, CPU {ev.cpu_s / 60:.1f} min "
        f"(this process and {ev.workers} Dask worker(s))"
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None, progress: Progress | None = None) -> int:
    """Print the evaluation table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{len(QUICK)} models only")
    parser.add_argument(
        "--scheduler", default=None, help="a Dask scheduler address (default: a LocalCluster)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="LocalCluster worker processes (default 2)"
    )
    parser.add_argument(
        "--models", default=None, help="comma-separated model specs (with naive and snaive)"
    )
    parser.add_argument(
        "--data",
        default=None,
        help="comma-separated data sets: 'crisis tuning', 'crisis held-aside', "
        "'Yemen monthly', 'ICEWS daily'",
    )
    args = parser.parse_args(argv)
    from earlywarn.scale import get_client

    models = None if args.models is None else tuple(args.models.split(","))
    datasets = None if args.data is None else tuple(d.strip() for d in args.data.split(","))
    client = get_client(args.scheduler, args.workers)
    try:
        ev = evaluate(
            quick=args.quick, progress=progress, client=client, datasets=datasets, models=models
        )
    finally:
        client.close()
    with pd.option_context("display.width", 160, "display.max_rows", 200):
        sys.stdout.write(report(ev))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
