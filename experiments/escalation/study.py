"""Tuning-half study of EscalationTest (issue 13): the last m months against a lagged
baseline under a pooled negative-binomial null, a country's p-values combined.

Variants (windows m, baseline months back, combination, calibration of the NB p-values)
and the target false-alert rate (which sets the threshold, :func:`calibrate_threshold`'s
bisection over -log10 p 2, 2.25, ... 30) are chosen by F1 of recall and precision on the
tuning half; every choice is checked leave-one-country-out, the pooled null refitted
without the country left out. Reads the tuning half only; ``--write`` writes the null
fitted on the whole tuning half to ``earlywarn/data/escalation.json``.

    PYTHONPATH=. python experiments/escalation/study.py [--write]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

from earlywarn.alerts.evaluate import (
    LABELLED_FROM,
    _labels,
    development_data,
    evaluate_alerts,
)
from earlywarn.alerts.rules import Rule
from earlywarn.detect._escalation import EscalationTest, country_scores
from earlywarn.detect._escalation_null import (
    calibrated_p,
    escalation_rows,
    fit_null,
    model_key,
    upper_p,
)
from earlywarn.io.shared import shared_data
from earlywarn.series.kinds import series_kind

SINCE = pd.Timestamp(LABELLED_FROM["tuning"])
WINDOWS = ((1,), (2,), (3,), (1, 2, 3))
BASELINES = ((6, 12), (6, 24))
COMBINES = ("cauchy", "fisher")
CALIBRATE = (True, False)
TARGETS = (0.008, 0.015, 0.03)
GRID = [2.0 + 0.25 * i for i in range(113)]
SHIPPED = Path(__file__).resolve().parents[2] / "earlywarn" / "data" / "escalation.json"


def _month(ts: pd.Series | pd.Timestamp) -> np.ndarray:
    t = pd.DatetimeIndex(np.atleast_1d(ts))
    return np.asarray(t.year * 12 + t.month - 1)


class FastEval:
    """``evaluate_alerts`` for one detector's country scores (one anchor series a country,
    ``cooldown=1``), per country, for many thresholds; checked against it in :func:`main`."""

    def __init__(self, labels: pd.DataFrame) -> None:
        lab = _labels(labels)
        self.lab = {
            str(c): (
                _month(g["start"]),
                _month(g["end"]),
                (g["role"] == "primary").to_numpy(),
                g["key"].to_numpy(),
            )
            for c, g in lab.groupby("unique_id")
        }

    def per_country(self, th: float) -> dict[str, tuple[int, int, int, float]]:
        """country -> (caught, true, false, country-years) of the loaded scores."""
        out = {}
        for c, (ds, sc) in self.groups.items():
            idx = np.flatnonzero(sc >= th)
            if len(idx):
                starts = np.concatenate([[0], np.flatnonzero(np.diff(idx) > 2) + 1])
                at = ds[idx[starts]]
                at = at[at >= self.since_m]
            else:
                at = ds[:0]
            if c not in self.lab or not len(at):
                out[c] = (0, 0, len(at), self.cy[c])
                continue
            s, e, prim, key = self.lab[c]
            a = at[:, None]
            window = (s - 3 <= a) & (a <= s + 1)
            hit = (window & prim).any(axis=1)
            neutral = ((~prim) & (s - 3 <= a) & (a <= np.maximum(e, s + 1))).any(axis=1) | (
                prim & (s + 1 < a) & (a <= e)
            ).any(axis=1)
            caught = {
                k for j, k in enumerate(key) if prim[j] and ((s[j] - 3 <= at) & (at <= s[j])).any()
            }
            out[c] = (len(caught), int(hit.sum()), int((~hit & ~neutral).sum()), self.cy[c])
        return out

    def load(self, scores: pd.DataFrame) -> FastEval:
        s = scores[scores["score"].notna()].sort_values(["country", "ds"])
        self.since_m = _month(SINCE)[0]
        self.groups = {
            c: (_month(g["ds"]), g["score"].to_numpy(float)) for c, g in s.groupby("country")
        }
        self.cy = {c: float(np.sum(ds >= self.since_m)) / 12 for c, (ds, _) in self.groups.items()}
        return self


def totals(per: dict, countries) -> dict[str, float]:
    a = np.array([per[c] for c in countries if c in per]).reshape(-1, 4).sum(axis=0)
    return {"caught": a[0], "true": a[1], "false": a[2], "cy": a[3]}


def calibrate(ev: FastEval, countries, target: float, cache: dict) -> float:
    """Bisection of :func:`calibrate_threshold` (the lowest grid threshold with at most
    ``target`` false alerts per country-year), on ``countries`` only."""

    def per(th: float) -> dict:
        if th not in cache:
            cache[th] = ev.per_country(th)
        return cache[th]

    def ok(th: float) -> bool:
        t = totals(per(th), countries)
        return bool(t["false"] / t["cy"] <= target) if t["cy"] else True

    lo, hi = 0, len(GRID) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(GRID[mid]):
            hi = mid
        else:
            lo = mid + 1
    return GRID[lo]


def f1(t: dict, onsets: int) -> float:
    rec = t["caught"] / onsets if onsets else 0.0
    prec = t["true"] / (t["true"] + t["false"]) if t["true"] + t["false"] else 0.0
    return 0.0 if rec == 0 or prec == 0 else 2 * rec * prec / (rec + prec)


def fold_model(rows: dict, keep_uids: set[str]) -> dict:
    """The pooled null fitted on the series ``keep_uids``: key -> (theta, calibration)."""
    model = {}
    for (m, bl), r in rows.items():
        for kind, (theta, cal, _) in fit_null(r[r["unique_id"].isin(keep_uids)], m).items():
            model[model_key(kind, m, bl)] = (theta, cal)
    return model


def variant_scores(rows: dict, model: dict, observed: pd.DataFrame) -> dict:
    """Country scores of every variant under one fitted null (on the anchors' observed
    months, as the detector writes them)."""
    ps = {}
    for (m, bl), r in rows.items():
        r = r[r["R"].notna() & r["b"].notna()]
        for kind, g in r.groupby("kind"):
            theta, cal = model[model_key(str(kind), m, bl)]
            raw = upper_p(theta, m, g)
            for calib in CALIBRATE:
                p = calibrated_p(raw, cal) if calib else raw
                ps.setdefault((m, bl, calib), []).append(g[["unique_id", "ds"]].assign(m=m, p=p))
    out = {}
    for ws, bl, comb, calib in itertools.product(WINDOWS, BASELINES, COMBINES, CALIBRATE):
        per = pd.concat([x for m in ws for x in ps[(m, bl, calib)]], ignore_index=True)
        sc = country_scores(per, comb)
        out[(ws, bl, comb, calib)] = sc.merge(observed, on=["unique_id", "ds"])
    return out


def name(v) -> str:
    ws, bl, comb, calib, target = v
    return (
        f"m={'+'.join(map(str, ws)):<5} base={bl[0]}-{bl[1]:<3} {comb:<7} "
        f"{'cal' if calib else 'raw'} target={target:<6}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="write the shipped null")
    args = ap.parse_args()
    t0 = time.process_time()
    series, labels = development_data(shared_data())["tuning"]
    n_on = int((labels["role"] == "primary").sum())
    country = series["unique_id"].map(lambda u: series_kind(str(u)).country)
    countries = sorted(country.unique())
    rows = {(m, bl): escalation_rows(series, m, bl) for bl in BASELINES for m in (1, 2, 3)}
    observed = series.loc[series["y"].notna(), ["unique_id", "ds"]]
    full = fold_model(rows, set(series["unique_id"]))
    if args.write:
        from earlywarn.detect._escalation_null import fit_escalation_model

        shipped = {"fitted_on": "tuning", **fit_escalation_model(series)}
        text = json.dumps(shipped, indent=1)
        text = re.sub(r"\[[^\[\]{}]*\]", lambda x: " ".join(x.group(0).split()), text)
        SHIPPED.write_text(text + "\n", encoding="utf-8")
    print("pooled null on all tuning rows: share of NB p-values below 1e-2, 1e-4, 1e-6")
    for (m, bl), r in rows.items():
        r = r[r["R"].notna() & r["b"].notna()]
        for kind, g in r.groupby("kind"):
            theta, cal = full[model_key(str(kind), m, bl)]
            p = upper_p(theta, m, g)
            pc = calibrated_p(p, cal)
            print(
                f"  {model_key(str(kind), m, bl):<11} n={len(g):<6} raw "
                + " ".join(f"{np.mean(p < a):.4f}" for a in (1e-2, 1e-4, 1e-6))
                + "  calibrated "
                + " ".join(f"{np.mean(pc < a):.4f}" for a in (1e-2, 1e-4, 1e-6))
            )
    ev = FastEval(labels)
    scores = variant_scores(rows, full, observed)
    keys = list(itertools.product(scores, TARGETS))
    print("\nin-sample (all 30 tuning countries; threshold for the target false/country-year):")
    best = None
    caches: dict = {}
    for v, target in keys:
        ev.load(scores[v])
        cache = caches.setdefault(v, {})
        th = calibrate(ev, countries, target, cache)
        t = totals(cache[th], countries)
        score = f1(t, n_on)
        prec = t["true"] / max(t["true"] + t["false"], 1)
        print(
            f"  {name((*v, target))} th={th:<5g} caught {int(t['caught'])}/{n_on} "
            f"prec {prec:.2f} false/c-yr {t['false'] / t['cy']:.3f} F1 {score:.3f}",
            flush=True,
        )
        if best is None or score > best[0]:
            best = (score, v, target, th)
    assert best is not None
    _, v, target, th = best
    print(f"chosen in-sample: {name((*v, target))} threshold {th}")
    # the fast evaluator agrees with evaluate_alerts on the chosen variant
    an = (
        scores[v]
        .assign(detector="esc")
        .merge(series, on=["unique_id", "ds"])[["unique_id", "ds", "y", "score", "detector"]]
    )
    r = evaluate_alerts(
        series,
        labels,
        Rule("esc", series=("*",), detector="esc", threshold=th, cooldown=1),
        anomalies=an,
        since=SINCE,
    )
    print(
        f"  evaluate_alerts: caught {r['caught']}/{r['onsets']} true {r['true_alerts']} "
        f"false {r['false_alerts']} precision {r['precision']:.2f} "
        f"false/c-yr {r['false_alerts_per_country_year']:.3f}"
    )
    # the detector itself gives the same scores
    det = EscalationTest(
        windows=v[0],
        baseline=v[1],
        combine=v[2],
        calibrate=v[3],
        model={
            "params": {k: t for k, (t, _) in full.items()},
            "calibration": {k: c for k, (_, c) in full.items()},
        },
    )
    got = det.fit(series).score(series).merge(an, on=["unique_id", "ds"])
    print(
        f"  detector vs study scores: max |diff| {np.nanmax(np.abs(got.score_x - got.score_y)):.2e}"
    )

    print(
        "\nleave-one-country-out (null refitted, variant, target and threshold chosen on "
        "the other 29):"
    )
    fixed = (v, target)  # the in-sample choice, only its threshold recalibrated per fold
    tot = np.zeros(3)
    tot_fixed = np.zeros(3)
    chosen = []
    for c in countries:
        keep = set(series.loc[country != c, "unique_id"])
        fold = variant_scores(rows, fold_model(rows, keep), observed)
        rest = [x for x in countries if x != c]
        n_rest = int(((labels["role"] == "primary") & (labels["unique_id"] != c)).sum())
        best = None
        caches = {}
        for v, target in keys:
            ev.load(fold[v])
            cache = caches.setdefault(v, {})
            th = calibrate(ev, rest, target, cache)
            score = f1(totals(cache[th], rest), n_rest)
            if best is None or score > best[0]:
                best = (score, v, target, th)
        assert best is not None
        ev.load(fold[fixed[0]])
        th_fixed = calibrate(ev, rest, fixed[1], caches[fixed[0]])
        tot_fixed += ev.per_country(th_fixed).get(c, (0, 0, 0, 0.0))[:3]
        _, v, target, th = best
        chosen.append(name((*v, target)))
        ev.load(fold[v])
        one = ev.per_country(th).get(c, (0, 0, 0, 0.0))
        tot += one[:3]
        print(
            f"  {c}: {name((*v, target))} th={th:g} -> caught {one[0]} true {one[1]} "
            f"false {one[2]}",
            flush=True,
        )
    prec = tot[1] / max(tot[1] + tot[2], 1)
    print(
        f"LOCO total: caught {int(tot[0])}/{n_on}, true {int(tot[1])}, false {int(tot[2])}, "
        f"precision {prec:.2f}; chosen: {pd.Series(chosen).value_counts().to_dict()}"
    )
    prec = tot_fixed[1] / max(tot_fixed[1] + tot_fixed[2], 1)
    print(
        f"LOCO of the in-sample choice alone ({name((*fixed[0], fixed[1]))}, threshold from "
        f"the other 29): caught {int(tot_fixed[0])}/{n_on}, true {int(tot_fixed[1])}, "
        f"false {int(tot_fixed[2])}, precision {prec:.2f}"
    )
    print(f"{time.process_time() - t0:.0f} s CPU")


if __name__ == "__main__":
    main()
