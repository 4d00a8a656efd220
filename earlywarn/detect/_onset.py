"""A pooled onset-risk model: the probability that a country's violent conflict escalates.

One logistic regression is fitted across countries (as the ViEWS early-warning models
are): for every (country, month) it reads past-only features of the country's monthly
conflict series -- event counts (``events`` of class ``quad:4``, ``plover:ASSAULT`` or
``all``) and deaths (``fatalities``) -- each kind summarised separately by four generic
figures (3-month level, rise over the 12- and 24-month baselines, months in a row above
baseline: :mod:`earlywarn.detect._onset_features`), and gives the probability that the
month is the onset of a crisis. The coefficients ship as data
(``earlywarn/data/onset_risk.json``), fitted on the tuning half of the African crisis
series only; ``experiments/onset_risk/refit.py`` refits them
(:func:`earlywarn.alerts.onset_fit.fit_onset_model`).

A country's score is written on one series of the country (its first event-count series,
else its first deaths series) so that a country episode raises one alert, not one per
series; the country's other series get no score.

Measured leave-one-country-out on the tuning half (``experiments/onset_risk/README.md``),
threshold for 0.01 false alerts per country-year: 9 of 15 onsets caught with lead >= 0 at
precision 0.65 (the previous 28-feature model: 7/15 at 0.56); on the held-aside half 3 of
14 at precision 0.19, below the shipped rules (3/14, 0.27). No shipped rule uses it; it is
evaluated next to them by ``earlywarn eval alerts`` (row ``onset_risk``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from earlywarn.detect._base import BaseDetector, infer_freq, load_model_json
from earlywarn.detect._onset_features import FEATURES, onset_features
from earlywarn.errors import ConfigError
from earlywarn.series.kinds import series_kind

__all__ = ["THRESHOLD", "OnsetRisk", "country_features", "load_onset_model", "onset_series"]

#: The shipped model's alert threshold (its ``threshold`` in ``onset_risk.json``: 0.01 false
#: alerts per country-year on the leave-one-country-out scores of the tuning half; a test
#: checks they agree).
THRESHOLD = 0.74235

#: The per-kind feature summaries: ``<feature>_ev`` (event counts), ``<feature>_f`` (deaths).
_PER_KIND = FEATURES
_CONFLICT_CLASSES = {"quad:4", "plover:ASSAULT", "all"}


def onset_series(unique_id: str) -> str | None:
    """``"ev"`` or ``"f"`` when a series feeds the onset-risk model, else ``None``.

    Examples
    --------
    >>> onset_series("SDN:pv_events"), onset_series("SDN:ucdp_fatalities")
    ('ev', 'f')
    >>> onset_series("cov:SDN"), onset_series("ev:SDN:r14")
    (None, None)
    """
    k = series_kind(unique_id)
    if k.country is None:
        return None
    if k.kind == "fatalities":
        return "f"
    if k.kind == "events" and _CONFLICT_CLASSES & set(k.classes):
        return "ev"
    return None


def country_features(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (country, month): the features of the model, from the past only.

    Each feature of :func:`~earlywarn.detect._onset_features.onset_features` is taken per
    kind (the largest over the country's series of that kind) as ``<name>_ev`` and
    ``<name>_f``, with ``has_f`` saying whether deaths have a value; a kind the country
    lacks (and a rise without enough history) reads 0. ``anchor`` is the series the country's score is written on.

    Examples
    --------
    >>> import pandas as pd
    >>> ds = pd.date_range("2015-01-01", periods=48, freq="MS")
    >>> y = pd.concat([pd.DataFrame({"unique_id": u, "ds": ds, "y": 10.0})
    ...                for u in ("MLI:pv_events", "MLI:ucdp_fatalities")])
    >>> cf = country_features(y)
    >>> cf[["country", "anchor"]].drop_duplicates().values.tolist()
    [['MLI', 'MLI:pv_events']]
    >>> int(cf["has_f"].iloc[-1]), round(float(cf["rise_12m_ev"].iloc[-1]), 2)
    (1, 0.0)
    """
    kinds = {u: onset_series(str(u)) for u in frame["unique_id"].unique()}
    use = [u for u, k in kinds.items() if k is not None]
    sub = frame[frame["unique_id"].isin(use)]
    if sub.empty:
        return pd.DataFrame(columns=["country", "ds", "anchor", *model_columns()])
    feats = onset_features(sub)
    feats["country"] = feats["unique_id"].map(lambda u: series_kind(str(u)).country)
    feats["k"] = feats["unique_id"].map(kinds)
    parts = []
    for k in ("ev", "f"):
        part = feats[feats["k"] == k].groupby(["country", "ds"])[list(_PER_KIND)].max()
        part.columns = [f"{c}_{k}" for c in part.columns]
        if k == "f":
            part["has_f"] = 1.0
        parts.append(part)
    out = pd.concat(parts, axis=1).sort_index().reset_index()
    for col in model_columns():
        if col not in out:
            out[col] = 0.0
    out[list(model_columns())] = out[list(model_columns())].fillna(0.0)
    anchors = {}
    for c, g in feats.groupby("country"):
        ev = sorted(g.loc[g["k"] == "ev", "unique_id"].unique())
        anchors[c] = ev[0] if ev else sorted(g["unique_id"].unique())[0]
    out["anchor"] = out["country"].map(anchors)
    return out.loc[:, ["country", "ds", "anchor", *model_columns()]]


