"""The pooled onset-risk model on real African crisis series (tuning half only)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from earlywarn.alerts.evaluate import development_data
from earlywarn.alerts.onset_fit import fit_onset_model, training_rows, write_model
from earlywarn.detect import OnsetRisk, detect
from earlywarn.detect._onset import THRESHOLD, load_onset_model, onset_series
from earlywarn.errors import ConfigError, NotFittedError
from earlywarn.io.shared import shared_data

SHIPPED = Path(__file__).resolve().parents[2] / "earlywarn" / "data" / "onset_risk.json"


@pytest.fixture(scope="module")
def tuning() -> tuple[pd.DataFrame, pd.DataFrame]:
    return development_data(shared_data())["tuning"]


@pytest.fixture(scope="module")
def civ_eth(tuning: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    series = tuning[0]
    return series[series["unique_id"].str[:3].isin(["CIV", "ETH"])].reset_index(drop=True)


def test_scores_real_onsets_above_the_threshold(civ_eth: pd.DataFrame) -> None:
    det = OnsetRisk().fit(civ_eth)
    s = det.score(civ_eth)
    # one score per country, on its event-count series; probabilities
    assert sorted(s["unique_id"].unique()) == ["CIV:pv_events", "ETH:pv_events"]
    assert s["score"].between(0, 1).all()
    by = s.set_index(["unique_id", "ds"])["score"]
    # labelled primary onsets of the tuning half (crisis_onsets.csv): Côte d'Ivoire's 2002
    # rebellion and 2010 post-election war, Ethiopia's 2020 civil war
    for uid, onset in (("CIV", "2002-09"), ("CIV", "2010-12"), ("ETH", "2020-11")):
        assert by[(f"{uid}:pv_events", pd.Timestamp(onset))] >= det.threshold
    usual = s[s["ds"] >= "1997-01-01"].groupby("unique_id")["score"].median()
    assert (usual < det.threshold / 10).all()
    flagged = det.predict(civ_eth)
    assert flagged["is_anomaly"].mean() < 0.02  # rare, not every busy month


def test_contract_and_errors(civ_eth: pd.DataFrame) -> None:
    with pytest.raises(NotFittedError, match="fit"):
        OnsetRisk().score(civ_eth)
    with pytest.raises(ConfigError, match="refit"):
        OnsetRisk(model={"columns": ["x"]}).fit(civ_eth)
    assert OnsetRisk().get_params() == {"model": None, "threshold": THRESHOLD}
    assert load_onset_model()["threshold"] == OnsetRisk().threshold
    # daily series and non-conflict kinds are not scored
    daily = pd.DataFrame(
        {"unique_id": "ev:CIV:q4", "ds": pd.date_range("2020-01-01", periods=90), "y": 3.0}
    )
    assert OnsetRisk().fit(daily).score(daily).empty
    assert onset_series("cov:CIV") is None and onset_series("CIV:ucdp_fatalities") == "f"
    out = detect(civ_eth, {"onset_risk": OnsetRisk()}, as_of="2021-06-01", lookback=3)
    assert len(out) == 6 and set(out["detector"]) == {"onset_risk"}


def test_no_leak_from_later_months(civ_eth: pd.DataFrame) -> None:
    cutoff = pd.Timestamp("2010-12-01")
    det = OnsetRisk().fit(civ_eth)
    before = det.score(civ_eth)
    changed = civ_eth.copy()
    later = changed["ds"] > cutoff
    changed.loc[later, "y"] = changed.loc[later, "y"] * 7 + 100
    changed.loc[later & (changed["ds"].dt.month == 3), "y"] = np.nan
    after = det.score(changed)
    keep = before["ds"] <= cutoff
    pd.testing.assert_frame_equal(
        before[keep].reset_index(drop=True), after[after["ds"] <= cutoff].reset_index(drop=True)
    )
    assert not np.allclose(before.loc[~keep, "score"], after.loc[after["ds"] > cutoff, "score"])


def test_training_rows_label_and_mask(tuning: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    series, labels = tuning
    civ = series[series["unique_id"].str.startswith("CIV")]
    rows = training_rows(civ, labels[labels["unique_id"] == "CIV"]).set_index("ds")
    # primary 2010-12 .. 2011-04: the onset month is the positive, its lead and later
    # crisis months are neutral (left out)
    assert rows.loc["2010-12-01", "label"] == 1.0 and rows.loc["2010-12-01", "train"]
    assert not rows.loc["2010-09-01":"2010-11-01", "train"].any()
    assert not rows.loc["2011-01-01":"2011-04-01", "train"].any()
    # context 2004-11 (brief clashes): its onset month is a positive too, its lead neutral
    assert rows.loc["2004-11-01", "label"] == 1.0 and rows.loc["2004-11-01", "train"]
    assert not rows.loc["2004-08-01":"2004-10-01", "train"].any()
    primary_only = training_rows(civ, labels[labels["unique_id"] == "CIV"], context=False)
    ctx = primary_only.set_index("ds").loc["2004-08-01":"2004-12-01"]
    assert not ctx["train"].any() and (ctx["label"] == 0).all()
    assert rows.loc["2005-06-01", "label"] == 0.0 and rows.loc["2005-06-01", "train"]
    assert not rows.loc[:"1996-12-01", "train"].any()
    assert int(rows["label"].sum()) == 4  # 2000-10, 2002-09, 2004-11, 2010-12


@pytest.mark.slow
def test_refit_reproduces_the_shipped_model(
    tuning: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    model = fit_onset_model(*tuning)
    write_model(model, tmp_path / "refit.json")
    refit = json.loads((tmp_path / "refit.json").read_text())
    shipped = json.loads(SHIPPED.read_text())
    numeric = ("mean", "scale", "coef", "intercept")
    for key in numeric:  # same fit up to the solver's last digits
        np.testing.assert_allclose(refit[key], shipped[key], rtol=1e-6, atol=1e-9)
    assert {k: v for k, v in refit.items() if k not in numeric} == {
        k: v for k, v in shipped.items() if k not in numeric
    }
    assert shipped["fitted_on"] == "tuning" and shipped["loco"]["onsets"] == 15
