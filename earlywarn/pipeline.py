"""The nightly job: the stages in order, for one ``as_of`` date, nothing more.

Each stage reads what earlier stages stored and commits its own tables together with
its ``runs`` row in one transaction (:meth:`earlywarn.store.Archive.commit_stage`), so
``kill -9`` at any point leaves whole stages only, and a rerun resumes at the first
stage not done. A stage already done for ``as_of`` is skipped unless ``force``; forced
reruns upsert by key and change nothing when the inputs are unchanged.
"""

from __future__ import annotations

import importlib
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn._progress import Progress
from earlywarn.config import Settings
from earlywarn.errors import (
    ConfigError,
    EarlywarnError,
    StoreError,
    UsageError,
    disk_full,
    folder_problem,
)
from earlywarn.stage import EARLIEST_NIGHT, NO_CATALOG, StageContext, StageResult, report_path
from earlywarn.store import Archive, Write, archive_lock, open_for_writing

__all__ = [
    "STAGES",
    "NightlyResult",
    "StageContext",
    "check_output_dir",
    "parse_as_of",
    "run_nightly",
    "run_stage",
]

log = get_logger(__name__)

STAGES: tuple[str, ...] = (
    "collect",
    "extract",
    "focal",
    "search",
    "network",
    "narratives",
    "series",
    "health",
    "forecast",
    "detect",
    "alerts",
    "ledger",
    "brief",
    "deliver",
    "report",
    "track",
)
#: Stages that run on every invocation, even when done for the night (retries of deliveries).
ALWAYS_RUN: frozenset[str] = frozenset({"deliver"})


def past_night(as_of: str | date | None) -> date:
    """:func:`parse_as_of`, refusing a night after today (UTC) with a UsageError: a skewed
    clock or a typo would store (or, read back, describe) a night that has not happened;
    and one before :data:`~earlywarn.stage.EARLIEST_NIGHT`.

    A night is a UTC date (:func:`parse_as_of`), so no zone's calendar gives slack: at
    06:00 in Hanoi on the 8th it is the 7th in UTC, and the night of the 8th has not
    begun. A night dated ahead was marked done when run, so the scheduled run for it
    skipped its stages."""
    day = parse_as_of(as_of)
    if day < EARLIEST_NIGHT:
        raise UsageError(
            f"as_of {day} is before {EARLIEST_NIGHT}, earlier than any news or event the "
            "archive holds; check --as-of (a year typed short?)"
        )
    today = datetime.now(timezone.utc).date()
    if day > today:
        raise UsageError(
            f"as_of {day} is in the future (today is {today} UTC; nights are UTC dates, "
            "whatever the local zone): a night is run once it has begun in UTC; check "
            "--as-of and the machine's clock"
        )
    return day


