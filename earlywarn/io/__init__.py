"""Importers: foreign event data (GDELT, ICEWS, ACLED, UCDP) and aggregate counts in our schema.

Every reader streams its file in blocks, returns ``(frame, ImportReport)`` with the
columns of the archive table (``events`` or ``counts``), and counts bad rows by reason
instead of failing; a file that is unreadable as a whole raises
:class:`~earlywarn.errors.ImportFormatError`.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "YEM_long.csv"
>>> _ = p.write_text("unique_id,ds,y\\nYEM:total,2010-02-01,5694\\n")
>>> frame, report = import_file("counts", p)
>>> list(frame.columns), report.rows_kept
(['unique_id', 'ds', 'y', 'source'], 1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd

from earlywarn.errors import ImportFormatError
from earlywarn.io._common import ImportReport, PathLike
from earlywarn.io.acled import iter_acled, read_acled
from earlywarn.io.counts import read_counts
from earlywarn.io.gdelt import iter_gdelt_events, read_gdelt_events
from earlywarn.io.gkg import read_gdelt_gkg
from earlywarn.io.icews import iter_icews, read_icews
from earlywarn.io.ucdp import iter_ucdp, read_ucdp

__all__ = [
    "KINDS",
    "ImportReport",
    "import_file",
    "iter_acled",
    "iter_file",
    "iter_gdelt_events",
    "iter_icews",
    "iter_ucdp",
    "read_acled",
    "read_counts",
    "read_gdelt_events",
    "read_gdelt_gkg",
    "read_icews",
    "read_ucdp",
]

#: The kinds :func:`import_file` accepts, and their readers.
KINDS: dict[str, Callable[[PathLike], tuple[pd.DataFrame, ImportReport]]] = {
    "gdelt": read_gdelt_events,
    "gkg": read_gdelt_gkg,
    "icews": read_icews,
    "acled": read_acled,
    "ucdp": read_ucdp,
    "counts": read_counts,
}


def import_file(kind: str, path: PathLike) -> tuple[pd.DataFrame, ImportReport]:
    """Read ``path`` with the importer for ``kind`` (gdelt, gkg, icews, acled, ucdp, counts).

    Raises
    ------
    ImportFormatError
        If ``kind`` is unknown or the file does not have that kind's layout.
    """
    reader = KINDS.get(str(kind).lower())
    if reader is None:
        raise ImportFormatError(f"unknown import kind {kind!r}; use one of {', '.join(KINDS)}")
    return reader(path)


_ITERATORS: dict[str, Callable[[PathLike, ImportReport], Iterator[pd.DataFrame]]] = {
    "gdelt": iter_gdelt_events,
    "icews": iter_icews,
    "acled": iter_acled,
    "ucdp": iter_ucdp,
}


def iter_file(kind: str, path: PathLike, report: ImportReport) -> Iterator[pd.DataFrame]:
    """Yield ``path``'s rows for ``kind`` in chunks (one frame for kinds read whole).

    Duplicate ids are dropped within a chunk only, and ``report.rows_kept`` is left to the
    caller (who sees every chunk); :func:`import_file` does both file-wide.
    """
    name = str(kind).lower()
    iterate = _ITERATORS.get(name)
    if iterate is not None:
        yield from iterate(path, report)
        return
    frame, whole = import_file(name, path)
    for key in ("rows_read", "rows_rejected"):
        setattr(report, key, getattr(whole, key))
    report.reasons, report.repaired, report.notes = whole.reasons, whole.repaired, whole.notes
    if len(frame):
        yield frame
