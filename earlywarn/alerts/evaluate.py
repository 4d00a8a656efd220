"""Score alert rules (or a detector) against labelled crisis windows.

Definitions (periods are the series' own: months for monthly series):

- An *alert* is the period at which an episode first satisfies its rule (score at or
  above the threshold for ``min_duration`` consecutive periods); later periods of the
  same episode (runs joined across ``cooldown`` quiet periods) are not new alerts.
- A labelled crisis (``role == "primary"``) spans ``start .. end``; its *onset* is
  ``start``. Alerts for series of the labelled country (``parse_id(uid).country``)
  dated ``start - max_lead .. end`` are *true*; alerts inside ``context`` windows are
  neither true nor false; every other alert is *false*.
- An onset is *caught* when a true alert is dated ``start - max_lead .. start``: the
  lead time is ``start - alert`` in periods (>= 0; 0 = an alert on the onset period
  itself). ``detected`` also counts alerts later inside the window.
- False alerts per series-year divide the false alerts by the scored history of the
  series the rules cover (periods with a score, in years).

Scores come from :func:`earlywarn.detect.detect` over the whole history; detectors are
as_of-safe, so this equals re-running the pipeline at every ``as_of``.

Run ``python -m earlywarn.alerts.evaluate`` for the Yemen GDELT benchmark.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from earlywarn._progress import Progress, counted
from earlywarn.alerts.engine import episodes
from earlywarn.alerts.rules import Rule, load_rules
from earlywarn.detect._base import BaseDetector, infer_freq
from earlywarn.detect._detect import detect
from earlywarn.series.ids import parse_id

__all__ = ["alert_dates", "evaluate_alerts", "main"]

_PER_YEAR = {"D": 365.25, "W": 52.18, "MS": 12.0}


def _month_index(ts: pd.Timestamp, freq: str) -> int:
    if freq == "MS":
        return ts.year * 12 + ts.month - 1
    days = int((ts - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1))
    return days // 7 if freq == "W" else days


def alert_dates(anomalies: pd.DataFrame, rule: Rule) -> list[tuple[str, pd.Timestamp]]:
    """``(unique_id, ds)`` of every alert a rule raises over the whole history.

    Examples
    --------
    >>> import pandas as pd
    >>> an = pd.DataFrame({"unique_id": "YEM:total", "detector": "ensemble",
    ...                    "ds": pd.date_range("2015-01-01", periods=5, freq="MS"),
    ...                    "score": [0.5, 4.0, 5.0, 0.1, 3.5]})
    >>> [d.strftime("%Y-%m") for _, d in alert_dates(an, Rule("r", series=("*",)))]
    ['2015-02', '2015-05']
    """
    out = []
    sub = anomalies[anomalies["detector"] == rule.detector]
    for uid, g in sub.groupby("unique_id", sort=True):
        if not rule.matches(str(uid)):
            continue
        g = g.sort_values("ds")
        flags = (g["score"] >= rule.threshold).to_numpy()
        for first, last, _ in episodes(
            flags, min_duration=rule.min_duration, cooldown=rule.cooldown
        ):
            run = 0
            for i in range(first, last + 1):
                run = run + 1 if flags[i] else 0
                if run >= rule.min_duration:
                    out.append((str(uid), pd.Timestamp(g["ds"].iloc[i])))
                    break
    return out


def _labels(labels: pd.DataFrame | str | Path) -> pd.DataFrame:
    frame = pd.read_csv(labels) if isinstance(labels, (str, Path)) else labels.copy()
    frame["start"] = pd.to_datetime(frame["start_month"])
    frame["end"] = pd.to_datetime(frame["end_month"])
    return frame


def evaluate_alerts(
    series: pd.DataFrame,
    labels: pd.DataFrame | str | Path,
    rules_or_detector: Sequence[Rule] | Rule | BaseDetector | None = None,
    *,
    max_lead: int = 3,
    anomalies: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Precision, recall, lead time and false alerts per series-year (see module docs).

    ``rules_or_detector``: rules (default: the shipped rules), one rule, or a detector
    (then one rule over every series at the detector's threshold with ``cooldown=1``).
    ``anomalies`` may be passed to reuse scores already computed with ``lookback=None``.
    """
    detectors = None
    if isinstance(rules_or_detector, BaseDetector):
        detectors = {"candidate": rules_or_detector}
        rules: list[Rule] = [
            Rule(
                "candidate",
                series=("*",),
                detector="candidate",
                threshold=float(rules_or_detector.threshold),
                cooldown=1,
            )
        ]
    elif isinstance(rules_or_detector, Rule):
        rules = [rules_or_detector]
    else:
        rules = list(rules_or_detector) if rules_or_detector is not None else load_rules()
    frame = series.assign(ds=pd.to_datetime(series["ds"]))
    if anomalies is None or detectors is not None:
        anomalies = detect(frame, detectors, as_of=frame["ds"].max(), lookback=None)
    lab = _labels(labels)
    primary = lab[lab["role"] == "primary"]
    context = lab[lab["role"] != "primary"]

    covered = [u for u in frame["unique_id"].unique() if any(r.matches(str(u)) for r in rules)]
    freq = {u: infer_freq(frame.loc[frame["unique_id"] == u, "ds"]) for u in covered}
    used = {r.detector for r in rules}
    scored = anomalies[anomalies["unique_id"].isin(covered) & anomalies["detector"].isin(used)]
    series_years = float(
        sum(
            g["ds"].nunique() / _PER_YEAR.get(freq[str(u)], 12.0)
            for u, g in scored.groupby("unique_id")
        )
    )

    found = [(r.name, uid, ds) for r in rules for uid, ds in alert_dates(anomalies, r)]
    true_: list[dict[str, str]] = []
    false_: list[dict[str, str]] = []
    ctx: list[dict[str, str]] = []
    lead: dict[str, int | None] = {str(x): None for x in primary["label"]}
    detected: dict[str, bool] = {str(x): False for x in primary["label"]}
    for name, uid, ds in found:
        f = freq.get(uid, "MS")
        country = parse_id(uid).country
        at = _month_index(ds, f)
        hit = False
        for row in primary[primary["unique_id"] == country].itertuples():
            s = _month_index(pd.Timestamp(row.start), f)  # type: ignore[arg-type]
            e = _month_index(pd.Timestamp(row.end), f)  # type: ignore[arg-type]
            if s - max_lead <= at <= e:
                hit = True
                detected[str(row.label)] = True
                if at <= s:
                    prev = lead[str(row.label)]
                    lead[str(row.label)] = max(prev or 0, s - at)
        in_ctx = any(
            _month_index(pd.Timestamp(r.start), f)  # type: ignore[arg-type]
            <= at
            <= _month_index(pd.Timestamp(r.end), f)  # type: ignore[arg-type]
            for r in context[context["unique_id"] == country].itertuples()
        )
        record = {"rule": name, "unique_id": uid, "ds": ds.strftime("%Y-%m-%d")}
        (true_ if hit else ctx if in_ctx else false_).append(record)
    caught = [k for k, v in lead.items() if v is not None]
    n_on = len(lead)
    judged = len(true_) + len(false_)
    return {
        "onsets": n_on,
        "caught": len(caught),
        "recall": len(caught) / n_on if n_on else float("nan"),
        "detected_in_window": sum(detected.values()) / n_on if n_on else float("nan"),
        "lead_times": lead,
        "mean_lead": float(np.mean([lead[k] for k in caught])) if caught else float("nan"),
        "alerts": len(found),
        "true_alerts": len(true_),
        "false_alerts": len(false_),
        "context_alerts": len(ctx),
        "precision": len(true_) / judged if judged else float("nan"),
        "series": len(covered),
        "series_years": round(series_years, 2),
        "false_alerts_per_series_year": len(false_) / series_years
        if series_years
        else float("nan"),
        "max_lead": max_lead,
        "false_alert_list": false_,
    }


