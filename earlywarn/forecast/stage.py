"""The nightly ``forecast`` stage: the busiest fresh series, forecast ``horizon`` steps."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.stage import StageContext, StageResult, series_frame
from earlywarn.store import Write

__all__ = ["select_for_forecast", "stage"]

log = get_logger(__name__)


def select_for_forecast(y: pd.DataFrame, n: int, focal_country: str, as_of: date) -> pd.DataFrame:
    """The ``n`` busiest fresh count series, always with the focal country's.

    Fresh: observed within the 92 days before ``as_of`` (a series that went silent years
    ago is a data-health matter, not something to forecast). Busiest: the largest mean of
    the last 30 observations.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": ["a", "a", "b", "old"], "y": [1.0, 2.0, 5.0, 9.0],
    ...     "ds": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2020-01-01"])})
    >>> sorted(select_for_forecast(y, 1, "VNM", date(2024, 1, 2))["unique_id"].unique())
    ['b']
    """
    fresh_since = pd.Timestamp(as_of) - pd.Timedelta(days=92)
    counts = y[~y["unique_id"].str.startswith("tone:")]
    last = counts.groupby("unique_id")["ds"].max()
    counts = counts[counts["unique_id"].isin(last.index[last >= fresh_since])]
    vol = (
        counts.groupby("unique_id")["y"]
        .agg(lambda s: s.tail(30).mean())
        .sort_values(ascending=False)
    )
    keep = list(vol.index[:n])
    focal = [u for u in vol.index if u in (f"ev:{focal_country}", f"cov:{focal_country}")]
    return y[y["unique_id"].isin(keep + [u for u in focal if u not in keep])]


def _models(ctx: StageContext) -> dict[str, Any]:
    from earlywarn.forecast import Naive, Prophet, QuantileAverage, SeasonalNaive, load_models

    if ctx.settings.models_dir is not None:
        return load_models(ctx.settings.models_dir)
    # the last-value forecast is the reference the ledger scores every model against; the
    # ensemble is models/ensemble.yaml (global boosting and negative binomial, 3:1), the one
    # model that beats it on the held-aside crisis series (``earlywarn eval forecast``)
    return {
        "naive": Naive(),
        "seasonal_naive": SeasonalNaive(),
        "prophet": Prophet(),
        "ensemble": QuantileAverage(weights={"gb": 3, "nb": 1}),
    }


def stage(ctx: StageContext) -> StageResult:
    """Forecast tonight's selected series with the configured models (on ``ctx.client``).

    The ``forecasts`` table holds the latest run for ``as_of``; the ledger keeps the first
    (append-only: a forced rerun adds no ledger row and changes none). A model added or
    changed before the rerun of a past night gets no ledger row dated that night: it did not
    forecast on that night, and the track record holds only forecasts made when dated.
    """
    from earlywarn.forecast import forecast_frame
    from earlywarn.ledger import LEVELS, forecast_entries, model_version

    y = select_for_forecast(
        series_frame(ctx), ctx.settings.max_forecast_series, ctx.settings.focal_country, ctx.as_of
    )
    models = _models(ctx)
    fc = forecast_frame(y, models, ctx.settings.horizon, quantiles=LEVELS, client=ctx.client)
    versions = {name: model_version(m) for name, m in models.items()}
    rerun = ctx.archive.stage_done(ctx.as_of, "forecast")  # its first run committed a record
    recorded = ctx.archive.query(
        "SELECT DISTINCT forecast_id, model, model_version FROM forecast_ledger WHERE as_of = ?",
        [ctx.as_of],
    )
    ledger = forecast_entries(
        fc.iloc[:0] if rerun else fc, ctx.as_of, versions, recorded["forecast_id"]
    )
    if rerun:
        first = set(zip(recorded["model"], recorded["model_version"], strict=True))
        unrecorded = sorted(f"{m} ({v})" for m, v in versions.items() if (m, v) not in first)
        if unrecorded:
            log.info(
                "rerun of %s: no ledger rows for %s, which did not forecast on that night's "
                "first run (the ledger keeps only forecasts made when dated)",
                ctx.as_of,
                ", ".join(unrecorded),
            )
    fc.insert(0, "as_of", ctx.as_of_ts)
    return [
        Write("forecasts", fc, replace={"as_of": ctx.as_of}),
        Write("forecast_ledger", ledger),
    ], {"n_series": int(y["unique_id"].nunique()), "ledger_rows": len(ledger)}
