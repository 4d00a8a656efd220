"""EscalationTest on real African crisis series (tuning half only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlywarn.alerts.evaluate import development_data
from earlywarn.detect import EscalationTest, detect
from earlywarn.detect._escalation import THRESHOLD
from earlywarn.detect._escalation_null import (
    escalation_rows,
    fit_escalation_model,
    load_escalation_model,
)
from earlywarn.errors import ConfigError, NotFittedError
from earlywarn.io.shared import shared_data

COUNTRIES = ["CIV", "ETH", "MLI", "SSD"]


@pytest.fixture(scope="module")
def four() -> pd.DataFrame:
    series = development_data(shared_data())["tuning"][0]
    keep = series["unique_id"].str[:3].isin(COUNTRIES)
    return series[keep].reset_index(drop=True)


@pytest.fixture(scope="module")
def scored(four: pd.DataFrame) -> pd.DataFrame:
    return EscalationTest().fit(four).predict(four)


def test_one_score_per_country_and_real_onsets(scored: pd.DataFrame) -> None:
    assert sorted(scored["unique_id"].unique()) == [f"{c}:pv_events" for c in COUNTRIES]
    assert (scored["score"] >= 0).all()
    # the anchor's own baseline (its first year has none; the deaths series' scores it)
    assert scored.loc[scored["ds"] >= "1998-01-01", "expected"].notna().all()
    by = scored.set_index(["unique_id", "ds"])["score"]
    # labelled primary onsets (crisis_onsets.csv): Côte d'Ivoire's post-election war
    # (2010-12), Ethiopia's Tigray war (2020-11): the threshold is passed in
    # [onset - 3, onset]
    for uid, onset in (("CIV", "2010-12"), ("ETH", "2020-11")):
        start = pd.Timestamp(onset) - pd.DateOffset(months=3)
        window = by[f"{uid}:pv_events"].loc[start : pd.Timestamp(onset)]
        assert window.max() >= THRESHOLD
    assert scored["is_anomaly"].mean() < 0.03  # rare, not every busy month


def test_no_leak_from_later_months(four: pd.DataFrame, scored: pd.DataFrame) -> None:
    """Values after a cutoff multiplied by 50 (plus 7) and some later months removed:
    every score up to the cutoff stays equal, later ones change."""
    cutoff = pd.Timestamp("2013-06-01")
    changed = four.copy()
    later = changed["ds"] > cutoff
    changed.loc[later, "y"] = changed.loc[later, "y"] * 50 + 7
    changed = changed[~(later & (changed["ds"].dt.month == 3))]
    after = EscalationTest().fit(changed).score(changed)
    old = scored[scored["ds"] <= cutoff].drop(columns="is_anomaly").reset_index(drop=True)
    pd.testing.assert_frame_equal(old, after[after["ds"] <= cutoff].reset_index(drop=True))
    assert not np.allclose(
        scored.loc[scored["ds"] > cutoff, "score"].to_numpy()[:20],
        after.loc[after["ds"] > cutoff, "score"].to_numpy()[:20],
    )


def test_pooled_null_is_refitted_from_series(four: pd.DataFrame) -> None:
    model = fit_escalation_model(four, windows=(1, 2, 3), baselines=((6, 12),))
    assert set(model["params"]) == {f"{k}:m{m}:6-12" for k in ("ev", "f") for m in (1, 2, 3)}
    # deaths are far more overdispersed than event counts at the same baseline level
    ev, f = model["params"]["ev:m1:6-12"], model["params"]["f:m1:6-12"]
    assert f[2] + f[3] * np.log1p(20) > ev[2] + ev[3] * np.log1p(20)
    det = EscalationTest(baseline=(6, 12), model=model).fit(four)
    s = det.score(four)
    assert len(s) and s["score"].notna().all()
    # calibrated p-values: about 1% of the pooled rows below p = 0.01
    shipped = load_escalation_model()
    assert shipped["fitted_on"] == "tuning"
    rows = escalation_rows(four, 2, (6, 24))
    assert rows.loc[rows["n"] < 3, "b"].isna().all()


def test_contract_and_errors(four: pd.DataFrame) -> None:
    with pytest.raises(NotFittedError, match="fit"):
        EscalationTest().score(four)
    with pytest.raises(ConfigError, match="baseline"):
        EscalationTest(baseline=(2, 24)).fit(four)
    with pytest.raises(ConfigError, match="combine"):
        EscalationTest(combine="mean").fit(four)
    with pytest.raises(ConfigError, match="fit_escalation_model"):
        EscalationTest(baseline=(6, 36)).fit(four)
    assert EscalationTest().get_params()["threshold"] == THRESHOLD
    # daily series and non-conflict kinds get no score; detect() runs it by name
    daily = pd.DataFrame(
        {"unique_id": "ev:CIV:q4", "ds": pd.date_range("2020-01-01", periods=90), "y": 3.0}
    )
    assert EscalationTest().fit(daily).score(daily).empty
    an = detect(four, {"escalation": EscalationTest()}, as_of="2024-12-01", lookback=6)
    assert set(an["detector"]) == {"escalation"}
