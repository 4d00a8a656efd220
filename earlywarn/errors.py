"""The exception tree: every error earlywarn raises derives from :class:`EarlywarnError`.

Messages say what was wrong and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "ArchiveNotFoundError",
    "ConfigError",
    "EarlywarnError",
    "ExtractionError",
    "FeedError",
    "FetchError",
    "ImportFormatError",
    "LockedError",
    "MissingInputError",
    "NotFittedError",
    "SearchError",
    "StoreError",
    "TrackingError",
    "UsageError",
]


class EarlywarnError(Exception):
    """Base class of all earlywarn errors."""


class ConfigError(EarlywarnError, ValueError):
    """A configuration file, spec or argument is invalid; the message names the file and key."""


class StoreError(EarlywarnError):
    """The archive is missing, corrupt, locked or of an unknown schema version."""


class UsageError(EarlywarnError, ValueError):
    """An argument is malformed (a date, a kind, a stage name); the message says what is allowed."""


class MissingInputError(EarlywarnError, FileNotFoundError):
    """An input file does not exist; the message names it."""


class ArchiveNotFoundError(MissingInputError, StoreError):
    """The archive a read-only command needs does not exist (nothing was created)."""


class LockedError(StoreError):
    """Another writer holds the archive lock."""


class FeedError(EarlywarnError):
    """A feed could not be fetched or parsed."""


class FetchError(EarlywarnError):
    """An HTTP fetch failed or was refused (size cap, content type, SSRF guard, robots.txt)."""


class ExtractionError(EarlywarnError):
    """Text, events or entities could not be extracted."""


class ImportFormatError(EarlywarnError, ValueError):
    """A foreign data file (GDELT, ICEWS, ACLED, UCDP) does not have the expected layout."""


class NotFittedError(EarlywarnError, ValueError, AttributeError):
    """An estimator was used before ``fit``; call ``fit`` first."""


class TrackingError(EarlywarnError):
    """The experiment tracker (MLflow) failed."""


class SearchError(EarlywarnError):
    """The search index is missing, outdated or busy, or a query cannot be run."""
