"""How the network-shift score behaves on real ties and on the same ties with the days shuffled.

For each focal country of a split (``experiments/splits/network_focal_countries.csv``,
the busiest ICEWS countries split by country), its daily ``tie:`` series are scored by
:func:`earlywarn.network.shift.tie_shift` as they are and after shuffling whole days
(each day keeps its ties, its bursts included, but a change that lasts is spread over
the whole period). A tie flagged in the shuffled data is a false alarm from noise; the
threshold is the lowest one whose shuffled false-alarm rate stays under ``target`` on the
tuning half. The figures: series flagged per country-month, real and shuffled, per half.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from earlywarn.io.shared import shared_data
from earlywarn.network.series import tie_series
from earlywarn.network.shift import THRESHOLD, tie_shift

__all__ = ["main", "shift_scores", "summarise"]

_ICEWS = "icews/icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz"
_SPLIT = Path(__file__).resolve().parents[2] / "experiments/splits/network_focal_countries.csv"


def _shuffle_days(s: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    wide = s.pivot(index="ds", columns="unique_id", values="y")
    wide = pd.DataFrame(
        wide.to_numpy()[rng.permutation(len(wide))], index=wide.index, columns=wide.columns
    )
    wide.index.name = "ds"
    return wide.reset_index().melt(id_vars="ds", var_name="unique_id", value_name="y")


def shift_scores(
    events: pd.DataFrame,
    focal: list[str],
    *,
    start: str,
    end: str,
    n_shuffles: int = 10,
    seed: int = 0,
    lookback: int = 30,
) -> pd.DataFrame:
    """Each tie's highest score over the last ``lookback`` days, real and shuffled.

    Returns ``focal, unique_id, run`` (``real`` or ``shuffle-N``), ``max_score``,
    ``direction`` of the top-scoring day.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for f in focal:
        s = tie_series(events, None, None, focal=f, start=start, end=end)
        if s.empty:
            continue
        runs = [("real", s)] + [(f"shuffle-{i}", _shuffle_days(s, rng)) for i in range(n_shuffles)]
        for run, frame in runs:
            an = tie_shift(frame, as_of=end, lookback=lookback, threshold=np.inf)
            if an.empty:
                continue
            top = an.sort_values("score").groupby("unique_id").tail(1)
            for uid, score, y, exp in zip(
                top["unique_id"], top["score"], top["y"], top["expected"], strict=True
            ):
                rows.append((f, uid, run, float(score), "strengthen" if y > exp else "weaken"))
    return pd.DataFrame(rows, columns=["focal", "unique_id", "run", "max_score", "direction"])


def summarise(scores: pd.DataFrame, threshold: float, months: float = 1.0) -> dict[str, float]:
    """Ties flagged per focal country and month at ``threshold``, real and shuffled."""
    n_focal = max(1, scores["focal"].nunique())
    real = scores[scores["run"] == "real"]
    shuf = scores[scores["run"] != "real"]
    n_shuf = max(1, shuf["run"].nunique())
    return {
        "ties": float(len(real)),
        "real_per_country_month": float((real["max_score"] >= threshold).sum()) / n_focal / months,
        "shuffled_per_country_month": float((shuf["max_score"] >= threshold).sum())
        / n_shuf
        / n_focal
        / months,
        "shuffled_share_of_ties": float((shuf["max_score"] >= threshold).mean())
        if len(shuf)
        else 0.0,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print ties flagged per focal country-month, real and day-shuffled, per half, for a
    range of thresholds (the shipped one marked)."""
    from earlywarn.io import read_icews

    ap = argparse.ArgumentParser(prog="earlywarn eval network")
    ap.add_argument("--data", default=str(shared_data()), help="the shared/data folder")
    ap.add_argument("--shuffles", type=int, default=10)
    ap.add_argument("--half", default="both", choices=["tuning", "held_aside", "both"])
    args = ap.parse_args(argv)
    events, _ = read_icews(Path(args.data) / _ICEWS)
    split = pd.read_csv(_SPLIT)
    halves = ["tuning", "held_aside"] if args.half == "both" else [args.half]
    out = sys.stdout
    out.write(
        "ICEWS 2018-08-29..10-31, each focal country's 15 strongest ties scored on the last "
        "30 days (7 days against the 28 before);\nflagged ties per focal country-month, real "
        f"and with whole days shuffled ({args.shuffles} shuffles, seed 0)\n"
    )
    for half in halves:
        focal = sorted(split.loc[split["half"] == half, "country"])
        scores = shift_scores(
            events, focal, start="2018-08-29", end="2018-10-31", n_shuffles=args.shuffles
        )
        out.write(
            f"\n{half}: {len(focal)} focal countries, {int((scores['run'] == 'real').sum())} ties\n"
        )
        out.write(f"{'threshold':>10}{'real':>8}{'shuffled':>10}{'ratio':>8}\n")
        for th in (3.0, 4.0, 5.0, 6.0):
            r = summarise(scores, th)
            shuf = r["shuffled_per_country_month"]
            ratio = f"{r['real_per_country_month'] / shuf:.1f}" if shuf else "-"
            mark = " <- shipped" if th == THRESHOLD else ""
            out.write(
                f"{th:>10g}{r['real_per_country_month']:>8.2f}"
                f"{shuf:>10.3f}{ratio:>8}{mark}\n"
            )
    return 0
