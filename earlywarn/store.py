"""The archive: one DuckDB file with a versioned schema, one writer at a time.

Every stage writes through :meth:`Archive.commit_stage`, which applies all of the
stage's writes and marks the stage done in a single transaction: a crash (even
``kill -9``) leaves either the whole stage or nothing. Writes are keyed upserts, so
rerunning a stage for the same ``as_of`` changes nothing.

Examples
--------
>>> import tempfile, pandas as pd
>>> from earlywarn.store import Archive
>>> path = tempfile.mkdtemp() + "/a.duckdb"
>>> with Archive(path) as archive:
...     frame = pd.DataFrame({"as_of": [pd.Timestamp("2024-01-31")], "unique_id": ["VNM"],
...                           "ds": [pd.Timestamp("2024-01-01")], "y": [3.0]})
...     _ = archive.upsert("series", frame)
...     _ = archive.upsert("series", frame)
...     archive.count("series")
1
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from filelock import FileLock, Timeout

from earlywarn._log import get_logger
from earlywarn.errors import (
    ArchiveNotFoundError,
    LockedError,
    StoreError,
    UsageError,
    disk_full,
    file_kind,
)
from earlywarn.schema import TABLES, validate

__all__ = [
    "SCHEMA_VERSION",
    "Archive",
    "Write",
    "archive_lock",
    "check_archive_path",
    "open_for_writing",
]

log = get_logger(__name__)

#: Tables each later schema version added (version 1 created every other table).
ADDED_TABLES: dict[int, tuple[str, ...]] = {
    2: ("outbox", "health"),
    3: ("pages",),
    4: ("users", "audit"),
    5: ("briefs",),
    6: ("rule_overrides",),
    7: ("forecast_ledger", "forecast_scores", "alert_ledger", "alert_outcomes"),
}
_LATER = {name for names in ADDED_TABLES.values() for name in names} | {
    "completeness",
    "held_alerts",
    "narratives",
    "pickups",
    "perception",
}
#: Migrations, in order: version -> SQL statements.
MIGRATIONS: dict[int, list[str]] = {
    1: [t.ddl() for name, t in TABLES.items() if name not in _LATER],
    **{v: [TABLES[name].ddl() for name in names] for v, names in ADDED_TABLES.items()},
    8: [  # PLOVER event type and mode of each event (earlywarn.extract.plover)
        'ALTER TABLE events ADD COLUMN IF NOT EXISTS "plover_type" VARCHAR',
        'ALTER TABLE events ADD COLUMN IF NOT EXISTS "plover_mode" VARCHAR',
    ],
    9: [  # the completeness ledger, held-back alerts, each feed's last good fetch and owner
        TABLES["completeness"].ddl(),
        TABLES["held_alerts"].ddl(),
        'ALTER TABLE IF EXISTS feeds ADD COLUMN IF NOT EXISTS "verified" DATE',
        'ALTER TABLE IF EXISTS feeds ADD COLUMN IF NOT EXISTS "family" VARCHAR',
    ],
    10: [  # the focal country's narratives and the pickup of its statements (issue 15)
        TABLES["narratives"].ddl(),
        TABLES["pickups"].ddl(),
    ],
    11: [TABLES["perception"].ddl()],  # focal-country perception (earlywarn.focal)
    12: [  # where a mirror feed's article was fetched from (its url is the publisher's)
        'ALTER TABLE IF EXISTS articles ADD COLUMN IF NOT EXISTS "fetched_url" VARCHAR',
    ],
    13: [  # an alert first raised by a forced rerun of its night (NULL: recorded before v13)
        'ALTER TABLE IF EXISTS alert_ledger ADD COLUMN IF NOT EXISTS "rerun" BOOLEAN',
    ],
    14: [  # each completeness row a degraded read touched is flagged (it was only a marker
        # in the message text); earlier rows are flagged from their status or that marker,
        # the only record of it before v14
        'ALTER TABLE IF EXISTS completeness ADD COLUMN IF NOT EXISTS "degraded" BOOLEAN',
        "UPDATE completeness SET degraded = coalesce(status = 'degraded' "
        "OR contains(message, '(degraded_parse)'), false) WHERE degraded IS NULL",
    ],
}
SCHEMA_VERSION = max(MIGRATIONS)
_MAGIC = b"DUCK"


@dataclass
class Write:
    """One write of a stage: upsert ``frame`` into ``table``.

    With ``replace`` (a dict of column -> value) the rows matching it are deleted
    first, so a stage that recomputes a partition (e.g. ``as_of``) leaves no stale rows.
    With ``append`` the rows are inserted only: a key already stored is an error (for
    append-only tables such as ``audit``).
    """

    table: str
    frame: pd.DataFrame
    replace: dict[str, Any] = field(default_factory=dict)
    append: bool = False


@contextmanager
def archive_lock(path: str | os.PathLike[str], timeout: float = 0.0) -> Iterator[None]:
    """Hold the single-writer lock ``<archive>.lock`` for a job.

    The lock is beside the archive's real path (symbolic links resolved), so every path
    that reaches one archive takes the same lock.

    Parameters
    ----------
    timeout : float
        Seconds to wait for another job to finish; 0 fails at once.

    Raises
    ------
    LockedError
        If another job holds the lock for longer than ``timeout``.
    """
    _not_a_file(path)
    p = Path(path)
    # beside the file itself: an archive reached through a symbolic link (or a linked
    # folder) and by its own path is one archive with one lock, not two writers each
    # holding a lock of its own
    real = Path(os.path.realpath(p))
    lock = FileLock(f"{real}.lock")
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=timeout)
    except Timeout:
        if Path(lock.lock_file).exists():
            raise LockedError(
                f"another earlywarn job holds {lock.lock_file}; wait for it to finish or pass "
                "--wait SECONDS"
            ) from None
        raise _unwritable(p, "the lock file cannot be created") from None
    except OSError as exc:  # a parent that is a file, a read-only or virtual file system
        held = Path(lock.lock_file)
        if held.exists() and (held.is_dir() or not os.access(held, os.W_OK) or _immutable(exc)):
            # the lock file itself is what fails (a folder of its name, a read-only or
            # immutable file): the message named the archive, which was whole and writable
            what = "a folder" if held.is_dir() else "a file this user may not write"
            raise StoreError(
                f"cannot lock the archive {p}: its lock file {held} is {what} "
                f"({exc.strerror or exc}); remove it or make it a writable file (it holds "
                "no data; check first that no earlywarn job is running)"
            ) from None
        blocking = next((a for a in p.parents if a.exists() and not a.is_dir()), None)
        why = f"{blocking} is a file, not a folder" if blocking else exc.strerror or str(exc)
        raise _unwritable(p, why) from None
    try:
        yield
    finally:
        lock.release()


def _immutable(exc: OSError) -> bool:
    """Whether ``exc`` is the refusal of an immutable file (root may write any other)."""
    return exc.errno == errno.EPERM


def _unwritable(path: Path, why: str) -> StoreError:
    return StoreError(
        f"cannot write the archive at {path} ({why}); pass --archive with a path in a "
        "writable folder, or fix the folder's permissions"
    )


# names DuckDB opens as something other than the file they name: its in-memory database
# (everything stored lost when the command ends) and MotherDuck's cloud databases (whose
# extension DuckDB downloads and loads at run time)
_NOT_A_FILE = re.compile(r"^(?::memory:|md:|motherduck:)", re.IGNORECASE)


_STORAGE = re.compile(
    r"storage version number (\d+), but we can only read storage versions between (\d+) and "
    r"(\d+)"
)


def _other_duckdb(path: Path, exc: Exception) -> str | None:
    """The message for an archive in a storage format of another DuckDB, else None.

    DuckDB's refusal ends 'restore it from a backup' otherwise, of a file that is whole.
    """
    m = _STORAGE.search(str(exc))
    if m is None:
        return None
    found, low, high = (int(g) for g in m.groups())
    here = f"duckdb {duckdb.__version__} reads storage versions {low}-{high}"
    if found > high:
        return (
            f"archive {path} was written by a newer DuckDB (storage version {found}; "
            f"{here}); the file is not damaged: upgrade DuckDB (pip install -U duckdb) "
            "where earlywarn runs, or use the earlywarn that wrote it"
        )
    return (
        f"archive {path} was written by an older DuckDB (storage version {found}; {here}); "
        "the file is not damaged: open it with that DuckDB, EXPORT DATABASE, and IMPORT "
        "DATABASE into a new file with this one (https://duckdb.org/internals/storage)"
    )


def _not_a_file(path: str | os.PathLike[str]) -> None:
    name = os.fspath(path)
    _misread(name)
    m = _NOT_A_FILE.match(name)
    if m is None:
        return
    what = (
        "DuckDB's in-memory database: everything stored would be lost when the command ends"
        if m.group(0).lower() == ":memory:"
        else "a MotherDuck cloud database, which earlywarn does not use"
    )
    raise StoreError(
        f"archive path {name!r} names {what}; the archive is a local file: give its path, "
        "such as ./earlywarn.duckdb"
    )


def _misread(name: str) -> None:
    r"""Refuse a path DuckDB would read as another: it takes ``\`` for a folder separator
    (``a\b.duckdb`` opened ``a/b.duckdb``, another archive, under a lock of its own) and
    ``?`` for the start of options (its write-ahead log went to ``q.wal?d/x.duckdb`` of a
    folder ``q?d``: 'cannot migrate archive', every time).

    >>> _misread("/srv/ew/a.duckdb")
    >>> _misread("/srv/ew/a\\b.duckdb")
    Traceback (most recent call last):
    ...
    earlywarn.errors.StoreError: archive path /srv/ew/a\b.duckdb holds '\', which DuckDB reads as a folder separator (it would open /srv/ew/a/b.duckdb, another file); ...
    """
    if "\\" in name:
        other = name.replace("\\", "/")
        why = (
            f"'\\', which DuckDB reads as a folder separator (it would open {other}, another file)"
        )
    elif "?" in name:
        why = "'?', which DuckDB reads as the start of options (its log would go to another file)"
    else:
        return
    raise StoreError(
        f"archive path {name} holds {why}; rename the file or folder, or give another path "
        "with --archive"
    )


def check_archive_path(path: str | os.PathLike[str]) -> None:
    """Raise :class:`StoreError` if ``path`` exists but cannot be an archive.

    A directory, a device, a pipe or a socket, a file this user may not read, an empty file
    or one that is not DuckDB: the message says what the path is and what to do. A path that
    does not exist passes (whether it may be created is the caller's business).

    Examples
    --------
    >>> check_archive_path("/dev/null")
    Traceback (most recent call last):
    ...
    earlywarn.errors.StoreError: archive path /dev/null is not a regular file but a character device; ...
    """
    _not_a_file(path)
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:  # a folder on the way that this user may not search
        raise StoreError(
            f"cannot reach archive {path} ({exc.strerror or exc}); run as a user who may "
            "read it, or fix the permissions of its folders"
        ) from None
    if stat.S_ISDIR(mode):
        raise StoreError(
            f"archive path {path} is a directory; give a file path such as {path}/earlywarn.duckdb"
        )
    if not stat.S_ISREG(mode):
        kind = file_kind(mode, "not a file")
        raise StoreError(
            f"archive path {path} is not a regular file but {kind}; give the path of a "
            ".duckdb file with --archive"
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StoreError(
            f"cannot read archive {path} ({exc.strerror or exc}); run as the user who owns "
            "it, or let this user read and write it (chmod, chown)"
        ) from None
    if not head:
        raise StoreError(
            f"archive {path} is an empty file; delete it and rerun to create a fresh archive"
        )
    if head[8:12] != _MAGIC:
        raise StoreError(
            f"archive {path} is not a DuckDB file (corrupt or another format); "
            "restore it from a backup, or move it away to start a new archive"
        )


def _run_row(
    as_of: date, stage: str, rows: dict[str, Any], run_id: str, started_at: datetime | None
) -> pd.DataFrame:
    """The ``runs`` row that marks ``stage`` done for ``as_of``."""
    now = datetime.now(timezone.utc)
    return pd.DataFrame(
        {
            "as_of": [pd.Timestamp(as_of)],
            "stage": [stage],
            "run_id": [run_id],
            "status": ["done"],
            "started_at": [pd.Timestamp(started_at or now)],
            "finished_at": [pd.Timestamp(now)],
            "rows": [json.dumps(rows, default=str)],
            "error": [None],
        }
    )


class Archive:
    """The DuckDB archive.

    Parameters
    ----------
    path : path-like
        The DuckDB file; created (with parent folders) on first use unless ``create=False``.
    read_only : bool
        Open without writing (no migrations, no lock).
    create : bool
        Create the file if missing; when False a missing file is a :class:`StoreError`.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, read_only: bool = False, create: bool = True
    ):
        self.path = Path(path)
        self.read_only = read_only
        check_archive_path(self.path)
        if not self.path.exists():
            if read_only or not create:
                raise ArchiveNotFoundError(
                    f"archive {self.path} does not exist; run `earlywarn demo` or "
                    "`earlywarn nightly` to create it, or pass the right --archive"
                )
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # the absolute path: a name DuckDB reads otherwise (md:...) is a file all the same
            self.con = duckdb.connect(str(self.path.absolute()), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise LockedError(
                    f"archive {self.path} is open in another process (a running job?); "
                    "wait for it to finish"
                ) from exc
            other = _other_duckdb(self.path, exc)
            if other is not None:  # whole, in a storage format this DuckDB cannot read
                raise StoreError(other) from exc
            if not read_only and _denied(exc):  # the file is whole: no backup is needed
                raise StoreError(
                    f"cannot write the archive {self.path}: the file is read-only for this "
                    f"user ({_denied(exc)}); make it writable (chmod u+w, chattr -i) or run "
                    "as its owner; commands that only read it (export, search, serve) "
                    "still can"
                ) from exc
            raise StoreError(
                f"cannot open archive {self.path}: {exc}; restore it from a backup"
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot open archive {self.path}: {exc}; restore it from a backup"
            ) from exc
        try:
            # nothing fetched from the network nor loaded from ~/.duckdb at run time (a
            # query of an experiment's series reading https://...): the built-in extensions
            # (json, parquet, icu) are all the archive needs
            self.con.execute("SET autoinstall_known_extensions = false")
            self.con.execute("SET autoload_known_extensions = false")
            if not read_only:
                self._migrate()
            self._check_version()
        except StoreError:
            self.close()
            raise
        except (duckdb.IOException, duckdb.InternalException, duckdb.SerializationException) as exc:
            self.close()
            raise StoreError(
                f"archive {self.path} is damaged ({exc}); restore it from a backup, "
                "or move it away to start a new archive"
            ) from exc
        except duckdb.Error as exc:
            self.close()
            raise StoreError(
                f"cannot migrate archive {self.path}: {exc}; nothing was changed"
            ) from exc

    # -- life cycle -------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (idempotent)."""
        con = getattr(self, "con", None)
        if con is not None:
            con.close()
            self.con = None  # type: ignore[assignment]

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({str(self.path)!r})"

    def _migrate(self) -> None:
        current = self._version()
        if current is None:  # a new file, or one of another application's?
            foreign = [
                str(r[0])
                for r in self.con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = "
                    "current_database() AND NOT temporary AND table_name <> 'meta' ORDER BY 1"
                ).fetchall()
            ]
            if foreign:
                shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
                raise StoreError(
                    f"{self.path} is a DuckDB file but not an earlywarn archive (no schema "
                    f"version; it holds {len(foreign)} other table(s): {shown}); earlywarn "
                    "adds its tables to no other database: pass the path of an earlywarn "
                    "archive, or of a new file"
                )
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        current = current or 0
        for version in sorted(v for v in MIGRATIONS if v > current):
            self.con.execute("BEGIN TRANSACTION")
            try:
                for stmt in MIGRATIONS[version]:
                    self.con.execute(stmt)
                self.con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)]
                )
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            log.info("archive %s migrated to schema version %d", self.path, version)

    def _version(self) -> int | None:
        """The archive's schema version; None when it has none (no ``meta`` or no row)."""
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            return None
        if row is None:
            return None
        try:
            return int(str(row[0]).strip())
        except ValueError:
            raise StoreError(
                f"archive {self.path} is damaged: its schema version is {str(row[0])[:40]!r}, "
                "not a number; restore it from a backup"
            ) from None

    def _check_version(self) -> None:
        version = self._version()
        if version is None:
            raise StoreError(
                f"{self.path} is a DuckDB file but not an earlywarn archive (no schema version)"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"archive {self.path} has schema version {version}, newer than this earlywarn "
                f"({SCHEMA_VERSION}); upgrade earlywarn"
            )

    def lock(self, timeout: float = 0.0) -> AbstractContextManager[None]:
        """Hold the single-writer lock of this archive (see :func:`archive_lock`)."""
        return archive_lock(self.path, timeout)

    # -- writing ----------------------------------------------------------------
    def _apply(self, w: Write) -> int:
        spec = TABLES[w.table]
        frame = validate(w.frame, w.table)
        if w.replace:
            cond = " AND ".join(f'"{c}" = ?' for c in w.replace)
            self.con.execute(f"DELETE FROM {w.table} WHERE {cond}", list(w.replace.values()))
        if frame.empty:
            return 0
        self.con.register("_ew_frame", frame)
        try:
            # the primary key decides: a row whose key is stored replaces it (a DELETE ...
            # USING join over a big table costs ~20x more on re-imports)
            cols = ", ".join(f'"{c}"' for c in spec.columns)
            verb = "INSERT" if w.append else "INSERT OR REPLACE"
            self.con.execute(f"{verb} INTO {w.table} ({cols}) SELECT {cols} FROM _ew_frame")
        except duckdb.ConstraintException as exc:
            if w.append:
                raise StoreError(f"table {w.table} is append-only; {exc}") from exc
            raise
        finally:
            with suppress(duckdb.Error):  # fails in an aborted transaction; ROLLBACK follows
                self.con.unregister("_ew_frame")
        return len(frame)

    def upsert(self, table: str, frame: pd.DataFrame) -> int:
        """Insert or replace rows of ``table`` by key, atomically; returns rows written."""
        return self.commit([Write(table, frame)])[table]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        self._writable()
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
            self.con.execute("COMMIT")  # a full disk fails here (the WAL) or above
        except BaseException as exc:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:  # a failed write (disk full) invalidates the connection
                log.debug("rollback after %r failed", exc)
            full = disk_full(exc)
            if full is not None:
                raise StoreError(
                    f"could not write the archive {self.path}: the disk is full ({full}); "
                    "nothing of this transaction was stored. Free disk space, then run the "
                    "same command again"
                ) from exc
            io_error = isinstance(exc, (duckdb.IOException, duckdb.FatalException, OSError))
            if io_error or (isinstance(exc, duckdb.Error) and "write" in str(exc).lower()):
                raise StoreError(
                    f"could not write the archive {self.path} ({exc}); nothing of this "
                    "transaction was stored. Free disk space or fix the disk, then run again"
                ) from exc
            raise

    def commit(self, writes: Sequence[Write]) -> dict[str, int]:
        """Apply ``writes`` in one transaction; returns rows written per table."""
        counts: dict[str, int] = {}
        with self._transaction():
            for w in writes:
                counts[w.table] = counts.get(w.table, 0) + self._apply(w)
        return counts

    def commit_stage(
        self,
        as_of: date,
        stage: str,
        writes: Sequence[Write],
        *,
        run_id: str = "",
        started_at: datetime | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, int]:
        """Apply a stage's writes and mark it done for ``as_of``, all in one transaction."""
        counts = {w.table: len(w.frame) for w in writes}
        run = _run_row(as_of, stage, {**counts, **(extra or {})}, run_id, started_at)
        self.commit([*writes, Write("runs", run)])
        return counts

    def commit_stage_sql(
        self,
        as_of: date,
        stage: str,
        table: str,
        write: Callable[[duckdb.DuckDBPyConnection], int],
        *,
        extra: Callable[[], dict[str, Any]] | None = None,
        run_id: str = "",
    ) -> int:
        """Like :meth:`commit_stage` for a stage that writes ``table`` with SQL of its own.

        ``write(connection)`` runs inside the transaction and returns the rows it wrote; any
        exception rolls everything back and propagates.
        """
        started = datetime.now(timezone.utc)
        with self._transaction():
            written = int(write(self.con))
            rows = {table: written, **(extra() if extra else {})}
            self._apply(Write("runs", _run_row(as_of, stage, rows, run_id, started)))
        return written

    def commit_stage_stream(
        self,
        as_of: date,
        stage: str,
        table: str,
        frames: Iterable[pd.DataFrame],
        *,
        extra: Callable[[], dict[str, Any]] | None = None,
        run_id: str = "",
    ) -> int:
        """Like :meth:`commit_stage` for one table whose rows arrive in chunks.

        Each chunk is validated and upserted as it comes (the whole file is never one frame
        in memory), all in one transaction with the stage's ``runs`` row: an error or a kill
        leaves nothing of the stage. ``extra`` is called after the last chunk for the counts
        to record. Returns rows written.
        """

        def write(_: duckdb.DuckDBPyConnection) -> int:
            return sum(self._apply(Write(table, frame)) for frame in frames)

        return self.commit_stage_sql(as_of, stage, table, write, extra=extra, run_id=run_id)

    def stage_done(self, as_of: date, stage: str) -> bool:
        """Whether ``stage`` finished for ``as_of``."""
        row = self.con.execute(
            "SELECT 1 FROM runs WHERE as_of = ? AND stage = ? AND status = 'done'",
            [pd.Timestamp(as_of).date(), stage],
        ).fetchone()
        return row is not None

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(
                f"archive {self.path} is open read-only; open it without read_only to write"
            )

    # -- reading ----------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run SQL against the archive and return a frame."""
        return self.con.execute(sql, list(params or [])).df()

    def table(
        self, name: str, where: str = "", params: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """All rows of ``name`` (optionally filtered by a SQL ``where`` clause)."""
        if name not in TABLES:
            raise StoreError(f"no table '{name}'; tables are {sorted(TABLES)}")
        clause = f" WHERE {where}" if where else ""
        return self.query(f"SELECT * FROM {name}{clause}", params)

    def raw_html(self, article_id: str) -> bytes | None:
        """The page of ``article_id`` as fetched (kept with ``keep_raw_html``), or ``None``."""
        import gzip

        row = self.con.execute(
            "SELECT html_gzip FROM pages WHERE article_id = ?", [article_id]
        ).fetchone()
        return None if row is None else gzip.decompress(row[0])

    def has_table(self, name: str) -> bool:
        """Whether the archive holds table ``name`` (an older schema may not)."""
        row = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        return bool(row and row[0])

    def count(self, name: str) -> int:
        """Number of rows in table ``name``."""
        if name not in TABLES:
            raise StoreError(f"no table '{name}'; tables are {sorted(TABLES)}")
        return int(self.con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])  # type: ignore[index]

    def counts(self) -> dict[str, int]:
        """Row counts of every table."""
        return {name: self.count(name) for name in TABLES}

    def articles(
        self,
        since: str | date | None = None,
        until: str | date | None = None,
        languages: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Canonical articles (not near-duplicates) published in ``[since, until]`` (dates are
        UTC days; a timezone-aware time is converted to UTC), in ``languages`` (``"vi"`` or
        ``["vi", "en"]``)."""
        where: list[str] = ["duplicate_of IS NULL"]
        params: list[Any] = []
        if since is not None:
            where.append("published >= ?")
            params.append(_utc(_when(since, "since")))
        if until is not None:
            where.append("published < ?")
            params.append(_utc(_when(until, "until")) + pd.Timedelta(days=1))
        if languages:
            where.append("list_contains(?, language)")
            params.append([str(x).lower() for x in _listed(languages)])
        return self.table("articles", " AND ".join(where), params)

    def events(
        self,
        since: str | date | None = None,
        until: str | date | None = None,
        countries: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Events dated in ``[since, until]``, optionally where either actor is in ``countries``
        (ISO3 codes or names: ``"VNM"``, ``["Vietnam", "China"]``).

        Raises
        ------
        UsageError
            A date that is no date, or a country name that matches no country.
        """
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        if since is not None:
            where.append("date >= ?")
            params.append(_when(since, "since").date())
        if until is not None:
            where.append("date <= ?")
            params.append(_when(until, "until").date())
        if countries:
            from earlywarn.focal.names import resolve_country

            codes = [resolve_country(c, any_code=True) for c in _listed(countries)]
            where.append("(list_contains(?, source_country) OR list_contains(?, target_country))")
            params += [codes, codes]
        return self.table("events", " AND ".join(where), params)


def _denied(exc: BaseException) -> str | None:
    """'Permission denied' or 'Operation not permitted' when DuckDB's error is one of them
    (a read-only or immutable file), else None: the message said 'restore it from a
    backup' of an archive that was whole."""
    text = str(exc)
    for why in ("Permission denied", "Operation not permitted", "Read-only file system"):
        if why in text:
            return why
    return None


def _when(value: Any, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        ts = None
    if ts is None or pd.isna(ts):
        raise UsageError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None
    return ts


def _utc(ts: pd.Timestamp) -> pd.Timestamp:
    return ts.tz_convert("UTC") if ts.tzinfo is not None else ts.tz_localize("UTC")


def _listed(value: str | Sequence[str]) -> list[str]:
    """One value or several (a bare string is one value, not its characters)."""
    return [value] if isinstance(value, str) else list(value)


def open_for_writing(path: str | os.PathLike[str], wait: float = 60.0) -> Archive:
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
