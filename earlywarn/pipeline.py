"""The nightly job: the stages in order, for one ``as_of`` date, nothing more.

Each stage reads what earlier stages stored and commits its own tables together with
its ``runs`` row in one transaction (:meth:`earlywarn.store.Archive.commit_stage`), so
``kill -9`` at any point leaves whole stages only, and a rerun resumes at the first
stage not done. A stage already done for ``as_of`` is skipped unless ``force``; forced
reruns upsert by key and change nothing when the inputs are unchanged.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.config import Settings
from earlywarn.errors import EarlywarnError, LockedError
from earlywarn.schema import TABLES
from earlywarn.store import Archive, Write, archive_lock

__all__ = [
    "STAGES",
    "NightlyResult",
    "StageContext",
    "import_history",
    "parse_as_of",
    "run_nightly",
    "run_stage",
]

log = get_logger(__name__)

STAGES: tuple[str, ...] = (
    "collect",
    "extract",
    "network",
    "series",
    "health",
    "forecast",
    "detect",
    "alerts",
    "deliver",
    "report",
    "track",
)
#: Stages that run on every invocation, even when done for the night (retries of deliveries).
ALWAYS_RUN: frozenset[str] = frozenset({"deliver"})


def parse_as_of(value: str | date | None) -> date:
    """``YYYY-MM-DD``, ``today`` or ``yesterday`` (UTC) to a date; ``None`` means yesterday.

    Examples
    --------
    >>> parse_as_of("2024-02-29")
    datetime.date(2024, 2, 29)
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    today = datetime.now(timezone.utc).date()
    if value is None or value == "yesterday":
        return today - timedelta(days=1)
    if value == "today":
        return today
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EarlywarnError(
            f"as_of {value!r} is not a date; use YYYY-MM-DD, 'today' or 'yesterday'"
        ) from None


@dataclass
class StageContext:
    """What a stage gets: the open archive, settings, the date, and shared run state."""

    archive: Archive
    settings: Settings
    as_of: date
    run_id: str
    catalog: Sequence[Any] | None = None
    client: Any = None
    timings: dict[str, float] = field(default_factory=dict)
    rows: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def as_of_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.as_of)


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


