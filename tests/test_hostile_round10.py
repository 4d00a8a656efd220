"""Hostile inputs, tenth round (tests/HOSTILE.md): robots.txt as sites write it today.
Each through a real entry point: a loopback HTTP server and the hardened HTTP client, the
CLI, real files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlywarn.cli import app
from earlywarn.collect.http import HttpClient, HttpFetchError
from earlywarn.store import Archive
from tests.collect.conftest import Route, Server, settings


def _cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


UA = "earlywarn/0.1 (+https://example.invalid/earlywarn)"
PAGE = b"<html><body><p>" + b"word " * 40 + b"</p></body></html>"

# -- robots.txt written to RFC 9309 ----------------------------------------------------------

ROBOTS = {
    # Notepad and many CMSs save it with a byte-order mark: the first group was lost
    "bom": (b"\xef\xbb\xbfUser-agent: *\nDisallow: /private\n", "/private/a"),
    # the longest match decides, not the first: 'Allow: /' above was read as allowing all
    "allow-first": (b"User-agent: *\nAllow: /\nDisallow: /private\n", "/private/a"),
    # '*' is any characters, a final '$' the end of the path: both were plain characters
    "wildcard": (b"User-agent: *\nDisallow: /*/private\n", "/x/private/b"),
    "dollar": (b"User-agent: *\nDisallow: /*.pdf$\n", "/files/report.pdf"),
    # a group names a product token, not a substring of ours ('e' is no earlywarn)
    "substring": (
        b"User-agent: e\nDisallow: /\n\nUser-agent: *\nDisallow: /private\n",
        "/private/a",
    ),
}


@pytest.mark.parametrize("name", list(ROBOTS))
def test_robots_txt_as_rfc_9309_writes_it_is_respected(name: str) -> None:
    """A robots.txt in the syntax of RFC 9309 and Google's crawler (a byte-order mark, the
    longest rule deciding, `*` and `$` patterns, groups by product token) was read by
    Python's urllib.robotparser, which predates it: each of these let the collect stage
    fetch a path the site disallows. The path must be refused (`robots_disallowed`) and
    never requested; a path the file allows is fetched."""
    body, refused = ROBOTS[name]
    srv = Server()
    try:
        srv.routes["/robots.txt"] = Route(body, headers={"Content-Type": "text/plain"})
        for path in (refused, "/news/a"):
            srv.routes[path] = Route(PAGE, headers={"Content-Type": "text/html"})
        with HttpClient(settings(respect_robots=True, user_agent=UA)) as client:
            with pytest.raises(HttpFetchError) as info:
                client.fetch(srv.url(refused), kind="page")
            assert info.value.reason == "robots_disallowed"
            assert client.fetch(srv.url("/news/a"), kind="page").status == 200
        assert refused not in srv.hits
        assert srv.hits["/robots.txt"] == 1
    finally:
        srv.close()


def test_robots_txt_allowing_more_specifically_is_respected() -> None:
    """The other half: a longer `Allow` beats a shorter `Disallow` (`Disallow: /` then
    `Allow: /feeds/`, `Allow: /*.html$`), and the `earlywarn` group, named in another case,
    replaces the `*` group. Fails on the first-match reader too (the pattern allow)."""
    srv = Server()
    try:
        srv.routes["/robots.txt"] = Route(
            b"User-agent: *\nDisallow: /\n\nUser-agent: EarlyWarn\nDisallow: /\n"
            b"Allow: /feeds/\nAllow: /*.html$\n",
            headers={"Content-Type": "text/plain"},
        )
        with HttpClient(settings(respect_robots=True, user_agent=UA)) as client:
            assert client.allowed(srv.url("/feeds/rss.xml"))
            assert client.allowed(srv.url("/2025/a.html"))
            assert not client.allowed(srv.url("/2025/a.html?page=2"))
            assert not client.allowed(srv.url("/private"))
    finally:
        srv.close()


def test_a_redirected_robots_txt_is_followed() -> None:
    """`/robots.txt` answering 301 to where the file is (http -> https, www -> the bare
    host, a CMS's `/robots.txt` -> `/static/robots.txt`) was taken for 'no robots.txt':
    every path allowed. RFC 9309 asks crawlers to follow at least five redirects; now the
    file at the end is read, and its rules hold for the origin asked about."""
    srv = Server()
    try:
        srv.routes["/robots.txt"] = Route(b"", 301, {"Location": "/static/robots.txt"})
        srv.routes["/static/robots.txt"] = Route(
            b"User-agent: *\nDisallow: /private\n", headers={"Content-Type": "text/plain"}
        )
        srv.routes["/private/a"] = Route(PAGE, headers={"Content-Type": "text/html"})
        with HttpClient(settings(respect_robots=True, user_agent=UA)) as client:
            with pytest.raises(HttpFetchError) as info:
                client.fetch(srv.url("/private/a"), kind="page")
            assert info.value.reason == "robots_disallowed"
            assert client.allowed(srv.url("/news"))
        assert "/private/a" not in srv.hits and srv.hits["/static/robots.txt"] == 1
    finally:
        srv.close()


@pytest.mark.parametrize("declared", [True, False])
def test_a_robots_txt_past_500_kib_is_read_up_to_there(declared: bool) -> None:
    """A robots.txt of 600 KB (a site listing thousands of paths) was refused as too large
    and taken as unavailable: every path allowed, its first group's `Disallow` too. RFC
    9309 asks crawlers to read at least 500 KiB (Google ignores what follows); now the
    first 512,000 bytes are read, whether the size is declared or the body runs to the
    connection's close."""
    from tests.hostile import Conn, ok_head, raw_server

    body = b"User-agent: *\nDisallow: /private\nDisallow: /archive/\n"
    body += b"# padding line\n" * 45_000 + b"Disallow: /\n"  # past 512,000 bytes: unread
    assert len(body) > 600_000
    with raw_server() as srv:

        def robots(c: Conn) -> None:
            c.send(ok_head("text/plain", len(body) if declared else None) + body)

        srv.routes["/robots.txt"] = robots
        with HttpClient(settings(respect_robots=True, user_agent=UA)) as client:
            assert not client.allowed(srv.url("/private/a"))
            assert not client.allowed(srv.url("/archive/p1"))
            assert client.allowed(srv.url("/news"))


# -- import files whose rows have no id ------------------------------------------------------


def _import(archive: Path, kind: str, path: Path) -> dict[str, object]:
    r = _cli("--archive", str(archive), "-q", "import", kind, str(path))
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    report: dict[str, object] = json.loads(r.output)  # type: ignore[attr-defined]
    return report


def _by_country(archive: Path) -> dict[str, int]:
    with Archive(archive, read_only=True) as a:
        rows = a.con.execute("SELECT location_country, count(*) FROM events GROUP BY 1").fetchall()
    return {str(k): int(n) for k, n in rows}


def test_import_rows_without_an_id_are_kept_and_touch_no_other_file(tmp_path: Path) -> None:
    """An ACLED file without `event_id_cnty` (columns chosen in ACLED's export tool, or cut
    in a spreadsheet) got ids from each row's place in its batch (`acled:0`, `acled:1`):
    a second such file replaced the first file's events (5 Yemen events became 2, exit 0),
    and rows past the first batch of a big file were dropped as duplicates (128,290 of
    300,000). A blank `event_id_cnty` or UCDP `id` became a null id, and the whole file
    was refused at the events contract. Now such a row's id hashes its content (counted
    as repaired `id_from_content`); a reimport still changes nothing."""
    head = "event_date,sub_event_type,actor1,country,latitude,longitude,iso3\n"
    yem, syr = tmp_path / "yem.csv", tmp_path / "syr.csv"
    yem.write_text(head + "".join(
        f"2020-03-0{i + 1},Peaceful protest,Protesters {i},Yemen,15.3,44.2,YEM\n" for i in range(5)
    ))  # fmt: skip
    syr.write_text(head + "".join(
        f"2020-04-0{i + 1},Armed clash,Militia {i},Syria,35.0,38.0,SYR\n" for i in range(3)
    ))  # fmt: skip
    archive = tmp_path / "a.duckdb"
    first = _import(archive, "acled", yem)
    _import(archive, "acled", syr)
    assert _by_country(archive) == {"YEM": 5, "SYR": 3}
    assert first["repaired"] == {"id_from_content": 5}
    again = _import(archive, "acled", yem)
    assert again["rows_kept"] == 5 and _by_country(archive) == {"YEM": 5, "SYR": 3}

    blank = tmp_path / "blank.csv"  # ids given for some rows, blank for others
    blank.write_text("event_id_cnty," + head + "".join(
        f"{'LBN9' if i == 0 else ' ' if i == 1 else ''},2020-05-0{i + 1},Peaceful protest,"
        f"Crowd {i},Lebanon,33.9,35.5,LBN\n" for i in range(3)
    ))  # fmt: skip
    report = _import(archive, "acled", blank)
    assert report["rows_kept"] == 3 and report["repaired"] == {"id_from_content": 2}
    ucdp = tmp_path / "ucdp.csv"
    ucdp.write_text(
        "id,type_of_violence,side_a,side_b,date_start,date_end,country,best\n"
        ",1,Government of Yemen,AQAP,2020-01-01,2020-01-01,Yemen,3\n"
        ",1,Government of Yemen,Houthis,2020-01-02,2020-01-02,Yemen,4\n"
        "7,1,Government of Yemen,AQAP,2020-01-03,2020-01-03,Yemen,4\n"
    )
    report = _import(archive, "ucdp", ucdp)
    assert report["rows_kept"] == 3 and report["repaired"] == {"id_from_content": 2}
    with Archive(archive, read_only=True) as a:
        ids = [r[0] for r in a.con.execute("SELECT event_id FROM events").fetchall()]
    assert "acled:LBN9" in ids and "ucdp:7" in ids and len(ids) == len(set(ids)) == 14


# -- validators that cannot be sent back -----------------------------------------------------

VALIDATORS = {
    "latin-1 etag": b'ETag: "caf\xe9"\r\n',
    "utf-8 etag": 'ETag: "café"\r\n'.encode(),
    "german last-modified": b"Last-Modified: Mi, 01 J\xe4n 2025 10:00:00 GMT\r\n",
    "60 KB etag": b'ETag: "' + b"a" * 60_000 + b'"\r\n',
}


@pytest.mark.parametrize("name", list(VALIDATORS))
def test_a_validator_that_cannot_be_sent_back_does_not_fail_the_feed_for_good(name: str) -> None:
    """A feed server once answering `ETag: "café"` (or a Last-Modified with a German month,
    or a 60 KB ETag): the value was stored with the feed, and the next night's request
    could not be encoded (httpx sends ASCII header values; UnicodeEncodeError): the feed
    failed as 'error' that night and every night after, its validators kept with it (the
    60 KB one was sent back whole; nginx answers 400 past 8 KB). Now only a line of
    printable ASCII up to 1 KB is kept or sent; the next nights read the feed."""
    import datetime as dt

    from earlywarn.collect import Feed, collect
    from tests.hostile import Conn, ok_head, raw_server

    extra = VALIDATORS[name].decode("latin-1")
    with raw_server() as srv:
        sent: list[str] = []

        def feed(c: Conn) -> None:
            sent.append(c.headers.get("if-none-match", "") + c.headers.get("if-modified-since", ""))
            n = len(sent)
            body = (
                '<rss version="2.0"><channel><title>x</title>'
                f"<item><title>night {n}</title><link>{srv.url(f'/a{n}')}</link>"
                "<description>about the night</description>"
                "<pubDate>Wed, 01 Jan 2025 08:00:00 +0000</pubDate></item></channel></rss>"
            ).encode()
            c.send(ok_head("application/rss+xml", len(body), extra) + body)

        srv.routes["/feed"] = feed
        feeds = [Feed(srv.url("/feed"), outlet="one")]
        state = None
        for night in (1, 2, 3):
            out = collect(feeds, dt.date(2025, 1, 1), settings=settings(), state=state)
            assert out.feeds["last_status"].tolist() == ["ok"], (night, out.feeds)
            assert f"night {night}" in set(out.articles["title"])
            state = out.feeds
        # an archive holding such a value from an older run: not sent
        state = state.assign(etag='"caf\u00e9"', last_modified="x" * 5000)
        out = collect(feeds, dt.date(2025, 1, 1), settings=settings(), state=state)
        assert out.feeds["last_status"].tolist() == ["ok"]
    assert sent == [""] * 4


# -- model specs whose values the estimator's library refuses only when fitting --------------

SPECS = {
    "GlobalQuantileGB learning_rate -1": ("GlobalQuantileGB", "learning_rate: -1"),
    "GlobalQuantileGB max_iter 0": ("GlobalQuantileGB", "max_iter: 0"),
    "GlobalQuantileGB min_samples_leaf 0": ("GlobalQuantileGB", "min_samples_leaf: 0"),
    "GlobalQuantileGB max_leaf_nodes 1": ("GlobalQuantileGB", "max_leaf_nodes: 1"),
    "GlobalQuantileGB random_state -1": ("GlobalQuantileGB", "random_state: -1"),
    "GBQuantile learning_rate 0": ("GBQuantile", "learning_rate: 0"),
    "GBQuantile max_depth 0": ("GBQuantile", "max_depth: 0"),
    "Prophet changepoint_prior_scale -1": ("Prophet", "changepoint_prior_scale: -1"),
    "GlobalNegBin quantiles without 0.5": ("GlobalNegBin", "quantiles: [0.1, 0.9]"),
    "GlobalNegBin quantile 2": ("GlobalNegBin", "quantiles: [0.5, 2]"),
    "an ensemble member": (
        "QuantileAverage",
        "members: {gb: {estimator: GlobalQuantileGB, params: {learning_rate: -1}}}",
    ),
}


@pytest.mark.parametrize("name", list(SPECS))
def test_a_model_spec_value_no_fit_accepts_is_refused_when_the_specs_load(
    tmp_path: Path, name: str
) -> None:
    """`learning_rate: -1` for the pooled boosting model (or `max_iter: 0`, a negative
    `random_state`, Prophet's `changepoint_prior_scale: -1`) loaded without a word: sklearn
    and Stan refuse them only when fitting, so the forecast stage and every backtest fitted
    nothing for that model, night after night, with a warning per series ('fit failed:
    InvalidParameterError') and exit 0. GlobalNegBin's `quantiles` without 0.5 made its
    point forecast the 10% level and every interval one value; a level of 2 gave NaN. Now
    config errors naming the file, the parameter and the bound."""
    from earlywarn.errors import ConfigError
    from earlywarn.forecast.specs import load_models

    estimator, params = SPECS[name]
    spec = tmp_path / "bad.yaml"
    spec.write_text(f"name: bad\nestimator: {estimator}\nparams: {{{params}}}\n")
    with pytest.raises(ConfigError) as info:
        load_models(tmp_path)
    message = str(info.value)
    key = params.split("{")[-1].split(":")[0].strip()
    assert str(spec) in message and f"{key}=" in message, message
    assert "must be" in message, message


# -- archive paths DuckDB reads as other paths -----------------------------------------------


def test_an_archive_path_duckdb_would_read_as_another_is_refused(tmp_path: Path) -> None:
    """DuckDB takes `\\` in a path for a folder separator and `?` for the start of options.
    `--archive 'a\\b.duckdb'` beside a folder `a` holding another archive wrote into that
    archive (`a/b.duckdb`, exit 0) under a lock of its own (`a\\b.duckdb.lock`): two
    writers on one file; an archive in a folder `q?d` made DuckDB put its log at
    `q.wal?d/x.duckdb`: 'cannot migrate archive', every time, after creating the file. Now
    refused before anything is created (74), the message saying what DuckDB would do."""
    counts = tmp_path / "counts.csv"
    counts.write_text("unique_id,ds,y\nYEM:total,2020-01-01,5\nYEM:total,2020-02-01,7\n")
    other = tmp_path / "a" / "b.duckdb"
    assert _cli("--archive", str(other), "-q", "import", "counts", str(counts)).exit_code == 0  # type: ignore[attr-defined]
    before = other.read_bytes()
    counts.write_text("unique_id,ds,y\nSYR:total,2021-01-01,1\n")
    for path in (tmp_path / "a\\b.duckdb", tmp_path / "q?d" / "x.duckdb"):
        for args in (("import", "counts", str(counts)), ("status",)):
            r = _cli("--archive", str(path), *args)
            assert r.exit_code == 74, r.output  # type: ignore[attr-defined]
            out = " ".join(r.output.split())  # type: ignore[attr-defined]
            assert "which DuckDB reads as" in out and "give another path" in out, out
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "counts.csv"]


