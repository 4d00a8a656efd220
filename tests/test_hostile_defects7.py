"""Defects the sixth round noticed and left alone (tests/HOSTILE.md, seventh round), each
through a real entry point: the CLI, the nightly pipeline, a loopback SMTP server."""

from __future__ import annotations

import json
import logging
import ssl
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlywarn.cli import app
from earlywarn.errors import ConfigError

SECRET = "s3cr3t-pw"


def _cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("fmt", ["yaml", "opml"])
@pytest.mark.parametrize("command", [["feeds", "check"], ["feeds", "list"], ["feeds", "export"]])
def test_a_feed_url_with_credentials_is_refused_and_never_shown(
    tmp_path: Path, fmt: str, command: list[str]
) -> None:
    """`https://user:pw@host/rss` in a catalog was accepted: the URL (password and all) went
    into the archive's feeds table, the collect logs (JSON 'url' field), the `feeds` table
    printed and the exports. Now a config error (78) naming the key, the password masked in
    every message."""
    url = f"https://alice:{SECRET}@news.example.org/rss"
    if fmt == "yaml":
        cat = tmp_path / "cat.yaml"
        cat.write_text(f"- {{url: '{url}', language: en, country: GBR}}\n")
    else:
        cat = tmp_path / "cat.opml"
        cat.write_text(
            '<?xml version="1.0"?><opml version="2.0"><head/><body>'
            f'<outline type="rss" text="x" xmlUrl="{url}"/></body></opml>'
        )
    args = [*command, str(cat)]
    if command[-1] == "export":
        args.append(str(tmp_path / "out.yaml"))
    cfg = tmp_path / "ew.toml"
    cfg.write_text(f'archive = "{tmp_path / "a.duckdb"}"\n')
    r = _cli("--config", str(cfg), *args)
    assert r.exit_code == 78, r.output  # type: ignore[attr-defined]
    out = r.output  # type: ignore[attr-defined]
    assert "holds credentials" in out and "https://***@news.example.org" in out, out
    assert SECRET not in out and "alice" not in out, out
    assert not (tmp_path / "out.yaml").exists()


def test_a_feed_built_through_the_api_with_credentials_is_refused() -> None:
    from earlywarn.collect import Feed

    with pytest.raises(ConfigError, match="holds credentials") as err:
        Feed(f"http://bob:{SECRET}@127.0.0.1:8080/rss")
    assert SECRET not in str(err.value)
    Feed("https://news.example.org/rss?contact=a@b.org")  # an @ in the query is no secret


def test_a_json_log_record_masks_credentials_in_its_url_field() -> None:
    """The JSON logs carry each fetch's URL as a field of its own, which the redacting filter
    (it rewrites the message) did not reach."""
    from earlywarn._log import _JsonFormatter

    record = logging.LogRecord(
        "earlywarn.x", logging.WARNING, __file__, 1, "fetch failed", (), None
    )
    record.url = f"https://alice:{SECRET}@host.example/rss"
    payload = json.loads(_JsonFormatter().format(record))
    assert payload["url"] == "https://***@host.example/rss"


def _mail(port: int, scheme: str, query: str = "") -> object:
    from earlywarn.alerts import Channel

    return Channel(
        "desk",
        "apprise",
        f"{scheme}://ew:s3cret@127.0.0.1:{port}?from=ew@example.org&to=desk@example.org{query}",
    )


