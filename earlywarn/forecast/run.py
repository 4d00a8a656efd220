"""Forecast many series with many models at once (the nightly pipeline's entry point).

Examples
--------
>>> import pandas as pd
>>> from earlywarn.forecast import Naive
>>> y = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=5, freq="MS"),
...                   "y": [1.0, 2.0, 3.0, 4.0, 5.0]})
>>> fc = forecast_frame(y, {"naive": Naive(method="normal")}, h=1)
>>> list(fc.columns)
['unique_id', 'model', 'ds', 'yhat', 'q05', 'q50', 'q95', 'p_exceed', 'threshold']
>>> fc[["yhat", "q50", "threshold"]].round(2).values.tolist()
[[5.0, 5.0, 4.8]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from earlywarn.forecast._data import iter_groups, prepare
from earlywarn.forecast.base import BaseForecaster, quantile_column
from earlywarn.scale import map_series

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["default_thresholds", "forecast_frame"]


def default_thresholds(y: pd.DataFrame, q: float = 0.95) -> dict[str, float]:
    """The ``q`` quantile of each series' history (NaN ignored): the default alert threshold."""
    prepare(y.head(0))  # validates the columns
    values = pd.to_numeric(y["y"], errors="coerce")
    return {str(k): float(v) for k, v in values.groupby(y["unique_id"]).quantile(q).items()}


def _forecast_one(
    uid: str,
    frame: pd.DataFrame,
    *,
    models: Mapping[str, BaseForecaster],
    h: int,
    quantiles: Sequence[float],
    thresholds: Mapping[str, float],
) -> pd.DataFrame:
    parts = []
    for name, model in models.items():
        fitted = model.clone().fit(frame)
        fc = fitted.predict_frame(h, quantiles, thresholds)
        fc.insert(1, "model", name)
        parts.append(fc)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def forecast_frame(
    y: pd.DataFrame,
    models: Mapping[str, BaseForecaster],
    h: int,
    *,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    threshold: float | Mapping[str, float] | None = None,
    client: Client | None = None,
) -> pd.DataFrame:
    """Fit every model to every series of ``y`` and forecast ``h`` periods.

    Parameters
    ----------
    y : DataFrame
        Long frame ``unique_id, ds, y``; each series keeps its own frequency.
    models : mapping of name to forecaster
        Unfitted templates (cloned per series, never modified).
    h : int
        Horizon in periods of each series.
    quantiles : sequence of float
        Levels, written as columns ``q05``, ``q50``, ``q95`` ...
    threshold : float, mapping or None
        Exceedance threshold; default (and for ids missing from a mapping) the 95th
        percentile of the series' history.
    client : distributed.Client, optional
        Fit the series in parallel on Dask; the result is identical to the serial one.

    Returns
    -------
    DataFrame
        ``unique_id, model, ds, yhat, q05, q50, q95, p_exceed, threshold`` sorted by
        ``unique_id, model, ds``; series a model could not fit are absent (logged).
    """
    thresholds = default_thresholds(y)
    if isinstance(threshold, Mapping):
        thresholds.update({str(k): float(v) for k, v in threshold.items()})
    elif threshold is not None:
        thresholds = dict.fromkeys(thresholds, float(threshold))
    pooled = {k: m for k, m in models.items() if m.get_tags().get("capability:global")}
    local = {k: m for k, m in models.items() if k not in pooled}
    task = partial(
        _forecast_one, models=local, h=h, quantiles=tuple(quantiles), thresholds=thresholds
    )
    parts = [p for p in map_series(task, iter_groups(y), client) if len(p)] if local else []
    for name, model in pooled.items():  # a global model is fitted once, on every series
        fc = model.clone().fit(y).predict_frame(h, quantiles, thresholds)
        fc.insert(1, "model", name)
        parts.append(fc)
    columns = [
        "unique_id",
        "model",
        "ds",
        "yhat",
        *[quantile_column(q, "pct") for q in quantiles],
        "p_exceed",
        "threshold",
    ]
    if not parts:
        empty: dict[str, Any] = {c: pd.Series(dtype=float) for c in columns}
        empty.update(
            unique_id=pd.Series(dtype=object),
            model=pd.Series(dtype=object),
            ds=pd.Series(dtype="datetime64[ns]"),
        )
        return pd.DataFrame(empty)[columns]
    out = pd.concat(parts, ignore_index=True)[columns]
    out = out.sort_values(["unique_id", "model", "ds"], kind="stable", ignore_index=True)
    num = [c for c in columns if c not in ("unique_id", "model", "ds")]
    out[num] = out[num].astype(np.float64)
    return out