# -- MLflow calls the store refuses ----------------------------------------------------------


def test_a_tracking_call_the_store_refuses_does_not_hold_the_buffer_for_good(
    tmp_path: Path,
) -> None:
    """An experiment named `yem/v2:test` registered its champion as `earlywarn-yem/v2:test`,
    a name MLflow refuses ('Names cannot contain / or :'). The refusal took the tracker
    offline, so the run's end was buffered behind it (the run left RUNNING); every sync
    stopped at the refused call ('sync stopped after 0 of 2 calls'), and each nightly run,
    which syncs first, was buffered behind it too: nothing reached MLflow again. Likewise a
    parameter logged twice with another value while the store was down. Now a call the
    store refuses (INVALID_PARAMETER_VALUE) is set aside in `buffer.refused.jsonl` with
    the reason, online or on replay, and the others go on."""
    from earlywarn.tracking import Tracker, log_pipeline_run
    from tests.mlflow_server import free_port

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    buffer = tmp_path / "mlflow-buffer"  # where a sqlite store keeps its buffer
    online = Tracker(uri, "bt", buffer_dir=buffer)
    with online.start_run("yem/v2:test") as run:
        online.log_params({"h": 3})
        assert online.register_model(run.run_id, "earlywarn-yem/v2:test") is None
    assert not online.offline and online.pending() == 0
    assert online.get_run(run.run_id)["status"] == "FINISHED"

    down = Tracker(f"http://127.0.0.1:{free_port()}", "bt", buffer_dir=buffer)
    with down.start_run("offline run") as other:
        down.log_params({"a": 1})
        down.log_params({"a": 2})  # refused on replay: params are written once
        down.register_model(other.run_id, "earlywarn-a/b")
        down.log_metrics({"m": 1.0})
    assert down.pending() == 6
    # a store out of order refuses every call with the same error code: nothing set aside
    aside = buffer / "buffer.refused.jsonl"
    assert len(aside.read_text().splitlines()) == 1  # the online register above
    for broken in (f"file://{tmp_path / 'mlruns'}", "ftp://127.0.0.1/x"):
        assert Tracker(broken, "bt", buffer_dir=buffer).sync() == 0
        assert down.pending() == 6 and len(aside.read_text().splitlines()) == 1

    rid = log_pipeline_run(uri, "nightly", "2025-01-01", {"collect": 1.0}, {}, {})
    assert rid is not None  # synced first, then logged online
    refused = [json.loads(x) for x in (buffer / "buffer.refused.jsonl").read_text().splitlines()]
    assert [r["op"] for r in refused] == ["register", "log_batch", "register"]
    assert "cannot contain" in refused[0]["refused"] and "Changing param" in refused[1]["refused"]
    assert not (buffer / "buffer.jsonl").exists()
    t = Tracker(uri, "bt", buffer_dir=buffer)
    client = t._mlflow()
    runs = client.search_runs([client.get_experiment_by_name("bt").experiment_id])
    by_name = {r.info.run_name: r for r in runs}
    assert by_name["offline run"].info.status == "FINISHED"
    assert by_name["offline run"].data.params == {"a": "1"}
    assert by_name["offline run"].data.metrics == {"m": 1.0}


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('name: "yem/v2"', "name"),
        ("name: a:b", "name"),
        ('register: "no"', "register"),
        ("metrics: [crsp, mase]", "metrics"),
        ("metrics: crps", "metrics"),
    ],
)
def test_experiment_keys_that_did_other_than_asked_are_refused(
    tmp_path: Path, line: str, key: str
) -> None:
    """The experiment's name names its registered model (`earlywarn-<name>`): with '/' or
    ':' MLflow refused it only after the whole backtest (above); `register: "no"` (a
    string) registered the champion (`bool("no")`); `metrics: [crsp]` was accepted (the key
    was read by nothing). Now config errors before any work."""
    from earlywarn.errors import ConfigError
    from earlywarn.forecast.experiment import run_experiment

    repo = Path(__file__).resolve().parents[1]
    exp = tmp_path / "e.yaml"
    exp.write_text(
        f"{line}\nseries: {{path: {repo}/earlywarn/demo/corpus/YEM_gdelt_monthly_long.csv}}\n"
        f"models: [naive]\nmodels_dir: {repo}/models\nhorizon: 3\nfolds: 1\n"
    )
    with pytest.raises(ConfigError, match=f"key '{key}'"):
        run_experiment(exp)


