"""Hostile webhook receivers (issue 14): one bad receiver never stalls delivery."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from earlywarn.alerts import Channel, deliver, enqueue
from earlywarn.config import HttpSettings
from earlywarn.store import Archive, Write
from tests.alerts.servers import webhook_server
from tests.hostile import Conn, raw_server

T0 = pd.Timestamp("2024-03-06T06:00:00Z")
HTTP = HttpSettings(connect_timeout=1.0, read_timeout=5.0, total_timeout=1.5)


def _alerts(n: int) -> pd.DataFrame:
    now = pd.Timestamp("2024-03-05T06:00:00Z")
    return pd.DataFrame(
        {
            "alert_id": [f"a{i}" for i in range(n)],
            "rule": "spike",
            "unique_id": "cov:VNM",
            "ds": pd.Timestamp("2024-03-05"),
            "as_of": pd.Timestamp("2024-03-05"),
            "severity": "high",
            "score": 7.0,
            "title": [f"Coverage spike {i}" for i in range(n)],
            "status": "new",
            "evidence": "{}",
            "created_at": now,
            "updated_at": now,
            "note": None,
        }
    )


def _drip(conn: Conn) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\nConnection: close\r\n\r\n"
    conn.drip(head + b"k" * 60, 0.2)  # 25 s in all, the status line too: past the deadline


def _endless(conn: Conn) -> None:
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    conn.endless(seconds=20.0)


@pytest.mark.slow
def test_dripping_and_endless_receivers_do_not_stall_the_others(tmp_path: Path) -> None:
    with (
        raw_server() as bad,
        webhook_server() as (good, port),
        Archive(tmp_path / "a.duckdb") as archive,
    ):
        bad.routes["/drip"] = _drip
        bad.routes["/endless"] = _endless
        channels = [  # rows go out in channel order: the bad ones first
            Channel("a-drip", "cloudevents", bad.url("/drip")),
            Channel("b-endless-ce", "cloudevents", bad.url("/endless")),
            Channel("c-endless-json", "apprise", "json://" + bad.url("/endless")[7:]),
            Channel("d-good", "cloudevents", f"http://127.0.0.1:{port}/ce"),
        ]
        archive.commit([Write("outbox", enqueue(_alerts(3), channels, now=T0))])
        start = time.monotonic()
        counts = deliver(archive, channels, now=T0, http=HTTP)
        took = time.monotonic() - start
        out = archive.table("outbox").set_index(["channel", "alert_id"])
    print(f"deliver took {took:.1f}s: {counts}")
    assert len(good.requests) == 3  # every later row is still sent
    assert counts["sent"] == 9 and counts["retry"] + counts["deferred"] == 3
    assert counts["deferred"] == 2  # a stalled receiver costs one deadline, not one per row
    drip = out.loc["a-drip"]
    assert (drip["status"] == "pending").all() and drip["attempts"].tolist().count(1) == 1
    assert drip["last_error"].str.contains("within").sum() == 1
    # the endless answers: a 2xx's body is not read (CloudEvents) or cut at 64 KiB (apprise)
    assert (out.loc["b-endless-ce", "status"] == "sent").all()
    assert (out.loc["c-endless-json", "status"] == "sent").all()
    assert took < 2 * 2.5 + 10.0, took


def _answer(status: str, length: int | None, endless: bool = False, drip: bool = False) -> Any:
    def handler(conn: Conn) -> None:
        head = f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nConnection: close\r\n"
        head += f"Content-Length: {length}\r\n" if length is not None else ""
        conn.send(head.encode() + b"\r\nrefused: quota\n")
        if drip:
            conn.drip(b"k" * 60, 0.2)  # 12 s for a body its Content-Length says is 75 bytes
        elif endless:
            conn.endless(seconds=30.0)

    return handler


@pytest.mark.parametrize("kind", ["apprise", "cloudevents"])
def test_a_receiver_answering_without_end_is_read_no_further(kind: str) -> None:
    """A receiver's answer was read whole by apprise (requests): an endless body, or one
    declaring 10^11 bytes, held the delivery until its child process was killed at the
    deadline, so a 200 was reported as a timeout and the alert sent again at each retry
    (a refusal's reason lost the same way). A CloudEvents receiver dripping the body of a
    200 did the same. Now a 2xx's body is read no further than 64 KiB (apprise), or not
    at all (CloudEvents), and a refusal's first bytes give its reason."""
    from earlywarn.alerts.senders import DeliveryError, DeliveryTimeoutError, send_bounded

    http = HttpSettings(connect_timeout=2.0, read_timeout=10.0, total_timeout=10.0)
    payload = {
        "delivery_id": "d-1",
        "kind": "alert",
        "alert": {"rule": "spike", "unique_id": "cov:VNM", "severity": "high", "title": "t"},
    }
    routes = {
        "/endless": _answer("200 OK", None, endless=True),
        "/huge": _answer("200 OK", 10**11, endless=True),
        "/refused": _answer("500 Internal Server Error", None, endless=True),
    }
    if kind == "cloudevents":  # apprise's plugins may parse a 2xx body: theirs is read
        routes["/drip"] = _answer("200 OK", 75, drip=True)
    with raw_server() as bad:
        bad.routes.update(routes)
        for path in routes:
            url = bad.url(path) if kind == "cloudevents" else "json://" + bad.url(path)[7:]
            channel = Channel("hook", kind, url)
            if path == "/refused":
                with pytest.raises(DeliveryError) as err:
                    send_bounded(channel, payload, http)
                assert not isinstance(err.value, DeliveryTimeoutError), (path, err.value)
                assert "500" in str(err.value), str(err.value)
            else:
                send_bounded(channel, payload, http)  # accepted: no timeout, no retry
            assert bad.hits[path] == 1, (path, bad.hits)


@pytest.mark.parametrize(
    "url", ["http://[::1/hook", "http://xn--/hook", "https://siem.example.org:99999/hook"]
)
def test_a_webhook_url_that_cannot_be_reached_is_a_config_error(tmp_path: Path, url: str) -> None:
    """A cloudevents channel 'http://xn--/hook' passed validation, so `earlywarn deliver`
    exited 0 and every delivery to it failed, night after night (idna.IDNAError inside
    httpx for the A-label); now the config is refused before anything is sent."""
    from typer.testing import CliRunner

    from earlywarn.cli import app

    (tmp_path / "ch.yaml").write_text(
        f'channels:\n  - {{name: siem, kind: cloudevents, url: "{url}"}}\n', encoding="utf-8"
    )
    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    cfg = tmp_path / "earlywarn.toml"
    cfg.write_text(f'archive = "{archive}"\nchannels = "{tmp_path / "ch.yaml"}"\n')
    r = CliRunner().invoke(app, ["-c", str(cfg), "deliver"])
    assert r.exit_code == 78, (r.exit_code, r.stderr[-500:])
    assert "key 'url' is not a URL that can be reached" in r.stderr


@pytest.mark.parametrize("where", ["user_agent", "channel_header"])
def test_a_header_value_with_a_line_break_is_a_config_error(tmp_path: Path, where: str) -> None:
    r"""A user_agent or a webhook header holding '\r\n' was accepted; every fetch then
    failed as 'the server broke HTTP (Illegal header value ...)', blaming each server,
    and every delivery failed; now the config is refused, naming the key."""
    from typer.testing import CliRunner

    from earlywarn.cli import app

    evil = "x\\r\\nX-Injected: 1"  # TOML escapes: a real CR LF in the value
    header = f', headers: {{X-Token: "{evil}"}}' if where == "channel_header" else ""
    (tmp_path / "ch.yaml").write_text(
        "channels:\n  - {name: siem, kind: cloudevents, "
        f'url: "https://siem.example.org/hook"{header}}}\n',
        encoding="utf-8",
    )
    archive = tmp_path / "a.duckdb"
    Archive(archive).close()
    cfg = tmp_path / "earlywarn.toml"
    agent = f'user_agent = "{evil}"\n' if where == "user_agent" else ""
    cfg.write_text(f'archive = "{archive}"\nchannels = "{tmp_path / "ch.yaml"}"\n[http]\n{agent}')
    r = CliRunner().invoke(app, ["-c", str(cfg), "deliver"])
    assert r.exit_code == 78, (r.exit_code, r.stderr[-500:])
    assert ("http.user_agent" if where == "user_agent" else "key 'headers'") in r.stderr
    assert "line break" in r.stderr
