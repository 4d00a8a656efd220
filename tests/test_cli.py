"""The command line: help, exit codes a scheduler can act on, errors that say what to do."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "earlywarn.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_help_lists_every_stage() -> None:
    r = _run("--help")
    assert r.returncode == 0
    for cmd in (
        "demo",
        "nightly",
        "collect",
        "extract",
        "network",
        "series",
        "forecast",
        "detect",
        "alerts",
        "report",
        "import",
        "backtest",
        "eval",
        "feeds",
    ):
        assert cmd in r.stdout


@pytest.mark.parametrize(
    ("command", "takes"),
    [("collect", True), ("nightly", True), ("health", False), ("report", False), ("series", False)],
)
def test_only_catalog_readers_offer_catalog(command: str, takes: bool) -> None:
    """--catalog is offered by the commands that read a feed catalog (collect, nightly),
    not by single stages that never read one (it was ignored there)."""
    r = _invoke(command, "--help")
    assert r.exit_code == 0, r.stderr
    assert ("--catalog" in r.stdout) is takes, r.stdout


def _invoke(*args: str) -> Any:
    """The CLI in this process (typer's CliRunner): stdout and stderr apart, the exit code."""
    from typer.testing import CliRunner

    from earlywarn.cli import app

    return CliRunner().invoke(app, list(args))


CATALOG = Path(__file__).resolve().parents[1] / "feeds/global.yaml"
YEMEN = Path(__file__).resolve().parents[1] / "earlywarn/demo/corpus/YEM_gdelt_monthly_long.csv"


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with the Yemen monthly counts (1,596 rows), imported through the CLI."""
    path = tmp_path_factory.mktemp("cli") / "a.duckdb"
    r = _invoke("--archive", str(path), "import", "counts", str(YEMEN))
    assert r.exit_code == 0, r.stderr
    return path


# The README's exit-code table, row by row: (code, what, arguments, a phrase of the message).
# "{a}" is the small archive, "{tmp}" a fresh folder.
EXIT_TABLE = [
    (0, "ok", ["--archive", "{a}", "status"], ""),
    (64, "usage: a bad date", ["--archive", "{a}", "report", "--as-of", "31/12/2024"], "YYYY-MM-DD"),
    (64, "usage: a future night (brief)", ["--archive", "{a}", "brief", "--as-of", "2099-01-01"], "in the future"),
    (64, "usage: a future night (perception)", ["--archive", "{a}", "perception", "--as-of", "2099-01-01"], "in the future"),
    (78, "output folder is a file (perception)", ["--archive", "{a}", "--out", "{tmp}/bad.tsv", "perception", "--as-of", "2016-05-31"], "output folder"),
    (64, "--html under a file (perception)", ["--archive", "{a}", "perception", "--as-of", "2016-05-31", "--html", "{tmp}/bad.tsv/p.html"], "bad.tsv is a file, not a folder"),
    (64, "--html under a file (brief)", ["--archive", "{a}", "brief", "--as-of", "2016-05-31", "--html", "{tmp}/bad.tsv/b.html"], "bad.tsv is a file, not a folder"),
    (64, "--out under a file (network export)", ["--archive", "{a}", "network", "export", "--as-of", "2016-05-31", "--out", "{tmp}/bad.tsv/n.gexf"], "bad.tsv is a file, not a folder"),
    (64, "usage: unknown import kind", ["--archive", "{a}", "import", "acme", str(YEMEN)], "gdelt"),
    (65, "bad data", ["--archive", "{tmp}/b.duckdb", "import", "icews", "{tmp}/bad.tsv"], "ICEWS"),
    (66, "missing import file", ["--archive", "{a}", "import", "icews", "{tmp}/no.tsv"], "does not exist"),
    (66, "missing archive: report", ["--archive", "{tmp}/no.duckdb", "report", "--as-of", "2016-05-31"], "earlywarn demo"),
    (66, "missing experiment file", ["backtest", "{tmp}/no.yaml"], "does not exist"),
    (64, "feeds export to an unknown format", ["feeds", "export", str(CATALOG), "{tmp}/feeds.txt"], ".opml, .yaml"),
    (66, "missing archive: status", ["--archive", "{tmp}/no.duckdb", "status"], "does not exist"),
    (70, "a stage failed", ["--archive", "{a}", "--out", "{tmp}/out", "report", "--as-of", "2016-05-31"], "stage report failed"),
    (74, "archive I/O", ["--archive", "{tmp}/corrupt.duckdb", "status"], "not a DuckDB file"),
    (75, "archive locked", ["--archive", "{a}", "series", "--as-of", "2016-05-31"], "--wait"),
    (78, "configuration", ["--config", "{tmp}/bad.toml", "status"], "unknown key 'focal_contry'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "what", "args", "says"), EXIT_TABLE, ids=[f"{r[0]} {r[1]}" for r in EXIT_TABLE]
)
def test_exit_code_table(
    small_archive: Path, tmp_path: Path, code: int, what: str, args: list[str], says: str
) -> None:
    from filelock import FileLock

    (tmp_path / "bad.tsv").write_text("garbage\tdata\n1\t2\n")
    (tmp_path / "out" / "report-2016-05-31.html").mkdir(parents=True)  # a folder where the report goes
    (tmp_path / "corrupt.duckdb").write_bytes(b"\x00garbage" * 1000)
    (tmp_path / "bad.toml").write_text('focal_contry = "VNM"\n')
    argv = [a.replace("{a}", str(small_archive)).replace("{tmp}", str(tmp_path)) for a in args]
    if code == 75:
        with FileLock(f"{small_archive}.lock"):
            r = _invoke(*argv)
    else:
        r = _invoke(*argv)
    assert r.exit_code == code, (what, r.stdout[-2000:], r.stderr[-2000:])
    assert says in r.stderr, r.stderr[-2000:]
    assert not (tmp_path / "no.duckdb").exists()  # a read-only command created nothing


def test_usage_error_exits_64() -> None:
    """click's own usage errors (exit 2) become 64 in the installed command."""
    r = _run("nightly", "--no-such-option")
    assert r.returncode == 64 and "No such option" in r.stderr
    # an out-of-range count is refused by the option, not by a traceback deep inside (70)
    r = _run("eval", "brief", "--sentences", "0")
    assert r.returncode == 64 and "--sentences" in r.stderr and "Traceback" not in r.stderr


def test_default_log_level_is_warning(tmp_path: Path) -> None:
    """Without -v only warnings and errors are logged; -v adds INFO (-vv DEBUG, as --help says)."""
    a = str(tmp_path / "a.duckdb")
    quiet = _run("--archive", a, "import", "counts", str(YEMEN))
    assert quiet.returncode == 0, quiet.stderr
    assert "INFO" not in quiet.stderr and "DEBUG" not in quiet.stderr, quiet.stderr
    info = _run("--archive", str(tmp_path / "b.duckdb"), "-v", "import", "counts", str(YEMEN))
    assert info.returncode == 0 and "INFO" in info.stderr and "DEBUG" not in info.stderr


def test_status_json_is_one_document(small_archive: Path) -> None:
    """``status --json`` prints one JSON document; the plain form prints tables."""
    import json

    r = _invoke("--archive", str(small_archive), "status", "--json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["counts"]["counts"] == 1596 and doc["runs"][0]["stage"].startswith("import:counts")
    plain = _invoke("--archive", str(small_archive), "status")
    assert plain.exit_code == 0 and "table" in plain.stdout and "1596" in plain.stdout
    assert "(import)" in plain.stdout and "1970" not in plain.stdout  # no placeholder night


def test_json_logs_keep_stdout_parseable(tmp_path: Path) -> None:
    """Logs (JSON lines) go to stderr; stdout is the command's JSON and nothing else."""
    import json

    r = _run(
        "--archive", str(tmp_path / "a.duckdb"), "-v", "--json-logs", "import", "counts", str(YEMEN)
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["rows_kept"] == 1596
    logs = [json.loads(line) for line in r.stderr.splitlines() if line.startswith("{")]
    assert any(rec["level"] == "INFO" and rec["logger"].startswith("earlywarn") for rec in logs)
    plain = _run("--archive", str(tmp_path / "a.duckdb"), "-v", "import", "counts", str(YEMEN))
    assert json.loads(plain.stdout)["rows_kept"] == 1596 and "imported" in plain.stderr


@pytest.mark.parametrize("kind", ["icews", "counts"])
def test_import_twice_changes_nothing(tmp_path: Path, kind: str) -> None:
    from earlywarn.demo import CORPUS
    from earlywarn.store import Archive

    path = {
        "icews": CORPUS / "icews18_2018-08-29_2018-10-31.tsv.gz",
        "counts": CORPUS / "YEM_gdelt_monthly_long.csv",
    }[kind]
    archive = tmp_path / "a.duckdb"
    for _ in range(2):
        r = _run("--archive", str(archive), "import", kind, str(path))
        assert r.returncode == 0, r.stderr
    table = "counts" if kind == "counts" else "events"
    with Archive(archive, read_only=True) as a:
        assert a.count(table) == {"icews": 95540, "counts": 1596}[kind]


def test_feeds_check_offline_validates_catalog() -> None:
    repo = Path(__file__).resolve().parents[1]
    r = _run("feeds", "check", str(repo / "feeds" / "global.yaml"))
    assert r.returncode == 0, r.stderr
    assert "languages" in r.stdout


def _run_on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal (as in an interactive shell)."""
    import os
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "earlywarn.cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    out = proc.communicate(timeout=300)[0]
    os.close(master)
    return proc.returncode, out.decode(), b"".join(chunks).decode(errors="replace")


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    """A bar with counts and ETA on stderr when it is a terminal; none with -q or in a pipe."""
    import json

    code, out, tty = _run_on_a_terminal(
        "--archive", str(tmp_path / "a.duckdb"), "import", "counts", str(YEMEN)
    )
    assert code == 0, tty
    assert "rows" in tty and "1596/1596" in tty and "eta" in tty
    assert json.loads(out)["rows_kept"] == 1596  # stdout is still only the JSON
    code, _, quiet = _run_on_a_terminal(
        "-q", "--archive", str(tmp_path / "a.duckdb"), "import", "counts", str(YEMEN)
    )
    assert code == 0 and "eta" not in quiet and "1596/1596" not in quiet
    piped = _run("--archive", str(tmp_path / "b.duckdb"), "import", "counts", str(YEMEN))
    assert piped.returncode == 0 and "eta" not in piped.stderr and "1596/1596" not in piped.stderr


@pytest.mark.slow
def test_backtest_logs_to_mlflow_tracking_uri(tmp_path: Path) -> None:
    """With no option or setting, `earlywarn backtest` logs where MLFLOW_TRACKING_URI says."""
    import os

    from earlywarn.tracking import Tracker

    repo = Path(__file__).resolve().parents[1]
    uri = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYWARN_")}
    r = subprocess.run(
        [sys.executable, "-m", "earlywarn.cli", "--out", str(tmp_path / "out"), "backtest",
         str(repo / "experiments" / "demo.yaml"), "--scheduler", "synchronous"],
        capture_output=True, text=True, timeout=600, env={**env, "MLFLOW_TRACKING_URI": uri},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    assert not (tmp_path / "out" / "mlflow.db").exists()
    import mlflow

    env_registry = os.environ.get("MLFLOW_REGISTRY_URI")
    model = Tracker(uri, "demo").load_model("earlywarn-demo")  # the champion, registered there
    assert model is not None
    # loading pinned no process-wide MLflow state: the registry still follows the tracking URI
    assert os.environ.get("MLFLOW_REGISTRY_URI") == env_registry
    old = mlflow.get_tracking_uri()
    other = f"sqlite:///{tmp_path / 'other.db'}"
    try:
        mlflow.set_tracking_uri(other)
        assert mlflow.get_registry_uri() == other
    finally:
        mlflow.set_tracking_uri(old)


def test_help_names_what_exists() -> None:
    """nightly --help lists the stages it runs (all of STAGES, not an old subset); eval's
    help lists its subcommands; a bad eval option is refused in the CLI's own words."""
    from earlywarn.pipeline import STAGES

    nightly = _invoke("nightly", "--help")
    text = " ".join(nightly.stdout.split()).replace("│", "")
    assert all(stage in text for stage in STAGES), text
    top = " ".join(_invoke("eval", "--help").stdout.split())
    assert all(cmd in top for cmd in ("brief", "search", "network", "perception", "pickup"))
    bad = _invoke("eval", "network", "--half", "test")
    assert bad.exit_code == 64 and "tuning, held_aside or both" in bad.stderr
    assert "--data" not in bad.stderr  # argparse's usage of an option the CLI does not have


def test_serve_refuses_a_busy_port_and_collect_takes_a_catalog(
    small_archive: Path, tmp_path: Path
) -> None:
    """serve on a port another program holds: a usage error saying what to do (uvicorn
    logged its startup, then the bind error, and exited 3); collect takes --catalog, which
    its own 'no feed catalog' error tells the user to pass."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = _invoke("--archive", str(small_archive), "serve", "--port", str(port))
    assert r.exit_code == 64 and "pick another --port" in r.stderr, r.stderr
    r = _invoke(
        "--archive", str(tmp_path / "a.duckdb"), "collect", "--as-of", "2019-11-20",
        "--catalog", str(tmp_path / "none.yaml"),
    )  # fmt: skip
    assert r.exit_code == 78 and "none.yaml does not exist" in r.stderr, r.stderr


def test_help_shows_no_value_after_flags() -> None:
    """A flag takes no value, so --help shows none after it (typer's rich help printed
    `--quiet <bool>`, `--help <bool>`, `-v <int>`); options that take one keep theirs."""
    for args in (["--help"], ["report", "--help"], ["nightly", "--help"]):
        h = _invoke(*args).stdout
        assert "<bool>" not in h and "<int>" not in h, h
    top = " ".join(_invoke("--help").stdout.split())
    assert "--config -c <path>" in top and "--quiet -q Only errors." in top, top


def test_stage_force_turns_off(tmp_path: Path) -> None:
    """A one-stage command reruns its stage by default; --no-force skips it when it is
    already done for the date, and --help says both (it showed `--force [default: True]`)."""
    for stage in ("report", "collect", "network"):
        h = " ".join(_invoke(stage, "--help").stdout.split())
        assert "--force --no-force" in h and "--no-force skips it" in h, h
    a, out = str(tmp_path / "a.duckdb"), str(tmp_path / "out")
    assert _invoke("--archive", a, "import", "counts", str(YEMEN)).exit_code == 0
    args = ["--archive", a, "--out", out, "report", "--as-of", "2016-05-31"]
    first, again = _invoke(*args), _invoke(*args)
    assert first.exit_code == again.exit_code == 0, first.stderr
    assert "already done" not in first.stdout and "already done" not in again.stdout
    skip = _invoke(*args, "--no-force")
    assert skip.exit_code == 0 and "already done" in skip.stdout, skip.stdout


def test_report_logs_the_final_path(tmp_path: Path) -> None:
    """With -v the report stage logs the file it leaves, not its temporary file."""
    import json

    a, out = tmp_path / "a.duckdb", tmp_path / "out"
    assert _run("--archive", str(a), "import", "counts", str(YEMEN)).returncode == 0
    args = ["--archive", str(a), "--out", str(out), "-v", "--json-logs", "report"]
    r = _run(*args, "--as-of", "2016-05-31")
    assert r.returncode == 0, r.stderr
    said = [json.loads(line)["message"] for line in r.stderr.splitlines() if line.startswith("{")]
    written = [m for m in said if m.startswith("report written to")]
    assert written == [f"report written to {out / 'report-2016-05-31.html'} (0 alerts)"], said
    assert [p.name for p in out.glob("*.html")] == ["report-2016-05-31.html"]


def test_a_library_configuring_logging_later_does_not_silence_earlywarn() -> None:
    """dateparser (through trafilatura's htmldate) configures logging the first time it logs
    when the root logger has no handler, with ``disable_existing_loggers``: every earlywarn
    logger went silent for the rest of the run and DEBUG lines of every library went to
    stdout, a command's data. The CLI's logging set-up gives the root logger Python's own
    last resort as a handler, and re-enables earlywarn's loggers."""
    import logging

    from dateparser.utils import get_logger

    import earlywarn._tracking_buffer  # noqa: F401  (its logger exists, as in a nightly run)
    from earlywarn._log import configure_logging

    before = list(logging.root.handlers)
    try:
        for h in before:
            logging.root.removeHandler(h)  # a fresh process: no handler on the root logger
        configure_logging(logging.INFO)
        get_logger()  # dateparser's set-up, as when it first logs
        assert not logging.getLogger("earlywarn._tracking_buffer").disabled
        assert not any(
            getattr(h, "stream", None) is sys.stdout for h in logging.root.handlers
        ), logging.root.handlers
        logging.getLogger("earlywarn._tracking_buffer").disabled = True  # silenced earlier
        configure_logging(logging.INFO)
        assert not logging.getLogger("earlywarn._tracking_buffer").disabled
    finally:
        for h in list(logging.root.handlers):
            logging.root.removeHandler(h)
        for h in before:
            logging.root.addHandler(h)


def test_help_paragraphs_are_not_cut_by_docstring_line_breaks() -> None:
    """Typer's rich help keeps a docstring's line breaks in the command list and in every
    paragraph after the first: `earlywarn --help` showed perception's help as ragged
    half-lines. Every command's help (all sub-apps) has its paragraphs on one line."""
    import inspect

    import typer

    from earlywarn.cli import app

    def commands(cmd: Any, path: str) -> Iterator[tuple[str, str]]:
        yield path, cmd.help or ""
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from commands(sub, f"{path} {name}")

    seen = dict(commands(typer.main.get_command(app), "earlywarn"))
    assert {"earlywarn perception", "earlywarn eval alerts", "earlywarn feeds check"} <= set(seen)
    cut = [
        path
        for path, text in seen.items()
        if any("\n" in p for p in inspect.cleandoc(text).split("\n\n"))
    ]
    assert not cut, f"help with a line break inside a paragraph: {cut}"


def test_nightly_without_a_catalog_says_which_stages_run_without_one(
    small_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new user who imported event history and ran `earlywarn nightly` was told only to
    set a catalog; the event stages run without one, and the message now says how."""
    monkeypatch.delenv("EARLYWARN_CATALOG", raising=False)
    monkeypatch.chdir(tmp_path)  # no earlywarn.toml here
    archive = tmp_path / "copy.duckdb"
    archive.write_bytes(small_archive.read_bytes())
    r = _invoke("--archive", str(archive), "nightly", "--as-of", "2016-05-31")
    assert r.exit_code == 78, r.stderr
    hint = r.stderr[r.stderr.index("--stages") :].split()[1]
    assert hint == "series,health,forecast,detect,alerts,report", r.stderr
    # a missing setting is no failed stage: status showed '2016-05-31 collect failed'
    from earlywarn.store import Archive

    with Archive(archive, read_only=True) as a:
        failed = a.query("SELECT stage FROM runs WHERE status = 'failed' AND stage = 'collect'")
    assert failed.empty, failed
    stages = hint.split(",")[:1]  # the stage the hint starts with runs on the archive as is
    r = _invoke("--archive", str(archive), "nightly", "--as-of", "2016-05-31", "--stages", *stages)
    assert r.exit_code == 0, r.stderr


def test_python_dash_m_earlywarn_is_the_command(tmp_path: Path) -> None:
    """``python -m earlywarn`` failed: 'earlywarn' is a package and cannot be directly
    executed (a notebook's ``!python -m earlywarn demo``); it is the command, exit codes too."""
    from earlywarn import __version__

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "earlywarn", *args],
            capture_output=True, text=True, timeout=120, cwd=tmp_path, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    r = run("--version")
    assert r.returncode == 0 and __version__ in r.stdout, r.stderr
    r = run("status", "--bogus")
    assert r.returncode == 64, r.stderr


def test_json_logs_are_json_for_other_libraries_too() -> None:
    """With --json-logs, a library's warning (Dask's 'Worker process still alive after 4.0
    seconds, killing' at the end of a nightly) was a plain line among the JSON ones."""
    import json

    code = (
        "import logging\n"
        "from earlywarn._log import configure_logging\n"
        "configure_logging(json_logs=True)\n"
        "logging.getLogger('distributed.nanny').warning('Worker process still alive')\n"
        "logging.getLogger('earlywarn.pipeline').warning('ours')\n"
        "configure_logging(json_logs=False)\n"
        "logging.getLogger('cmdstanpy').warning('plain again')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    lines = r.stderr.splitlines()
    assert lines[-1] == "plain again", r.stderr  # text logs stay text
    records = [json.loads(line) for line in lines[:-1]]
    assert [(x["logger"], x["message"]) for x in records] == [
        ("distributed.nanny", "Worker process still alive"),
        ("earlywarn.pipeline", "ours"),
    ]
