"""Leave-one-country-out study of the pooled onset-risk model (tuning half only).

    PYTHONPATH=. python experiments/onset_risk/study.py                  # the README's table
    PYTHONPATH=. python experiments/onset_risk/study.py --nested         # threshold per fold
    PYTHONPATH=. python experiments/onset_risk/study.py --rate 0.015 --variants \\
        "lvl_rise_run,0.05,0,0,1,-;lvl_rise_run,0.1,-1,0,0,10"           # feature set, C,
                                                                         # lo, hi, context, weight

Every variant is judged the same way: for each of the 30 tuning countries a model is fitted
on the other 29 and scores the left-out country; the pooled out-of-country scores get one
threshold, the lowest reaching a target false-alert rate (``--rate``, false alerts per
country-year, :func:`earlywarn.alerts.evaluate.calibrate_threshold`: it counts false alerts
only, never the onsets caught), and ``evaluate_alerts`` counts the onsets caught with lead
>= 0, precision and false alerts per country-year there. With ``--nested`` the threshold is
also chosen inside each fold (on the fold model's scores of its 29 countries). ``AUC``: for
each primary onset, the share of negative months scoring below its best month in
``[onset-3, onset]``, averaged (smoother than onsets caught). Never reads the held-aside half.

The first row of the README's table (the 28-feature model shipped before) was measured by
this script at commit c406555, where those features still existed. About 10 s CPU a
variant (2 min with ``--nested``).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from earlywarn.alerts.evaluate import (
    _labels,
    _month_index,
    calibrate_threshold,
    development_data,
)
from earlywarn.alerts.onset_fit import (
    _GRID,
    _fit,
    _scored,
    loco_figures,
    loco_predictions,
    training_rows,
)
from earlywarn.alerts.rules import Rule
from earlywarn.detect._onset import onset_series, predict_proba
from earlywarn.io.shared import shared_data
from earlywarn.series.kinds import series_kind

SINCE = "1997-01-01"
BASE = ["level", "rise_12m", "rise_24m", "run"]


def _per_kind(names: list[str]) -> list[str]:
    return [f"{n}_{k}" for k in ("ev", "f") for n in names]


FEATURE_SETS: dict[str, list[str]] = {
    "rise12": ["rise_12m_ev", "rise_12m_f", "has_f"],
    "rise12_24": [*_per_kind(["rise_12m", "rise_24m"]), "has_f"],
    "lvl_rise": [*_per_kind(["level", "rise_12m", "rise_24m"]), "has_f"],
    "rise_run": [*_per_kind(["rise_12m", "rise_24m", "run"]), "has_f"],
    "lvl_rise_run": [*_per_kind(BASE), "has_f"],  # the shipped model's columns
    "lvl_rise_run+3m": [*_per_kind([*BASE, "rise_3m_12m"]), "has_f"],
    "lvl_rise_run+cont": [*_per_kind(BASE), "cont_rise_12m_ev", "cont_rise_24m_ev", "has_f"],
    "lvl_rel_run": [
        "level_ev", "rel_rise_12m_ev", "rel_rise_24m_ev", "run_ev",
        *_per_kind(BASE)[4:], "has_f",
    ],
}  # fmt: skip


def add_extras(rows: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """Candidate features the shipped model does not use: the 3-month mean's rise over the
    12 months before it, and the continent-wide (median over the frame's countries) rise
    of event counts, alone and subtracted (the 2020 ACLED step)."""
    frame = series.assign(ds=pd.to_datetime(series["ds"])).sort_values(["unique_id", "ds"])
    parts = []
    for uid, g in frame.groupby("unique_id"):
        k = onset_series(str(uid))
        if k is None:
            continue
        x = np.clip(g["y"].fillna(0.0).to_numpy(float), 0, None)
        s = pd.Series(x)
        r3 = np.log1p(s.rolling(3).mean()) - np.log1p(s.rolling(12).mean().shift(3))
        parts.append(
            pd.DataFrame(
                {"country": series_kind(str(uid)).country, "ds": g["ds"].to_numpy(),
                 "col": f"rise_3m_12m_{k}", "v": r3.to_numpy()}
            )
        )  # fmt: skip
    extra = pd.concat(parts).pivot_table(index=["country", "ds"], columns="col", values="v")
    out = rows.merge(extra.reset_index(), on=["country", "ds"], how="left")
    for h in ("12m", "24m"):
        cont = out.groupby("ds")[f"rise_{h}_ev"].transform("median")
        out[f"cont_rise_{h}_ev"] = cont
        out[f"rel_rise_{h}_ev"] = out[f"rise_{h}_ev"] - cont
    return out.fillna(0.0)


def nested(
    rows: pd.DataFrame, cols: list[str], c: float, cw: dict[int, float] | None,
    series: pd.DataFrame, labels: pd.DataFrame, rate: float,
) -> np.ndarray:  # fmt: skip
    """Out-of-country scores divided by each fold's own threshold (1.0: every fold's)."""
    out = np.full(len(rows), np.nan)
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    scountry = frame["unique_id"].map(lambda u: series_kind(str(u)).country)
    rule = Rule("onset-risk", detector="onset_risk", threshold=0.5, cooldown=1)
    for cc in sorted(rows["country"].unique()):
        mine = (rows["country"] == cc).to_numpy()
        model = _fit(rows[rows["train"].to_numpy() & ~mine], c, cols, cw)
        prob = predict_proba(model, rows)
        an = _scored(rows[~mine], prob[~mine], frame[scountry != cc])
        th = calibrate_threshold(
            frame[scountry != cc], labels[labels["unique_id"] != cc], rule,
            target=rate, anomalies=an, grid=_GRID, since=SINCE,
        )  # fmt: skip
        out[mine] = prob[mine] / th
    return out


def onset_auc(rows: pd.DataFrame, prob: np.ndarray, labels: pd.DataFrame) -> float:
    at = (rows["ds"].dt.year * 12 + rows["ds"].dt.month - 1).to_numpy()
    outside = rows["train"].to_numpy() & (rows["label"] == 0).to_numpy()
    for row in _labels(labels).to_dict("records"):  # negatives: outside every crisis window
        s = _month_index(pd.Timestamp(row["start"]), "MS")
        e = _month_index(pd.Timestamp(row["end"]), "MS")
        outside &= ~((rows["country"] == row["unique_id"]).to_numpy()
                     & (at >= s - 3) & (at <= max(e, s + 1)))  # fmt: skip
    neg = np.sort(prob[outside & ~np.isnan(prob)])
    ranks = []
    for row in _labels(labels).query("role == 'primary'").to_dict("records"):
        s = _month_index(pd.Timestamp(row["start"]), "MS")
        w = (rows["country"] == row["unique_id"]).to_numpy() & (at >= s - 3) & (at <= s)
        ranks.append(np.searchsorted(neg, np.nanmax(prob[w])) / len(neg))
    return float(np.mean(ranks))


DEFAULT = (
    [f"{f},0.05,-1,0,0,-" for f in FEATURE_SETS]
    + [f"lvl_rise_run,{c},-1,0,0,-" for c in (0.001, 0.01, 0.3, 1)]
    + [f"lvl_rise_run,0.05,{t},-" for t in ("-3,0,0", "-2,0,0", "0,0,0", "-3,0,1",
                                              "-1,0,1", "0,1,1", "0,0,1")]
    + [f"lvl_rise_run,{c},0,0,1,-" for c in (0.01, 0.02, 0.1, 0.3)]
    + ["lvl_rise_run,0.05,-1,0,0,10", "lvl_rise_run,0.05,0,0,1,10"]
    + [f"{f},0.05,0,0,1,-" for f in FEATURE_SETS if f != "lvl_rise_run"]
)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=0.01)
    ap.add_argument("--variants", default=";".join(DEFAULT))
    ap.add_argument("--nested", action="store_true", help="threshold chosen inside each fold")
    args = ap.parse_args(argv)
    series, labels = development_data(shared_data())["tuning"]
    t0 = time.process_time()
    cache: dict[tuple[tuple[int, int], bool], pd.DataFrame] = {}
    for spec in args.variants.split(";"):
        f, c_, lo, hi, ctx_, w_ = spec.split(",")
        c, pos, ctx = float(c_), (int(lo), int(hi)), ctx_ == "1"
        cw = None if w_ == "-" else {0: 1.0, 1: float(w_)}
        if (pos, ctx) not in cache:
            rows = training_rows(series, labels, since=SINCE, positive=pos, context=ctx)
            cache[(pos, ctx)] = add_extras(rows, series)
        rows = cache[(pos, ctx)]
        cols = FEATURE_SETS[f]
        out: dict[str, Any]
        if args.nested:
            prob = nested(rows, cols, c, cw, series, labels, args.rate)
            out = loco_figures(rows, prob, series, labels, since=SINCE, threshold=1.0)
        else:
            prob = loco_predictions(rows, c, columns=cols, class_weight=cw)
            out = loco_figures(rows, prob, series, labels, rate=args.rate, since=SINCE)
        sys.stdout.write(
            f"{f:<18} C={c:<6g} pos=[{lo},{hi}]{'+ctx' if ctx else '    '} w={w_:<3} "
            f"npos={int(rows.loc[rows['train'], 'label'].sum()):>3}  "
            f"caught {out['caught']}/{out['onsets']} prec {out['precision']:.2f} "
            f"(T{out['true_alerts']} F{out['false_alerts']}) "
            f"false/cy {out['false_per_country_year']:.4f} th {out['threshold']:.4g} "
            f"F1 {out['f1']:.3f} AUC {onset_auc(rows, prob, labels):.4f}\n"
        )
        sys.stdout.flush()
    sys.stderr.write(f"{time.process_time() - t0:.0f} s CPU\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
