"""Quickstart: the demo's archive explored as a data scientist would.

Run ``python examples/quickstart.py [FOLDER]`` (default ``earlywarn-demo``). When the folder
does not hold a finished demo it runs the demo first (offline; several minutes, see the
README's speed table); a demo cut short is resumed, never read half-built.
"""

from __future__ import annotations

import sys

import earlywarn as ew
from earlywarn.demo import demo_complete, demo_settings, run_demo
from earlywarn.labels import series_label


def main(out: str = "earlywarn-demo") -> None:
    """Run the demo if needed, then look at its events, series and alerts."""
    settings = demo_settings(ew.load_settings(), out)
    if not demo_complete(settings):
        run_demo(settings)
    with ew.Archive(settings.archive, read_only=True) as archive:
        events = archive.events(since="2018-08-01", until="2018-10-31", countries=["CHN", "USA"])
        alerts = archive.table("alerts")
    print(events.groupby("quad_class").size())
    y = ew.series.event_counts(events, by=["country", "quad_class"], freq="W")
    print(y.head())
    if alerts.empty:
        raise SystemExit(f"no alerts in {settings.archive}: the demo did not finish")
    for row in alerts.sort_values("as_of").itertuples():
        print(f"{str(row.as_of)[:10]} {row.severity:>8} {row.title} [{series_label(row.unique_id)}]")


if (
    __name__ == "__main__"
):  # the demo's forecasts start Dask worker processes, which import this file
    main(*sys.argv[1:])
