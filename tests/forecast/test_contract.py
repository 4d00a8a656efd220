from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlywarn.errors import NotFittedError
from earlywarn.forecast import BaseForecaster, Naive, SeasonalNaive
from earlywarn.forecast.specs import REGISTRY, estimator_class

NAMES = sorted(REGISTRY)


@pytest.mark.parametrize("name", NAMES)
def test_params_roundtrip_and_clone(name: str) -> None:
    cls = estimator_class(name)
    est = cls()
    params = est.get_params()
    assert set(params) == set(cls._param_names())
    clone = est.clone()
    assert clone is not est and clone.get_params() == params
    key = next(iter(params))
    assert est.set_params(**{key: params[key]}) is est
    with pytest.raises(ValueError, match="no parameter 'bogus'"):
        est.set_params(bogus=1)
    assert isinstance(est.get_tags()["requires:min_length"], int)


@pytest.mark.parametrize("name", NAMES)
def test_not_fitted_error(name: str) -> None:
    est = estimator_class(name)()
    for call in (
        lambda: est.predict(2),
        lambda: est.predict_quantiles(2),
        lambda: est.predict_interval(2),
        lambda: est.predict_proba_exceed(2, 1.0),
    ):
        with pytest.raises(NotFittedError, match="call fit"):
            call()


def test_fit_returns_self_and_learned_state(yemen2: pd.DataFrame) -> None:
    est = Naive()
    assert est.fit(yemen2) is est
    assert set(est.fitted_) == {"YEM:total", "YEM:root14"}
    assert est.skipped_ == {}
    assert not any(k.endswith("_") for k in est.get_params())


def test_predict_frames_layout(yemen2: pd.DataFrame) -> None:
    est = SeasonalNaive().fit(yemen2)
    q = est.predict_quantiles(4, [0.05, 0.5, 0.95])
    assert list(q.columns) == ["unique_id", "ds", "q0.05", "q0.5", "q0.95"]
    assert (q["q0.05"] <= q["q0.5"]).all() and (q["q0.5"] <= q["q0.95"]).all()
    iv = est.predict_interval(4, 0.8)
    assert list(iv.columns) == ["unique_id", "ds", "lower", "upper"]
    p = est.predict_proba_exceed(4, {"YEM:total": 1e9})
    assert p.set_index("unique_id").loc["YEM:total", "p_exceed"].eq(0).all()
    assert p.set_index("unique_id").loc["YEM:root14", "p_exceed"].isna().all()
    fc = est.predict(4)
    assert fc["ds"].min() == pd.Timestamp("2016-06-01")
    with pytest.raises(ValueError, match="positive integer"):
        est.predict(0)


def test_exogenous_rejected(yemen2: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="exogenous"):
        Naive().fit(yemen2, X=yemen2)


def test_base_is_abstract_enough() -> None:
    y = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=5), "y": 1.0})
    est = BaseForecaster().fit(y)
    assert "NotImplementedError" in est.skipped_["a"]
    assert est.predict(1).empty


def test_quantiles_consistent_with_exceedance(yemen2: pd.DataFrame) -> None:
    est = Naive(method="normal").fit(yemen2)
    q = est.predict_quantiles(3, [0.9]).set_index(["unique_id", "ds"])["q0.9"]
    uid = "YEM:total"
    p = est.predict_proba_exceed(3, float(q.loc[uid].iloc[0]))
    assert np.isclose(p.set_index("unique_id").loc[uid, "p_exceed"].iloc[0], 0.1, atol=1e-6)