# -- search dates the wrong way round --------------------------------------------------------


def test_a_search_whose_since_is_after_its_until_says_so(tmp_path: Path) -> None:
    """`earlywarn search protest --since 2016-05-01 --until 2016-01-01` (the two swapped)
    answered '0 article(s) match' with exit 0, read as 'nothing was written about it'; the
    review page's /search and its exports likewise. Now a usage error (64; the page's 400)
    saying the two are the wrong way round; the same day as both still searches that day."""
    from earlywarn.search import rebuild
    from tests.web.archive import build

    archive = tmp_path / "a.duckdb"
    build(archive)
    rebuild(archive)
    base = ("--archive", str(archive), "search", "Biển Đông")
    r = _cli(*base, "--since", "2016-05-01", "--until", "2016-01-01")
    assert r.exit_code == 64, r.output  # type: ignore[attr-defined]
    assert "is after until" in r.output and "swap them" in r.output  # type: ignore[attr-defined]
    ok = _cli(*base, "--since", "2016-01-01", "--until", "2016-01-01")
    assert ok.exit_code == 0, ok.output  # type: ignore[attr-defined]
    assert re.search(r"\d+ (article matches|articles match)", ok.output)  # type: ignore[attr-defined]


def test_serve_on_a_port_past_65535_is_a_usage_error(tmp_path: Path) -> None:
    """`earlywarn serve --port 99999` (a digit too many) ended in an internal error (70)
    with a traceback from the socket layer (OverflowError: port must be 0-65535); `-1` or a
    bad host already said 'cannot listen on ...'. Now 64, naming the range; nothing is
    served (`--port 0`, a random port nobody is told, is refused alike)."""
    counts = tmp_path / "counts.csv"
    counts.write_text("unique_id,ds,y\nYEM:total,2020-01-01,5\n")
    archive = tmp_path / "a.duckdb"
    assert _cli("--archive", str(archive), "-q", "import", "counts", str(counts)).exit_code == 0  # type: ignore[attr-defined]
    for port in ("99999", "70000"):
        r = _cli("--archive", str(archive), "serve", "--port", port)
        assert r.exit_code == 64, r.output  # type: ignore[attr-defined]
        assert "from 1 to 65535" in r.output  # type: ignore[attr-defined]


