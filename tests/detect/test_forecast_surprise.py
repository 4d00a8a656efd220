"""ForecastSurprise and the rolling quantiles under it, on real African crisis series
(tuning half only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlywarn.alerts.evaluate import development_data
from earlywarn.detect import ForecastSurprise, detect
from earlywarn.detect._surprise import THRESHOLD, upper_tail_p
from earlywarn.errors import ConfigError, NotFittedError
from earlywarn.forecast import GlobalNegBin, GlobalQuantileGB, QuantileAverage, rolling_quantiles
from earlywarn.io.shared import shared_data

COUNTRIES = ["ETH", "KEN", "MLI", "SSD"]


def _small_ensemble() -> QuantileAverage:
    # the shipped ensemble's members and weights, with fewer boosting rounds (test speed)
    gb = GlobalQuantileGB(max_horizon=1, max_iter=10)
    return QuantileAverage({"gb": gb, "nb": GlobalNegBin(max_horizon=1)}, {"gb": 3, "nb": 1})


@pytest.fixture(scope="module")
def four() -> pd.DataFrame:
    series = development_data(shared_data())["tuning"][0]
    keep = series["unique_id"].str[:3].isin(COUNTRIES) & (series["ds"] >= "2006-01-01")
    return series[keep].reset_index(drop=True)


@pytest.fixture(scope="module")
def scored(four: pd.DataFrame) -> tuple[ForecastSurprise, pd.DataFrame]:
    det = ForecastSurprise(model=_small_ensemble(), refit_every=24).fit(four)
    return det, det.predict(four)


def test_one_score_per_country_and_real_onsets(
    scored: tuple[ForecastSurprise, pd.DataFrame],
) -> None:
    det, s = scored
    assert sorted(s["unique_id"].unique()) == [f"{c}:pv_events" for c in COUNTRIES]
    assert (s["score"] >= 0).all() and s["expected"].notna().all()
    by = s.set_index(["unique_id", "ds"])["score"]
    # labelled primary onsets (crisis_onsets.csv): South Sudan's civil war (2013-12),
    # Ethiopia's Tigray war (2020-11) are (about) the highest score of their country
    for uid, onset in (("SSD", "2013-12"), ("ETH", "2020-11")):
        top = s.loc[s["unique_id"] == f"{uid}:pv_events", "score"].max()
        assert by[(f"{uid}:pv_events", pd.Timestamp(onset))] >= 0.95 * top
    assert by[("ETH:pv_events", pd.Timestamp("2020-11"))] >= det.threshold
    assert s["is_anomaly"].mean() < 0.1  # rare, not every busy month


def _assert_blind_after(
    det: ForecastSurprise, four: pd.DataFrame, before: pd.DataFrame, cutoff: pd.Timestamp
) -> None:
    """Values after ``cutoff`` multiplied by 50 (plus 7) and some later months removed:
    every score up to the cutoff stays equal, later ones change."""
    changed = four.copy()
    later = changed["ds"] > cutoff
    changed.loc[later, "y"] = changed.loc[later, "y"] * 50 + 7
    changed = changed[~(later & (changed["ds"].dt.month == 3))]  # gaps after the cutoff
    after = det.score(changed)
    old = before[before["ds"] <= cutoff].drop(columns="is_anomaly").reset_index(drop=True)
    pd.testing.assert_frame_equal(old, after[after["ds"] <= cutoff].reset_index(drop=True))
    assert not np.allclose(
        before.loc[before["ds"] > cutoff + pd.DateOffset(months=8), "score"].to_numpy()[:50],
        after.loc[after["ds"] > cutoff + pd.DateOffset(months=8), "score"].to_numpy()[:50],
    )


def test_no_leak_from_later_months(
    four: pd.DataFrame, scored: tuple[ForecastSurprise, pd.DataFrame]
) -> None:
    cutoff = pd.Timestamp("2013-06-01")  # inside the span one model predicts (2013-2014)
    det, before = scored
    _assert_blind_after(det, four, before, cutoff)


def test_tail_probability() -> None:
    lv = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    q = np.array([[0.0, 0.0, 0.0, 1.0, 3.0]] * 4)
    p = upper_tail_p(np.array([0.0, 1.0, 3.0, 50.0]), q, lv)
    # a mass of half at zero: P(Y >= 0) = 1, mid-p 0.75; larger counts ever less likely
    assert p[0] == pytest.approx(0.75) and np.all(np.diff(p) < 0) and p[3] < 1e-3


def test_contract_and_errors(four: pd.DataFrame) -> None:
    with pytest.raises(NotFittedError, match="fit"):
        ForecastSurprise().score(four)
    for bad in ({"combine": "mean"}, {"refit_every": 0}, {"reference": -1.0}):
        with pytest.raises(ConfigError):
            ForecastSurprise(**bad).fit(four)  # type: ignore[arg-type]
    assert ForecastSurprise().get_params()["threshold"] == THRESHOLD
    with pytest.raises(ValueError, match="global model"):
        rolling_quantiles(four, QuantileAverage({"x": {"estimator": "Naive"}}))
    daily = pd.DataFrame(
        {"unique_id": "ev:CIV:q4", "ds": pd.date_range("2020-01-01", periods=90), "y": 3.0}
    )
    assert ForecastSurprise().fit(daily).score(daily).empty
    nb = ForecastSurprise(model=GlobalNegBin(max_horizon=1))
    out = detect(four, {"surprise": nb.set_params(refit_every=24)}, as_of="2021-06-01", lookback=3)
    assert len(out) == 12 and set(out["detector"]) == {"surprise"}


@pytest.fixture(scope="module")
def windowed(four: pd.DataFrame) -> tuple[ForecastSurprise, pd.DataFrame]:
    det = ForecastSurprise(model=_small_ensemble(), refit_every=24, window=3, reference=None)
    return det, det.fit(four).predict(four)


def test_window_sum_is_judged_against_a_forecast_made_before_it(
    four: pd.DataFrame,
    scored: tuple[ForecastSurprise, pd.DataFrame],
    windowed: tuple[ForecastSurprise, pd.DataFrame],
) -> None:
    det, s = windowed
    per = det.series_scores(four)
    # y is the sum of the three months ending at ds, never a month seen by the forecast
    one = four[four["unique_id"] == "KEN:pv_events"].set_index("ds")["y"]
    row = per[per["unique_id"] == "KEN:pv_events"].set_index("ds").loc["2012-05-01"]
    assert row["y"] == one["2012-03-01":"2012-05-01"].sum()
    # its median is of a three-month sum (about three one-step medians), shown per month
    both = per.merge(scored[1][["unique_id", "ds", "expected"]], on=["unique_id", "ds"])
    assert 2.0 < np.median((both["q0.5"] + 1) / (both["expected"] + 1)) < 4.0
    s1 = s.merge(scored[1][["unique_id", "ds", "expected"]], on=["unique_id", "ds"])
    assert 0.6 < np.median((s1["expected_x"] + 1) / (s1["expected_y"] + 1)) < 1.5
    # no CUSUM: the score is the month's combined Z, negative in quiet months
    assert (s["score"] < 0).mean() > 0.2 and s["score"].max() >= det.threshold
    with pytest.raises(ValueError, match="horizon >= window"):
        rolling_quantiles(four, _small_ensemble(), horizon=2, window=3)


def test_window_no_leak_from_later_months(
    four: pd.DataFrame, windowed: tuple[ForecastSurprise, pd.DataFrame]
) -> None:
    # one month after a refit date (December 2013 with refit_every=24): a model that
    # trained on a window ending past its refit date would change January 2014's score
    cutoff = pd.Timestamp("2014-01-01")
    det, before = windowed
    _assert_blind_after(det, four, before, cutoff)
