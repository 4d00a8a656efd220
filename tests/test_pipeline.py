"""The nightly job end to end on a slice of the real demo corpus, served over loopback HTTP,
with its faults: kill -9 mid-run then rerun, two runs at once, reruns that change nothing."""

from __future__ import annotations

import html
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from earlywarn.config import Settings, load_settings
from earlywarn.demo import CORPUS, ReplayServer
from earlywarn.io.history import import_history
from earlywarn.pipeline import STAGES, run_nightly
from earlywarn.search import index_path
from earlywarn.store import Archive

AS_OF = "2013-10-23"  # Vietnamese articles up to that night; Yemen monthly counts still fresh
FEEDS = [
    "baotintuc-vn", "vov-vn", "tienphong-vn", "vtv-vn", "nld-com-vn", "giaoduc-net-vn",
    "vietnamplus-vn", "tuoitre-vn", "songmoi-vn", "chron-com", "express-co-uk", "bbc-com",
]  # fmt: skip


@pytest.fixture(scope="module")
def mini_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    (root / "feeds").mkdir()
    (root / "pages").mkdir()
    import re

    for name in FEEDS:
        text = (CORPUS / "feeds" / f"{name}.xml").read_text(encoding="utf-8")
        (root / "feeds" / f"{name}.xml").write_text(text, encoding="utf-8")
        for sid in re.findall(r"/pages/([0-9a-f]+)\.html", text):
            shutil.copy(CORPUS / "pages" / f"{sid}.html.gz", root / "pages" / f"{sid}.html.gz")
    return root


@pytest.fixture(scope="module")
def server(mini_corpus: Path) -> Iterator[str]:
    with ReplayServer(mini_corpus) as base:
        yield base


def _catalog(tmp: Path, base: str) -> Path:
    lines = ["feeds:"]
    for name in FEEDS:
        lang = "vi" if name.endswith("-vn") else "en"
        lines += [f"- url: {base}/feeds/{name}.xml", f"  outlet: {name}", f"  language: {lang}"]
    path = tmp / "catalog.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _config(tmp: Path, base: str) -> Path:
    cfg = tmp / "earlywarn.toml"
    cfg.write_text(
        f'archive = "{tmp / "a.duckdb"}"\noutput_dir = "{tmp / "out"}"\n'
        f'catalog = "{_catalog(tmp, base)}"\nscheduler = "synchronous"\nmax_forecast_series = 4\n'
        '[http]\npoliteness_delay = 0.0\nallow_private = ["127.0.0.1"]\nretries = 0\n'
    )
    return cfg


def _settings(tmp: Path, base: str) -> Settings:
    s = load_settings(_config(tmp, base), environ={})
    import_history(s, "counts", CORPUS / "YEM_gdelt_monthly_long.csv")
    return s


def _counts(path: Path) -> dict[str, int]:
    with Archive(path, read_only=True) as a:
        counts = a.counts()
        done = a.query("SELECT count(*) AS n FROM runs WHERE status = 'done'")["n"][0]
    counts.pop("runs")
    counts["runs_done"] = int(done)
    return counts


@pytest.fixture(scope="module")
def reference_archive(tmp_path_factory: pytest.TempPathFactory, server: str) -> Path:
    """An archive after an unbroken nightly run (copy it before writing to it)."""
    tmp = tmp_path_factory.mktemp("ref")
    s = _settings(tmp, server)
    result = run_nightly(s, AS_OF)
    assert result.ran == list(STAGES)
    return s.archive


@pytest.fixture(scope="module")
def reference(reference_archive: Path) -> dict[str, int]:
    return _counts(reference_archive)


def test_nightly_fills_every_stage(reference: dict[str, int]) -> None:
    for table in (
        "articles",
        "mentions",
        "events",
        "tone",
        "stories",
        "edges",
        "series",
        "forecasts",
        "anomalies",
    ):
        assert reference[table] > 0, table
    assert reference["runs_done"] == len(STAGES) + 1  # the stages and the import of counts


def test_rerun_changes_nothing(
    tmp_path: Path, server: str, reference_archive: Path, reference: dict[str, int]
) -> None:
    # the night as an unbroken run left it (the kill -9, SIGTERM and full-disk tests each
    # run it from an empty archive and end on the same counts), its search index beside it
    shutil.copy(reference_archive, tmp_path / "a.duckdb")
    shutil.copytree(index_path(reference_archive), index_path(tmp_path / "a.duckdb"))
    s = load_settings(_config(tmp_path, server), environ={})
    assert s.archive == tmp_path / "a.duckdb"
    again = run_nightly(s, AS_OF)
    assert again.ran == ["deliver"]  # always runs: due retries go out
    assert again.skipped == [st for st in STAGES if st != "deliver"]
    forced = run_nightly(s, AS_OF, force=True)
    assert forced.ran == list(STAGES)
    assert _counts(s.archive) == reference
    report = s.output_dir / f"report-{AS_OF}.html"
    assert report.stat().st_size > 10_000


