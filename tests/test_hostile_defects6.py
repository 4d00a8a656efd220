"""Hostile inputs, sixth round (tests/HOSTILE.md, branch defects): defects the fifth round
noticed and left alone (an import of another kind's header, https delivery to a plain-HTTP
server, ledger rows of a model new on a rerun), each through the CLI or the public API."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlywarn.cli import app

ICEWS = "icews/icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz"
GDELT_REDUCED = "gdelt/events_v1_reduced_historical_1979_sample.tsv"


def _cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def _first_line(path: Path) -> str:
    with gzip.open(path, "rt") if path.suffix == ".gz" else path.open() as fh:
        return fh.readline()


FOREIGN = {  # a header of another kind -> the kinds it was given as
    "gdelt": ["acled", "ucdp", "icews", "counts"],
    "icews": ["acled", "ucdp", "gdelt", "counts"],
    "random": ["acled", "ucdp", "icews", "gdelt", "counts"],
    "acled": ["ucdp"],
    "ucdp": ["acled"],
}
_CASES = [(h, k) for h, kinds in FOREIGN.items() for k in kinds]


@pytest.mark.parametrize(("header", "kind"), _CASES, ids=[f"{h}-as-{k}" for h, k in _CASES])
@pytest.mark.parametrize("rows", [0, 2])
def test_a_header_of_another_kind_is_refused_rows_or_none(
    shared_data: Path, tmp_path: Path, header: str, kind: str, rows: int
) -> None:
    """An ACLED or UCDP import of a file whose header is another kind's (a GDELT reduced
    file, an ICEWS file, a random CSV, UCDP given as ACLED) holding the header alone was
    accepted as 0 rows, exit 0, a new archive created: the columns were checked only on
    rows. Now the header itself is checked (65), naming the columns expected and found,
    before anything is created; ICEWS, GDELT and counts already refused such headers."""
    headers = {
        "gdelt": _first_line(shared_data / GDELT_REDUCED),
        "icews": _first_line(shared_data / ICEWS),
        "random": "foo,bar,baz\n",
        "acled": "event_id_cnty,event_date,event_type,sub_event_type,actor1,country\n",
        "ucdp": "id,type_of_violence,side_a,side_b,date_start,country\n",
    }
    text = headers[header]
    sep = "\t" if "\t" in text else ","
    width = len(text.split(sep))
    for i in range(rows):
        text += sep.join(["2015-03-2" + str(i)] + ["x"] * (width - 1)) + "\n"
    path = tmp_path / "f.csv"
    path.write_text(text)
    archive = tmp_path / "new" / "a.duckdb"
    r = _cli("--archive", str(archive), "import", kind, str(path))
    assert r.exit_code == 65, r.output
    assert not archive.parent.exists()
    if kind in ("acled", "ucdp"):
        expects = "event_date, sub_event_type" if kind == "acled" else "id, type_of_violence"
        assert f"it expects {expects}" in r.stderr, r.stderr
        found = headers[header].split(sep)[0].strip()
        assert f"found: {found}" in r.stderr, r.stderr


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
def test_a_header_only_file_of_the_right_kind_is_still_zero_rows(tmp_path: Path, kind: str) -> None:
    """The API: a right header with no rows reads as 0 rows, one of another kind raises."""
    from earlywarn.errors import ImportFormatError
    from earlywarn.io import import_file

    right = {
        "acled": "event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,country\n",
        "ucdp": "id,type_of_violence,side_a,side_b,date_start,date_end,country,best\n",
    }
    path = tmp_path / "f.csv"
    path.write_text(right[kind])
    frame, report = import_file(kind, path)
    assert len(frame) == 0 and report.rows_read == 0
    path.write_text("Date\tSource\tTarget\tCAMEOCode\n")
    with pytest.raises(ImportFormatError, match="its header lacks"):
        import_file(kind, path)


def test_an_https_receiver_speaking_plain_http_is_a_clear_failure_not_retried(
    tmp_path: Path,
) -> None:
    """'earlywarn deliver' to an https:// address (apprise jsons://, CloudEvents https://)
    served by plain HTTP: apprise said only 'A Connection error occurred' and the row was
    retried with backoff, attempt after attempt (CloudEvents: '[SSL: WRONG_VERSION_NUMBER]').
    Now the handshake failure is named ('did not speak TLS', the address), not retried
    (failed at once, the channel's other rows with it, unsent), the other channel's alerts
    are delivered, and the failed rows wait in the outbox: after the URLs are fixed,
    'deliver --retry-failed' sends them, each delivery id once."""
    import pandas as pd

    from earlywarn.alerts import Channel, enqueue
    from earlywarn.store import Archive, Write
    from tests.alerts.servers import webhook_server
    from tests.alerts.test_hostile_delivery import T0, _alerts

    with webhook_server() as (hook, port):
        plain = f"127.0.0.1:{port}"

        def configure(json_scheme: str, ce_scheme: str) -> list[Channel]:
            chans = [
                Channel("hook", "apprise", f"{json_scheme}://{plain}/hook"),
                Channel("siem", "cloudevents", f"{ce_scheme}://{plain}/ce"),
                Channel("good", "cloudevents", f"http://{plain}/good"),
            ]
            lines = [f'  - {{name: {c.name}, kind: {c.kind}, url: "{c.url}"}}' for c in chans]
            (tmp_path / "ch.yaml").write_text("channels:\n" + "\n".join(lines) + "\n")
            return chans

        channels = configure("jsons", "https")
        with Archive(tmp_path / "a.duckdb") as archive:
            archive.commit([Write("outbox", enqueue(_alerts(3), channels, now=T0))])
        cfg = tmp_path / "earlywarn.toml"
        cfg.write_text(
            f'archive = "{tmp_path / "a.duckdb"}"\nchannels = "{tmp_path / "ch.yaml"}"\n'
            "[http]\nconnect_timeout = 5.0\nread_timeout = 5.0\ntotal_timeout = 20.0\n"
        )
        r = _cli("-c", str(cfg), "deliver")
        assert r.exit_code == 0, r.output
        counts = json.loads(r.stdout)
        assert counts["sent"] == 3 and counts["failed"] == 6 and counts["retry"] == 0, counts
        assert counts["attempted"] == 5  # 3 good, 1 per broken channel: the rest unsent
        with Archive(tmp_path / "a.duckdb", read_only=True) as a:
            out = a.table("outbox").set_index(["channel", "alert_id"])
        assert (out.loc["good", "status"] == "sent").all()
        for name in ("hook", "siem"):
            rows = out.loc[name]
            assert (rows["status"] == "failed").all(), rows[["status", "last_error"]]
            assert (
                rows["last_error"]
                .str.contains(f"https://{plain}: the server did not speak TLS", regex=False)
                .all()
            ), rows["last_error"].tolist()
            assert rows["last_error"].str.contains("--retry-failed").all()
            assert rows["attempts"].tolist().count(1) == 1  # one handshake per channel
            assert not rows["last_error"].str.contains("within").any()  # no deadline waited
        assert {q.path for q in hook.requests} == {"/good"}
        # a second run sends nothing again and tries no broken row
        again = json.loads(_cli("-c", str(cfg), "deliver").stdout)
        assert again["attempted"] == 0 and again["sent"] == 0, again
        # the URLs fixed: the kept rows go out, each once
        configure("json", "http")
        r = _cli("-c", str(cfg), "deliver", "--retry-failed")
        assert r.exit_code == 0, r.output
        with Archive(tmp_path / "a.duckdb", read_only=True) as a:
            out = a.table("outbox")
        assert (out["status"] == "sent").all(), out[["channel", "status", "last_error"]]
        ids = pd.Series([q.headers.get("x-earlywarn-delivery-id") for q in hook.requests])
        assert len(ids) == 9 and ids.is_unique


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself (no CA trusts it), and its key."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    crt, pem = tmp_path / "c.pem", tmp_path / "k.pem"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return crt, pem


def test_a_receiver_whose_certificate_is_refused_is_named_and_not_retried(
    tmp_path: Path,
) -> None:
    """The same class with TLS spoken but a certificate no CA vouches for: the outbox row
    names the certificate error (apprise said 'A Connection error occurred') and is not
    retried; a plain-HTTP channel beside it is delivered."""
    import ssl

    from earlywarn.alerts import Channel, deliver, enqueue
    from earlywarn.store import Archive, Write
    from tests.alerts.servers import webhook_server
    from tests.alerts.test_hostile_delivery import HTTP, T0, _alerts

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*_self_signed(tmp_path))
    with webhook_server(tls=context) as (tls, tls_port), webhook_server() as (plain, port):
        channels = [
            Channel("hook", "apprise", f"jsons://127.0.0.1:{tls_port}/hook"),
            Channel("siem", "cloudevents", f"https://127.0.0.1:{tls_port}/ce"),
            Channel("good", "cloudevents", f"http://127.0.0.1:{port}/good"),
        ]
        http = HTTP.model_copy(update={"total_timeout": 30.0})
        with Archive(tmp_path / "a.duckdb") as archive:
            archive.commit([Write("outbox", enqueue(_alerts(2), channels, now=T0))])
            counts = deliver(archive, channels, now=T0, http=http)
            out = archive.table("outbox").set_index(["channel", "alert_id"])
    assert counts["sent"] == 2 and counts["failed"] == 4 and counts["retry"] == 0, counts
    assert len(plain.requests) == 2 and not tls.requests
    for name in ("hook", "siem"):
        errors = out.loc[name, "last_error"].tolist()
        assert all("the server's TLS certificate was refused" in e for e in errors), errors
        assert all("self-signed certificate" in e for e in errors), errors
        assert (out.loc[name, "status"] == "failed").all()


def test_a_model_new_on_a_rerun_of_a_past_night_gets_no_ledger_rows(tmp_path: Path) -> None:
    """A forced rerun of a past night with a model added since (or changed) wrote ledger
    rows dated that night: forecasts never made on it entered the track record (hindsight),
    since the forecast id held no model version and only ids already recorded were
    skipped. Now only a night's first forecast run writes ledger rows, and the id names the
    model's version; the next night's first run records the new model. Reruns stay
    idempotent."""
    import pandas as pd

    from earlywarn.config import Settings
    from earlywarn.demo import CORPUS
    from earlywarn.io.history import import_history
    from earlywarn.pipeline import run_nightly
    from earlywarn.store import Archive

    models = tmp_path / "models"
    models.mkdir()
    (models / "naive.yaml").write_text("name: naive\nestimator: Naive\nparams: {method: auto}\n")
    s = Settings(
        archive=tmp_path / "a.duckdb",
        output_dir=tmp_path / "out",
        scheduler="synchronous",
        max_forecast_series=2,
        horizon=3,
        models_dir=models,
    )
    import_history(s, "counts", CORPUS / "YEM_gdelt_monthly_long.csv")
    stages = ["series", "forecast"]
    run_nightly(s, "2016-01-31", stages=stages)

    def ledger() -> pd.DataFrame:
        with Archive(s.archive, read_only=True) as a:
            return a.table("forecast_ledger")

    first = ledger()
    assert set(first["model"]) == {"naive"} and len(first) == 6
    # a model added, another one's parameters changed, then the past night forced again
    (models / "drift.yaml").write_text("name: drift\nestimator: Drift\n")
    (models / "naive.yaml").write_text("name: naive\nestimator: Naive\nparams: {method: normal}\n")
    run_nightly(s, "2016-01-31", stages=stages, force=True)
    pd.testing.assert_frame_equal(ledger(), first)  # the night's first record, nothing more
    with Archive(s.archive, read_only=True) as a:  # while its forecasts table is the rerun's
        assert set(a.table("forecasts")["model"]) == {"naive", "drift"}
    run_nightly(s, "2016-02-29", stages=stages)  # the next night's first run records both
    later = ledger()
    feb = later[later["as_of"] == pd.Timestamp("2016-02-29")]
    assert set(feb["model"]) == {"naive", "drift"} and feb["forecast_id"].is_unique
    assert feb["model_version"].ne(first["model_version"].iloc[0]).all()  # params changed
    run_nightly(s, "2016-02-29", stages=stages, force=True)  # a rerun stays idempotent
    pd.testing.assert_frame_equal(ledger(), later)
