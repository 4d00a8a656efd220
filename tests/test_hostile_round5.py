"""Hostile inputs, fifth round (issue 14; tests/HOSTILE.md): imports, delivery, tracking,
ledger reruns and the review page, each through a real entry point (the CLI or the API)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlywarn.cli import app

ICEWS = "icews/icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz"


def _cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("kind", ["icews", "gdelt", "acled", "ucdp", "counts"])
@pytest.mark.parametrize("shape", ["header", "empty"])
def test_an_import_of_no_rows_says_the_file_holds_none(
    shared_data: Path, tmp_path: Path, kind: str, shape: str
) -> None:
    """A header-only ICEWS, GDELT, ACLED, UCDP or counts file (and an empty ICEWS or
    GDELT file) exited 0 reporting 0 rows with no note, where an empty ACLED file said
    'empty file: no data rows': now every importer notes that the file holds no rows."""
    with gzip.open(shared_data / ICEWS, "rt") as fh:
        icews_header = fh.readline()
    headers = {
        "icews": icews_header,
        "gdelt": "Date\tSource\tTarget\tCAMEOCode\tNumEvents\tNumArts\tQuadClass\tGoldstein\t"
        "SourceGeoType\tSourceGeoLat\tSourceGeoLong\tTargetGeoType\tTargetGeoLat\t"
        "TargetGeoLong\tActionGeoType\tActionGeoLat\tActionGeoLong\n",  # 1.0 reduced
        # the codebook headers: a header lacking a required column is refused (sixth round)
        "acled": "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,actor2,"
        "country,admin1,latitude,longitude,source,notes,fatalities,iso3\n",
        "ucdp": "id,year,type_of_violence,side_a,side_b,number_of_sources,source_headline,"
        "adm_1,latitude,longitude,country,date_start,date_end,best\n",
        "counts": "unique_id,ds,y\n",
    }
    path = tmp_path / "f.tsv"
    path.write_text(headers[kind] if shape == "header" else "")
    r = _cli("--archive", str(tmp_path / "a.duckdb"), "import", kind, str(path))
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["rows_read"] == 0
    want = "header only" if shape == "header" else "empty file"
    assert f"{want}: no data rows" in report["notes"], report["notes"]


@pytest.mark.parametrize("kind", ["icews", "gdelt", "counts"])
def test_an_import_of_a_file_of_another_kind_creates_nothing(tmp_path: Path, kind: str) -> None:
    """Importing a file whose header is no ICEWS (GDELT, counts) header failed (65), but
    after the archive, its lock and its folder had been created: a failed command left
    an empty archive behind. The header is now read before anything is created."""
    path = tmp_path / "x.csv"
    path.write_text("foo,bar\n1,2\n")
    archive = tmp_path / "new" / "a.duckdb"
    r = _cli("--archive", str(archive), "import", kind, str(path))
    assert r.exit_code == 65, r.output
    assert not archive.parent.exists(), list(archive.parent.iterdir())


def test_credentials_in_the_tracking_uri_are_never_logged_or_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A tracking URI 'http://alice:S3CRET@host/' whose server is down: MLflow's error
    quotes the whole request URL, and the warning that the calls were buffered (nightly
    track stage, backtest, 'tracking sync') wrote the password to the log."""
    import logging
    import socket

    from earlywarn.tracking import log_pipeline_run

    monkeypatch.chdir(tmp_path)  # the offline buffer goes to ./.earlywarn
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: connection refused
    uri = f"http://alice:S3CRETPW@127.0.0.1:{port}/"
    with caplog.at_level(logging.WARNING, logger="earlywarn"):
        assert log_pipeline_run(uri, "x", "2024-01-01", {"a": 1.0}, {"r": 1}, {}) is None
    assert "buffering" in caplog.text
    assert "S3CRETPW" not in caplog.text and "alice:" not in caplog.text
    assert "http://***@127.0.0.1" in caplog.text
    # the sync's warning ('sync stopped ...', what `earlywarn tracking sync` logs), seen at
    # its logger; the CLI's own run is checked for what the user sees
    from earlywarn.tracking import Tracker

    r = CliRunner().invoke(app, ["--tracking-uri", uri, "tracking", "sync"])
    assert r.exit_code == 0 and "replayed 0 buffered tracking calls" in r.output, r.output
    assert "S3CRETPW" not in r.output and "alice:" not in r.output, r.output
    seen: list[str] = []
    grab = logging.Handler(logging.WARNING)
    grab.emit = lambda rec: seen.append(rec.getMessage())  # type: ignore[method-assign]
    logging.getLogger("earlywarn._tracking_buffer").addHandler(grab)
    try:
        assert Tracker(uri, "x").sync() == 0
    finally:
        logging.getLogger("earlywarn._tracking_buffer").removeHandler(grab)
    stopped = [m for m in seen if "sync stopped" in m]
    assert stopped, seen
    assert "S3CRETPW" not in stopped[0] and "http://***@127.0.0.1" in stopped[0], stopped


