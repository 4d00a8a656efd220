"""Archive access for the web app: short-lived connections, one at a time, and the queries.

The nightly job holds the DuckDB file read-write (and ``<archive>.lock``) while it runs;
DuckDB then refuses any other process. The app therefore opens the archive per request,
reads what the page needs into frames and closes it at once, so it never blocks the
nightly job for longer than one query. Opening while the job writes raises
:class:`~earlywarn.errors.LockedError`, which the app turns into a 503 page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from earlywarn._log import get_logger
from earlywarn.errors import LockedError, StoreError
from earlywarn.ledger import RERUN_AT
from earlywarn.schema import TABLES
from earlywarn.store import Archive, Write, archive_lock
from earlywarn.web._accounts import User, audit_row

__all__ = ["ArchiveGate", "LifecycleAction"]

log = get_logger(__name__)

T = TypeVar("T")

#: Seconds a write of this page waits for its other writes (each takes well under one).
WRITE_QUEUE_SECONDS = 30.0

LifecycleAction = Callable[..., pd.DataFrame]


_INBOX_COLUMNS = (
    "alert_id, rule, unique_id, ds, as_of, severity, score, title, status, updated_at, note, "
    "coalesce(try_cast(json_extract(evidence, '$.escalated') AS BOOLEAN), false) AS escalated, "
    + RERUN_AT
)


class ArchiveGate:
    """Serialised, short-lived access to one archive file.

    Parameters
    ----------
    path : Path
        The DuckDB archive.
    read_only : bool
        Refuse every write (the app then hides its action forms).
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        # one connection at a time in this process: DuckDB refuses a read-only and a
        # read-write connection to the same file side by side in one process
        self._lock = threading.Lock()
        # this page's own writes queue for each other (a form posted twice at once, two
        # reviewers): only another process's lock (the nightly job) makes a 503
        self._writes = threading.Lock()

    @contextmanager
    def _open(self, *, write: bool) -> Iterator[Archive]:
        with self._lock:
            archive = Archive(self.path, read_only=not write, create=False)
            try:
                yield archive
            except duckdb.IOException as exc:
                if "lock" in str(exc).lower():
                    raise LockedError(f"archive {self.path} is busy: {exc}") from exc
                raise StoreError(f"archive {self.path} could not be read: {exc}") from exc
            except duckdb.Error as exc:
                raise StoreError(f"archive {self.path} could not be read: {exc}") from exc
            finally:
                archive.close()

    def read(self, fn: Callable[[Archive], T]) -> T:
        """Run ``fn`` on a read-only archive opened for this call only."""
        with self._open(write=False) as archive:
            return fn(archive)

    # -- alerts ---------------------------------------------------------------
    def alerts(self) -> pd.DataFrame:
        """Every alert without its evidence, plus an ``escalated`` flag from the evidence."""
        return self.read(lambda a: a.query(f"SELECT {_INBOX_COLUMNS} FROM alerts"))

    def alert(self, alert_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The alert row (empty if unknown) and the forecasts of its series made by its as_of."""

        def q(a: Archive) -> tuple[pd.DataFrame, pd.DataFrame]:
            row = a.query(f"SELECT *, {RERUN_AT} FROM alerts WHERE alert_id = ?", [alert_id])
            if row.empty:
                return row, pd.DataFrame()
            fc = a.table(
                "forecasts",
                "unique_id = ? AND as_of <= ?",
                [row["unique_id"].iloc[0], pd.Timestamp(row["as_of"].iloc[0]).date()],
            )
            return row, fc

        return self.read(q)

    def article(self, article_id: str) -> pd.DataFrame:
        """The stored article (title, outlet, date, language, text, URL); empty if unknown."""
        return self.read(
            lambda a: a.query(
                "SELECT article_id, url, outlet, title, summary, text, language, country, "
                "published, fetched, duplicate_of FROM articles WHERE article_id = ?",
                [article_id],
            )
        )

    def write(self, fn: Callable[[Archive], T]) -> T:
        """Run ``fn`` on the archive opened for writing, under its single-writer lock.

        Raises LockedError while the nightly job runs, StoreError if the page is read-only.
        """
        if self.read_only:
            raise StoreError("this review page is read-only; start it without --read-only")
        if not self._writes.acquire(timeout=WRITE_QUEUE_SECONDS):
            raise LockedError(f"archive {self.path} is busy with this page's other writes")
        try:
            with archive_lock(self.path, 0.0), self._open(write=True) as archive:
                return fn(archive)
        finally:
            self._writes.release()

    def update_alert(
        self,
        alert_id: str,
        name: str,
        action: LifecycleAction,
        user: User,
        why: str,
        now: datetime,
        allowed: tuple[str, ...] | None = None,
    ) -> tuple[str, str] | None:
        """Apply lifecycle ``action`` (called ``name``) to one alert and append it to the audit
        log, in one transaction.

        Returns the status before and after; None if there is no such alert. When the
        alert's status is not in ``allowed`` nothing is written and after == before.
        """

        def change(archive: Archive) -> tuple[str, str] | None:
            row = archive.table("alerts", "alert_id = ?", [alert_id])
            if row.empty:
                return None
            before = str(row["status"].iloc[0])
            if allowed is not None and before not in allowed:
                return before, before
            updated = action(row, alert_id, user.name, why, now=now)
            after = str(updated["status"].iloc[0])
            audit = audit_row(
                user, name, alert_id=alert_id, before=before, after=after, comment=why, at=now
            )
            archive.commit([Write("alerts", updated), Write("audit", audit, append=True)])
            log.info("alert %s: %s by %s (%s -> %s)", alert_id, name, user.username, before, after)
            return before, after

        return self.write(change)

    def audit(self, alert_id: str | None = None, limit: int = 500) -> pd.DataFrame:
        """Audit entries, newest first: of one alert, or of everything (``alert_id`` None)."""

        def q(a: Archive) -> pd.DataFrame:
            if not a.has_table("audit"):
                return pd.DataFrame(columns=list(TABLES["audit"].columns))
            where, params = ("WHERE alert_id = ?", [alert_id]) if alert_id else ("", [])
            return a.query(
                f'SELECT * FROM audit {where} ORDER BY "at" DESC, audit_id LIMIT ?',
                [*params, limit],
            )

        return self.read(q)

    # -- articles -------------------------------------------------------------
    def focal_articles(self, country: str, since: pd.Timestamp | None) -> pd.DataFrame:
        """Canonical articles mentioning ``country`` (mentions or coded events) with their
        tone, newest first (:func:`earlywarn.export.focal_articles`), from ``since`` on."""
        from earlywarn.export import focal_articles

        frame = self.read(lambda a: focal_articles(a, country))
        if since is not None and not frame.empty:
            frame = frame[pd.to_datetime(frame["published"], utc=True) >= since]
        return frame

    def network_slice(self, as_of: Any, window: str) -> tuple[pd.DataFrame, str | None]:
        """The actor network's edges in ``window`` ending ``as_of`` (default: the latest
        night with edges, else the latest event) and that day (:func:`earlywarn.network.archive_slice`)."""
        from earlywarn.network import archive_slice

        def run(a: Archive) -> tuple[pd.DataFrame, str | None]:
            day = as_of
            if day is None:
                last = a.query("SELECT max(as_of) AS d FROM edges")["d"].iloc[0]
                if last is None or pd.isna(last):
                    last = a.query("SELECT max(date) AS d FROM events")["d"].iloc[0]
                if last is None or pd.isna(last):
                    return pd.DataFrame(), None
                day = pd.Timestamp(last).date().isoformat()
            return archive_slice(a, day, window), str(day)

        return self.read(run)

    def perception(self, country: str, days: int, locale: str) -> dict[str, Any] | None:
        """The perception view (:mod:`earlywarn.focal.view`) of ``country`` over the ``days``
        (0: a year) up to the newest article; None for an empty archive."""
        from earlywarn.focal.names import DEFAULT_PEERS
        from earlywarn.focal.summary import perception_summary
        from earlywarn.focal.view import perception_view

        def run(a: Archive) -> dict[str, Any] | None:
            newest = a.query("SELECT max(published) AS p FROM articles")["p"].iloc[0]
            if newest is None or pd.isna(newest):
                return None
            day = pd.Timestamp(newest).date()
            peers = [p for p in DEFAULT_PEERS if p != country]
            summary = perception_summary(
                a, country, day, peers=peers, days=days or 365, locale=locale
            )
            return perception_view(summary, locale)

        return self.read(run)

    def track(self, as_of: Any = None) -> tuple[dict[str, pd.DataFrame], str | None]:
        """The ledger's track record up to ``as_of`` (default: the day after the latest
        night with a forecast) and that day as ``YYYY-MM-DD``."""
        from earlywarn.ledger import track_record

        def q(a: Archive) -> tuple[dict[str, pd.DataFrame], str | None]:
            day = pd.Timestamp(as_of) if as_of else None
            if day is None:
                last = a.query("SELECT max(as_of) AS d FROM forecast_ledger")["d"].iloc[0]
                if pd.isna(last):
                    return {}, None
                day = pd.Timestamp(last) + pd.Timedelta(days=1)
            return track_record(a, day.date()), day.strftime("%Y-%m-%d")

        return self.read(q)

    def alerts_full(self) -> pd.DataFrame:
        """Every alert with its evidence (for downloads)."""
        return self.read(lambda a: a.query(f"SELECT *, {RERUN_AT} FROM alerts"))

    def languages(self) -> list[str]:
        """Languages present in the articles table."""
        frame = self.read(
            lambda a: a.query(
                "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY 1"
            )
        )
        return [str(x) for x in frame["language"]]

    def brief(self, as_of: Any = None, focal_country: str = "VNM") -> tuple[Any, list[str]]:
        """The brief of ``as_of`` (default: the latest night) and the nights with a brief.

        A stored brief is read; a collected night without one is built (not stored).
        """
        from earlywarn.brief import get_brief

        def q(a: Archive) -> tuple[Any, list[str]]:
            nights = a.query(
                "SELECT DISTINCT as_of FROM runs WHERE stage IN ('brief', 'collect') "
                "AND status = 'done' ORDER BY as_of DESC"
            )["as_of"]
            days = [pd.Timestamp(d).date().isoformat() for d in nights]
            day = as_of or (days[0] if days else None)
            if day is None:
                return None, days
            return get_brief(a, day, focal_country=focal_country), days

        return self.read(q)

    def gate(self) -> dict[str, Any] | None:
        """The latest night's data-health gate, the alerts it held back and the feeds the
        completeness ledger marks as read in a degraded way (``degraded``), or ``None``
        when that night's gate was fully open with no such feed (or no night was checked)."""
        from earlywarn.health import gate_state

        def q(a: Archive) -> dict[str, Any] | None:
            last = a.query("SELECT max(as_of) AS d FROM health")["d"].iloc[0]
            if pd.isna(last):
                return None
            health = a.table("health", "as_of = ?", [last])
            state = gate_state(health)
            degraded = int((health["check"] == "degraded_feed").sum())
            if state.fully_open and not degraded:
                return None
            held = a.table("held_alerts", "as_of = ?", [last])
            return {
                "as_of": pd.Timestamp(last).date().isoformat(),
                "state": state,
                "held": held.to_dict("records"),
                "degraded": degraded,
            }

        return self.read(q)

    def health(self) -> dict[str, Any]:
        """Row counts for ``/healthz``."""

        def q(a: Archive) -> dict[str, Any]:
            version = a.query("SELECT value FROM meta WHERE key = 'schema_version'")
            last = a.query("SELECT max(as_of) AS d FROM runs WHERE status = 'done'")["d"].iloc[0]
            return {
                "schema_version": int(version["value"].iloc[0]),
                "alerts": a.count("alerts"),
                "articles": a.count("articles"),
                "last_run_as_of": None if pd.isna(last) else pd.Timestamp(last).date().isoformat(),
            }

        return self.read(q)