def model_columns() -> tuple[str, ...]:
    """The model's input columns, in the order of the shipped coefficients."""
    return (*(f"{f}_{k}" for k in ("ev", "f") for f in _PER_KIND), "has_f")


def load_onset_model(path: str | Path | None = None) -> dict[str, Any]:
    """The onset-risk model's coefficients (``None``: the shipped ``onset_risk.json``).

    Examples
    --------
    >>> m = load_onset_model()
    >>> m["columns"] == list(model_columns()), m["fitted_on"]
    (True, 'tuning')
    """
    model = load_model_json(
        "onset_risk.json", path, "onset-risk model", "experiments/onset_risk/refit.py"
    )
    where = "earlywarn/data/onset_risk.json" if path is None else str(path)
    _check_model(model, where)
    return dict(model)


def _check_model(model: Any, where: str) -> None:
    need = {"columns", "mean", "scale", "coef", "intercept", "threshold"}
    if not isinstance(model, Mapping) or need - set(model):
        raise ConfigError(
            f"{where}: an onset-risk model needs keys {sorted(need)}; refit it with "
            "experiments/onset_risk/refit.py"
        )
    n = len(model["columns"])
    if list(model["columns"]) != list(model_columns()):
        raise ConfigError(
            f"{where}: the model's columns differ from this version's features; refit it "
            "with experiments/onset_risk/refit.py"
        )
    for key in ("mean", "scale", "coef"):
        if len(model[key]) != n:
            raise ConfigError(f"{where}: '{key}' has {len(model[key])} values, expected {n}")


def predict_proba(model: Mapping[str, Any], cf: pd.DataFrame) -> np.ndarray:
    """The model's probability for each row of :func:`country_features`."""
    x = cf.loc[:, list(model["columns"])].to_numpy(float)
    z = (x - np.asarray(model["mean"], float)) / np.asarray(model["scale"], float)
    logit = z @ np.asarray(model["coef"], float) + float(model["intercept"])
    return np.asarray(1.0 / (1.0 + np.exp(-logit)))


class OnsetRisk(BaseDetector):
    """Probability that a country's conflict is about to escalate (pooled logistic model).

    Scores monthly series of conflict events and deaths (see :func:`onset_series`); the
    score of a country-month (a probability in [0, 1]) is written on the country's anchor
    series only, so one country episode raises one alert. Other series, and series that
    are not monthly, get no score. As_of-safe: every feature at month ``t`` reads months
    up to ``t`` only.

    Parameters
    ----------
    model : mapping, path or None
        The coefficients (``None``: the shipped model, fitted on the tuning half of the
        African crisis series).
    threshold : float
        Probability at or above which a month is anomalous (the shipped model's
        threshold raises 0.01 false alerts per country-year on its leave-one-country-out
        scores of the tuning half).

    Examples
    --------
    >>> import pandas as pd
    >>> ds = pd.date_range("2010-01-01", periods=72, freq="MS")
    >>> ev = [20.0, 25, 18, 22, 30, 21] * 11 + [60, 150, 220, 260, 300, 320]
    >>> y = pd.concat([pd.DataFrame({"unique_id": "MLI:pv_events", "ds": ds, "y": ev}),
    ...                pd.DataFrame({"unique_id": "MLI:ucdp_fatalities", "ds": ds,
    ...                              "y": [v * 2 for v in ev]})])
    >>> s = OnsetRisk().fit(y).score(y)
    >>> sorted(s["unique_id"].unique())  # one score per country
    ['MLI:pv_events']
    >>> quiet, jump = s["score"].iloc[-12], s["score"].iloc[-5]  # 21 events, then 150
    >>> bool(quiet < 0.1 < OnsetRisk().threshold <= jump)
    True
    """

    score_kind = "unit"

    def __init__(
        self, model: Mapping[str, Any] | str | Path | None = None, threshold: float = THRESHOLD
    ) -> None:
        self.model = model
        self.threshold = threshold

    def _fit(self, frame: pd.DataFrame) -> None:
        if self.model is None or isinstance(self.model, (str, Path)):
            self.model_ = load_onset_model(self.model)
        else:
            _check_model(self.model, "OnsetRisk(model=...)")
            self.model_ = dict(self.model)

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        monthly = [
            u for u, g in frame.groupby("unique_id", sort=False) if infer_freq(g["ds"]) == "MS"
        ]
        cf = country_features(frame[frame["unique_id"].isin(monthly)])
        if cf.empty:
            return pd.DataFrame()
        cf["score"] = predict_proba(self.model_, cf)
        out = frame.merge(
            cf[["anchor", "ds", "score"]].rename(columns={"anchor": "unique_id"}),
            on=["unique_id", "ds"],
            how="inner",
        )
        out.loc[out["y"].isna(), "score"] = np.nan
        out["expected"] = np.nan
        if last:
            out = out.groupby("unique_id", sort=False).tail(last)
        return out
