"""Hostile inputs, eighth round (tests/HOSTILE.md): process variables beside the settings,
config files in the encodings Windows editors save, rule files that can never fire, empty
feed catalogs, impossible coordinates in imports, a full disk under the search index, words
wider than a phone. Each through a real entry point: the CLI, the public API, real files,
a real tmpfs-like limit (RLIMIT_FSIZE) and Debian's Chromium."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlywarn.cli import app
from earlywarn.store import Archive

REPO = Path(__file__).resolve().parents[1]


def _cli(*args: str, env: dict[str, str] | None = None) -> object:
    return CliRunner().invoke(app, list(args), env=env)


# -- EARLYWARN_* variables that are no setting ------------------------------------------------


def test_the_documented_process_variables_are_not_settings(tmp_path: Path) -> None:
    """EARLYWARN_SHARED_DATA (which the evals' errors say to set) and
    EARLYWARN_MLFLOW_CALL_DEADLINE (the MLflow deadline) were read by the settings layer
    as keys: every command exited 78 'unknown key shared_data'. An unknown variable is
    still refused, naming the variable as written."""
    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    for var, value in (
        ("EARLYWARN_SHARED_DATA", str(tmp_path)),
        ("EARLYWARN_MLFLOW_CALL_DEADLINE", "30"),
    ):
        r = _cli("--archive", str(archive), "status", "--json", env={var: value})
        assert r.exit_code == 0, (var, r.output)  # type: ignore[attr-defined]
    r = _cli("--archive", str(archive), "status", env={"EARLYWARN_HTTP__USER_AGNET": "x"})
    assert r.exit_code == 78  # type: ignore[attr-defined]
    assert "unknown variable EARLYWARN_HTTP__USER_AGNET" in r.output  # type: ignore[attr-defined]


# -- config files saved by Windows editors ----------------------------------------------------


def test_yaml_config_files_in_windows_encodings(tmp_path: Path) -> None:
    """A rules file saved as Windows-1252 (an accented word in a comment) failed the alerts
    stage with UnicodeDecodeError (70); a model spec or an experiment saved as UTF-16
    (Notepad's "Unicode", PowerShell) was the same internal error. Now UTF-16 with its mark
    is read like UTF-8 (as the TOML file already was), other bytes a config error (78)."""
    from earlywarn.alerts.rules import load_rules
    from earlywarn.errors import ConfigError
    from earlywarn.forecast.experiment import run_experiment
    from earlywarn.forecast.specs import load_models

    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    rules = (REPO / "earlywarn" / "data" / "alerts.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "rules.yaml"
    bad.write_bytes(("# règles du ministère\n" + rules).encode("cp1252"))
    r = _cli("--archive", str(archive), "alerts", "--as-of", "2016-01-31",
             env={"EARLYWARN_RULES": str(bad)})  # fmt: skip
    assert r.exit_code == 78, r.output  # type: ignore[attr-defined]
    assert f"{bad}: not UTF-8 text" in r.output and "save it as UTF-8" in r.output  # type: ignore[attr-defined]
    good = tmp_path / "rules16.yaml"
    good.write_text(rules, encoding="utf-16")
    assert len(load_rules(good)) == len(load_rules())
    models = tmp_path / "models"
    models.mkdir()
    (models / "naive.yaml").write_text("name: naive\nestimator: Naive\n", encoding="utf-16")
    assert list(load_models(models)) == ["naive"]
    exp = tmp_path / "e.yaml"
    exp.write_bytes("name: démo\nseries: {path: x.csv}\n".encode("cp1252"))
    with pytest.raises(ConfigError, match=re.escape(f"{exp}: not UTF-8 text")):
        run_experiment(exp)


# -- rule files that can never fire ------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "says"),
    [
        ("rules: []\n", "'rules' is empty, so no alert could ever be raised"),
        ("rules:\n- {name: a, detector: zscroe}\n", "key 'detector': 'zscroe' is not one of"),
        ("rules:\n- {name: a, event_class: [plover:ASSUALT]}\n", "key 'event_class'"),
        ("rules:\n- {name: a, event_class: [cameo:27]}\n", "key 'event_class'"),
        ("rules:\n- {name: a, window: 0D}\n", "'0D' is an empty window"),
        ("rules:\n- {name: a, threshold: -5}\n", "key 'threshold' must be above 0"),
        ("rules:\n- {name: a, threshold: 0}\n", "key 'threshold' must be above 0"),
    ],
)
def test_a_rules_file_that_can_never_fire_is_a_config_error(
    tmp_path: Path, rules: str, says: str
) -> None:
    """`rules: []`, a misspelled detector or PLOVER class, a CAMEO root past 20 and a
    window of no days were accepted (exit 0): the alerts stage raised nothing, night after
    night, without a word (as `channels: []` silently sent nothing before the fifth round).
    A threshold of 0 or below (the review page's form refuses it) flagged every period as
    expected or above: alerts on most series."""
    from earlywarn.alerts.rules import load_rules
    from earlywarn.errors import ConfigError

    path = tmp_path / "rules.yaml"
    path.write_text(rules)
    with pytest.raises(ConfigError, match=re.escape(says)):
        load_rules(path)
    if rules == "rules: []\n":  # and through the nightly's alerts stage
        archive = tmp_path / "a.duckdb"
        Archive(archive).close()
        r = _cli("--archive", str(archive), "alerts", "--as-of", "2016-01-31",
                 env={"EARLYWARN_RULES": str(path)})  # fmt: skip
        assert r.exit_code == 78 and says in r.output, r.output  # type: ignore[attr-defined]


# -- a feed catalog that lists no feed ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("c.yaml", "feeds: []\n", "the catalog lists no feed (its 'feeds' list is empty)"),
        ("c.opml", '<?xml version="1.0"?><opml version="2.0"><head/><body/></opml>',
         "the catalog lists no feed (no outline with an xmlUrl)"),
        ("c.opml", '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item>'
         "<link>https://e.com/a</link></item></channel></rss>",
         "its root element is <rss>, not <opml> (a feed, not a list of feeds)"),
    ],
)  # fmt: skip
def test_a_catalog_that_lists_no_feed_is_a_config_error(
    tmp_path: Path, name: str, text: str, says: str
) -> None:
    """An empty YAML list, an OPML without outlines and a feed given where the catalog goes
    were '0 feeds' (exit 0) for `feeds check`, and `collect` fetched nothing, night after
    night, with exit 0."""
    cat = tmp_path / name
    cat.write_text(text)
    r = _cli("feeds", "check", str(cat))
    assert r.exit_code == 78 and says in r.output, r.output  # type: ignore[attr-defined]
    r = _cli("--archive", str(tmp_path / "a.duckdb"), "collect", "--as-of", "2025-01-01",
             "--catalog", str(cat))  # fmt: skip
    assert r.exit_code == 78 and says in r.output, r.output  # type: ignore[attr-defined]


# -- coordinates off the globe in imports ------------------------------------------------------


def test_imported_coordinates_off_the_globe_are_made_null(shared_data: Path, tmp_path: Path) -> None:
    """A latitude of 95 or -inf, a longitude of 400 or 1e308 (ACLED through pandas, GDELT
    through DuckDB) were stored as given. Now the coordinate is null and the event kept,
    counted as repaired."""
    from earlywarn.io.gdelt import V1_COLUMNS

    acled = tmp_path / "acled.csv"
    head = "event_id_cnty,event_date,sub_event_type,actor1,country,latitude,longitude,iso3\n"
    rows = ["95,44", "15,400", "-inf,1e308", "15.35,44.2"]
    acled.write_text(head + "".join(
        f"YEM{i},12 March 2020,Peaceful protest,Protesters,Yemen,{ll},YEM\n"
        for i, ll in enumerate(rows)
    ))  # fmt: skip
    archive = tmp_path / "a.duckdb"
    r = _cli("--archive", str(archive), "-q", "import", "acled", str(acled))
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    assert '"coordinates_off_the_globe": 3' in r.output  # type: ignore[attr-defined]
    lines = (shared_data / "gdelt/events_v1_daily_20170912_sample.tsv").read_text().splitlines()
    lat, lon = V1_COLUMNS.index("ActionGeo_Lat"), V1_COLUMNS.index("ActionGeo_Long")
    for i, (a, b) in enumerate((("-91", "10"), ("10", "inf")), start=1):
        f = lines[i].split("\t")
        f[lat], f[lon] = a, b
        lines[i] = "\t".join(f)
    gdelt = tmp_path / "20170912.export.CSV"
    gdelt.write_text("\n".join(lines[:20]) + "\n")
    r = _cli("--archive", str(archive), "-q", "import", "gdelt", str(gdelt))
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    report = json.loads(r.output)  # type: ignore[attr-defined]
    assert report["repaired"] == {"coordinates_off_the_globe": 2}, report
    with Archive(archive, read_only=True) as a:
        got = a.con.execute("SELECT count(*), count(lat), count(lon), max(abs(lat)), "
                            "max(abs(lon)) FROM events").fetchone()  # fmt: skip
    assert got is not None and got[0] == 4 + report["rows_kept"] and got[3] <= 90 and got[4] <= 180, got


# -- a full disk under the search index ------------------------------------------------------

_FSIZE = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
from earlywarn.cli import main
sys.argv = ["earlywarn", "--archive", sys.argv[1], "search", "--rebuild"]
main()
"""


@pytest.mark.slow  # a real archive, its index, and a subprocess (~20 s on a loaded machine)
def test_a_full_disk_under_search_rebuild_keeps_the_old_index(tmp_path: Path) -> None:
    """`earlywarn search --rebuild` on a disk too full for the new index (RLIMIT_FSIZE:
    tantivy's 'File too large (os error 27)') was an internal error (70, a traceback);
    the archive's own writes already said 'the disk is full' (74). Now the same, saying
    the old index is kept; searching still finds what it found."""
    from earlywarn.search import rebuild, search
    from tests.web.archive import build

    archive = tmp_path / "archive.duckdb"
    build(archive)
    rebuild(archive)
    before = search("Việt Nam", archive=archive).attrs["total"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-c", _FSIZE, str(archive)], capture_output=True,
                       text=True, timeout=120, env=env)  # fmt: skip
    assert r.returncode == 74, r.stderr[-2000:]
    assert "the disk is full" in r.stderr and "the old index is kept" in r.stderr, r.stderr
    assert before > 0 and search("Việt Nam", archive=archive).attrs["total"] == before
    # nothing half-written is left beside the archive (the single-writer lock file that
    # rebuild() holds since 4d58d0d stays, as every job's does)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["archive.duckdb", "archive.duckdb.lock", "archive.duckdb.search"], left


# -- a word wider than the screen in the report ------------------------------------------------


@pytest.mark.slow  # Debian's Chromium
def test_a_word_of_thousands_of_letters_does_not_widen_the_report(tmp_path: Path) -> None:
    """An article title, an event sentence and an actor name of one 3,000-letter word (a
    URL pasted as a title, a feed's broken markup) made the evidence tables as wide as the
    word: every other row had to be scrolled sideways to be read (1,500 px at 390 and at
    1,400 px). Now such text wraps inside its column; each table keeps its width."""
    from playwright.sync_api import sync_playwright

    from earlywarn.alerts import Rule, evaluate_rules
    from earlywarn.detect import detect
    from earlywarn.report import render_report
    from tests.alerts.frames import frames

    as_of, word = "2018-10-31", "Nghịquyết" * 330
    f = frames()
    arts, events = f["articles"].copy(), f["events"].copy()
    arts.loc[arts.index[::2], "title"] = word
    events["sentence"], events["source_name"] = word, word
    an = detect(f["series"], as_of=as_of, lookback=None)
    rules = [Rule("vn-events", series=("ev:VNM",), threshold=0.0, window="1D"),
             Rule("vn-cov", series=("cov:VNM",), threshold=2.0, window="1D")]  # fmt: skip
    alerts = evaluate_rules(an, rules, as_of=as_of, series=f["series"], events=events,
                            articles=arts, mentions=f["mentions"])  # fmt: skip
    path = render_report(tmp_path / "report.html", as_of=as_of, alerts=alerts,
                         series=f["series"], forecasts=None, anomalies=an, articles=arts,
                         events=events, edges=None, stats={})  # fmt: skip
    chromium = "/usr/bin/chromium"
    assert Path(chromium).exists(), "install Debian's chromium: apt-get install -y chromium"
    widths = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for width in (390, 1400):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(path.as_uri())
            widths[width] = page.evaluate(
                "[...document.querySelectorAll('table.events, table.articles')].map("
                "t => [t.className, t.scrollWidth, t.parentElement.clientWidth])"
            )
        browser.close()
    for width, tables in widths.items():
        assert {c for c, _, _ in tables} == {"events", "articles"}, tables
        for cls, wide, room in tables:  # 600 px: the phone layout's scrolling minimum
            assert wide <= max(600, room) + 1, (width, cls, wide, room)


# -- the archive's lock file is what fails ------------------------------------------------------


def test_a_lock_file_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    """A folder named `<archive>.lock` (left by a copy tool, made by hand) failed every
    writing command with 'cannot write the archive at a.duckdb (Is a directory); ... fix
    the folder's permissions', naming a whole, writable archive. Now the lock file is
    named, with what to do."""
    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    (tmp_path / "a.duckdb.lock").unlink(missing_ok=True)
    (tmp_path / "a.duckdb.lock").mkdir()
    r = _cli("--archive", str(archive), "series", "--as-of", "2016-01-31")
    assert r.exit_code == 74, r.output  # type: ignore[attr-defined]
    out = " ".join(r.output.split())  # type: ignore[attr-defined]
    assert f"its lock file {tmp_path / 'a.duckdb.lock'} is a folder" in out, out
    assert "remove it" in out, out


# -- an ICEWS file re-exported by a spreadsheet -------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";"])
def test_an_icews_file_with_another_separator_says_so(
    shared_data: Path, tmp_path: Path, sep: str
) -> None:
    """The ICEWS extract re-saved by a spreadsheet as CSV (',' or, in many locales, ';')
    was 'not an ICEWS file: header [...] has neither the raw ICEWS columns ... nor the
    extract columns', of a file holding exactly the extract's columns. Now the message
    names the separator and what to do (65; nothing created). ACLED and UCDP files already
    read ';', tab and '|' (their fields are quoted CSV)."""
    import gzip

    src = shared_data / "icews/icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        lines = [next(fh).rstrip("\n") for _ in range(20)]
    path = tmp_path / "icews.csv"
    path.write_text("\n".join(sep.join(f'"{v}"' for v in ln.split("\t")) for ln in lines) + "\n")
    archive = tmp_path / "a.duckdb"
    r = _cli("--archive", str(archive), "import", "icews", str(path))
    assert r.exit_code == 65, r.output  # type: ignore[attr-defined]
    assert f"its fields are separated by {sep!r}, not tabs" in " ".join(r.output.split())  # type: ignore[attr-defined]
    assert not archive.exists()


# -- a reviewer's display name with a bidirectional override -----------------------------------


def test_a_display_name_with_a_bidi_or_control_character_is_refused(tmp_path: Path) -> None:
    """`users add bob --name "Lan <RLO>abc"` was stored as given: the review page's header,
    each alert's history ('acknowledged by ...'), the audit log and `users list` showed it,
    and the override reversed the rest of each line (a feed name was refused for the same
    reason in the seventh round). Now refused (65), nothing stored; a Vietnamese name
    is kept as typed."""
    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    password = "pw-secret-123456\npw-secret-123456\n"
    for odd in ("\u202e", "\u2066", "\t", "\x1b"):
        r = CliRunner().invoke(app, ["--archive", str(archive), "users", "add", "bob", "--role",
                                     "viewer", "--name", f"Lan {odd}abc"], input=password)  # fmt: skip
        assert r.exit_code == 65, r.output
        assert f"holds U+{ord(odd):04X}" in r.output, r.output
    r = CliRunner().invoke(app, ["--archive", str(archive), "users", "add", "bob", "--role",
                                 "viewer", "--name", "Nguyễn Thị Lan"], input=password)  # fmt: skip
    assert r.exit_code == 0, r.output
    with Archive(archive, read_only=True) as a:
        assert a.table("users")["display_name"].tolist() == ["Nguyễn Thị Lan"]


# -- an MLflow store whose creation a full disk cut short ---------------------------------------

_MLFLOW = """
import logging, resource, signal, sys
logging.basicConfig(level=logging.WARNING)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[2])
if limit:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from earlywarn.tracking import log_pipeline_run
run = log_pipeline_run(f"sqlite:///{sys.argv[1]}/mlflow.db", "ew", sys.argv[3], {"collect": 1.0}, {}, {})
print("RUN", run)
"""


@pytest.mark.slow  # three processes importing MLflow (~15 s)
def test_an_mlflow_store_left_half_made_by_a_full_disk_is_set_aside(tmp_path: Path) -> None:
    """A new sqlite:/// store whose creation a full disk cut short (RLIMIT_FSIZE of 200 KB:
    MLflow's migrations do not roll their DDL back) failed every later start with 'table
    trace_info already exists': each nightly run only buffered its calls, for good. A
    store holding no run is now moved aside (with its journal) and a new one made; the
    night is logged and the buffered call replayed."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def night(limit: int, day: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", _MLFLOW, str(tmp_path), str(limit), day],
                              capture_output=True, text=True, timeout=180, env=env)  # fmt: skip

    first = night(200_000, "2025-01-01")
    assert "RUN None" in first.stdout, first.stderr[-2000:]  # buffered: the disk was full
    second = night(0, "2025-01-02")
    assert "RUN None" not in second.stdout, second.stderr[-3000:]
    assert "left half-made by its creation cut short" in second.stderr, second.stderr[-3000:]
    assert len(list(tmp_path.glob("mlflow.db.half-made-*"))) == 1
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{tmp_path}/mlflow.db")
    exp = client.get_experiment_by_name("ew")
    assert exp is not None
    names = sorted(r.info.run_name for r in client.search_runs([exp.experiment_id]))
    assert names == ["nightly 2025-01-01", "nightly 2025-01-02"], names
