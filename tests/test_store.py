from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from earlywarn.errors import EarlywarnError, LockedError, StoreError
from earlywarn.store import SCHEMA_VERSION, Archive, Write, archive_lock


def _series(n: int = 3, as_of: str = "2024-01-31") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "as_of": pd.Timestamp(as_of),
            "unique_id": "ev:VNM",
            "ds": pd.date_range("2024-01-01", periods=n, freq="D"),
            "y": range(n),
        }
    ).astype({"y": float})


def test_creates_schema_and_upserts_idempotently(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.duckdb") as a:
        assert a.query("SELECT value FROM meta WHERE key='schema_version'")["value"][0] == str(
            SCHEMA_VERSION
        )
        a.upsert("series", _series())
        a.upsert("series", _series())
        assert a.count("series") == 3
        changed = _series().assign(y=[9.0, 9.0, 9.0])
        a.upsert("series", changed)
        assert a.table("series")["y"].tolist() == [9.0, 9.0, 9.0]


def test_commit_is_atomic(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.duckdb") as a:
        bad = _series().drop(columns=["y"])
        with pytest.raises(EarlywarnError, match="series"):
            a.commit([Write("series", _series()), Write("series", bad)])
        assert a.count("series") == 0


def test_duplicate_keys_rejected(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.duckdb") as a:
        dup = pd.concat([_series(1), _series(1)])
        with pytest.raises(EarlywarnError, match="breaks its contract"):
            a.upsert("series", dup)


def test_stage_commit_marks_done_and_replaces_partition(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.duckdb") as a:
        day = pd.Timestamp("2024-01-31").date()
        a.commit_stage(day, "series", [Write("series", _series(3), replace={"as_of": day})])
        a.commit_stage(day, "series", [Write("series", _series(2), replace={"as_of": day})])
        assert a.count("series") == 2
        assert a.stage_done(day, "series")
        assert not a.stage_done(day, "forecast")


def test_missing_archive_read_only(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"does not exist.*earlywarn demo"):
        Archive(tmp_path / "missing.duckdb", read_only=True)


def test_corrupt_archive_gives_hint(tmp_path: Path) -> None:
    p = tmp_path / "corrupt.duckdb"
    p.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"not a DuckDB file.*backup"):
        Archive(p)
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    with pytest.raises(StoreError, match="empty file"):
        Archive(empty)


def test_truncated_archive_gives_store_error(tmp_path: Path) -> None:
    p = tmp_path / "t.duckdb"
    with Archive(p) as a:
        a.upsert("series", _series())
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError):
        a2 = Archive(p)
        a2.count("series")


def test_foreign_duckdb_is_rejected(tmp_path: Path) -> None:
    p = tmp_path / "other.duckdb"
    con = duckdb.connect(str(p))
    con.execute("CREATE TABLE x (a INT)")
    con.close()
    with pytest.raises(StoreError, match="not an earlywarn archive"):
        Archive(p, read_only=True)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "a.duckdb"
    with Archive(p) as a:
        a.con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer than this earlywarn"):
        Archive(p)


def _hold(path: str, ready: mp.synchronize.Event, release: mp.synchronize.Event) -> None:
    with archive_lock(path):
        ready.set()
        release.wait(10)


def test_second_writer_is_refused_then_waits(tmp_path: Path) -> None:
    path = str(tmp_path / "a.duckdb")
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold, args=(path, ready, release))
    proc.start()
    try:
        assert ready.wait(30)
        with (
            pytest.raises(LockedError, match="another earlywarn job"),
            archive_lock(path, timeout=0.2),
        ):
            pass
    finally:
        release.set()
        proc.join(10)
    with archive_lock(path, timeout=5):
        pass


def test_migrates_a_version_1_archive(tmp_path: Path) -> None:
    from earlywarn.store import MIGRATIONS

    p = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(p))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for stmt in MIGRATIONS[1]:
        con.execute(stmt)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.close()
    with Archive(p) as a:
        assert a.query("SELECT value FROM meta")["value"][0] == str(SCHEMA_VERSION)
        assert a.count("outbox") == 0 and a.count("health") == 0


def test_migration_8_adds_plover_columns_to_old_events(tmp_path: Path) -> None:
    from earlywarn.schema import TABLES

    p = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(p))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    old = {c: t for c, t in TABLES["events"].columns.items() if not c.startswith("plover")}
    cols = ", ".join(f'"{c}" {t}' for c, t in old.items())
    con.execute(f'CREATE TABLE events ({cols}, PRIMARY KEY ("event_id"))')
    con.execute("INSERT INTO events (event_id, cameo_code) VALUES ('e1', '190')")
    con.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    con.close()
    with Archive(p) as a:
        got = a.query("SELECT * FROM events")
        assert list(got.columns) == list(TABLES["events"].columns)
        assert got["plover_type"].isna().all() and len(got) == 1