def test_a_dask_scheduler_that_is_down_or_misspelt_is_a_clear_error(tmp_path: Path) -> None:
    """`backtest --scheduler tcp://127.0.0.1:<nothing>` (or `scheduler = ...` in the config,
    which the nightly's forecast stage uses) ended, after Dask's 30 s connect timeout, in
    an internal error (70) with a traceback (OSError); `bogus` or `http://host:8786` in a
    ValueError traceback. Now 'cannot reach the Dask scheduler at ...; start it ..., or
    unset ...' and, for an address that is none, a config error (78)."""
    import dask
    import distributed  # noqa: F401  (its config defaults, which the setting below changes)

    from tests.mlflow_server import free_port

    exp = tmp_path / "e.yaml"
    exp.write_text("name: e\nseries: {path: x.csv}\nmodels: [naive]\nhorizon: 3\n")
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        r = _cli("backtest", str(exp), "--scheduler", f"tcp://127.0.0.1:{free_port()}")
    assert r.exit_code == 70, r.output  # type: ignore[attr-defined]
    assert "cannot reach the Dask scheduler" in " ".join(r.output.split())  # type: ignore[attr-defined]
    for address in ("bogus", "http://127.0.0.1:8786"):
        r = _cli("backtest", str(exp), "--scheduler", address)
        assert r.exit_code == 78, r.output  # type: ignore[attr-defined]
        assert "is not an address like tcp://host:8786" in " ".join(r.output.split())  # type: ignore[attr-defined]


