"""Dask: parallel results are identical to serial ones (one small LocalCluster)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from earlywarn.forecast import Drift, Naive, SeasonalNaive
from earlywarn.forecast.backtest import backtest
from earlywarn.forecast.run import forecast_frame
from earlywarn.forecast.specs import make_estimator
from earlywarn.scale import get_client, map_series

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    c = get_client(n_workers=2)
    yield c
    c.close()


def _uid_len(uid: str, frame: pd.DataFrame) -> tuple[str, int]:
    return uid, len(frame)


def test_map_series_order(client: object) -> None:
    groups = [(f"s{i}", pd.DataFrame({"y": range(i)})) for i in range(8, 0, -1)]
    assert (
        map_series(_uid_len, groups, client)
        == map_series(_uid_len, groups)
        == [(f"s{i}", i) for i in range(8, 0, -1)]
    )
    assert map_series(_uid_len, [], client) == []


def test_forecast_and_backtest_identical_serial_vs_dask(client: object) -> None:
    y = pd.read_csv(DATA / "event_counts" / "YEM_gdelt_monthly_long.csv")
    y = y[y["unique_id"].isin(y["unique_id"].unique()[:6])]
    models = {
        "naive": Naive(),
        "snaive": SeasonalNaive(),
        "drift": Drift(),
        "glm": make_estimator("CountGLM", {"window": 60}),
    }
    serial = forecast_frame(y, models, h=4)
    parallel = forecast_frame(y, models, h=4, client=client)
    pd.testing.assert_frame_equal(serial, parallel)
    bs = backtest(y, models, horizon=4, folds=2)
    bp = backtest(y, models, horizon=4, folds=2, client=client)
    cols = [c for c in bs.forecasts.columns if c != "seconds"]
    pd.testing.assert_frame_equal(bs.forecasts[cols], bp.forecasts[cols])
    pd.testing.assert_frame_equal(bs.summary(), bp.summary())


def test_map_series_batches(client: object) -> None:
    groups = [(f"s{i}", pd.DataFrame({"y": range(i)})) for i in range(1, 12)]
    expected = [(f"s{i}", i) for i in range(1, 12)]
    for size in (1, 4, 50):
        assert map_series(_uid_len, groups, client, batch_size=size) == expected
    with pytest.raises(ValueError, match="batch size"):
        map_series(_uid_len, groups, client, batch_size=0)


def test_second_local_cluster_says_nothing_about_ports(client: object) -> None:
    """Another cluster (this module's, another job's) holds port 8787: starting one more
    warned 'Port 8787 is already in use. Perhaps you already have a cluster running?' on
    every demo, backtest and eval while another job ran; there is nothing to act on."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        second = get_client(n_workers=1)
        second.close()
    assert not [w for w in caught if "already in use" in str(w.message)]
