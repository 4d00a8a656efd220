"""Every model on real Yemen series (few Prophet fits: it is the slow one)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlywarn.forecast.specs import make_estimator

FAST = {
    "Naive": {},
    "SeasonalNaive": {},
    "Mean": {},
    "Drift": {},
    "ETS": {},
    "SARIMAX": {},
    "CountGLM": {},
    "AutoETS": {},
    "AutoARIMA": {},
    "Theta": {},
    "GBQuantile": {"n_estimators": 30},
}


def _check(fc: pd.DataFrame, n_series: int, h: int) -> None:
    assert len(fc) == n_series * h
    cols = ["yhat", "q05", "q50", "q95", "p_exceed"]
    assert np.isfinite(fc[cols].to_numpy()).all()
    assert (fc["q05"] <= fc["q50"] + 1e-9).all() and (fc["q50"] <= fc["q95"] + 1e-9).all()
    assert (fc[["yhat", "q05"]] >= 0).all().all()  # counts: clipped at zero
    assert fc["p_exceed"].between(0, 1).all()


@pytest.mark.parametrize("name", sorted(FAST))
def test_model_on_yemen(name: str, yemen2: pd.DataFrame) -> None:
    est = make_estimator(name, FAST[name]).fit(yemen2)
    assert est.skipped_ == {}
    fc = est.predict_frame(3, threshold={"YEM:total": 20000.0, "YEM:root14": 300.0})
    _check(fc, 2, 3)
    # monthly: next period starts are month starts
    assert (fc["ds"].dt.day == 1).all()


def test_prophet_on_yemen_and_daily_holidays(yemen: pd.DataFrame) -> None:
    est = make_estimator("Prophet", {"uncertainty_samples": 50})
    fc = est.fit(yemen[yemen["unique_id"] == "YEM:root14"]).predict_frame(3, threshold=300.0)
    _check(fc, 1, 3)
    # reproducible draws (seeded)
    again = est.predict_frame(3, threshold=300.0)
    pd.testing.assert_frame_equal(fc, again)
    daily = pd.DataFrame(
        {
            "unique_id": "d",
            "ds": pd.date_range("2024-01-01", periods=60),
            "y": np.arange(60, dtype=float) % 7,
        }
    )
    vn = make_estimator("Prophet", {"country_holidays": "VN", "uncertainty_samples": 20})
    assert len(vn.fit(daily).predict(5)) == 5
    assert "Lunar New Year's Eve" in set(vn.fitted_["d"][1].train_holiday_names)


def test_count_model_negbin_is_overdispersed(yemen2: pd.DataFrame) -> None:
    nb = make_estimator("CountGLM", {"family": "negbin"}).fit(yemen2)
    po = make_estimator("CountGLM", {"family": "poisson"}).fit(yemen2)
    w_nb = nb.predict_interval(3).eval("upper - lower").mean()
    w_po = po.predict_interval(3).eval("upper - lower").mean()
    assert w_nb > w_po
