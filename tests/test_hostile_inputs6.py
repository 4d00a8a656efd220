"""Hostile inputs, sixth round, second part (issue 14; tests/HOSTILE.md): experiment files, dates,
exports, the review page and the archive path, each through a real entry point (the CLI,
the public API or real HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlywarn.cli import app
from earlywarn.errors import ConfigError, UsageError

REPO = Path(__file__).resolve().parents[1]
SERIES = REPO / "earlywarn" / "demo" / "corpus" / "YEM_gdelt_monthly_long.csv"


def _cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def _experiment(tmp_path: Path, series: str, horizon: int = 3, extra: str = "") -> Path:
    path = tmp_path / "e.yaml"
    path.write_text(
        f"series: {series}\nmodels: [naive]\nhorizon: {horizon}\nfolds: 1\n"
        f"models_dir: {REPO / 'models'}\n{extra}"
    )
    return path


@pytest.mark.parametrize(
    ("series", "horizon", "error", "says"),
    [
        (f'{{path: "{SERIES}", ids: "YEM:total"}}', 3, ConfigError, "list of series ids"),
        (f'{{path: "{SERIES}", ids: [YEM:totl]}}', 3, ConfigError, "name no series"),
        (f'{{path: "{SERIES}", ids: ["YEM:total"]}}', 300, UsageError, "301 points needed"),
        (f'"{SERIES}"', 3, ConfigError, "must be a mapping"),
    ],
)
def test_an_experiment_that_selects_nothing_to_score_is_refused(
    tmp_path: Path, series: str, horizon: int, error: type, says: str
) -> None:
    """`ids: "YEM:total"` (a string, read letter by letter), an id naming no series, or a
    horizon longer than every series: the backtest ran nothing, printed an empty table,
    exited 0 and logged (and registered) an empty MLflow run. A series given as a plain
    string was matched as text ('path' in 'x/path.csv') and failed inside (exit 70)."""
    from earlywarn.forecast import run_experiment

    with pytest.raises(error, match=says):
        run_experiment(_experiment(tmp_path, series, horizon))


@pytest.mark.parametrize("content", ["root:x:0:0:root:/root\nbin:x:1:1\na,b,c,d\n", "a,b\n1,2\n"])
def test_an_experiment_series_file_of_another_shape_is_a_config_error(
    tmp_path: Path, content: str
) -> None:
    """A series file that is no CSV (a passwd file) or a table without unique_id, ds, y
    ended `earlywarn backtest` in an internal error (exit 70: pandas ParserError, or
    'y lacks column(s)'); now a config error (78) naming the key and the file."""
    data = tmp_path / "s.csv"
    data.write_text(content)
    exp = _experiment(tmp_path, f'{{path: "{data}"}}')
    r = _cli("--tracking-uri", "", "backtest", "--scheduler", "synchronous", str(exp))
    assert r.exit_code == 78, r.output
    assert "series.path" in r.output


def test_an_experiment_query_never_changes_or_creates_an_archive(tmp_path: Path) -> None:
    """`series: {archive: a.duckdb, query: ...}` opened the archive for writing: a query
    `DROP TABLE events` dropped the table, and a mistyped archive name created a new
    archive (migrations and all). The archive is now opened read-only."""
    from earlywarn.forecast import run_experiment
    from earlywarn.store import Archive

    Archive(tmp_path / "a.duckdb").close()
    exp = _experiment(
        tmp_path, f'{{archive: "{tmp_path / "a.duckdb"}", query: "DROP TABLE events"}}'
    )
    with pytest.raises(ConfigError, match="read-only"):
        run_experiment(exp)
    a = Archive(tmp_path / "a.duckdb", read_only=True)
    try:
        assert a.has_table("events")
    finally:
        a.close()
    exp = _experiment(tmp_path, f'{{archive: "{tmp_path / "typo.duckdb"}", query: "SELECT 1"}}')
    with pytest.raises(FileNotFoundError):
        run_experiment(exp)
    assert not (tmp_path / "typo.duckdb").exists()


def test_an_aware_as_of_names_the_utc_night_of_its_instant() -> None:
    """`as_of` is a UTC date, but a datetime that knew its zone gave its local date: 06:00
    in Hanoi (23:00 UTC the day before) named the next night, -12:00 at 23:30 the night
    before, so one instant ran different nights on machines in different zones."""
    from datetime import datetime, timedelta, timezone

    import pandas as pd

    import earlywarn as ew

    hanoi = datetime(2024, 3, 1, 6, 0, tzinfo=timezone(timedelta(hours=7)))
    assert str(ew.parse_as_of(hanoi)) == "2024-02-29"
    baker = datetime(2025, 3, 30, 23, 30, tzinfo=timezone(timedelta(hours=-12)))
    assert str(ew.parse_as_of(baker)) == "2025-03-31"
    assert str(ew.parse_as_of(pd.Timestamp("2025-03-30 00:30", tz="Europe/Paris"))) == (
        "2025-03-29"
    )
    assert str(ew.parse_as_of(datetime(2025, 3, 30, 2, 30))) == "2025-03-30"  # naive: as is


@pytest.mark.parametrize("value", ["2025-W13", "2025-W13-7", "2025-089", 20250330])
def test_an_as_of_that_is_no_calendar_date_is_refused(tmp_path: Path, value: object) -> None:
    """`--as-of 2025-W13` (an ISO week) ran the night of its Monday, 2025-03-24, and
    `2025-W13-7` its Sunday, where the help says YYYY-MM-DD; an int through the API was an
    internal TypeError. Now a usage error (64)."""
    import earlywarn as ew

    with pytest.raises(UsageError, match="not a date"):
        ew.parse_as_of(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        r = _cli("--archive", str(tmp_path / "a.duckdb"), "series", "--as-of", value)
        assert r.exit_code == 64, r.output


def test_one_archive_reached_through_a_symbolic_link_has_one_lock(tmp_path: Path) -> None:
    """The single-writer lock was `<path>.lock` of the path as given: the nightly job on
    `data/a.duckdb` and a stage (or the review page) on `link.duckdb -> data/a.duckdb`, or
    on `lnk/a.duckdb` through a linked folder, each held a lock of its own and wrote one
    archive at once. The lock is now beside the real file."""
    from earlywarn.store import Archive, archive_lock

    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "a.duckdb"
    Archive(real).close()
    (tmp_path / "link.duckdb").symlink_to(real)
    (tmp_path / "lnk").symlink_to(tmp_path / "data")
    with archive_lock(real):
        for other in (tmp_path / "link.duckdb", tmp_path / "lnk" / "a.duckdb"):
            r = _cli("--archive", str(other), "series", "--as-of", "2016-02-29")
            assert r.exit_code == 75, r.output
            assert "another earlywarn job holds" in r.output


def test_one_archive_reached_through_a_symbolic_link_has_one_search_index(tmp_path: Path) -> None:
    """The search index was `<path>.search` of the path as given: the nightly job kept
    `data/a.duckdb.search` up to date while `earlywarn search` (or the page) on the link
    found no index, and once told to `--rebuild` kept a second one the nightly job never
    updated (stale results). The index is now beside the real file."""
    from earlywarn.search import index_path

    (tmp_path / "data").mkdir()
    (tmp_path / "link.duckdb").symlink_to(tmp_path / "data" / "a.duckdb")
    (tmp_path / "lnk").symlink_to(tmp_path / "data")
    want = tmp_path / "data" / "a.duckdb.search"
    assert index_path(tmp_path / "link.duckdb") == want
    assert index_path(tmp_path / "lnk" / "a.duckdb") == want


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("estimator: GlobalQuantileGB\nparams: {max_horizon: .inf}", "params.max_horizon"),
        (
            "estimator: QuantileAverage\n"
            "params: {members: {a: {estimator: Naive}}, weights: {a: .nan}}",
            "params.weights.a",
        ),
        (
            "estimator: QuantileAverage\nparams: {members: {a: {estimator: Naive}, "
            "b: {estimator: Drift}}, weights: {a: -1, b: 1}}",
            "weight of 'a'",
        ),
        (
            "estimator: QuantileAverage\nparams: {members: {a: {estimator: Naive}, "
            "b: {estimator: Drift}}, weights: {aa: 3}}",
            "name no member",
        ),
        (
            "estimator: QuantileAverage\nparams: {members: {a: {estimator: Nope}}}",
            "unknown estimator 'Nope'",
        ),
    ],
)
def test_a_model_spec_with_a_number_no_model_can_use_is_a_config_error(
    tmp_path: Path, spec: str, says: str
) -> None:
    """models/*.yaml: `max_horizon: .inf` ended the backtest in OverflowError (exit 70);
    an ensemble weight `.nan` made every score NaN, `-1` dropped the model from the table
    and a misspelled member name was weighted 1 (each exit 0); an unknown member estimator
    only failed at fit, as failed folds. Now each is a config error when the specs load."""
    from earlywarn.forecast.specs import load_models

    path = tmp_path / "x.yaml"
    path.write_text(f"name: x\n{spec}\n")
    with pytest.raises(ConfigError, match=says):
        load_models(path)


def _run_with_file_limit(limit: int, *args: str) -> object:
    """`earlywarn ARGS` in a child whose files cannot grow past ``limit`` bytes (as on a
    full disk: a write past it fails with EFBIG)."""
    import resource
    import signal
    import subprocess
    import sys

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "earlywarn.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit_files,
    )


def test_a_write_that_fails_part_way_leaves_the_old_file_whole(tmp_path: Path) -> None:
    """A file earlywarn writes over was written in place or through a fixed '<name>.tmp':
    `feeds export cat.yaml cat.yaml` (and `feeds check --write-verified`) on a full disk
    left the curated catalog truncated, feeds lost; `export --out x.csv` left 'x.csv.tmp'
    behind (and overwrote a file of that name). Now every such write goes to a temporary
    file of a unique name, is flushed, and renamed: the old file stays whole, no temporary
    file is left (simulated full disk: RLIMIT_FSIZE below the file's size)."""
    catalog = tmp_path / "cat.yaml"
    catalog.write_text((REPO / "feeds" / "global.yaml").read_text(encoding="utf-8"))
    before = catalog.read_bytes()
    r = _run_with_file_limit(4096, "feeds", "export", str(catalog), str(catalog))
    assert r.returncode == 74, r.stderr  # type: ignore[attr-defined]
    assert "kept as it was" in " ".join(r.stderr.split())  # type: ignore[attr-defined]
    assert catalog.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["cat.yaml"]


@pytest.mark.parametrize(
    "entry",
    [
        '{url: "https://example.com/' + "a" * 300_000 + '", language: en, country: USA}',
        '{url: "https://example.com/rss", language: en, country: USA, verified: '
        + "x" * 200_000
        + "}",
    ],
)
def test_a_catalog_error_quotes_a_huge_value_cut(tmp_path: Path, entry: str) -> None:
    """A 300 KB feed URL (or a 200 KB `verified`) was quoted whole in the catalog's error,
    in the feed's label and again in the value: 300 KB of 'error:' on the terminal. Now
    both are cut to about 120 characters; the error still names the key."""
    path = tmp_path / "c.yaml"
    path.write_text(f"feeds:\n- {entry}\n")
    r = _cli("feeds", "check", str(path))
    assert r.exit_code == 78, r.output[:500]
    assert len(r.output) < 2_000, len(r.output)
    assert "key '" in r.output