@pytest.mark.parametrize("uri", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
def test_an_in_memory_sqlite_tracking_uri_is_refused_and_the_calls_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uri: str
) -> None:
    """`tracking_uri = "sqlite:///"` (a path left out) or `sqlite://` is SQLAlchemy's
    in-memory database: the nightly run was 'logged', its run id returned and printed, and
    lost when the command ended (as the archive's ':memory:' was, ninth round). Now the
    store is refused with 'names an in-memory SQLite database ...; give a file' and the
    calls are buffered for a sync with a real store."""
    from earlywarn.tracking import Tracker, log_pipeline_run

    monkeypatch.chdir(tmp_path)  # where a store without a folder keeps its buffer
    assert log_pipeline_run(uri, "nightly", "2025-01-01", {"collect": 1.0}, {}, {}) is None
    t = Tracker(uri, "nightly")
    assert t.pending() == 1
    good = Tracker(f"sqlite:///{tmp_path / 'mlflow.db'}", "nightly", buffer_dir=t.buffer_dir)
    assert good.sync() == 1


def test_a_retry_after_of_superscript_digits_is_ignored() -> None:
    """`Retry-After: ²` (the Latin-1 byte 0xB2, which str.isdigit() calls a digit) on a
    503: float() raised ValueError out of the hardened client, so the fetch failed as an
    unexpected 'error' (not `http_503`, no retry), and a robots.txt answered so failed
    every fetch of its host. Now such a value is no delay; the fetch fails `http_503`."""
    from tests.hostile import Conn, raw_server

    def busy(c: Conn) -> None:
        c.send(
            b"HTTP/1.1 503 Busy\r\nRetry-After: \xb2\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n"
        )

    with raw_server() as srv:
        srv.routes["/p"] = busy
        srv.routes["/robots.txt"] = busy
        with HttpClient(settings(retries=1)) as client:
            with pytest.raises(HttpFetchError) as info:
                client.fetch(srv.url("/p"), kind="page")
            assert info.value.reason == "http_503"
        with HttpClient(settings(respect_robots=True)) as client:
            assert not client.allowed(srv.url("/p"))  # a 5xx robots.txt disallows all


def test_superscript_digits_in_a_catalog_interval_or_a_series_id(tmp_path: Path) -> None:
    """`str.isdigit()` calls '²' a digit and `int()` refuses it: a catalog's
    `interval_minutes: "²"` was an internal error (70, ValueError) of `feeds check` and
    collect, where `"abc"` is a config error; a series id `ev:VNM:q²` (an imported counts
    file's `unique_id`) raised ValueError in `parse_id`, which the detect stage reads for
    every series. Now the catalog value is a config error naming the key, the id's odd
    part is no quad class."""
    from earlywarn.series.ids import parse_id

    catalog = tmp_path / "cat.yaml"
    catalog.write_text(
        "feeds:\n  - url: https://example.com/rss\n    outlet: A\n    language: en\n"
        '    country: USA\n    interval_minutes: "²"\n',
        encoding="utf-8",
    )
    r = _cli("feeds", "check", str(catalog))
    assert r.exit_code == 78, r.output  # type: ignore[attr-defined]
    assert "interval_minutes" in r.output  # type: ignore[attr-defined]
    assert parse_id("ev:VNM:q²").quad_class is None and parse_id("ev:VNM:r²").root is None
    assert parse_id("ev:VNM:q2").quad_class == 2
