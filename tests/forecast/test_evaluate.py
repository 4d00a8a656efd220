"""``earlywarn eval forecast`` end to end on a Dask LocalCluster (real series, few of them),
per-series failures as rows, and the Dask path of global models (tuning half only)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from earlywarn.errors import UsageError
from earlywarn.forecast import GBQuantile, Naive, SeasonalNaive
from earlywarn.forecast.backtest import backtest
from earlywarn.forecast.evaluate import MODELS, crisis_series, evaluate, pooled_scores, report
from earlywarn.forecast.global_negbin import GlobalNegBin
from earlywarn.forecast.nixtla import Theta
from earlywarn.forecast.statistical import CountGLM
from earlywarn.scale import get_client


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    c = get_client(n_workers=2)
    yield c
    c.close()


@pytest.mark.slow
def test_full_eval_path_on_dask(client: object) -> None:
    """Every model of the full table, 2 real series of the tuning half, 2 origins."""
    ev = evaluate(client=client, series=2, folds=2, datasets=("crisis tuning",))  # type: ignore[arg-type]
    t = ev.table.set_index("model")
    assert set(t.index) == set(MODELS)
    assert (t["folds"] == 2).all() and (t["series"] == 2).all() and (t["failed"] == 0).all()
    assert t.loc["naive", "crps_vs_naive"] == 1.0 and t.loc["snaive", "crps_vs_snaive"] == 1.0
    assert np.isfinite(t[["crps_vs_naive", "mase_vs_naive", "coverage90"]]).all().all()
    assert ev.workers == 2 and ev.wall_s > 0 and ev.cpu_s > 0
    out = report(ev)
    assert "crps_vs_naive" in out and "Dask worker(s)" in out and "gbquantile" in out


def test_failing_model_gives_a_row_not_a_crash(yemen2: pd.DataFrame) -> None:
    """GBQuantile needs 16 periods: on a 20-month series both folds (8 and 14 months of
    training) fail and are listed with the reason; the other series is scored."""
    short = yemen2[yemen2["unique_id"] == "YEM:total"].head(20)
    y = pd.concat([short, yemen2[yemen2["unique_id"] == "YEM:root14"]], ignore_index=True)
    models = {"naive": Naive(), "snaive": SeasonalNaive(), "gbq": GBQuantile(n_estimators=10)}
    res = backtest(y, models, horizon=6, folds=2)
    fails = res.failures
    assert (fails["unique_id"] == "YEM:total").all()
    assert fails["reason"].str.contains("too short").all()
    assert (fails["model"] == "gbq").sum() == 2  # (and snaive's first fold: 8 < 12 months)
    table = pooled_scores(res.fold_metrics, "naive", "snaive").set_index("model")
    assert table.loc["gbq", "series"] == 1 and table.loc["naive", "series"] == 2


def test_count_glm_fits_a_burst_in_zeros() -> None:
    """Eritrea's UCDP fatalities (95% zero months, 15,068 deaths in one month) made IRLS
    diverge ('NaN, inf or invalid value detected in weights'); the fit now converges."""
    y = crisis_series("tuning")
    eri = y[y["unique_id"] == "ERI:ucdp_fatalities"]
    assert eri["y"].max() > 15_000 and (eri["y"] == 0).mean() > 0.9
    model = CountGLM().fit(eri)
    assert model.skipped_ == {}
    fc = model.predict_quantiles(6, [0.05, 0.95])
    assert np.isfinite(fc[["q0.05", "q0.95"]]).all().all()
    # Theta on log1p: a 90% band of a few deaths (on raw counts it was ~1,300 wide)
    band = Theta(transform="log1p").fit(eri).predict_interval(6)
    assert ((band["upper"] - band["lower"]) < 50).all()
    raw = Theta().fit(eri).predict_interval(6)
    assert ((raw["upper"] - raw["lower"]) > 500).all()


def test_global_folds_on_dask_equal_serial(client: object) -> None:
    """Global models' folds run as Dask tasks; the forecasts are the serial ones."""
    y = crisis_series("tuning")
    y = y[y["unique_id"].str[:3].isin(("NGA", "ETH")) & (y["ds"] >= "2014-01-01")]
    models = {"naive": Naive(), "nb": GlobalNegBin(max_horizon=6)}
    a = backtest(y, models, horizon=6, folds=2).forecasts
    b = backtest(y, models, horizon=6, folds=2, client=client).forecasts  # type: ignore[arg-type]
    cols = [c for c in a.columns if c != "seconds"]
    key = ["unique_id", "model", "cutoff", "ds"]
    pd.testing.assert_frame_equal(
        a[cols].sort_values(key).reset_index(drop=True),
        b[cols].sort_values(key).reset_index(drop=True),
    )
    assert set(b["model"]) == {"naive", "nb", "SeasonalNaive"}


def test_eval_restricted_to_models_and_data_sets(client: object) -> None:
    """``--models`` / ``--data``: the chosen specs with the two references, on one half."""
    ev = evaluate(client=client, series=2, folds=1, datasets=("crisis tuning",), models=("count_nb",))  # type: ignore[arg-type]
    assert set(ev.table["model"]) == {"naive", "snaive", "count_nb"}
    assert set(ev.table["data"]) == {"crisis tuning"}
    with pytest.raises(UsageError, match="no spec"):
        evaluate(client=client, models=("nope",))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="no data set"):
        evaluate(client=client, datasets=("crisis",))  # type: ignore[arg-type]
