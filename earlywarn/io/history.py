"""Import event history (GDELT, ICEWS, ACLED, UCDP, counts) into the archive, all or nothing."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.config import Settings
from earlywarn.errors import MissingInputError
from earlywarn.io import ImportReport, iter_file
from earlywarn.io._common import drop_seen
from earlywarn.store import archive_lock, open_for_writing

__all__ = ["import_history"]

log = get_logger(__name__)


def import_history(settings: Settings, kind: str, path: str | os.PathLike[str]) -> dict[str, Any]:
    """Import a GDELT, ICEWS, ACLED, UCDP or counts file into the archive, all or nothing.

    Rows are upserted by their ids, so importing the same file twice changes nothing.
    Returns the import report (rows read, kept, rejected and why).
    """
    p = Path(path)
    if not p.is_file():
        raise MissingInputError(f"{p} does not exist; give the path of a {kind} file")

    def sha1() -> str:
        with p.open("rb") as fh:
            return hashlib.file_digest(fh, "sha1").hexdigest()[:12]

    table = "counts" if kind == "counts" else "events"
    report = ImportReport(kind, str(p))
    seen: set[str] = set()

    def chunks() -> Iterator[pd.DataFrame]:
        for frame in iter_file(kind, p, report):
            if table == "events":  # ids seen in an earlier chunk: the first one stays
                frame = drop_seen(frame, "event_id", seen, report)
            report.rows_kept += len(frame)
            yield frame

    def counts() -> dict[str, Any]:
        return {k: v for k, v in asdict(report).items() if isinstance(v, int)}

    with ThreadPoolExecutor(1) as hasher:
        digest = hasher.submit(sha1)  # hashing releases the GIL: it overlaps the lock wait
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
                else:
                    streamed = False
            if streamed:
                archive.commit_stage_stream(
                    date(1970, 1, 1), stage, table, chunks(), extra=counts
                )
    log.info(
        "imported %s: %d kept, %d rejected %s",
        p,
        report.rows_kept,
        report.rows_rejected,
        report.reasons,
    )
    return asdict(report)
