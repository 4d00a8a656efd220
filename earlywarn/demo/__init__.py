"""The bundled demo: real articles, events and counts, replayed through the real pipeline.

:func:`run_demo` starts the loopback replay server, imports the event history (ICEWS
2018 extract, GDELT monthly counts for Yemen) and runs the nightly job for each demo
night, offline; then a small backtest on three Yemen series registers its best model as
the ``champion`` of ``earlywarn-demo`` in the demo's MLflow store. See
``corpus/SOURCES.md`` for what the corpus is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from earlywarn._progress import Progress
from earlywarn.config import Settings
from earlywarn.demo.replay import CORPUS, ReplayServer

__all__ = [
    "CORPUS",
    "DEMO_NIGHTS",
    "DemoResult",
    "ReplayServer",
    "champion_backtest",
    "demo_complete",
    "demo_settings",
    "run_demo",
]

#: The nights the demo replays: three months before the end of the Yemen counts (whose
#: forecasts the next night scores in the ledger), the end of the Yemen counts (monthly
#: forecasts on six years), the end of the ICEWS extract (daily event series), then the
#: English news snapshot.
DEMO_NIGHTS: tuple[str, ...] = ("2016-02-29", "2016-05-31", "2018-10-31", "2019-11-20")


@dataclass
class DemoResult:
    """What the demo did: import reports and one nightly result per night."""

    imports: dict[str, dict[str, Any]] = field(default_factory=dict)
    nights: list[Any] = field(default_factory=list)
    backtest: Any = None


def demo_settings(settings: Settings, out: str | Path | None = None) -> Settings:
    """Settings for the demo: its own archive and outputs under ``out``, loopback allowed,
    no politeness delay (the replay server is ours)."""
    base = Path(out) if out is not None else settings.output_dir
    http = settings.http.model_copy(
        update={
            "politeness_delay": 0.0,
            "allow_private": [*settings.http.allow_private, "127.0.0.1"],
            "per_host_concurrency": 8,
        }
    )
    return settings.model_copy(
        update={
            "archive": base / "demo.duckdb",
            "output_dir": base,
            "http": http,
        }
    )


def demo_complete(settings: Settings, nights: Sequence[str] = DEMO_NIGHTS) -> bool:
    """Whether ``settings.archive`` holds a finished demo: every stage of every night done.

    A demo cut short (a crash, Ctrl-C) is not complete; :func:`run_demo` resumes it.
    """
    from earlywarn.pipeline import STAGES, parse_as_of
    from earlywarn.store import Archive

    if not settings.archive.is_file():
        return False
    with Archive(settings.archive, read_only=True) as archive:
        return all(
            archive.stage_done(parse_as_of(night), stage)
            for night in nights
            for stage in STAGES
            if stage != "deliver"
        )


def _needs_forecast(settings: Settings, night: str) -> bool:
    """Whether ``night``'s forecast stage is still to run (and wants a Dask cluster)."""
    from earlywarn.pipeline import parse_as_of
    from earlywarn.store import Archive

    if settings.scheduler == "synchronous":
        return False
    if not settings.archive.is_file():
        return True
    with Archive(settings.archive, read_only=True) as archive:
        return not archive.stage_done(parse_as_of(night), "forecast")


def run_demo(
    settings: Settings,
    *,
    nights: Sequence[str] = DEMO_NIGHTS,
    on_stage: Callable[[str, str], None] | None = None,
    progress: Progress | None = None,
) -> DemoResult:
    """Run the demo with ``settings`` (use :func:`demo_settings` to derive them).

    Resumable: imports are idempotent and each night resumes at its first stage not done.
    ``on_stage`` and ``progress`` are passed on to :func:`earlywarn.run_nightly`.
    """
    from earlywarn.collect.catalog import load_catalog
    from earlywarn.io.history import import_history
    from earlywarn.pipeline import run_nightly

    result = DemoResult()
    result.imports["icews"] = import_history(
        settings, "icews", CORPUS / "icews18_2018-08-29_2018-10-31.tsv.gz", progress=progress
    )
    result.imports["counts"] = import_history(
        settings, "counts", CORPUS / "YEM_gdelt_monthly_long.csv", progress=progress
    )
    client = None
    try:
        with ReplayServer() as base:
            text = (CORPUS / "catalog.yaml").read_text(encoding="utf-8").replace("__BASE__", base)
            settings.output_dir.mkdir(parents=True, exist_ok=True)
            catalog_path = settings.output_dir / "demo-catalog.yaml"
            catalog_path.write_text(text, encoding="utf-8")
            catalog = load_catalog(catalog_path)
            for night in nights:
                if client is None and _needs_forecast(settings, night):
                    # one cluster for every night: its workers start (and import the
                    # models) once, not once a night
                    from earlywarn.scale import get_client

                    client = get_client(settings.scheduler, settings.n_workers)
                result.nights.append(
                    run_nightly(
                        settings,
                        night,
                        catalog=catalog,
                        client=client,
                        on_stage=on_stage,
                        progress=progress,
                    )
                )
    finally:
        if client is not None:
            client.close()
    result.backtest = champion_backtest(settings, progress=progress)
    return result


#: The demo's backtest: three Yemen monthly series, baselines and Theta (seconds).
CHAMPION_SERIES = ("YEM:total", "YEM:root14", "YEM:root19")


def champion_backtest(settings: Settings, progress: Progress | None = None) -> Any:
    """Backtest baselines and Theta on three Yemen series, log it to the settings' MLflow
    store and register the best model as ``champion`` of ``earlywarn-demo``."""
    import pandas as pd

    from earlywarn.forecast import Drift, Naive, SeasonalNaive, Theta, backtest
    from earlywarn.tracking import Tracker

    y = pd.read_csv(CORPUS / "YEM_gdelt_monthly_long.csv", parse_dates=["ds"])
    y = y[y["unique_id"].isin(CHAMPION_SERIES)]
    models = {"snaive": SeasonalNaive(), "naive": Naive(), "drift": Drift(), "theta": Theta()}
    tracker = Tracker(settings.resolved_tracking_uri(), "demo")
    return backtest(
        y,
        models,
        horizon=3,
        folds=2,
        step=3,
        tracker=tracker,
        experiment_name="demo",
        progress=progress,
    )
