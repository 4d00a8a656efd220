"""earlywarn: strategic early warning and forecasting from global news and event data.

The public API is listed in ``__all__``; stage subpackages (``earlywarn.series``,
``earlywarn.forecast``, ...) load on first use, so ``import earlywarn`` stays light.

Examples
--------
>>> import earlywarn as ew
>>> ew.parse_as_of("2026-11-22")
datetime.date(2026, 11, 22)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from earlywarn.config import Settings, load_settings
from earlywarn.errors import (
    ConfigError,
    EarlywarnError,
    ExtractionError,
    FeedError,
    FetchError,
    ImportFormatError,
    LockedError,
    NotFittedError,
    SearchError,
    StoreError,
    TrackingError,
)
from earlywarn.io.history import import_history
from earlywarn.pipeline import STAGES, parse_as_of, run_nightly
from earlywarn.store import Archive

if TYPE_CHECKING:
    from earlywarn import (
        alerts,
        brief,
        collect,
        detect,
        extract,
        forecast,
        io,
        network,
        report,
        series,
    )
    from earlywarn.search import search  # the package, callable as its search function

__all__ = [
    "STAGES",
    "Archive",
    "ConfigError",
    "EarlywarnError",
    "ExtractionError",
    "FeedError",
    "FetchError",
    "ImportFormatError",
    "LockedError",
    "NotFittedError",
    "SearchError",
    "Settings",
    "StoreError",
    "TrackingError",
    "__version__",
    "alerts",
    "brief",
    "collect",
    "detect",
    "extract",
    "forecast",
    "import_history",
    "io",
    "load_settings",
    "network",
    "parse_as_of",
    "report",
    "run_nightly",
    "search",
    "series",
]

_SUBPACKAGES = {
    "alerts",
    "brief",
    "collect",
    "detect",
    "extract",
    "forecast",
    "io",
    "network",
    "report",
    "search",
    "series",
}


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"earlywarn.{name}")
    raise AttributeError(f"module 'earlywarn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