def test_a_sqlite_file_of_another_application_is_no_tracking_store(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """tracking_uri 'sqlite:///app.db' naming another program's SQLite database: MLflow
    created its tables in it and ran its migrations there (the file altered for good).
    Now the store is refused, the calls are buffered and the warning says why."""
    import logging
    import sqlite3

    from earlywarn.tracking import log_pipeline_run

    db = tmp_path / "app.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE invoices (id INTEGER, total REAL)")
    before = db.read_bytes()
    with caplog.at_level(logging.WARNING, logger="earlywarn"):
        run = log_pipeline_run(f"sqlite:///{db}", "x", "2024-01-01", {"a": 1.0}, {"r": 1}, {})
    assert run is None
    assert "another application (tables invoices)" in caplog.text
    assert db.read_bytes() == before


def test_an_apprise_receiver_redirecting_elsewhere_is_not_followed(tmp_path: Path) -> None:
    """A json:// (apprise) receiver answering '307 Location: <another address>': apprise's
    HTTP client (requests) followed it and POSTed the alert there (a private or
    cloud-metadata address alike; CloudEvents sends follow no redirect). Now no redirect
    is followed and the outbox row says where the receiver pointed."""
    from earlywarn.alerts import Channel, deliver, enqueue
    from earlywarn.store import Archive, Write
    from tests.alerts.test_hostile_delivery import HTTP, T0, _alerts
    from tests.hostile import Conn, raw_server

    with raw_server() as s, Archive(tmp_path / "a.duckdb") as archive:

        def redirect(conn: Conn) -> None:
            where = s.url("/inside")
            conn.send(
                f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {where}\r\n"
                "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
            )

        def inside(conn: Conn) -> None:
            conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

        s.routes["/hook"], s.routes["/inside"] = redirect, inside
        channels = [Channel("js", "apprise", "json://" + s.url("/hook")[len("http://") :])]
        archive.commit([Write("outbox", enqueue(_alerts(1), channels, now=T0))])
        counts = deliver(archive, channels, now=T0, http=HTTP)
        row = archive.table("outbox").iloc[0]
    assert s.hits.get("/inside", 0) == 0, s.hits
    assert counts["sent"] == 0 and row["status"] == "pending"
    assert "redirected to http://127.0.0.1" in row["last_error"], row["last_error"]


def test_a_channels_file_listing_no_channel_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'channels: []' in the channels file the config names: deliver exited 0 with
    nothing attempted and the nightly queued no delivery, every alert silently kept from
    its readers. Now a config error (78) saying how to pause or turn delivery off."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ch.yaml").write_text("channels: []\n")
    (tmp_path / "earlywarn.toml").write_text('channels = "ch.yaml"\narchive = "a.duckdb"\n')
    from earlywarn.store import Archive

    Archive(tmp_path / "a.duckdb").close()  # an archive to deliver from
    r = _cli("deliver")
    assert r.exit_code == 78, r.output
    assert "lists no channel" in r.output