def test_sources_down_close_the_gate_for_what_they_feed_and_held_alerts_are_kept(
    tmp_path: Path, server: str, reference_archive: Path
) -> None:
    """The night rerun after its Vietnamese feeds went down (the English ones answer): the
    gate closes for Vietnamese sources only (9 of 21 feeds: a warning globally), and the
    alerts on series those sources fed (events coded from Vietnamese articles) are held
    back, kept with their reason and listed under the report's banner; then with every feed
    down, the whole gate closes and every collection-fed alert is held."""
    shutil.copy(reference_archive, tmp_path / "a.duckdb")
    cfg = _config(tmp_path, server)
    night = date.fromisoformat(AS_OF)
    rerun = ["collect", "health", "alerts", "report"]

    def catalog(english_up: bool) -> Path:
        lines = ["feeds:"]
        for name in FEEDS:
            if name.endswith("-vn"):  # down: the server answers 404
                lines += [f"- url: {server}/feeds/gone-{name}.xml", f"  outlet: {name}"]
                lines += ["  language: vi"]
                continue
            for i in range(4):  # the English outlets answer, at several addresses
                path = f"{name}.xml" if english_up else f"gone-{name}.xml"
                lines += [f"- url: {server}/feeds/{path}?copy={i}", f"  outlet: {name}-{i}"]
                lines += ["  language: en"]
        path = tmp_path / f"catalog-{english_up}.yaml"
        path.write_text("\n".join(lines) + "\n")
        return path

    def night_with(english_up: bool) -> tuple[pd.DataFrame, pd.DataFrame, str]:
        s = load_settings(cfg, environ={}, catalog=catalog(english_up))
        assert run_nightly(s, AS_OF, stages=rerun, force=True).ran == rerun
        with Archive(s.archive, read_only=True) as a:
            health = a.table("health", "as_of = ?", [night]).set_index(["check", "subject"])
            held = a.table("held_alerts", "as_of = ?", [night])
        return health, held, (s.output_dir / f"report-{AS_OF}.html").read_text("utf-8")

    health, held, report = night_with(english_up=True)
    assert health.loc[("feed_failures", "all"), "status"] == "warn"  # 9 of 21
    gate = health.loc[("source_gate", "language:vi")]
    assert gate["status"] == "fail" and "9 of 9 feeds failed" in gate["message"]
    assert health.loc[("source_gate", "language:en"), "status"] == "ok"
    assert len(held) > 0 and held["unique_id"].str.startswith(("ev:", "dyad:", "net:")).all()
    # network metrics built from the news-coded events are news-fed too (held, not sent)
    assert held["unique_id"].str.startswith("net:").any()
    assert held["scope"].str.contains("language:vi").all()
    assert held["reason"].str.contains("of its articles come from language:vi, down").all()
    assert not held["unique_id"].str.startswith("YEM:").any()  # imported counts: not news-fed
    assert 'id="gate-banner"' in report and "partly closed" in report and 'id="held"' in report
    assert all(html.escape(uid) in report for uid in held["unique_id"])  # listed, not lost

    health, held_all, report = night_with(english_up=False)
    assert health.loc[("feed_failures", "all"), "status"] == "fail"  # 21 of 21
    assert set(held_all["scope"]) == {"all"} and len(held_all) == len(held)
    assert held_all["reason"].str.startswith("data-health gate closed: 21 of 21 feeds failed").all()
    assert "Data-health gate closed" in report and "No alerts as of" not in report


def _nightly_cmd(cfg: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "earlywarn.cli",
        "--config",
        str(cfg),
        "-v",
        "--json-logs",
        "nightly",
        "--as-of",
        AS_OF,
    ]


def _done(archive: Path) -> set[str]:
    with Archive(archive, read_only=True) as a:
        return set(
            a.query("SELECT stage FROM runs WHERE status='done' AND as_of = ?", [AS_OF])["stage"]
        )