def parse_as_of(value: str | date | None) -> date:
    """``YYYY-MM-DD``, ``today`` or ``yesterday`` (UTC) to a date; ``None`` means yesterday.

    A night is a UTC date: a datetime that knows its zone names the UTC date of its
    instant (06:00 in Hanoi is 23:00 UTC the day before), so one instant names one night
    wherever the job runs. Only calendar dates are read: an ISO week (``2025-W13``, read by
    Python as its Monday) or an ordinal date is refused, not guessed.

    Examples
    --------
    >>> parse_as_of("2024-02-29")
    datetime.date(2024, 2, 29)
    >>> from datetime import timedelta
    >>> parse_as_of(datetime(2024, 3, 1, 6, 0, tzinfo=timezone(timedelta(hours=7))))
    datetime.date(2024, 2, 29)
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(timezone.utc)
        return value.date()
    if isinstance(value, date):
        return value
    today = datetime.now(timezone.utc).date()
    if value is None or value == "yesterday":
        return today - timedelta(days=1)
    if value == "today":
        return today
    if isinstance(value, str) and _CALENDAR_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise UsageError(
        f"as_of {value!r:.60} is not a date; use YYYY-MM-DD, 'today' or 'yesterday'"
    ) from None


#: The calendar dates :func:`parse_as_of` reads: ``2025-03-30`` or ``20250330``.
_CALENDAR_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{8}", re.ASCII)


@dataclass
class NightlyResult:
    """Outcome of a nightly run."""

    as_of: date
    run_id: str
    ran: list[str]
    skipped: list[str]
    timings: dict[str, float]
    rows: dict[str, dict[str, float]]
    report: Path | None = None


#: Where each stage lives: ``module:function``, imported when the stage runs (no import-time
#: work). A new stage is a ``stage.py`` beside its code and one line here and in STAGES.
_STAGE_FUNCS: dict[str, str] = {
    "collect": "earlywarn.collect.stage:stage",
    "extract": "earlywarn.extract.stage:stage",
    "focal": "earlywarn.focal.stage:stage",
    "search": "earlywarn.search.stage:stage",
    "network": "earlywarn.network.stage:stage",
    "narratives": "earlywarn.focal.narrative_stage:stage",
    "series": "earlywarn.series.stage:stage",
    "health": "earlywarn.health:stage",
    "forecast": "earlywarn.forecast.stage:stage",
    "detect": "earlywarn.detect.stage:stage",
    "alerts": "earlywarn.alerts.stage:stage",
    "ledger": "earlywarn.ledger.stage:stage",
    "brief": "earlywarn.brief.stage:stage",
    "deliver": "earlywarn.alerts.stage:deliver",
    "report": "earlywarn.report.stage:stage",
    "track": "earlywarn.tracking:stage",
}


def _stage_func(stage: str) -> Callable[[StageContext], StageResult]:
    module, name = _STAGE_FUNCS[stage].split(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def run_stage(ctx: StageContext, stage: str) -> dict[str, int]:
    """Run one stage for ``ctx.as_of`` and commit it atomically; returns rows written per table."""
    if stage not in _STAGE_FUNCS:
        raise UsageError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
    started = datetime.now(timezone.utc)
    log.info(
        "stage %s started for %s", stage, ctx.as_of, extra={"stage": stage, "as_of": str(ctx.as_of)}
    )
    t0 = time.perf_counter()
    writes, extra = _stage_func(stage)(ctx)
    counts = ctx.archive.commit_stage(
        ctx.as_of, stage, writes, run_id=ctx.run_id, started_at=started, extra=extra
    )
    ctx.timings[stage] = round(time.perf_counter() - t0, 3)
    ctx.rows[stage] = {**counts, **{k: v for k, v in extra.items() if isinstance(v, (int, float))}}
    log.info(
        "stage %s done for %s in %.1fs: %s",
        stage,
        ctx.as_of,
        ctx.timings[stage],
        ctx.rows[stage],
        extra={
            "stage": stage,
            "as_of": str(ctx.as_of),
            "rows": ctx.rows[stage],
            "seconds": ctx.timings[stage],
        },
    )
    return counts


def _record_failure(
    archive: Archive, as_of: date, stage: str, run_id: str, exc: BaseException
) -> str | None:
    """Store a ``failed`` runs row for ``stage``; the reason if that failed for a full disk
    (a library that writes files may not say why it failed: the record's write does)."""
    if archive.stage_done(as_of, stage):
        return None
    try:
        archive.commit(
            [
                Write(
                    "runs",
                    pd.DataFrame(
                        {
                            "as_of": [pd.Timestamp(as_of)],
                            "stage": [stage],
                            "run_id": [run_id],
                            "status": ["failed"],
                            "started_at": [pd.Timestamp.now(tz="UTC")],
                            "finished_at": [pd.Timestamp.now(tz="UTC")],
                            "rows": ["{}"],
                            "error": [f"{type(exc).__name__}: {exc}"[:2000]],
                        }
                    ),
                )
            ]
        )
    except Exception as rec:  # the failure record is best effort; the original error matters
        full = disk_full(rec)
        if full is None:
            log.exception("could not record the failure of stage %s", stage)
        return full
    return None


def _disk_full(settings: Settings, day: date, stage: str, detail: str) -> StoreError:
    folders = dict.fromkeys([settings.archive.parent, settings.output_dir])
    return StoreError(
        f"the disk is full: stage {stage} for {day} could not write ({detail}). It stored "
        f"nothing; the stages before it are kept. Free disk space (df -h "
        f"{' '.join(str(f) for f in folders)}), then run the same command again to resume"
    )


def check_output_dir(settings: Settings) -> None:
    """Refuse an ``output_dir`` that is a file (or under one) before anything is written
    there: the nightly job's report, ``earlywarn perception``'s section and the local
    MLflow store go there (ConfigError, exit 78, naming the folder and what to give)."""
    problem = folder_problem(settings.output_dir)
    if problem is not None:
        raise ConfigError(
            f"output folder {settings.output_dir} {problem}; give --out (or output_dir in "
            "the config) a folder: the reports and the local MLflow store go there"
        )


def run_nightly(
    settings: Settings,
    as_of: str | date | None = None,
    *,
    stages: Sequence[str] | None = None,
    force: bool = False,
    catalog: Sequence[Any] | None = None,
    client: Any = None,
    on_stage: Callable[[str, str], None] | None = None,
    progress: Progress | None = None,
) -> NightlyResult:
    """Run the stages for ``as_of`` in order under the archive lock.

    Parameters
    ----------
    settings : Settings
    as_of : date or str
        The night to run; ``None`` means yesterday (UTC).
    stages : sequence of str, optional
        A subset of :data:`STAGES` (kept in pipeline order).
    force : bool
        Rerun stages already done for ``as_of`` (their writes are idempotent upserts).
    catalog : sequence of Feed, optional
        Feeds to collect instead of ``settings.catalog``.
    client : dask.distributed.Client, optional
        Where to fit many series; a LocalCluster is started when needed if None.
    on_stage : callable, optional
        Called with ``(stage, "start" | "done" | "skipped")``, e.g. for progress bars.
    progress : callable, optional
        ``progress(done, total, what)`` from stages that report it (collect: feeds, pages).

    Raises
    ------
    UsageError
        ``as_of`` is not a date, or is after today (UTC): a skewed clock or a typo
        would otherwise store a night that has not happened.
    ConfigError
        ``output_dir`` is a file (or under one), not a folder.
    LockedError
        Another job holds the archive.
    StoreError
        The disk filled up (or the archive cannot be written): the stage under way stored
        nothing, earlier stages stay committed and a rerun resumes.
    EarlywarnError
        A stage failed; earlier stages stay committed and a rerun resumes.
    """
    day = past_night(as_of)
    check_output_dir(settings)  # found before the first stage, not by the report stage
    wanted = [s for s in STAGES if stages is None or s in stages]
    unknown = set(stages or []) - set(STAGES)
    if unknown:
        raise UsageError(f"unknown stages {sorted(unknown)}; stages are {', '.join(STAGES)}")
    run_id = uuid.uuid4().hex[:12]
    ran: list[str] = []
    skipped: list[str] = []
    own_client = None
    with (
        archive_lock(settings.archive, settings.lock_timeout),
        open_for_writing(settings.archive) as archive,
    ):
        ctx = StageContext(
            archive, settings, day, run_id, catalog=catalog, client=client, progress=progress
        )
        try:
            for stage in wanted:
                if not force and stage not in ALWAYS_RUN and archive.stage_done(day, stage):
                    skipped.append(stage)
                    if on_stage:
                        on_stage(stage, "skipped")
                    continue
                if (
                    stage == "forecast"
                    and ctx.client is None
                    and settings.scheduler != "synchronous"
                ):
                    from earlywarn.scale import get_client

                    own_client = ctx.client = get_client(settings.scheduler, settings.n_workers)
                if stage == "collect" and catalog is None and settings.catalog is None:
                    # a setting missing, not a stage failing: no 'failed' runs row
                    raise ConfigError(NO_CATALOG)
                if on_stage:
                    on_stage(stage, "start")
                try:
                    run_stage(ctx, stage)
                except Exception as exc:
                    full = disk_full(exc) or _record_failure(archive, day, stage, run_id, exc)
                    if full is not None:
                        raise _disk_full(settings, day, stage, full) from exc
                    if isinstance(exc, EarlywarnError):
                        raise
                    raise EarlywarnError(
                        f"stage {stage} failed for {day}: {type(exc).__name__}: {exc}"
                    ) from exc
                ran.append(stage)
                if on_stage:
                    on_stage(stage, "done")
        finally:
            if own_client is not None:
                own_client.close()
    report = report_path(settings, day)
    return NightlyResult(
        day, run_id, ran, skipped, ctx.timings, ctx.rows, report if report.exists() else None
    )
