"""The shipped count_nb and Prophet specs on real bursty conflict series (tuning half of the
crisis split): forecasts stay on the scale of the series' recent values.

Before (issue 13): count_nb forecast 29 deaths a month for Malawi (one month of 2 deaths in
37 years) and medians of 0 for Cameroon and Burkina Faso (last values 51 and 103); Prophet's
95% quantile for Rwanda's fatalities was 44,000 (at most 19 in the ten years before).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlywarn.forecast.evaluate import crisis_series
from earlywarn.forecast.specs import load_models

from .conftest import REPO

LEVELS = [0.05, 0.5, 0.95]


@pytest.fixture(scope="module")
def tuning() -> pd.DataFrame:
    return crisis_series("tuning")


def _history(y: pd.DataFrame, uid: str, end: str) -> pd.DataFrame:
    return y[(y["unique_id"] == uid) & (y["ds"] <= end)].reset_index(drop=True)


def _quantiles(name: str, s: pd.DataFrame) -> np.ndarray:
    model = load_models(REPO / "models")[name].fit(s)
    assert model.skipped_ == {}
    return model.predict_quantiles(6, LEVELS)[[f"q{q:g}" for q in LEVELS]].to_numpy()


@pytest.mark.parametrize(
    ("uid", "end"),
    [
        ("MWI:ucdp_fatalities", "2025-05-01"),  # one month of 2 deaths, three months ago
        ("CMR:ucdp_fatalities", "2023-05-01"),  # a 572-death burst amid zeros in the window
        ("BFA:pv_events", "2021-11-01"),  # rose from decades of zeros to ~150 a month
        ("BFA:ucdp_fatalities", "2023-11-01"),
    ],
)
def test_count_nb_stays_on_the_series_scale(tuning: pd.DataFrame, uid: str, end: str) -> None:
    s = _history(tuning, uid, end)
    q = _quantiles("count_nb", s)
    recent = s["y"].tail(12)
    assert np.isfinite(q).all() and (q >= 0).all()
    # no blow-up over the horizon: the 95% quantile within 3x the last two years' maximum
    assert (q[:, 2] <= 3 * max(s["y"].tail(24).max(), 1)).all(), q
    if recent.median() == 0:
        assert (q[:, 1] == 0).all(), q
    else:  # no collapse to zero either: medians near the last year's level
        assert (q[:, 1] >= recent.median() / 5).all() and (q[:, 1] <= 5 * recent.median()).all(), q


@pytest.mark.parametrize(
    ("uid", "end"),
    [
        ("RWA:ucdp_fatalities", "2021-11-01"),  # 1994: 630,417 deaths in a month
        ("ERI:ucdp_fatalities", "2021-11-01"),  # 1999: 15,068
    ],
)
def test_prophet_bands_ignore_an_old_war(tuning: pd.DataFrame, uid: str, end: str) -> None:
    s = _history(tuning, uid, end)
    q = _quantiles("prophet", s)
    assert s["y"].max() > 100 * s["y"].tail(120).max()
    assert np.isfinite(q).all() and (q >= 0).all()
    assert (q[:, 2] <= 5 * s["y"].tail(120).max()).all(), q
