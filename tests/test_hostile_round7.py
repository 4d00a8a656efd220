"""Hostile inputs, seventh round (issue 14; tests/HOSTILE.md): model specs and experiment
files that are no files, bidirectional controls in titles and feed names, the MLflow buffer
cut off mid-write, an MLflow server dripping its answers, a read-only archive file. Each
through a real entry point: the CLI, a loopback HTTP server, the MLflow client, real files."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlywarn.cli import app

REPO = Path(__file__).resolve().parents[1]
RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"


def _cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


# -- a model spec or an experiment file that is a named pipe or a device --------------------

_LOAD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from earlywarn.errors import ConfigError
from earlywarn.forecast.specs import load_models
from earlywarn.forecast.experiment import run_experiment
try:
    (run_experiment if sys.argv[1] == "experiment" else load_models)(sys.argv[2])
except ConfigError as exc:
    print("ConfigError:", exc)
"""


@pytest.mark.parametrize("what", ["pipe", "device"])
@pytest.mark.parametrize("where", ["models", "experiment"])
def test_a_model_spec_or_experiment_that_is_no_file_is_a_config_error(
    tmp_path: Path, what: str, where: str
) -> None:
    """`models/x.yaml` a named pipe was read for ever (the forecast stage and every backtest
    hung); a link to /dev/zero read until memory ran out (MemoryError, or the machine's
    memory without a limit). The same for an experiment file. Now a config error naming it."""
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "naive.yaml").write_text("name: naive\nestimator: Naive\n")
    odd = folder / "evil.yaml" if where == "models" else tmp_path / "e.yaml"
    if what == "pipe":
        os.mkfifo(odd)
    else:
        odd.symlink_to("/dev/zero")
    target = folder if where == "models" else odd
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        r = subprocess.run(
            [sys.executable, "-c", _LOAD, where, str(target)],
            capture_output=True, text=True, timeout=60, env=env,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"loading {odd} hung")
    kind = "a named pipe" if what == "pipe" else "a character device"
    assert f"ConfigError: {odd}:" in r.stdout and kind in r.stdout, (r.stdout, r.stderr[-2000:])


# -- bidirectional controls in feed titles and feed names -----------------------------------


def test_bidi_controls_in_feed_items_are_dropped_before_storing() -> None:
    """An item title `Protest in <RLO>ionaH` reads 'Protest in Hanoi' in the report and the
    review page, and its unclosed override reversed what followed it on the line (outlet,
    date): the text a reader sees is not the text stored, searched and coded. Collect now
    drops the explicit embeddings, overrides and isolates (U+202A-E, U+2066-9) as it drops
    C0 controls; Arabic keeps its letters and its marks (U+200F)."""
    from earlywarn.collect import Feed, collect
    from earlywarn.report._text import plain_text
    from tests.collect.conftest import settings
    from tests.collect.test_hostile import _static
    from tests.collect.test_hostile_text import PAGE
    from tests.hostile import raw_server

    when = "Wed, 01 Jan 2025 08:00:00 +0000"
    titles = {
        "/a": f"Protest in {RLO}ionaH",
        "/b": f"{LRI}Embassy{PDI} statement {PDF}",
        "/c": "\u0645\u0631\u062d\u0628\u0627\u200f 2025",  # Arabic with a RIGHT-TO-LEFT MARK
    }
    with raw_server() as srv:
        items = "".join(
            f"<item><title>{t}</title><link>{srv.url(p)}</link><pubDate>{when}</pubDate>"
            f"<description>{t} {RLO}txet</description></item>"
            for p, t in titles.items()
        )
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
        srv.routes["/feed"] = _static(feed.encode(), "application/rss+xml")
        for path in titles:
            srv.routes[path] = _static(PAGE)
        out = collect(
            [Feed(srv.url("/feed"), outlet="x")], dt.date(2025, 1, 2), settings=settings()
        )
    got = sorted(out.articles["title"])
    assert got == sorted(
        ["Protest in ionaH", "Embassy statement", "\u0645\u0631\u062d\u0628\u0627\u200f 2025"]
    )
    for col in ("title", "summary", "text"):
        for value in out.articles[col].dropna():
            assert not any(ch in value for ch in (RLO, PDF, LRI, PDI)), (col, value)
    # a title stored before this fix is shown without its override
    assert plain_text(f"Protest in {RLO}ionaH") == "Protest in ionaH"


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [("outlet", f"Good News{RLO}", "U+202E"), ("title", "Tin\tmới", "U+0009"),
     ("family", f"{LRI}FPT", "U+2066")],
)  # fmt: skip
def test_a_feed_name_with_a_control_or_bidi_character_is_a_config_error(
    tmp_path: Path, key: str, value: str, code: str
) -> None:
    """The catalog's names (title, outlet, family) were kept as written: an outlet ending in
    U+202E reversed the health table's line naming it (a silent or degraded feed, in the
    report and the review page); a tab or line break split log lines. Now a config error."""
    cat = tmp_path / "cat.yaml"
    cat.write_text(
        json.dumps([{"url": "https://e.example.org/rss", "language": "en", key: value}]),
        encoding="utf-8",
    )
    r = _cli("feeds", "check", str(cat))
    assert r.exit_code == 78, r.output  # type: ignore[attr-defined]
    assert f"key '{key}' holds {code}" in r.output  # type: ignore[attr-defined]