@pytest.mark.slow
def test_kill_9_in_every_stage_then_rerun_is_consistent(
    tmp_path: Path, server: str, reference: dict[str, int]
) -> None:
    """kill -9 as soon as each stage has started, one stage after the other on one archive
    (each run resumes the killed one): a killed stage leaves nothing, the earlier ones stay
    done, and the last rerun ends exactly where an unbroken run ends."""
    cfg = _config(tmp_path, server)
    _settings(tmp_path, server)  # imports the Yemen counts
    archive = tmp_path / "a.duckdb"
    killed_in = []
    for kill_in in STAGES:
        before = set(STAGES[: STAGES.index(kill_in)])
        if kill_in in _done(archive):  # its commit landed before last run's signal
            continue
        proc = subprocess.Popen(
            _nightly_cmd(cfg), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        )
        assert proc.stderr is not None
        deadline = time.monotonic() + 300
        killed = False
        for line in proc.stderr:
            if f'"stage": "{kill_in}"' in line and "started" in line:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
            assert time.monotonic() < deadline, f"nightly did not reach {kill_in} in time"
        proc.wait(30)
        assert killed and proc.returncode == -signal.SIGKILL, kill_in
        # whole stages only: those before the killed one, and the killed one only if its
        # commit landed before the signal (fast stages can finish within the pipe's latency)
        assert _done(archive) in (before, before | {kill_in}), kill_in
        killed_in.append(kill_in)
    assert len(killed_in) >= len(STAGES) // 2, killed_in  # most stages were cut mid-way
    rerun = subprocess.run(_nightly_cmd(cfg), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _counts(archive) == reference


def test_sigterm_mid_stage_stops_cleanly_and_the_rerun_resumes(
    tmp_path: Path, server: str, reference: dict[str, int]
) -> None:
    """SIGTERM (systemd stopping the timer's job) while a stage runs: exit 143 with a message
    saying how to resume, the stages done are kept, the interrupted one leaves nothing, the
    lock is released, and the rerun ends where an unbroken run ends."""
    cfg = _config(tmp_path, server)
    _settings(tmp_path, server)
    stop_in = "series"
    before = set(STAGES[: STAGES.index(stop_in)])
    proc = subprocess.Popen(
        _nightly_cmd(cfg), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 300
    for line in proc.stderr:
        if f'"stage": "{stop_in}"' in line and "started" in line:
            proc.terminate()
            break
        assert time.monotonic() < deadline, f"nightly did not reach {stop_in} in time"
    rest = proc.stderr.read()
    assert proc.wait(60) == 143, rest[-2000:]
    assert "stopped (SIGTERM)" in rest and "run the same command again" in rest
    assert _done(tmp_path / "a.duckdb") in (before, before | {stop_in})
    rerun = subprocess.run(_nightly_cmd(cfg), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _counts(tmp_path / "a.duckdb") == reference


# the nightly on a full disk: a real tmpfs of a few MB, mounted in a user namespace (no root
# needed), holding a copy of the archive; its files are copied back out when the run ends.
# (RLIMIT_FSIZE, as the import's test uses, limits every file the process writes: a model's
# temporary file fails before the archive's write-ahead log, which grows by ~700 KB a night)
_ON_A_SMALL_DISK = """
mount -t tmpfs -o size="$1"k tmpfs "$2" || exit 99
cp "$3" "$2/"
disk="$2"; out="$4"; shift 4
"$@"; rc=$?
cp -a "$disk"/. "$out"/
exit $rc
"""


def _run_on_a_full_disk(cmd: list[str], archive: Path, room: int) -> subprocess.CompletedProcess:
    """Run ``cmd`` (``python -m earlywarn.cli ...``) with ``room`` bytes left for the archive."""
    unshare = shutil.which("unshare")
    if not unshare or subprocess.run([unshare, "-rm", "true"], capture_output=True).returncode:
        pytest.fail(
            "this test mounts a small tmpfs in an unprivileged user namespace (unshare -rm), "
            "which this machine refuses: allow user namespaces (e.g. sysctl "
            "kernel.unprivileged_userns_clone=1, or a container without the seccomp block)"
        )
    disk = archive.parent / "disk"
    disk.mkdir()
    size = (archive.stat().st_size + room) // 1024
    cmd = [*cmd[:3], "--archive", str(disk / archive.name), *cmd[3:]]
    script = [unshare, "-rm", "sh", "-c", _ON_A_SMALL_DISK, "sh", str(size), str(disk)]
    return subprocess.run(
        [*script, str(archive), str(archive.parent), *cmd],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_a_disk_that_fills_mid_night_is_a_clear_error_and_the_rerun_resumes(
    tmp_path: Path, server: str, reference: dict[str, int]
) -> None:
    """The archive's disk fills while a stage writes: exit 74 saying the disk is full and
    how to resume, no traceback; the stages done before it are kept intact, the one under
    way stored nothing, and once there is room the rerun ends where an unbroken run ends."""
    cfg = _config(tmp_path, server)
    _settings(tmp_path, server)  # imports the Yemen counts
    archive = tmp_path / "a.duckdb"
    quiet = [c for c in _nightly_cmd(cfg) if c != "-v"]  # -v logs tracebacks on purpose
    full = _run_on_a_full_disk(quiet, archive, room=300_000)
    assert full.returncode == 74, full.stderr[-3000:]
    assert "the disk is full: stage" in full.stderr, full.stderr[-3000:]
    assert "run the same command again to resume" in full.stderr
    assert "Traceback" not in full.stderr and "internal error" not in full.stderr
    done = _done(archive)  # the archive as the full disk left it: whole stages only
    assert done == set(STAGES[: len(done)]) and 0 < len(done) < len(STAGES) - 1, done
    with Archive(archive, read_only=True) as a:
        assert a.count("articles") == reference["articles"]  # collect's rows, intact
    rerun = subprocess.run(_nightly_cmd(cfg), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _counts(archive) == reference


@pytest.mark.slow
def test_two_runs_at_once(tmp_path: Path, server: str) -> None:
    cfg = _config(tmp_path, server)
    first = subprocess.Popen(
        _nightly_cmd(cfg), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert first.stderr is not None
    for line in first.stderr:  # wait until the first run holds the lock and works
        if '"stage": "collect"' in line:
            break
    second = subprocess.run(_nightly_cmd(cfg), capture_output=True, text=True, timeout=120)
    assert second.returncode == 75, second.stderr
    assert "another earlywarn job" in second.stderr
    first.stderr.read()
    assert first.wait(600) == 0