def _deliver(tmp_path: Path, channel: object, n: int = 2) -> tuple[dict[str, int], object]:
    from earlywarn.alerts import deliver, enqueue
    from earlywarn.store import Archive, Write
    from tests.alerts.test_hostile_delivery import HTTP, T0, _alerts

    http = HTTP.model_copy(update={"total_timeout": 30.0})
    with Archive(tmp_path / "a.duckdb") as archive:
        archive.commit([Write("outbox", enqueue(_alerts(n), [channel], now=T0))])
        counts = deliver(archive, [channel], now=T0, http=http)
        return counts, archive.table("outbox")


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_e_mail_over_tls_to_a_real_smtp_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """SMTP with STARTTLS and SMTPS (TLS from the first byte) against aiosmtpd on loopback,
    with a certificate for 127.0.0.1 the client trusts (SSL_CERT_FILE): every message
    arrives over TLS, the login is made inside it (the server takes none before)."""
    from tests.alerts.servers import free_port, smtp_server
    from tests.test_hostile_defects6 import _self_signed

    crt, key = _self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(crt))  # the delivery child inherits it
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(crt, key)
    port = free_port()
    tls = {"starttls": server} if mode == "starttls" else {"implicit_tls": server}
    with smtp_server(port, **tls) as box:  # type: ignore[arg-type]
        counts, out = _deliver(tmp_path, _mail(port, "mailtos", f"&mode={mode}"))
    assert counts["sent"] == 2 and counts["failed"] == counts["retry"] == 0, counts
    assert box.tls == [True, True] and box.logins == [(b"ew", b"s3cret")] * 2
    assert {m["X-Earlywarn-Alert-Id"] for m in box.messages} == {"a0", "a1"}
    assert set(out["status"]) == {"sent"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("mode", "server_tls", "says"),
    [
        ("starttls", "untrusted", "the server's TLS certificate was refused (self-signed"),
        ("ssl", "untrusted", "the server's TLS certificate was refused (self-signed"),
        ("ssl", "none", "the server did not speak TLS"),
        ("starttls", "none", "the server offers no STARTTLS"),
    ],
)
def test_a_failed_smtp_tls_handshake_is_named_and_not_retried(
    tmp_path: Path, mode: str, server_tls: str, says: str
) -> None:
    """The handshake failure path of SMTP: a certificate no CA vouches for, an SMTPS address
    served by plain SMTP, and a STARTTLS address whose server offers no STARTTLS (before:
    `SMTPNotSupportedError`, retried with backoff for ever, the same answer every time).
    Each is a DeliveryTLSError naming `smtp(s)://host:port`: the rows failed at once, not
    retried, nothing sent in clear."""
    from earlywarn.alerts.senders import DeliveryTLSError, send
    from tests.alerts.servers import free_port, smtp_server
    from tests.test_hostile_defects6 import _self_signed

    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(*_self_signed(tmp_path))
    tls = {}
    if server_tls == "untrusted":
        tls = {"starttls": server} if mode == "starttls" else {"implicit_tls": server}
    port = free_port()
    with smtp_server(port, **tls) as box:  # type: ignore[arg-type]
        counts, out = _deliver(tmp_path, _mail(port, "mailtos", f"&mode={mode}"))
        with pytest.raises(DeliveryTLSError, match="not retried"):  # the public sender too
            send(_mail(port, "mailtos", f"&mode={mode}"), {"delivery_id": "d", "alert": {}})  # type: ignore[arg-type]
    assert counts["failed"] == 2 and counts["sent"] == counts["retry"] == 0, counts
    errors = out["last_error"].tolist()  # type: ignore[attr-defined]
    scheme = "smtps" if mode == "ssl" else "smtp"
    address = f"{scheme}://127.0.0.1:{port}"
    assert errors[0].startswith(f"{address}: {says}"), errors  # the others: 'not sent: ...'
    assert all(e.removeprefix("not sent: ") == errors[0] for e in errors), errors
    if says == "the server did not speak TLS":  # the hint is SMTP's, not HTTP's
        assert "mailto://" in errors[0] and "http://" not in errors[0], errors
    assert all("s3cret" not in e for e in errors)
    assert not box.messages and not box.logins


