"""Global forecasters on real African conflict counts (tuning half of the country split only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlywarn.forecast import Naive
from earlywarn.forecast.backtest import backtest
from earlywarn.forecast.evaluate import crisis_series
from earlywarn.forecast.global_model import (
    FEATURES,
    GlobalQuantileGB,
    QuantileAverage,
    _since_spike,
    origin_features,
)
from earlywarn.forecast.global_negbin import GlobalNegBin
from earlywarn.forecast.specs import load_models
from tests.forecast.conftest import REPO

#: two countries of the tuning half, both kinds, from 2008 (quick to fit)
KEEP = ("NGA", "ETH")


@pytest.fixture(scope="module")
def crisis() -> pd.DataFrame:
    y = crisis_series("tuning")
    y = y[y["unique_id"].str[:3].isin(KEEP) & (y["ds"] >= "2008-01-01")]
    return y.reset_index(drop=True)


def _perturb_after(y: pd.DataFrame, cutoff: str) -> pd.DataFrame:
    out = y.copy()
    late = out["ds"] > pd.Timestamp(cutoff)
    out.loc[late, "y"] = out.loc[late, "y"] * 50 + 1000
    return out


def test_backtest_never_sees_past_the_cutoff(crisis: pd.DataFrame) -> None:
    """Changing every value after the fold's cutoff changes nothing a fold forecast
    (features at the origin and the pooled training rows of every global model)."""
    models = {
        "naive": Naive(),
        "gb": GlobalQuantileGB(max_iter=20),
        "nb": GlobalNegBin(max_horizon=6),
    }
    cutoff = str(crisis["ds"].max() - pd.DateOffset(months=6))[:10]
    a = backtest(crisis, models, horizon=6, folds=1).forecasts
    b = backtest(_perturb_after(crisis, cutoff), models, horizon=6, folds=1).forecasts
    assert set(a["cutoff"].astype(str).str[:10]) == {cutoff}
    assert set(a["model"]) >= {"naive", "gb", "nb"}
    cols = ["unique_id", "model", "ds", "yhat", "q05", "q50", "q95"]
    key = ["unique_id", "model", "ds"]
    pd.testing.assert_frame_equal(
        a[cols].sort_values(key).reset_index(drop=True),
        b[cols].sort_values(key).reset_index(drop=True),
    )
    # while the truths they are scored on did change
    assert (b["y"].sum() - a["y"].sum()) > 1000 * len(a) * 0.9


def test_origin_features_use_only_the_past(crisis: pd.DataFrame) -> None:
    cut = pd.Timestamp("2020-06-01")
    past = origin_features(crisis[crisis["ds"] <= cut])
    # the same origin inside a longer history: features computed there are the same
    later = crisis[crisis["ds"] <= cut + pd.DateOffset(months=1)]
    again = origin_features(_perturb_after(later, str(cut.date()))[lambda d: d["ds"] <= cut])
    pd.testing.assert_frame_equal(past, again)
    assert list(past.columns) == [*FEATURES, "unique_id"]
    kinds = past.set_index("unique_id")["kind"]
    assert kinds["NGA:pv_events"] == kinds["ETH:pv_events"] != kinds["NGA:ucdp_fatalities"]


def test_months_since_the_last_spike() -> None:
    logy = np.log1p(np.array([5.0] * 14 + [40.0, 6.0, 5.0, 5.0]))
    got = _since_spike(logy)
    assert got[13] == 36 and got[14] == 0 and got[17] == 3


def test_negbin_fits_counts_with_huge_months(crisis: pd.DataFrame) -> None:
    """UCDP counts reach hundreds of thousands in one month (tuning half, all years): the
    pooled NB fit must not diverge, and its intervals must hold most truths."""
    y = crisis_series("tuning")
    y = y[y["ds"] <= "2019-12-01"]
    assert y["y"].max() > 100_000
    m = GlobalNegBin(max_horizon=3).fit(y)
    assert not m.skipped_ and len(m.fitted_) == y["unique_id"].nunique()
    fc = m.predict_quantiles(3, [0.05, 0.5, 0.95])
    assert np.isfinite(fc[["q0.05", "q0.5", "q0.95"]].to_numpy()).all()
    assert (fc["q0.05"] <= fc["q0.5"]).all() and (fc["q0.5"] <= fc["q0.95"]).all()
    truth = crisis_series("tuning")
    both = fc.merge(truth, on=["unique_id", "ds"])
    inside = ((both["q0.05"] <= both["y"]) & (both["y"] <= both["q0.95"])).mean()
    assert inside > 0.7


def test_ensemble_spec_weights_its_members(crisis: pd.DataFrame) -> None:
    spec = load_models(REPO / "models")["ensemble"]
    assert isinstance(spec, QuantileAverage) and spec.weights == {"gb": 3, "nb": 1}
    small = QuantileAverage(
        members={
            "gb": {"estimator": "GlobalQuantileGB", "params": {"max_iter": 20}},
            "naive": Naive(),
        },
        weights={"gb": 3, "naive": 1},
    ).fit(crisis)
    levels = [0.1, 0.5, 0.9]
    fc = small.predict_quantiles(2, levels).set_index(["unique_id", "ds"])
    parts = {k: m.predict_quantiles(2, levels).set_index(["unique_id", "ds"])
             for k, m in small.members_.items()}  # fmt: skip
    want = (3 * parts["gb"] + parts["naive"]) / 4
    np.testing.assert_allclose(fc.to_numpy(), want.loc[fc.index].to_numpy())
