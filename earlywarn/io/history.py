"""Import event history (GDELT, ICEWS, ACLED, UCDP, counts) into the archive, all or nothing."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn._progress import Progress
from earlywarn.config import Settings
from earlywarn.errors import MissingInputError, UsageError, path_problem
from earlywarn.io import ImportReport, iter_file
from earlywarn.io._common import drop_seen, read_head
from earlywarn.io.gkg import NOT_EVENTS
from earlywarn.store import archive_lock, open_for_writing

__all__ = ["ARCHIVE_KINDS", "import_history"]

#: The kinds of file :func:`import_history` stores in the archive (events, or counts).
ARCHIVE_KINDS = ("gdelt", "icews", "acled", "ucdp", "counts")

log = get_logger(__name__)


def _count_lines(p: Path) -> int | None:
    """Lines of a text file (gzip-compressed or not), counted beside the import for its ETA."""
    if p.suffix.lower() not in (".csv", ".tsv", ".txt", ".gz"):
        return None
    with gzip.open(p, "rb") if p.suffix.lower() == ".gz" else p.open("rb") as fh:
        return sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 20), b""))


def import_history(
    settings: Settings,
    kind: str,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import a GDELT, ICEWS, ACLED, UCDP or counts file into the archive, all or nothing.

    Rows are upserted by their ids, so importing the same file twice changes nothing.
    Returns the import report (rows read, kept, rejected and why). ``progress(done, total,
    "rows")`` hears of the rows read (the total once a side thread has counted the lines).
    """
    kind = str(kind).strip().lower()
    if kind == "gkg":  # earlywarn.io reads it, but it holds no events: nothing to store
        raise UsageError(f"import kind 'gkg' is a GDELT Global Knowledge Graph file: {NOT_EVENTS}")
    if kind not in ARCHIVE_KINDS:
        raise UsageError(f"unknown import kind {kind!r}: use {', '.join(ARCHIVE_KINDS)}")
    p = Path(path)
    problem = path_problem(p)
    if problem is not None:
        raise MissingInputError(f"{p} {problem}; give the path of a {kind} file")

    def sha1() -> str:
        with p.open("rb") as fh:
            return hashlib.file_digest(fh, "sha1").hexdigest()[:12]

    table = "counts" if kind == "counts" else "events"
    report = ImportReport(kind, str(p))
    seen: set[str] = set()

    def chunks(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for frame in frames:
            if table == "events":  # ids seen in an earlier chunk: the first one stays
                frame = drop_seen(frame, "event_id", seen, report)
            report.rows_kept += len(frame)
            if progress is not None:
                lines = n_lines.result() if n_lines is not None and n_lines.done() else None
                total = None if lines is None else max(lines - 1, report.rows_read)
                progress(report.rows_read, total, "rows")
            yield frame

    def counts() -> dict[str, Any]:
        return {k: v for k, v in asdict(report).items() if isinstance(v, int)}

    # A file of another kind fails here, before the lock, the archive or its folder exist.
    if kind == "gdelt":
        from earlywarn.io.gdelt import detect_layout

        if (head := read_head(p)).strip():
            detect_layout(head)
        frames: Iterator[pd.DataFrame] = iter(())
    else:
        frames = iter_file(kind, p, report)
        first = next(frames, None)
        frames = itertools.chain([] if first is None else [first], frames)

    with ThreadPoolExecutor(2) as hasher:
        digest = hasher.submit(sha1)  # hashing releases the GIL: it overlaps the lock wait
        n_lines = hasher.submit(_count_lines, p) if progress is not None else None
        with (
            archive_lock(settings.archive, settings.lock_timeout),
            open_for_writing(settings.archive) as archive,
        ):
            stage = f"import:{kind}:{digest.result()}"
            streamed = True
            if kind == "gdelt":  # DuckDB reads GDELT exports twice as fast, when it can
                from earlywarn.io._gdelt_duckdb import UnsupportedFileError, import_gdelt_events

                try:
                    archive.commit_stage_sql(
                        date(1970, 1, 1),
                        stage,
                        table,
                        lambda con: import_gdelt_events(con, p, report),
                        extra=counts,
                    )
                except UnsupportedFileError as why:
                    log.info("%s: %s; reading it with the tolerant importer", p, why)
                    report = ImportReport(kind, str(p))
                    frames = iter_file(kind, p, report)
                else:
                    streamed = False
            if streamed:
                archive.commit_stage_stream(
                    date(1970, 1, 1), stage, table, chunks(frames), extra=counts
                )
    if report.rows_read == 0 and not any("no data rows" in n for n in report.notes):
        # every importer says so, whether the file is empty or holds a header alone
        empty = not read_head(p).strip()
        report.notes.append(f"{'empty file' if empty else 'header only'}: no data rows")
        log.warning("imported %s: the file holds no data rows", p)
    log.info(
        "imported %s: %d kept, %d rejected %s",
        p,
        report.rows_kept,
        report.rows_rejected,
        report.reasons,
    )
    return asdict(report)