def _default_data() -> Path:
    env = os.environ.get("EARLYWARN_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def main(argv: Sequence[str] | None = None, progress: Progress | None = None) -> int:
    """Print the evaluation of the shipped rules and of each default detector."""
    from earlywarn.detect import CountSurprise, Ensemble, RobustZScore, ShareSpike

    data = _default_data() / "event_counts"
    ap = argparse.ArgumentParser(
        prog="python -m earlywarn.alerts.evaluate",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    ap.add_argument("--series", default=str(data / "YEM_gdelt_monthly_long.csv"))
    ap.add_argument("--labels", default=str(data / "YEM_known_crisis_periods.csv"))
    ap.add_argument("--rules", default=None, help="rules YAML (default: the shipped rules)")
    ap.add_argument("--max-lead", type=int, default=3)
    args = ap.parse_args(argv)
    series = pd.read_csv(args.series, parse_dates=["ds"])
    out = sys.stdout
    out.write(f"series: {args.series}\nlabels: {args.labels} (role == primary)\n")
    out.write(
        f"{'candidate':<28}{'recall':>8}{'in-win':>8}{'lead':>6}{'prec':>7}"
        f"{'alerts':>8}{'false':>7}{'false/ser-yr':>14}{'ser-yrs':>9}\n"
    )
    candidates: list[tuple[str, Any]] = [("shipped rules", load_rules(args.rules))]
    for name, det in (
        ("ensemble (all series)", Ensemble()),
        ("robust_z", RobustZScore()),
        ("count_surprise", CountSurprise()),
        ("share_spike", ShareSpike()),
    ):
        candidates.append((name, det))
    for name, cand in counted(candidates, progress, "rules and detectors"):
        r = evaluate_alerts(series, args.labels, cand, max_lead=args.max_lead)
        out.write(
            f"{name:<28}{r['recall']:>8.0%}{r['detected_in_window']:>8.0%}"
            f"{r['mean_lead']:>6.1f}{r['precision']:>7.0%}{r['alerts']:>8}"
            f"{r['false_alerts']:>7}{r['false_alerts_per_series_year']:>14.2f}"
            f"{r['series_years']:>9.1f}\n"
        )
        if name == "shipped rules":
            out.write(f"  lead times (periods): {r['lead_times']}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
