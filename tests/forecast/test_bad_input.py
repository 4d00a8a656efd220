"""Documented handling of awkward input (see earlywarn.forecast._data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlywarn.forecast import Naive, SeasonalNaive, SeriesInputError
from earlywarn.forecast.specs import make_estimator


def _frame(uid: str, ds: list[str] | pd.DatetimeIndex, y: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": uid, "ds": ds, "y": y})


def test_too_short_is_skipped_not_crash(yemen2: pd.DataFrame) -> None:
    short = _frame("short", pd.date_range("2020-01-01", periods=5, freq="MS"), [1.0] * 5)
    est = SeasonalNaive().fit(pd.concat([yemen2, short]))
    assert "too short" in est.skipped_["short"]
    assert set(est.predict(2)["unique_id"]) == {"YEM:total", "YEM:root14"}
    for name in ("Prophet", "GBQuantile", "AutoARIMA", "CountGLM"):
        fitted = make_estimator(name).fit(short)
        assert "too short" in fitted.skipped_["short"]
        assert fitted.predict(2).empty


def test_all_zeros() -> None:
    zeros = _frame("z", pd.date_range("2020-01-01", periods=30, freq="D"), [0.0] * 30)
    for name in ("Naive", "SeasonalNaive", "Mean", "Drift", "CountGLM", "Theta"):
        fc = make_estimator(name).fit(zeros).predict_frame(3, threshold=0.5)
        assert len(fc) == 3, name
        assert np.allclose(fc[["yhat", "q05", "q95"]], 0.0), name
        assert np.allclose(fc["p_exceed"], 0.0), name


def test_gaps_are_inserted_and_filled_forward() -> None:
    y = _frame("g", ["2020-01-01", "2020-02-01", "2020-05-01"], [1.0, 2.0, 5.0])
    est = Naive().fit(y)
    s, _ = est.fitted_["g"]
    assert s.freq.freqstr == "MS" and len(s) == 5
    assert s.y.tolist() == [1.0, 2.0, 2.0, 2.0, 5.0]  # never from the later value


def test_duplicates_keep_last_and_order_is_sorted() -> None:
    y = _frame("d", ["2020-01-03", "2020-01-01", "2020-01-02", "2020-01-03"], [9.0, 1.0, 2.0, 3.0])
    s, _ = Naive().fit(y).fitted_["d"]
    assert s.y.tolist() == [1.0, 2.0, 3.0]
    assert Naive().fit(y).predict(1)["yhat"].tolist() == [3.0]


def test_nan_values_and_bad_dates() -> None:
    y = _frame(
        "n",
        ["2020-01-01", "2020-01-02", "not a date", "2020-01-03", "2020-01-04"],
        [1.0, np.nan, 7.0, 3.0, "x"],
    )
    s, _ = Naive().fit(y).fitted_["n"]
    assert s.y.tolist() == [1.0, 1.0, 3.0, 3.0]
    nothing = _frame("e", pd.date_range("2020-01-01", periods=4), [np.nan] * 4)
    assert Naive().fit(nothing).skipped_ == {"e": "no finite values"}


def test_mixed_frequencies_in_one_frame() -> None:
    y = pd.concat(
        [
            _frame("daily", pd.date_range("2024-01-01", periods=20, freq="D"), list(range(20))),
            _frame(
                "weekly", pd.date_range("2024-01-01", periods=20, freq="W-MON"), list(range(20))
            ),
            _frame("monthly", pd.date_range("2020-01-01", periods=20, freq="MS"), list(range(20))),
        ]
    )
    fc = Naive().fit(y).predict(1).set_index("unique_id")["ds"]
    assert fc["daily"] == pd.Timestamp("2024-01-21")
    assert fc["weekly"] == pd.Timestamp("2024-05-20")
    assert fc["monthly"] == pd.Timestamp("2021-09-01")


def test_tz_aware_dates_and_missing_columns() -> None:
    y = _frame("t", pd.date_range("2024-01-01", periods=5, freq="D", tz="UTC"), [1.0] * 5)
    assert len(Naive().fit(y).predict(2)) == 2
    with pytest.raises(SeriesInputError, match="lacks column"):
        Naive().fit(pd.DataFrame({"unique_id": ["a"], "y": [1.0]}))
    with pytest.raises(SeriesInputError, match="DataFrame"):
        Naive().fit([1, 2, 3])  # type: ignore[arg-type]
