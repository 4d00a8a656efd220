"""Quickstart: run the demo night, then explore the archive as a data scientist would.

Run with ``python examples/quickstart.py`` after ``make demo`` (or it runs the demo itself).
"""

from __future__ import annotations

from pathlib import Path

import earlywarn as ew
from earlywarn.demo import demo_settings, run_demo

out = Path("earlywarn-demo")
settings = demo_settings(ew.load_settings(), out)
if not settings.archive.exists():
    run_demo(settings)

with ew.Archive(settings.archive, read_only=True) as archive:
    events = archive.events(since="2018-08-01", until="2018-10-31", countries=["CHN", "USA", "RUS"])
    print(events.groupby("quad_class").size())
    y = ew.series.event_counts(events, by=["country", "quad_class"], freq="W")
    print(y.head())
    alerts = archive.table("alerts")
    print(alerts[["as_of", "severity", "title", "status"]].to_string(index=False))