# -- the stages ------------------------------------------------------------------------------
def _collect(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.collect import collect
    from earlywarn.collect.catalog import load_catalog

    feeds = ctx.catalog
    if feeds is None:
        if ctx.settings.catalog is None:
            raise EarlywarnError(
                "no feed catalog: set catalog in the config file or pass --catalog"
            )
        feeds = load_catalog(ctx.settings.catalog)
    state = ctx.archive.table("feeds")
    result = collect(
        feeds,
        ctx.as_of,
        settings=ctx.settings.http,
        state=state,
        keep_raw_html=ctx.settings.keep_raw_html,
    )
    arts = result.articles
    known = set(ctx.archive.query("SELECT article_id FROM articles")["article_id"])
    new = arts[~arts["article_id"].isin(known)]
    writes = [Write("feeds", result.feeds), Write("articles", new)]
    pages = result.pages[~result.pages["article_id"].isin(known)]
    if not pages.empty:
        writes.append(Write("pages", pages))
    return writes, {**result.stats, "new_articles": len(new)}


def _batch_articles(ctx: StageContext) -> pd.DataFrame:
    return ctx.archive.table("articles", "as_of = ? AND duplicate_of IS NULL", [ctx.as_of])


def _extract(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.extract import cluster_stories, code_events, extract_mentions, score_tone

    arts = _batch_articles(ctx)
    mentions = extract_mentions(arts)
    events = code_events(arts)
    tone = score_tone(arts)
    lo = ctx.as_of_ts - pd.Timedelta(days=7)
    recent = ctx.archive.table(
        "articles",
        "duplicate_of IS NULL AND as_of <= ? AND (as_of = ? OR published >= ?)",
        [ctx.as_of, ctx.as_of, lo.tz_localize("UTC")],
    )
    recent_ids = recent["article_id"].tolist()
    recent_mentions = ctx.archive.query(
        "SELECT * FROM mentions WHERE list_contains(?, article_id)", [recent_ids]
    )
    all_mentions = pd.concat([recent_mentions, mentions], ignore_index=True).drop_duplicates(
        ["article_id", "entity"], keep="last"
    )
    stories = cluster_stories(recent, all_mentions)
    writes = [
        Write("mentions", mentions),
        Write("events", events),
        Write("tone", tone),
        Write("stories", stories),
    ]
    return writes, {"articles": len(arts)}


def _network(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.network import comention_edges, event_edges

    window = 30
    lo = ctx.as_of - timedelta(days=window)
    events = ctx.archive.events(since=lo, until=ctx.as_of)
    arts = ctx.archive.articles(since=lo, until=ctx.as_of)
    mentions = ctx.archive.query(
        "SELECT m.* FROM mentions m JOIN articles a USING (article_id) WHERE a.published >= ? AND a.published < ?",
        [pd.Timestamp(lo, tz="UTC"), pd.Timestamp(ctx.as_of, tz="UTC") + pd.Timedelta(days=1)],
    )
    edges = pd.concat(
        [
            event_edges(events, ctx.as_of, window),
            comention_edges(mentions, arts, ctx.as_of, window),
        ],
        ignore_index=True,
    )
    return [Write("edges", edges, replace={"as_of": ctx.as_of})], {}


def _series(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.series import build_series

    days = 365
    lo = ctx.as_of - timedelta(days=days)
    events = ctx.archive.query(
        "SELECT date, source_name, source_country, target_name, target_country, quad_class, root_code, "
        "event_id FROM events "
        "WHERE date > ? AND date <= ?",
        [lo, ctx.as_of],
    )
    articles = ctx.archive.articles(since=lo, until=ctx.as_of)
    ids = articles["article_id"].tolist()
    mentions = ctx.archive.query("SELECT * FROM mentions WHERE list_contains(?, article_id)", [ids])
    tone = ctx.archive.query("SELECT * FROM tone WHERE list_contains(?, article_id)", [ids])
    counts = ctx.archive.table("counts")
    y = build_series(
        as_of=ctx.as_of,
        events=events,
        articles=articles,
        mentions=mentions,
        tone=tone,
        counts=counts,
        days=days,
        focal_country=ctx.settings.focal_country,
    )
    y.insert(0, "as_of", ctx.as_of_ts)
    return [Write("series", y, replace={"as_of": ctx.as_of})], {
        "n_series": int(y["unique_id"].nunique())
    }


def _health(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.health import check_health, gate_open

    lo = ctx.as_of - timedelta(days=28)
    articles = ctx.archive.query(
        "SELECT as_of, outlet, date_flag, text FROM articles WHERE as_of > ? AND as_of <= ?",
        [lo, ctx.as_of],
    )
    origins = ctx.archive.query(
        "SELECT origin, max(date) AS last_date FROM events WHERE date <= ? GROUP BY origin",
        [ctx.as_of],
    )
    health = check_health(
        as_of=ctx.as_of, feeds=ctx.archive.table("feeds"), articles=articles, origins=origins
    )
    return [Write("health", health, replace={"as_of": ctx.as_of})], {
        "gate_open": int(gate_open(health)),
        "warnings": int((health["status"] == "warn").sum()),
        "failures": int((health["status"] == "fail").sum()),
    }


#: Series kinds fed by tonight's collection: their alerts wait when the health gate is closed.
_COLLECTION_KINDS = ("cov:", "tone:", "ev:", "dyad:")


def _series_frame(ctx: StageContext) -> pd.DataFrame:
    return ctx.archive.query(
        "SELECT unique_id, ds, y FROM series WHERE as_of = ? ORDER BY unique_id, ds", [ctx.as_of]
    )


def select_for_forecast(y: pd.DataFrame, n: int, focal_country: str, as_of: date) -> pd.DataFrame:
    """The ``n`` busiest fresh count series, always with the focal country's.

    Fresh: observed within the 92 days before ``as_of`` (a series that went silent years
    ago is a data-health matter, not something to forecast). Busiest: the largest mean of
    the last 30 observations.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": ["a", "a", "b", "old"], "y": [1.0, 2.0, 5.0, 9.0],
    ...     "ds": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2020-01-01"])})
    >>> sorted(select_for_forecast(y, 1, "VNM", date(2024, 1, 2))["unique_id"].unique())
    ['b']
    """
    fresh_since = pd.Timestamp(as_of) - pd.Timedelta(days=92)
    counts = y[~y["unique_id"].str.startswith("tone:")]
    last = counts.groupby("unique_id")["ds"].max()
    counts = counts[counts["unique_id"].isin(last.index[last >= fresh_since])]
    vol = (
        counts.groupby("unique_id")["y"]
        .agg(lambda s: s.tail(30).mean())
        .sort_values(ascending=False)
    )
    keep = list(vol.index[:n])
    focal = [u for u in vol.index if u in (f"ev:{focal_country}", f"cov:{focal_country}")]
    return y[y["unique_id"].isin(keep + [u for u in focal if u not in keep])]


def _models(ctx: StageContext) -> dict[str, Any]:
    from earlywarn.forecast import Prophet, SeasonalNaive, load_models

    if ctx.settings.models_dir is not None:
        return load_models(ctx.settings.models_dir)
    return {"seasonal_naive": SeasonalNaive(), "prophet": Prophet()}


def _forecast(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.forecast import forecast_frame

    y = select_for_forecast(
        _series_frame(ctx), ctx.settings.max_forecast_series, ctx.settings.focal_country, ctx.as_of
    )
    fc = forecast_frame(y, _models(ctx), ctx.settings.horizon, client=ctx.client)
    fc.insert(0, "as_of", ctx.as_of_ts)
    return [Write("forecasts", fc, replace={"as_of": ctx.as_of})], {
        "n_series": int(y["unique_id"].nunique())
    }


def _detect(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.detect import detect

    an = detect(_series_frame(ctx), as_of=ctx.as_of)
    an.insert(0, "as_of", ctx.as_of_ts)
    return [Write("anomalies", an, replace={"as_of": ctx.as_of})], {
        "flagged": int(an["is_anomaly"].sum())
    }


def _evidence_frames(ctx: StageContext, days: int = 120) -> dict[str, pd.DataFrame]:
    lo = ctx.as_of - timedelta(days=days)
    articles = ctx.archive.articles(since=lo, until=ctx.as_of)
    ids = articles["article_id"].tolist()
    return {
        "series": _series_frame(ctx),
        "events": ctx.archive.events(since=lo, until=ctx.as_of),
        "articles": articles,
        "mentions": ctx.archive.query(
            "SELECT * FROM mentions WHERE list_contains(?, article_id)", [ids]
        ),
        "forecasts": ctx.archive.table("forecasts", "as_of = ?", [ctx.as_of]),
    }


def _alerts(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.alerts import evaluate_rules, load_rules

    rules = load_rules(ctx.settings.rules)
    anomalies = ctx.archive.table("anomalies", "as_of = ?", [ctx.as_of])
    previous = ctx.archive.table("alerts")
    f = _evidence_frames(ctx)
    alerts = evaluate_rules(
        anomalies,
        rules,
        as_of=ctx.as_of,
        previous=previous,
        series=f["series"],
        events=f["events"],
        articles=f["articles"],
        mentions=f["mentions"],
        forecasts=f["forecasts"],
    )
    from earlywarn.health import gate_open

    health = ctx.archive.table("health", "as_of = ?", [ctx.as_of])
    suppressed = 0
    if not gate_open(health):
        held = alerts["unique_id"].str.startswith(_COLLECTION_KINDS)
        suppressed = int(held.sum())
        alerts = alerts[~held]
        log.warning(
            "data-health gate closed for %s (%s): %d crisis alerts held back as a data-health notice",
            ctx.as_of,
            "; ".join(health.loc[health["status"] == "fail", "message"]),
            suppressed,
        )
    from earlywarn.alerts import enqueue, outbox_for

    outbox = enqueue(alerts, _channels(ctx), outbox_for(ctx.archive, alerts["alert_id"].tolist()))
    return [Write("alerts", alerts), Write("outbox", outbox)], {
        "alerts": len(alerts),
        "suppressed_by_health": suppressed,
        "enqueued": len(outbox),
    }


def _channels(ctx: StageContext) -> list[Any]:
    from earlywarn.alerts import load_channels

    return load_channels(ctx.settings.channels) if ctx.settings.channels else []


def _deliver(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.alerts import deliver

    return [], deliver(ctx.archive, _channels(ctx), http=ctx.settings.http)


def report_path(settings: Settings, as_of: date) -> Path:
    """Where the HTML report for ``as_of`` goes."""
    return settings.output_dir / f"report-{as_of.isoformat()}.html"


def _run_stats(ctx: StageContext) -> dict[str, dict[str, float]]:
    """Seconds and rows written per stage for ``as_of``, from the ``runs`` table (so a
    resumed night reports the stages an earlier, interrupted run finished too)."""
    runs = ctx.archive.query(
        "SELECT stage, epoch(finished_at) - epoch(started_at) AS seconds, rows FROM runs "
        "WHERE as_of = ? AND status = 'done' ORDER BY finished_at",
        [ctx.as_of],
    )
    rows = {
        stage: sum(v for k, v in json.loads(str(r)).items() if k in TABLES)
        for stage, r in zip(runs["stage"], runs["rows"], strict=True)
    }
    return {
        "seconds": dict(zip(runs["stage"], runs["seconds"].round(2), strict=True)),
        "rows": rows,
    }


def _report(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.report import render_report

    frames = _evidence_frames(ctx)
    path = report_path(ctx.settings, ctx.as_of)
    tmp = path.with_suffix(".tmp.html")
    path.parent.mkdir(parents=True, exist_ok=True)
    stats = _run_stats(ctx)
    ids = frames["articles"]["article_id"].tolist()
    render_report(
        tmp,
        as_of=ctx.as_of,
        alerts=ctx.archive.table("alerts", "as_of = ?", [ctx.as_of]),
        series=frames["series"],
        forecasts=frames["forecasts"],
        anomalies=ctx.archive.table("anomalies", "as_of = ?", [ctx.as_of]),
        articles=frames["articles"],
        events=frames["events"],
        edges=ctx.archive.table("edges", "as_of = ?", [ctx.as_of]),
        stats=stats,
        focal_country=ctx.settings.focal_country,
        mentions=frames["mentions"],
        stories=ctx.archive.query(
            "SELECT * FROM stories WHERE list_contains(?, article_id)", [ids]
        ),
        health=ctx.archive.table("health", "as_of = ?", [ctx.as_of]),
    )
    os.replace(tmp, path)
    return [], {"report_bytes": path.stat().st_size}


def _track(ctx: StageContext) -> tuple[list[Write], dict[str, Any]]:
    from earlywarn.tracking import log_pipeline_run

    rows = {f"{stage}.{k}": int(v) for stage, d in ctx.rows.items() for k, v in d.items()}
    mlflow_run = log_pipeline_run(
        ctx.settings.resolved_tracking_uri(),
        ctx.settings.experiment,
        ctx.as_of,
        stage_seconds=dict(ctx.timings),
        rows=rows,
        metrics={"archive." + k: v for k, v in ctx.archive.counts().items()},
    )
    return [], {"mlflow_run": 1 if mlflow_run else 0}


_STAGE_FUNCS: dict[str, Callable[[StageContext], tuple[list[Write], dict[str, Any]]]] = {
    "collect": _collect,
    "extract": _extract,
    "network": _network,
    "series": _series,
    "health": _health,
    "forecast": _forecast,
    "detect": _detect,
    "alerts": _alerts,
    "deliver": _deliver,
    "report": _report,
    "track": _track,
}


def run_stage(ctx: StageContext, stage: str) -> dict[str, int]:
    """Run one stage for ``ctx.as_of`` and commit it atomically; returns rows written per table."""
    if stage not in _STAGE_FUNCS:
        raise EarlywarnError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
    started = datetime.now(timezone.utc)
    log.info(
        "stage %s started for %s", stage, ctx.as_of, extra={"stage": stage, "as_of": str(ctx.as_of)}
    )
    t0 = time.perf_counter()
    writes, extra = _STAGE_FUNCS[stage](ctx)
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
) -> None:
    if archive.stage_done(as_of, stage):
        return
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
    except Exception:  # the failure record is best effort; the original error matters
        log.exception("could not record the failure of stage %s", stage)


def _open(path: Path, wait: float = 60.0) -> Archive:
    """Open the archive for writing, waiting up to ``wait`` seconds for short readers (the
    review web page opens it read-only per request) to let go of DuckDB's file lock."""
    from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_exponential

    opener = retry(
        retry=retry_if_exception_type(LockedError),
        stop=stop_after_delay(wait),
        wait=wait_exponential(multiplier=0.05, max=2.0),
        reraise=True,
    )(Archive)
    return opener(path)


def run_nightly(
    settings: Settings,
    as_of: str | date | None = None,
    *,
    stages: Sequence[str] | None = None,
    force: bool = False,
    catalog: Sequence[Any] | None = None,
    client: Any = None,
    on_stage: Callable[[str, str], None] | None = None,
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

    Raises
    ------
    LockedError
        Another job holds the archive.
    EarlywarnError
        A stage failed; earlier stages stay committed and a rerun resumes.
    """
    day = parse_as_of(as_of)
    wanted = [s for s in STAGES if stages is None or s in stages]
    unknown = set(stages or []) - set(STAGES)
    if unknown:
        raise EarlywarnError(f"unknown stages {sorted(unknown)}; stages are {', '.join(STAGES)}")
    run_id = uuid.uuid4().hex[:12]
    ran: list[str] = []
    skipped: list[str] = []
    own_client = None
    with (
        archive_lock(settings.archive, settings.lock_timeout),
        _open(settings.archive) as archive,
    ):
        ctx = StageContext(archive, settings, day, run_id, catalog=catalog, client=client)
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
                if on_stage:
                    on_stage(stage, "start")
                try:
                    run_stage(ctx, stage)
                except Exception as exc:
                    _record_failure(archive, day, stage, run_id, exc)
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


def import_history(settings: Settings, kind: str, path: str | os.PathLike[str]) -> dict[str, Any]:
    """Import a GDELT, ICEWS, ACLED, UCDP or counts file into the archive, all or nothing.

    Rows are upserted by their ids, so importing the same file twice changes nothing.
    Returns the import report (rows read, kept, rejected and why).
    """
    import hashlib
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import asdict

    from earlywarn.io import ImportReport, iter_file
    from earlywarn.io._common import drop_seen

    p = Path(path)
    if not p.is_file():
        raise EarlywarnError(f"{p} does not exist; give the path of a {kind} file")

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
            _open(settings.archive) as archive,
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
