"""The exception tree: every error earlywarn raises derives from :class:`EarlywarnError`.

Messages say what was wrong and what to do about it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

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
    "SearchIndexMissingError",
    "SearchQueryError",
    "StoreError",
    "TrackingError",
    "UsageError",
    "disk_full",
    "file_kind",
    "path_problem",
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


class SearchIndexMissingError(SearchError, MissingInputError):
    """There is no search index beside the archive; build it with ``earlywarn search --rebuild``."""


class SearchQueryError(SearchError, UsageError):
    """A query, filter, sort or page that cannot be run; the message says what to type."""


_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
# DuckDB and tantivy (the search index) give the OS error in their message only
_FULL_TEXTS = (*(os.strerror(e) for e in _FULL_ERRNOS), "os error 28")


def disk_full(exc: BaseException) -> str | None:
    """The message of the error in ``exc``'s chain saying a disk (or a file size limit) is
    full, else None.

    Examples
    --------
    >>> disk_full(OSError(errno.ENOSPC, "No space left on device", "/var/a.duckdb.wal"))
    "[Errno 28] No space left on device: '/var/a.duckdb.wal'"
    >>> disk_full(ValueError("An IO error occurred: 'No space left on device (os error 28)'"))
    "An IO error occurred: 'No space left on device (os error 28)'"
    >>> disk_full(ValueError("bad date")) is None
    True
    """
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        text = str(e)
        if (isinstance(e, OSError) and e.errno in _FULL_ERRNOS) or any(
            t in text for t in _FULL_TEXTS
        ):
            return text[:400]
        e = e.__cause__ or e.__context__
    return None


#: what a path that is no regular file is, for messages
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def path_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` cannot be read as a file (``None`` if it is a regular file).

    "does not exist", or what it is instead ("is a directory, not a file", a named pipe,
    whose reading would wait for a writer for ever, a device), or why it cannot be
    reached. The file readers said "does not exist" of all of them.

    Examples
    --------
    >>> path_problem("/no/such.toml"), path_problem("/")
    ('does not exist', 'is a directory, not a file')
    """
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "does not exist"
    except OSError as exc:
        return f"cannot be reached ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    return f"is {file_kind(mode)}, not a file"


def output_file(path: str | os.PathLike[str], example: str) -> Path:
    """``path`` as a file to write, or a UsageError if it is a folder (the writers failed
    with IsADirectoryError, an internal error) or lies under a file (making its folder
    failed with FileExistsError); ``example`` names a file for the message.

    Examples
    --------
    >>> output_file("out.csv", "results.csv").name
    'out.csv'
    >>> output_file("/", "results.csv")
    Traceback (most recent call last):
    ...
    earlywarn.errors.UsageError: / is a folder; give a file name such as /results.csv
    >>> output_file("/dev/null/out.csv", "results.csv")
    Traceback (most recent call last):
    ...
    earlywarn.errors.UsageError: cannot write /dev/null/out.csv: /dev/null is a character device, not a folder; give a file in a folder
    """
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{p} is a folder; give a file name such as {p / example}")
    if (problem := folder_problem(p.parent)) is not None:
        where = f"{p.parent} {problem}" if problem.startswith("is ") else problem
        raise UsageError(f"cannot write {p}: {where}; give a file in a folder")
    return p


def folder_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` cannot be used as a folder to write into (``None`` if it is one, or can
    be made: it does not exist and the nearest existing folder above it is a folder).

    Examples
    --------
    >>> folder_problem("/"), folder_problem("/no/such/folder")
    (None, None)
    >>> folder_problem("/dev/null"), folder_problem("/dev/null/out")
    ('is a character device, not a folder', '/dev/null is a character device, not a folder')
    """
    p = os.fspath(path)
    here = p
    while True:
        try:
            mode = os.stat(here).st_mode
        except (FileNotFoundError, NotADirectoryError):  # look at the folder above
            parent = os.path.dirname(os.path.abspath(here))
            if parent == os.path.abspath(here):
                return None
            here = parent
            continue
        except OSError as exc:
            return f"cannot be reached ({exc.strerror or exc})"
        if stat.S_ISDIR(mode):
            return None
        what = f"is {file_kind(mode, 'a file')}, not a folder"
        return what if here == p else f"{here} {what}"


def file_kind(mode: int, other: str = "something else") -> str:
    """What a path of ``stat`` ``mode`` is when it is no regular file ("a directory", "a
    named pipe (FIFO)", a device, a socket; ``other`` if none of these).

    Examples
    --------
    >>> file_kind(os.stat("/").st_mode)
    'a directory'
    """
    return next((name for test, name in _KINDS if test(mode)), other)
