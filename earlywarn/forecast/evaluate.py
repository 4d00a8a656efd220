"""Evaluate every model on real data: ``python -m earlywarn.forecast.evaluate [--quick]``.

Two data sets from ``shared/data``: the 21 Yemen monthly GDELT count series (2010-2016;
horizon 6, 3 folds) and daily ICEWS event counts of the 20 most active affiliations
(2018-08-29..10-31; horizon 7, 3 folds). Prints CRPS and MASE relative to the seasonal naive.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from earlywarn._progress import Progress
from earlywarn.forecast.backtest import backtest
from earlywarn.forecast.specs import load_models

__all__ = ["evaluate", "icews_daily", "main"]

_REPO = Path(__file__).resolve().parents[2]
_DATA = _REPO.parent / "shared" / "data"


def icews_daily(data_dir: Path = _DATA, top: int = 20) -> pd.DataFrame:
    """Daily event counts (either side) of the ``top`` affiliations in the ICEWS sample."""
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


def evaluate(
    quick: bool = False, models_dir: Path = _REPO / "models", progress: Progress | None = None
) -> pd.DataFrame:
    """Backtest every model spec on both data sets; one row per data set and model.

    ``progress(done, total, what)`` hears of each series backtested.
    """
    models = load_models(models_dir)
    yem = pd.read_csv(_DATA / "event_counts" / "YEM_gdelt_monthly_long.csv")
    daily = icews_daily()
    if quick:
        keep = ("snaive", "naive", "theta", "count_nb")
        models = {k: v for k, v in models.items() if k in keep}
        yem = yem[yem["unique_id"].isin(yem["unique_id"].unique()[:5])]
        daily = daily[daily["unique_id"].isin(daily["unique_id"].unique()[:5])]
    tables = []
    for label, y, horizon in (("YEM monthly", yem, 6), ("ICEWS daily", daily, 7)):
        tell = None if progress is None else _labelled(progress, label)
        res = backtest(y, models, horizon=horizon, folds=3, progress=tell)
        table = res.summary()[["series", "crps_rel", "mase_rel", "crps", "mase", "coverage90"]]
        table.insert(0, "data", label)
        tables.append(table.reset_index())
    return pd.concat(tables, ignore_index=True)


def _labelled(progress: Progress, label: str) -> Progress:
    return lambda done, total, what: progress(done, total, f"{label} {what}")


def main(argv: list[str] | None = None, progress: Progress | None = None) -> int:
    """Print the evaluation table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5 series, 4 models")
    args = parser.parse_args(argv)
    table = evaluate(quick=args.quick, progress=progress)
    with pd.option_context("display.width", 120, "display.max_rows", 100):
        sys.stdout.write(table.round(3).to_string(index=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