# -- the MLflow buffer cut off mid-write ----------------------------------------------------


@pytest.mark.slow  # MLflow creates its sqlite store (~10 s)
def test_a_torn_line_in_the_mlflow_buffer_loses_nothing(tmp_path: Path) -> None:
    """A crash (or a full disk) in the middle of an append leaves the buffer's last line cut
    off. Every later sync failed on it (JSONDecodeError raised again inside the handler), so
    the nightly run that found it logged nothing and buffered nothing, night after night.
    Now the torn line is set aside (buffer.torn.jsonl) and every whole call is replayed;
    the next append starts a line of its own."""
    import mlflow

    from earlywarn.tracking import Tracker, log_pipeline_run
    from tests.mlflow_server import free_port

    store = tmp_path / "mlflow.db"
    uri = f"sqlite:///{store}"
    buffer = tmp_path / "mlflow-buffer"  # beside the sqlite store: log_pipeline_run's buffer
    down = Tracker(f"http://127.0.0.1:{free_port()}", "ew", buffer_dir=buffer)  # nobody there
    down.log_run("nightly 2025-01-01", metrics={"m": 1.0})
    assert down.offline and down.pending() == 1
    with down.buffer_file.open("a") as fh:
        fh.write('{"op": "log_run", "local_id": "local-x", "name": "nigh')  # cut off
    down.log_run("nightly 2025-01-02", metrics={"m": 2.0})  # appended after the torn line
    assert log_pipeline_run(uri, "ew", "2025-01-03", {"collect": 1.0}, {}, {}) is not None
    runs = mlflow.MlflowClient(uri).search_runs(
        [mlflow.MlflowClient(uri).get_experiment_by_name("ew").experiment_id]
    )
    assert sorted(r.info.run_name for r in runs) == [
        "nightly 2025-01-01", "nightly 2025-01-02", "nightly 2025-01-03"
    ]  # fmt: skip
    assert not down.buffer_file.exists()
    assert (
        (buffer / "buffer.torn.jsonl")
        .read_text()
        .startswith('{"op": "log_run", "local_id": "local-x"')
    )


# -- an MLflow server dripping its answers ---------------------------------------------------


def test_an_mlflow_server_dripping_its_answers_does_not_hold_the_night(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MLflow's timeout bounds each socket read, so a server sending its answer a byte a
    second held the nightly run's logging for as long as it dripped (126 s for one 140-byte
    answer; for ever for an endless one). Now each call has a deadline in all
    (EARLYWARN_MLFLOW_CALL_DEADLINE, 120 s by default): past it the call is buffered and
    the tracker stays offline, nothing lost."""
    from earlywarn.tracking import log_pipeline_run
    from tests.hostile import Conn, raw_server

    def drip(conn: Conn) -> None:
        conn.drip(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X: y\r\n" * 500, 0.5)

    monkeypatch.setenv("EARLYWARN_MLFLOW_CALL_DEADLINE", "1.5")
    monkeypatch.chdir(tmp_path)  # the buffer of an http store: ./.earlywarn/mlflow-buffer
    with raw_server() as srv:
        for path in ("experiments/get-by-name", "experiments/create", "runs/create"):
            srv.routes[f"/api/2.0/mlflow/{path}"] = drip
        t0 = time.monotonic()
        assert log_pipeline_run(srv.url(""), "ew", "2025-01-01", {"collect": 1.0}, {}, {}) is None
        took = time.monotonic() - t0
    assert took < 6, took
    lines = (tmp_path / ".earlywarn" / "mlflow-buffer" / "buffer.jsonl").read_text().splitlines()
    assert [json.loads(x)["name"] for x in lines] == ["nightly 2025-01-01"]


# -- a read-only archive file ----------------------------------------------------------------


def test_a_read_only_archive_file_is_named_not_called_damaged(tmp_path: Path) -> None:
    """An archive file the user may not write (mode 444; as root, the immutable attribute):
    a writing command said 'cannot open archive ...: Operation not permitted; restore it
    from a backup', of a file that was whole (a reader might replace a good archive). Now
    it names the permission and how to fix it (74); reading commands still work."""
    from earlywarn.store import Archive

    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    archive.chmod(0o444)
    immutable = False
    if os.access(archive, os.W_OK):  # root ignores the mode bits: make it immutable
        immutable = (
            subprocess.run(["chattr", "+i", str(archive)], capture_output=True).returncode == 0
        )
    try:
        assert not os.access(archive, os.W_OK), (
            "could not make the archive read-only: as root, 'chattr +i' (e2fsprogs) is needed"
        )
        r = _cli("--archive", str(archive), "health")
        assert r.exit_code == 74, r.output  # type: ignore[attr-defined]
        out = " ".join(r.output.split())  # type: ignore[attr-defined]
        assert "the file is read-only for this user" in out and "backup" not in out, out
        r = _cli("--archive", str(archive), "export", "inbox", "--out", str(tmp_path / "i.csv"))
        assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(archive)], check=True)
        archive.chmod(0o644)
