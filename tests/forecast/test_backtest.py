from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from earlywarn import schema
from earlywarn.forecast import Drift, Naive, SeasonalNaive
from earlywarn.forecast.backtest import backtest
from earlywarn.forecast.experiment import run_experiment
from earlywarn.forecast.run import forecast_frame
from earlywarn.forecast.specs import make_estimator

from .conftest import REPO


def test_no_leakage_with_poisoned_future(yemen: pd.DataFrame) -> None:
    y = yemen[yemen["unique_id"] == "YEM:total"].reset_index(drop=True)
    y.loc[60:, "y"] = 1e12  # everything after the first cutoff is poison
    models = {
        "naive": Naive(),
        "drift": Drift(),
        "glm": make_estimator("CountGLM"),
        "theta": make_estimator("Theta"),
    }
    res = backtest(y, models, horizon=6, folds=2, step=6, initial=60)
    first = res.forecasts[res.forecasts["train_len"] == 60]
    assert set(first["model"]) == {*models, "SeasonalNaive"}
    assert first["cutoff"].max() == pd.Timestamp(y["ds"].iloc[59])
    assert (first[["yhat", "q95"]] < 1e9).all().all()
    later = res.forecasts[res.forecasts["train_len"] == 66]
    assert (later.loc[later["model"] == "naive", "yhat"] == 1e12).all()  # sanity: poison seen


def test_no_leakage_through_a_gap_before_the_cutoff(yemen: pd.DataFrame) -> None:
    """Missing months just before a cutoff are filled from the past, never from the value
    after the gap (which lies past the cutoff)."""
    y = yemen[yemen["unique_id"] == "YEM:total"].reset_index(drop=True)
    y.loc[60:, "y"] = 1e12
    y = y.drop(index=[57, 58, 59]).reset_index(drop=True)  # the last three training months
    res = backtest(y, {"naive": Naive()}, horizon=6, folds=1, step=6, initial=60)
    first = res.forecasts[res.forecasts["train_len"] == 60]
    assert first["cutoff"].max() == pd.Timestamp(yemen["ds"].iloc[59])
    assert (first[["yhat", "q95"]] < 1e9).all().all()


def test_folds_metrics_and_summary(yemen2: pd.DataFrame) -> None:
    res = backtest(yemen2, {"snaive": SeasonalNaive(), "naive": Naive()}, horizon=6, folds=3)
    assert res.reference == "snaive"
    fc = res.forecasts
    assert {"unique_id", "model", "cutoff", "ds", "y", "yhat", "q05", "q50", "q95"} <= set(fc)
    assert fc.groupby(["unique_id", "model"])["cutoff"].nunique().eq(3).all()
    assert (fc["ds"] > fc["cutoff"]).all()
    assert len(res.metrics) == 4 and res.metrics["crps"].gt(0).all()
    summary = res.summary()
    assert summary.loc["snaive", "crps_rel"] == 1.0 and summary.loc["snaive", "mase_rel"] == 1.0
    assert 0 <= summary.loc["naive", "coverage90"] <= 1


def test_forecast_frame_matches_schema(yemen2: pd.DataFrame) -> None:
    fc = forecast_frame(yemen2, {"naive": Naive(), "snaive": SeasonalNaive()}, h=4)
    assert len(fc) == 2 * 2 * 4
    hist = yemen2.groupby("unique_id")["y"].quantile(0.95)
    assert np.allclose(fc.set_index("unique_id")["threshold"], hist.reindex(fc["unique_id"]))
    table = fc.assign(as_of=pd.Timestamp("2016-06-01"))
    schema.validate(table, "forecasts")
    custom = forecast_frame(yemen2, {"naive": Naive()}, h=2, threshold={"YEM:total": -1.0})
    assert custom.set_index("unique_id").loc["YEM:total", "threshold"].eq(-1.0).all()
    assert custom.set_index("unique_id").loc["YEM:total", "p_exceed"].eq(1.0).all()


def test_run_experiment_logs_and_registers_champion(tmp_path: Path) -> None:
    import mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    res = run_experiment(REPO / "experiments" / "demo.yaml", tracking_uri=uri)
    assert res.run_id and not res.run_id.startswith("local-")
    client = mlflow.MlflowClient(uri)
    runs = client.search_runs([client.get_experiment_by_name("demo").experiment_id])
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    assert len(parents) == 1
    assert len(runs) == 1 + 4 + 4 * 2  # parent, models, folds
    assert {r.info.status for r in runs} == {"FINISHED"}
    by_name = {r.info.run_name: r for r in runs}
    theta, fold1 = by_name["theta"], by_name["theta fold 1"]
    assert theta.data.tags["mlflow.parentRunId"] == res.run_id
    assert fold1.data.tags["mlflow.parentRunId"] == theta.info.run_id
    assert fold1.data.params == {"fold": "1"} and fold1.data.metrics["crps"] > 0
    assert theta.data.params["estimator"] == "Theta" and "crps_rel" in theta.data.metrics
    parent = by_name["demo"]
    assert parent.data.params["best_model"] == str(res.summary().index[0])
    assert parent.data.metrics["best_crps_rel"] == res.summary()["crps_rel"].iloc[0]
    arts = {a.path for a in client.list_artifacts(res.run_id)}
    assert {"series_metrics.csv", "summary.csv", "forecast.png", "model"} <= arts
    series_csv = pd.read_csv(client.download_artifacts(res.run_id, "series_metrics.csv", tmp_path))
    assert len(series_csv) == 3 * 4 and {"unique_id", "model", "crps", "mase"} <= set(series_csv)
    assert {"compute", "tracking", "champion_fit"} <= set(res.timings)
    assert res.fold_metrics["fold"].tolist().count(1) == 3 * 4
    old = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(uri)
    try:
        model = mlflow.pyfunc.load_model("models:/earlywarn-demo@champion")
        out = model.predict(pd.DataFrame({"h": [2]}))
    finally:
        mlflow.set_tracking_uri(old)
    assert len(out) == 3 * 2 and {"yhat", "q05", "q95"} <= set(out.columns)
    assert model.metadata.signature is not None


def test_fewer_folds_than_asked_are_warned(caplog: pytest.LogCaptureFixture) -> None:
    """folds=5 with horizon=30 on 36 months ran one fold without a word."""
    y = pd.DataFrame(
        {"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=36, freq="MS"),
         "y": [float(i % 12 + i // 12) for i in range(36)]}
    )  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="earlywarn.forecast.backtest"):
        res = backtest(y, {"naive": Naive()}, horizon=30, folds=5)
    assert res.forecasts.query("model == 'naive'")["cutoff"].nunique() == 1
    warned = [r.getMessage() for r in caplog.records if "fewer than the 5 folds" in r.getMessage()]
    assert warned and "a: 1" in warned[0] and "shorter horizon" in warned[0], caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="earlywarn.forecast.backtest"):
        backtest(y, {"naive": Naive()}, horizon=3, folds=5)
    assert "fewer than" not in caplog.text
