"""earlywarn: strategic early warning and forecasting from global news and event data."""

from __future__ import annotations

__version__ = "0.1.0"

from earlywarn.config import Settings, load_settings
from earlywarn.errors import (
    ConfigError,
    EarlywarnError,
    ExtractionError,
    FeedError,
    LockedError,
    NotFittedError,
    StoreError,
)
from earlywarn.store import Archive

__all__ = [
    "Archive",
    "ConfigError",
    "EarlywarnError",
    "ExtractionError",
    "FeedError",
    "LockedError",
    "NotFittedError",
    "Settings",
    "StoreError",
    "__version__",
    "load_settings",
]
