"""Leave-one-country-out study of the pooled onset-risk model (tuning half only).

    PYTHONPATH=. python experiments/onset_risk/study.py [--stage all|features|c|target|weight]

Every variant is judged the same way: for each of the 30 tuning countries a model is fitted
on the other 29 and scores the left-out country; the pooled out-of-country scores get one
threshold, the lowest reaching a target false-alert rate (``--rate``, false alerts per
country-year, through :func:`earlywarn.alerts.evaluate.calibrate_threshold`: it reads false
alerts only, never the onsets caught), and ``evaluate_alerts`` counts onsets caught with
lead >= 0, precision and false alerts per country-year. Never reads the held-aside half.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from earlywarn.alerts.evaluate import (
    _labels,
    _month_index,
    calibrate_threshold,
    development_data,
    evaluate_alerts,
)
from earlywarn.alerts.rules import Rule
from earlywarn.detect._onset import country_features, onset_series
from earlywarn.io.shared import shared_data
from earlywarn.series.kinds import series_kind

CACHE = Path("/tmp/onset_study_old_features.pkl")
SINCE = "1997-01-01"
GRID = sorted({round(float(v), 5) for v in np.geomspace(1e-3, 0.95, 140)})


# ---------------------------------------------------------------- generic features
def _mean(x: np.ndarray, k: int, lag: int = 0) -> np.ndarray:
    s = pd.Series(x).rolling(k, min_periods=k).mean().shift(lag).to_numpy()
    return np.asarray(s)


def generic_series(y: np.ndarray) -> dict[str, np.ndarray]:
    x = np.clip(np.nan_to_num(y, nan=0.0), 0, None)
    now1 = np.log1p(x)
    now3 = np.log1p(_mean(x, 3))
    b12 = np.log1p(_mean(x, 12, lag=1))
    b24 = np.log1p(_mean(x, 24, lag=1))
    above = now1 > b12 + np.log(1.5)
    run = np.zeros(len(x))
    for i in range(len(x)):
        run[i] = (run[i - 1] + 1 if i else 1) if above[i] else 0
    return {
        "level": now3,
        "d12": now1 - b12,
        "d24": now1 - b24,
        "d12_3m": now3 - np.log1p(_mean(x, 12, lag=3)),
        "run": np.log1p(np.minimum(run, 12)),
    }


def generic_country(series: pd.DataFrame) -> pd.DataFrame:
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    parts = []
    for uid, g in frame.groupby("unique_id"):
        k = onset_series(str(uid))
        if k is None:
            continue
        g = g.sort_values("ds")
        f = pd.DataFrame(generic_series(g["y"].to_numpy(float)))
        f["country"] = series_kind(str(uid)).country
        f["ds"] = g["ds"].to_numpy()
        f["k"] = k
        parts.append(f)
    feats = pd.concat(parts, ignore_index=True)
    names = [c for c in feats.columns if c not in ("country", "ds", "k")]
    out = []
    for k in ("ev", "f"):
        p = feats[feats["k"] == k].groupby(["country", "ds"])[names].max()
        p.columns = [f"{c}_{k}" for c in p.columns]
        p[f"has_{k}"] = 1.0
        out.append(p)
    cf = pd.concat(out, axis=1).sort_index().reset_index()
    # continent-wide: median over the frame's countries of the event-count rise (the 2020 step)
    cont = cf.groupby("ds")["d12_ev"].median().rename("cont_d12_ev")
    cont24 = cf.groupby("ds")["d24_ev"].median().rename("cont_d24_ev")
    cf = cf.merge(cont, on="ds", how="left").merge(cont24, on="ds", how="left")
    cf["rel_d12_ev"] = cf["d12_ev"] - cf["cont_d12_ev"]
    cf["rel_d24_ev"] = cf["d24_ev"] - cf["cont_d24_ev"]
    return cf.fillna(0.0)


# ---------------------------------------------------------------- rows and labels
def base_rows(series: pd.DataFrame) -> pd.DataFrame:
    if CACHE.exists():
        old = pd.read_pickle(CACHE)
    else:
        old = country_features(series.assign(ds=pd.to_datetime(series["ds"])))
        old.to_pickle(CACHE)
    new = generic_country(series)
    return old.merge(new, on=["country", "ds"], how="left", suffixes=("", "_g")).fillna(0.0)


def label_rows(
    rows: pd.DataFrame, labels: pd.DataFrame, positive: tuple[int, int], context: bool
) -> tuple[np.ndarray, np.ndarray]:
    """``label`` and ``train`` for a target: positives in ``[onset+lo, onset+hi]`` of
    primary (and, with ``context``, context) onsets; the rest of ``[onset-3, max(end,
    onset+1)]`` neutral (left out)."""
    at = (rows["ds"].dt.year * 12 + rows["ds"].dt.month - 1).to_numpy()
    label = np.zeros(len(rows))
    neutral = np.zeros(len(rows), dtype=bool)
    lo, hi = positive
    for row in _labels(labels).to_dict("records"):
        s = _month_index(pd.Timestamp(row["start"]), "MS")
        e = _month_index(pd.Timestamp(row["end"]), "MS")
        mine = (rows["country"] == row["unique_id"]).to_numpy()
        window = mine & (at >= s - 3) & (at <= max(e, s + 1))
        if row["role"] == "primary" or context:
            pos = mine & (at >= s + lo) & (at <= s + hi)
            label[pos] = 1.0
            neutral |= window & ~pos
        else:
            neutral |= window
    # a month positive for one crisis and neutral for another stays positive
    train = (~neutral | (label == 1)) & (rows["ds"] >= pd.Timestamp(SINCE)).to_numpy()
    return label, train


# ---------------------------------------------------------------- model and LOCO
def fit(x: np.ndarray, y: np.ndarray, c: float, weight: float | None) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    cw = None if weight is None else {0: 1.0, 1: weight}
    return make_pipeline(
        StandardScaler(), LogisticRegression(C=c, max_iter=5000, tol=1e-10, class_weight=cw)
    ).fit(x, y)


def loco(
    rows: pd.DataFrame,
    cols: list[str],
    label: np.ndarray,
    train: np.ndarray,
    c: float,
    weight: float | None,
) -> np.ndarray:
    x = rows[cols].to_numpy(float)
    prob = np.full(len(rows), np.nan)
    country = rows["country"].to_numpy()
    for cc in np.unique(country):
        mine = country == cc
        m = fit(x[train & ~mine], label[train & ~mine], c, weight)
        prob[mine] = m.predict_proba(x[mine])[:, 1]
    return prob


def nested(
    rows: pd.DataFrame,
    cols: list[str],
    label: np.ndarray,
    train: np.ndarray,
    c: float,
    weight: float | None,
    series: pd.DataFrame,
    labels: pd.DataFrame,
    rate: float,
) -> np.ndarray:
    """Leave-one-country-out with the threshold chosen inside each fold too: the fold's
    model scores its 29 countries, the threshold reaching ``rate`` on them is found, and
    the left-out country's scores are divided by it (so 1.0 is every fold's threshold)."""
    x = rows[cols].to_numpy(float)
    out = np.full(len(rows), np.nan)
    country = rows["country"].to_numpy()
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    scountry = frame["unique_id"].map(lambda u: series_kind(str(u)).country)
    rule = Rule("onset-risk", detector="onset_risk", threshold=0.5, cooldown=1)
    for cc in np.unique(country):
        mine = country == cc
        m = fit(x[train & ~mine], label[train & ~mine], c, weight)
        prob = m.predict_proba(x)[:, 1]
        an = rows.loc[~mine, ["anchor", "ds"]].rename(columns={"anchor": "unique_id"})
        an = an.assign(detector="onset_risk", score=prob[~mine])
        an = an.merge(frame, on=["unique_id", "ds"], how="inner")
        th = calibrate_threshold(
            frame[scountry != cc],
            labels[labels["unique_id"] != cc],
            rule,
            target=rate,
            anomalies=an,
            grid=GRID,
            since=SINCE,
        )
        out[mine] = prob[mine] / th
    return out


def judge(
    rows: pd.DataFrame,
    prob: np.ndarray,
    series: pd.DataFrame,
    labels: pd.DataFrame,
    rate: float,
    fixed: float | None = None,
) -> dict[str, Any]:
    an = rows[["anchor", "ds"]].rename(columns={"anchor": "unique_id"})
    an = an.assign(detector="onset_risk", score=prob)
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    an = an.merge(frame, on=["unique_id", "ds"], how="inner").dropna(subset=["score"])
    rule = Rule("onset-risk", detector="onset_risk", threshold=0.5, cooldown=1)
    th = (
        fixed
        if fixed is not None
        else calibrate_threshold(
            frame, labels, rule, target=rate, anomalies=an, grid=GRID, since=SINCE
        )
    )
    r = evaluate_alerts(
        frame,
        labels,
        Rule("onset-risk", detector="onset_risk", threshold=th, cooldown=1),
        anomalies=an,
        since=SINCE,
    )
    p, rec = r["precision"], r["recall"]
    f1 = 0.0 if not (p + rec) or np.isnan(p) else 2 * p * rec / (p + rec)
    # a smoother figure than onsets caught: for each primary onset, the share of negative
    # months (outside every crisis window) scoring below its best month in [onset-3, onset]
    lab, tr = label_rows(rows, labels, (-3, 0), False)
    neg = np.sort(prob[tr & (lab == 0) & ~np.isnan(prob)])
    at = (rows["ds"].dt.year * 12 + rows["ds"].dt.month - 1).to_numpy()
    ranks = []
    for row in _labels(labels).query("role == 'primary'").to_dict("records"):
        s = _month_index(pd.Timestamp(row["start"]), "MS")
        w = (rows["country"] == row["unique_id"]).to_numpy() & (at >= s - 3) & (at <= s)
        ranks.append(np.searchsorted(neg, np.nanmax(prob[w])) / len(neg))
    return {
        "auc": round(float(np.mean(ranks)), 4),
        "threshold": th,
        "caught": r["caught"],
        "onsets": r["onsets"],
        "precision": round(float(p), 3),
        "false_cy": round(r["false_alerts_per_country_year"], 4),
        "true": r["true_alerts"],
        "false": r["false_alerts"],
        "f1": round(f1, 3),
    }


OLD = [
    *(
        f"{f}_{k}"
        for k in ("ev", "f")
        for f in (
            "log_level",
            "ratio_1m",
            "ratio_3m",
            "ratio_6m",
            "ratio_12m_36m",
            "surprise",
            "surprise_6m",
            "cusum",
            "changepoint",
            "since_spike",
            "zero_share",
            "vs_max",
            "rise_prev",
        )
    ),
    "has_ev",
    "has_f",
]
FEATURE_SETS: dict[str, list[str]] = {
    "old28": OLD,
    "g_d12": ["d12_ev", "d12_f", "has_f"],
    "g_d12_d24": ["d12_ev", "d24_ev", "d12_f", "d24_f", "has_f"],
    "g_lvl_d12_d24": ["level_ev", "d12_ev", "d24_ev", "level_f", "d12_f", "d24_f", "has_f"],
    "g_lvl_d_run": [
        "level_ev",
        "d12_ev",
        "d24_ev",
        "run_ev",
        "level_f",
        "d12_f",
        "d24_f",
        "run_f",
        "has_f",
    ],
    "g_d_run": ["d12_ev", "d24_ev", "run_ev", "d12_f", "d24_f", "run_f", "has_f"],
    "g_lvl_d_run_cont": [
        "level_ev",
        "d12_ev",
        "d24_ev",
        "run_ev",
        "cont_d12_ev",
        "cont_d24_ev",
        "level_f",
        "d12_f",
        "d24_f",
        "run_f",
        "has_f",
    ],
    "g_lvl_rel_run": [
        "level_ev",
        "rel_d12_ev",
        "rel_d24_ev",
        "run_ev",
        "level_f",
        "d12_f",
        "d24_f",
        "run_f",
        "has_f",
    ],
    "g_lvl_d_run_3m": [
        "level_ev",
        "d12_ev",
        "d24_ev",
        "d12_3m_ev",
        "run_ev",
        "level_f",
        "d12_f",
        "d24_f",
        "d12_3m_f",
        "run_f",
        "has_f",
    ],
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=0.01)
    ap.add_argument("--variants", default="features")
    ap.add_argument("--nested", action="store_true", help="threshold chosen inside each fold")
    args = ap.parse_args(argv)
    series, labels = development_data(shared_data())["tuning"]
    t0 = time.process_time()
    rows = base_rows(series)
    variants: list[tuple[str, float, tuple[int, int], bool, float | None]] = []
    if args.variants == "features":
        variants = [(f, 0.05, (-1, 0), False, None) for f in FEATURE_SETS]
    else:
        for spec in args.variants.split(";"):
            f, c, lo, hi, ctx, w = spec.split(",")
            variants.append(
                (f, float(c), (int(lo), int(hi)), ctx == "1", None if w == "-" else float(w))
            )
    for f, c, pos, ctx, w in variants:
        label, train = label_rows(rows, labels, pos, ctx)
        if args.nested:
            prob = nested(rows, FEATURE_SETS[f], label, train, c, w, series, labels, args.rate)
            out = judge(rows, prob, series, labels, args.rate, fixed=1.0)
        else:
            prob = loco(rows, FEATURE_SETS[f], label, train, c, w)
            out = judge(rows, prob, series, labels, args.rate)
        sys.stdout.write(
            f"{f:<18} C={c:<6g} pos=[{pos[0]},{pos[1]}]{'+ctx' if ctx else '    '} w={w!s:<5} "
            f"npos={int(label[train].sum()):>3}  caught {out['caught']}/{out['onsets']} "
            f"prec {out['precision']:.2f} (T{out['true']} F{out['false']}) "
            f"false/cy {out['false_cy']:.4f} th {out['threshold']:.4g} F1 {out['f1']:.3f} AUC {out['auc']:.4f}\n"
        )
        sys.stdout.flush()
    sys.stderr.write(f"{time.process_time() - t0:.0f} s CPU\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