@pytest.mark.slow  # four nightly runs (~20 s)
def test_an_alert_first_raised_on_a_rerun_is_not_dated_as_if_raised_on_the_night(
    tmp_path: Path,
) -> None:
    """A rule added before a forced rerun of a past night raised alerts that the ledger
    recorded exactly as if the night had raised them: the track record counted them and a
    ledger-based evaluation could credit them with lead time they never had (hindsight).
    Now the ledger marks them (`rerun`, first seen at `recorded_at`); precision per rule and
    `evaluate_alerts(raised=...)` leave them out and count them apart. The next night's first
    run records the rule's alerts as live; reruns stay idempotent."""
    import pandas as pd

    from earlywarn.alerts import load_rules
    from earlywarn.alerts.evaluate import evaluate_alerts
    from earlywarn.ledger import track_record
    from earlywarn.pipeline import run_nightly
    from earlywarn.store import Archive
    from tests.alert_nights import NIGHT, STAGES, yemen_night

    quiet = "  - {name: quiet, series: ['YEM:*'], threshold: 999, window: 3MS}\n"
    loud = "  - {name: loud, series: ['YEM:root1*'], threshold: 3, window: 3MS}\n"
    s, rules = yemen_night(tmp_path, quiet)

    def ledger() -> pd.DataFrame:
        with Archive(s.archive, read_only=True) as a:
            return a.table("alert_ledger")

    assert ledger().empty  # the night raised nothing
    rules.write_text("rules:\n" + quiet + loud)  # a rule added, then the night forced again
    run_nightly(s, NIGHT, stages=STAGES, force=True)
    late = ledger()
    assert len(late) > 0 and late["rerun"].all() and set(late["rule"]) == {"loud"}
    assert (late["recorded_at"] > pd.Timestamp("2026-01-01", tz="UTC")).all()
    with Archive(s.archive, read_only=True) as a:
        track = track_record(a, pd.Timestamp("2015-03-31").date())["alerts"]
        series = a.table("series")
        anomalies = a.table("anomalies")
    row = track.set_index("rule").loc["loud"]
    assert row["raised"] == 0 and row["rerun"] == len(late), track
    from earlywarn.report.track import track_section  # the report's and review page's table

    shown = str(track_section({"alerts": track}))
    assert "Raised on a rerun" in shown
    assert '<td>loud</td><td class="num">0</td>' in shown
    assert shown.split("<td>loud</td>")[1].split("</tr>")[0].endswith(f">{len(late)}</td>")
    assert "Phát sinh khi chạy lại" in str(track_section({"alerts": track}, locale="vi"))
    labels = pd.DataFrame(
        {"unique_id": ["YEM"], "onset": ["2015-03-01"], "end": ["2015-12-01"], "role": "primary"}
    )
    lr = [r for r in load_rules(rules) if r.name == "loud"]
    judged = evaluate_alerts(series, labels, lr, anomalies=anomalies, raised=late)
    assert judged["alerts"] == 0 and judged["caught"] == 0, judged
    assert judged["rerun_alerts"] == len(late)

    run_nightly(s, "2015-04-30", stages=STAGES)  # the next night's first run: live alerts
    later = ledger()
    april = later[later["as_of"] == pd.Timestamp("2015-04-30")]
    assert len(april) and not april["rerun"].any()
    run_nightly(s, "2015-04-30", stages=STAGES, force=True)  # nothing new: idempotent
    pd.testing.assert_frame_equal(ledger(), later)
    judged = evaluate_alerts(series, labels, lr, anomalies=anomalies, raised=later)
    assert judged["alerts"] == len(april) and judged["rerun_alerts"] == len(late)


def test_migration_13_marks_no_earlier_alert_as_a_rerun(tmp_path: Path) -> None:
    """An archive at schema version 12 gains the ledger's `rerun` column; its alerts stay
    (NULL: unknown) and count as raised live."""
    import duckdb

    from earlywarn.ledger import alert_skill
    from earlywarn.store import SCHEMA_VERSION, Archive

    path = tmp_path / "v12.duckdb"
    Archive(path).close()
    con = duckdb.connect(str(path))
    con.execute('ALTER TABLE alert_ledger DROP COLUMN "rerun"')
    con.execute(
        "INSERT INTO alert_ledger VALUES ('a1', DATE '2024-03-05', 'spike', 'v', 'cov:VNM', "
        "TIMESTAMP '2024-03-05', 'high', 7.0, TIMESTAMPTZ '2024-03-06 06:00:00+00')"
    )
    con.execute("UPDATE meta SET value = '12' WHERE key = 'schema_version'")
    con.close()
    with Archive(path) as a:
        assert SCHEMA_VERSION >= 13
        led = a.table("alert_ledger")
        assert led["rerun"].isna().all() and led["alert_id"].tolist() == ["a1"]
        skill = alert_skill(led, a.table("alert_outcomes"))
    assert skill[["rule", "raised", "open", "rerun"]].values.tolist() == [["spike", 1, 1, 0]]
