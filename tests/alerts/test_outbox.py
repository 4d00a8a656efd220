"""The delivery outbox against real loopback receivers (aiosmtpd, http.server), with faults."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from earlywarn.alerts import (
    Channel,
    Rule,
    deliver,
    delivery_id,
    enqueue,
    evaluate_rules,
    load_channels,
    outbox_for,
    parse_channels,
    retry_failed,
)
from earlywarn.alerts.dispatch import backoff_seconds
from earlywarn.config import HttpSettings
from earlywarn.detect import detect
from earlywarn.errors import ConfigError
from earlywarn.schema import TABLES, validate
from earlywarn.store import Archive, Write
from tests.alerts.frames import frames
from tests.alerts.servers import Webhook, free_port, smtp_server, webhook_server

AS_OF = "2018-10-31"  # coverage of Vietnam spikes: real articles (baomoi.com URLs) as evidence
T0 = pd.Timestamp("2018-11-01T06:00:00Z")
REPO = Path(__file__).resolve().parents[2]
HTTP = HttpSettings(connect_timeout=2.0, read_timeout=5.0)


@pytest.fixture(scope="module")
def alerts() -> pd.DataFrame:
    f = frames()
    anomalies = detect(f["series"], as_of=AS_OF, lookback=None)
    rules = [
        Rule("vn-coverage", series=("cov:VNM",), threshold=1.5, window="2D", severity="high"),
        Rule("vn-dyad", series=("dyad:CHN>VNM",), threshold=1.0, window="2D", severity="medium"),
    ]
    out = evaluate_rules(
        anomalies,
        rules,
        as_of=AS_OF,
        series=f["series"],
        events=f["events"],
        articles=f["articles"],
        mentions=f["mentions"],
        now=T0.to_pydatetime(),
    )
    assert sorted(out["severity"]) == ["high", "medium"]
    return out


@pytest.fixture
def archive(tmp_path: Path):
    with Archive(tmp_path / "a.duckdb") as a:
        yield a


def _coverage(alerts: pd.DataFrame) -> pd.Series:
    return alerts[alerts["rule"] == "vn-coverage"].iloc[0]


def _article_urls(alert: pd.Series) -> list[str]:
    return [a["url"] for a in json.loads(alert["evidence"])["articles"]]


def _commit_alerts(archive: Archive, alerts: pd.DataFrame, channels, now=T0) -> pd.DataFrame:
    rows = enqueue(alerts, channels, outbox_for(archive, alerts["alert_id"]), now=now)
    archive.commit([Write("alerts", alerts), Write("outbox", rows)])  # one transaction
    return rows


def _outbox(archive: Archive) -> pd.DataFrame:
    return archive.table("outbox").sort_values(["alert_id", "channel"]).reset_index(drop=True)


def _ce(url: str, **kw) -> Channel:
    return Channel("bus", "cloudevents", url, **kw)


# -- configuration ---------------------------------------------------------------------------
def test_channels_yaml_env_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "channels.yaml"
    doc = {
        "channels": [
            {
                "name": "desk",
                "kind": "apprise",
                "url": "mailto://ew:${EW_SMTP_PASSWORD}@127.0.0.1:2525?from=ew@example.org&to=d@example.org",
                "min_severity": "medium",
                "rules": ["protest-*", "vn-*"],
            },
            {
                "name": "bus",
                "kind": "cloudevents",
                "url": "http://127.0.0.1:9/e",
                "headers": {"Authorization": "Bearer ${EW_TOKEN}"},
            },
        ]
    }
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    env = {"EW_SMTP_PASSWORD": "s3cret", "EW_TOKEN": "tok"}
    desk, bus = load_channels(path, environ=env)
    assert "ew:s3cret@" in desk.url and desk.min_severity == "medium"
    assert desk.rules == ("protest-*", "vn-*") and desk.series == ("*",)
    assert dict(bus.headers) == {"Authorization": "Bearer tok"} and bus.min_severity == "low"
    assert "s3cret" not in repr(desk)
    with pytest.raises(
        ConfigError, match=r"channels\.yaml: channel #0 \('desk'\).*EW_SMTP_PASSWORD"
    ):
        load_channels(path, environ={"EW_TOKEN": "tok"})

    def bad(change: dict, match: str) -> None:
        item = {**doc["channels"][1], **change}
        with pytest.raises(ConfigError, match=match):
            parse_channels({"channels": [item]}, "ch.yaml", environ=env)

    bad({"kind": "sms"}, r"ch\.yaml: channel #0 \('bus'\): key 'kind'")
    bad({"min_severity": "urgent"}, r"key 'min_severity'")
    bad({"url": "ftp://x"}, r"key 'url'")
    bad({"kind": "apprise", "url": "nosuchservice://x", "headers": {}}, r"not a valid apprise URL")
    bad({"kind": "apprise", "url": "json://127.0.0.1/x"}, r"key 'headers' is for kind cloudevents")
    bad({"rules": []}, r"key 'rules'")
    bad({"colour": "red"}, r"unknown key\(s\) \['colour'\]")
    bad({"name": "a b"}, r"key 'name'")
    with pytest.raises(ConfigError, match="unique; repeated: \\['bus'\\]"):
        parse_channels({"channels": doc["channels"][1:] * 2}, "ch.yaml", environ=env)
    with pytest.raises(ConfigError, match="top-level 'channels:'"):
        parse_channels({"rules": []}, "ch.yaml")
    with pytest.raises(ConfigError, match="cannot read"):
        load_channels(tmp_path / "missing.yaml")


# -- enqueue ---------------------------------------------------------------------------------
def test_enqueue_rows_filters_escalation_and_rerun(alerts: pd.DataFrame) -> None:
    channels = [
        _ce("http://127.0.0.1:9/a"),
        Channel("desk", "cloudevents", "http://127.0.0.1:9/b", min_severity="high"),
        Channel("dyads", "cloudevents", "http://127.0.0.1:9/c", series=("dyad:*",)),
        Channel("off", "cloudevents", "http://127.0.0.1:9/d", enabled=False),
    ]
    rows = enqueue(alerts, channels, now=T0)
    assert list(rows.columns) == list(TABLES["outbox"].columns)
    validate(rows, "outbox")
    cov = _coverage(alerts)
    dyad = alerts[alerts["rule"] == "vn-dyad"].iloc[0]
    got = sorted(zip(rows["alert_id"], rows["channel"], strict=True))
    assert got == sorted(
        [
            (cov.alert_id, "bus"),
            (cov.alert_id, "desk"),
            (dyad.alert_id, "bus"),
            (dyad.alert_id, "dyads"),
        ]
    )
    assert set(rows["status"]) == {"pending"} and set(rows["attempts"]) == {0}
    assert (rows["next_attempt_at"] == T0).all() and rows["sent_at"].isna().all()
    payload = json.loads(rows.loc[rows["channel"] == "desk", "payload"].iloc[0])
    assert payload["delivery_id"] == delivery_id(cov.alert_id, "desk") and payload["kind"] == "new"
    assert payload["alert"]["title"] == cov.title and payload["alert"]["severity"] == "high"
    assert [a["url"] for a in payload["alert"]["articles"]] == _article_urls(cov)[:5]

    # rerun: every key exists -> nothing new (a 'sent' row is never reset)
    assert enqueue(alerts, channels, rows, now=T0 + pd.Timedelta(days=1)).empty
    # escalation of the dyad alert: a new delivery per channel, keyed alert_id#high
    up = alerts.assign(severity="high")
    esc = enqueue(up, channels, rows, now=T0)
    assert sorted(zip(esc["alert_id"], esc["channel"], strict=True)) == sorted(
        [
            (f"{dyad.alert_id}#high", "bus"),
            (f"{dyad.alert_id}#high", "dyads"),
            (dyad.alert_id, "desk"),
        ]
    )
    p = json.loads(esc.loc[esc["channel"] == "bus", "payload"].iloc[0])
    assert p["kind"] == "escalation" and p["alert"]["previous_severity"] == "medium"
    assert p["delivery_id"] != delivery_id(dyad.alert_id, "bus")
    both = pd.concat([rows, esc], ignore_index=True)
    # back to medium, or the same high again: nothing; dismissed/resolved alerts: nothing
    assert enqueue(alerts, channels, both, now=T0).empty
    assert enqueue(up, channels, both, now=T0).empty
    assert enqueue(alerts.assign(status="dismissed"), channels, now=T0).empty
    assert enqueue(alerts.assign(status="resolved"), channels, now=T0).empty


# -- delivery to real receivers -------------------------------------------------------------
def test_alert_message_follows_the_locale(alerts: pd.DataFrame) -> None:
    """Alert e-mails were English whatever the configured locale, where the brief's
    followed it: the payload now carries the locale and the body's labels are translated,
    in the right number; the subject's tag stays a fixed code for mail filters."""
    from earlywarn.alerts.senders import render_message

    desk = Channel("desk", "apprise", "mailto://u:p@127.0.0.1?to=d@example.org")
    cov = _coverage(alerts)

    def message(**kw: str) -> tuple[str, str]:
        rows = enqueue(alerts[alerts["rule"] == "vn-coverage"], [desk], now=T0, **kw)
        return render_message(json.loads(rows["payload"].iloc[0]))

    (en_subject, en), (vi_subject, vi) = message(), message(locale="vi")
    assert en_subject == vi_subject == f"[earlywarn HIGH] {cov.title}"
    assert _article_urls(cov)[0] in vi and cov.title in vi
    for english, vietnamese in [
        ("Severity: HIGH", "Mức độ: HIGH"),
        ("Evidence articles:", "Bài viết làm bằng chứng:"),
        ("Alert id:", "Mã cảnh báo:"),
        ("Delivery id:", "Mã lần gửi:"),
    ]:
        assert english in en and english not in vi and vietnamese in vi, english
    one = {"delivery_id": "d1", "kind": "escalation", "alert": {
        "alert_id": "a1", "title": "t", "severity": "high", "previous_severity": "medium",
        "episode": {"start": "2024-03-01", "end": "2024-03-01", "periods": 1},
        "articles": [{"title": None, "url": "https://e.vn/a"}]}}  # fmt: skip
    body = render_message(one)[1]
    assert "(escalated from medium)" in body and ", 1 anomalous period\n" in body
    assert " - (untitled)" in body
    one["alert"]["episode"]["periods"] = 3  # type: ignore[index]
    assert ", 3 anomalous periods\n" in render_message(one)[1]
    body = render_message({**one, "locale": "vi"})[1]
    assert "(nâng từ mức medium)" in body and ", 3 kỳ bất thường\n" in body
    assert " - (không có tiêu đề)" in body


def test_the_alerts_stage_queues_messages_in_the_configured_locale(tmp_path: Path) -> None:
    """The nightly alerts stage gives enqueue the configured locale (it sent English)."""
    from tests.alert_nights import yemen_night

    (tmp_path / "channels.yaml").write_text(
        "channels:\n  - {name: bus, kind: cloudevents, url: 'http://127.0.0.1:9/e'}\n"
    )
    loud = "  - {name: loud, series: ['YEM:root1*'], threshold: 3, window: 3MS}\n"
    s, _ = yemen_night(tmp_path, loud, channels=tmp_path / "channels.yaml", locale="vi")
    with Archive(s.archive, read_only=True) as a:
        payloads = [json.loads(p) for p in a.table("outbox")["payload"]]
    assert payloads and {p["locale"] for p in payloads} == {"vi"}


def test_email_cloudevents_and_apprise_json(alerts, archive, monkeypatch) -> None:
    port = free_port()
    monkeypatch.setenv("EW_SMTP_PASSWORD", "s3cret")
    with smtp_server(port) as box, webhook_server() as (hook, hport):
        channels = parse_channels(
            {
                "channels": [
                    {
                        "name": "desk-email",
                        "kind": "apprise",
                        "url": f"mailto://ew:${{EW_SMTP_PASSWORD}}@127.0.0.1:{port}"
                        "?from=earlywarn@example.org&to=desk@example.org",
                        "min_severity": "high",
                    },
                    {"name": "bus", "kind": "cloudevents", "url": f"http://127.0.0.1:{hport}/ce"},
                    {
                        "name": "ops",
                        "kind": "apprise",
                        "url": f"json://127.0.0.1:{hport}/json",
                        "rules": ["vn-coverage"],
                    },
                ]
            }
        )
        _commit_alerts(archive, alerts, channels)
        counts = deliver(archive, channels, now=T0, http=HTTP)
        assert counts == {
            "attempted": 4,
            "sent": 4,
            "retry": 0,
            "failed": 0,
            "held": 0,
            "deferred": 0,
        }
        again = deliver(archive, channels, now=T0 + pd.Timedelta(days=1), http=HTTP)
        assert again["attempted"] == 0
    cov = _coverage(alerts)
    # e-mail: one message, the alert title, an evidence article URL, Message-ID from the delivery id
    assert len(box.messages) == 1 and box.logins == [(b"ew", b"s3cret")]
    msg = box.messages[0]
    did = delivery_id(cov.alert_id, "desk-email")
    assert cov.title in str(msg["Subject"]) and "HIGH" in str(msg["Subject"])
    assert msg["Message-ID"] == f"<{did}@earlywarn>" and msg["X-Earlywarn-Delivery-Id"] == did
    body = msg.get_payload(decode=True).decode("utf-8")
    assert cov.title in body and _article_urls(cov)[0] in body
    assert box.envelopes[0].rcpt_tos == ["desk@example.org"]
    # CloudEvents: structured mode, stable id, the alert with its evidence as data
    ces = [r for r in hook.requests if r.path == "/ce"]
    assert len(ces) == 2
    for r in ces:
        assert r.headers["content-type"].startswith("application/cloudevents+json")
        ev = json.loads(r.body)
        assert ev["specversion"] == "1.0" and ev["type"] == "org.earlywarn.alert.v1"
        assert (
            ev["id"]
            == delivery_id(ev["data"]["alert_id"], "bus")
            == r.headers["x-earlywarn-delivery-id"]
        )
        assert (
            ev["datacontenttype"] == "application/json" and ev["source"] == "urn:earlywarn:alerts"
        )
        assert pd.Timestamp(ev["time"]).tzinfo is not None
    cov_ev = next(json.loads(r.body) for r in ces if json.loads(r.body)["subject"] == "cov:VNM")
    assert cov_ev["data"]["title"] == cov.title and cov_ev["severity"] == "high"
    assert cov_ev["data"]["articles"][0]["url"] == _article_urls(cov)[0]
    # apprise json://: the rule filter kept one alert; the delivery id rides in a header
    (js,) = [r for r in hook.requests if r.path == "/json"]
    body_js = json.loads(js.body)
    assert cov.title in body_js["title"] and _article_urls(cov)[0] in body_js["message"]
    assert js.headers["x-earlywarn-delivery-id"] == delivery_id(cov.alert_id, "ops")
    out = _outbox(archive)
    assert set(out["status"]) == {"sent"} and set(out["attempts"]) == {1}
    assert (out["sent_at"] == T0).all() and out["last_error"].isna().all()


def test_smtp_down_then_up(alerts, archive) -> None:
    port = free_port()
    ch = Channel(
        "desk",
        "apprise",
        f"mailto://127.0.0.1:{port}?from=ew@example.org&to=desk@example.org",
        min_severity="high",
    )
    _commit_alerts(archive, alerts, [ch])
    first = deliver(archive, [ch], now=T0, http=HTTP)
    assert first == {"attempted": 1, "sent": 0, "retry": 1, "failed": 0, "held": 0, "deferred": 0}
    row = _outbox(archive).iloc[0]
    assert row.status == "pending" and row.attempts == 1 and "SMTP 127.0.0.1" in row.last_error
    assert row.next_attempt_at == T0 + pd.Timedelta(seconds=backoff_seconds(1))
    with smtp_server(port) as box:
        # still backing off: nothing is attempted before next_attempt_at
        assert (
            deliver(archive, [ch], now=T0 + pd.Timedelta(seconds=30), http=HTTP)["attempted"] == 0
        )
        later = T0 + pd.Timedelta(seconds=61)
        assert deliver(archive, [ch], now=later, http=HTTP)["sent"] == 1
        assert (
            deliver(archive, [ch], now=later + pd.Timedelta(hours=5), http=HTTP)["attempted"] == 0
        )
    assert len(box.messages) == 1
    row = _outbox(archive).iloc[0]
    assert row.status == "sent" and row.attempts == 2 and row.sent_at == later


def test_webhook_500_then_200_and_giving_up(alerts, archive) -> None:
    with webhook_server(hook=Webhook(statuses=[500])) as (hook, port):
        ch = _ce(f"http://127.0.0.1:{port}/ce", min_severity="high")
        _commit_alerts(archive, alerts, [ch])
        assert deliver(archive, [ch], now=T0, http=HTTP)["retry"] == 1
        row = _outbox(archive).iloc[0]
        assert row.attempts == 1 and row.last_error.startswith("HTTP 500")
        assert deliver(archive, [ch], now=T0 + pd.Timedelta(minutes=2), http=HTTP)["sent"] == 1
        # the receiver saw the same event twice (a 500 after processing is possible) and can dedup
        ids = [json.loads(r.body)["id"] for r in hook.requests]
        assert len(ids) == 2 and len(set(ids)) == 1
        # a receiver that always fails: after max_attempts the row is a dead letter
        hook.statuses[:] = [503] * 10
        bad = Channel("bad", "cloudevents", f"http://127.0.0.1:{port}/bad", min_severity="high")
        _commit_alerts(archive, alerts, [bad])
        now = T0
        for _ in range(3):
            now += pd.Timedelta(hours=2)
            deliver(archive, [bad], now=now, http=HTTP, max_attempts=2)
    dead = _outbox(archive).query("channel == 'bad'").iloc[0]
    assert dead.status == "failed" and dead.attempts == 2 and dead.last_error.startswith("HTTP 503")
    assert sum(r.path == "/bad" for r in hook.requests) == 2
    # the receiver is fixed: dead letters get a new round, with the same delivery id
    hook.statuses.clear()
    with webhook_server(port, hook):
        assert retry_failed(archive, channel="bad", now=now) == 1
        assert deliver(archive, [bad], now=now, http=HTTP)["sent"] == 1
    again = [json.loads(r.body)["id"] for r in hook.requests if r.path == "/bad"]
    assert len(again) == 3 and len(set(again)) == 1
    assert set(_outbox(archive)["status"]) == {"sent"}


def test_webhook_refused_then_up(alerts, archive) -> None:
    port = free_port()
    ch = _ce(f"http://127.0.0.1:{port}/ce")
    js = Channel("ops", "apprise", f"json://127.0.0.1:{port}/json", min_severity="high")
    _commit_alerts(archive, alerts, [ch, js])
    assert deliver(archive, [ch, js], now=T0, http=HTTP) == {
        "attempted": 3,
        "sent": 0,
        "retry": 3,
        "failed": 0,
        "held": 0,
        "deferred": 0,
    }
    out = _outbox(archive)
    assert out.loc[out.channel == "bus", "last_error"].str.contains("ConnectError").all()
    assert out.loc[out.channel == "ops", "last_error"].str.contains("Connection error").all()
    with webhook_server(port) as (hook, _):
        # a channel missing from the configuration holds its rows instead of dropping them
        assert deliver(archive, [js], now=T0 + pd.Timedelta(hours=1), http=HTTP)["held"] == 2
        assert deliver(archive, [ch], now=T0 + pd.Timedelta(hours=1), http=HTTP)["sent"] == 2
    assert sorted(r.path for r in hook.requests) == ["/ce", "/ce", "/json"]
    assert set(_outbox(archive)["status"]) == {"sent"}


def test_rerun_of_enqueue_and_deliver_sends_nothing_new(alerts, archive) -> None:
    with webhook_server() as (hook, port):
        ch = _ce(f"http://127.0.0.1:{port}/ce")
        for day in range(3):  # the alerts stage and the deliver stage, rerun on later nights
            now = T0 + pd.Timedelta(days=day)
            _commit_alerts(archive, alerts, [ch], now=now)
            deliver(archive, [ch], now=now, http=HTTP)
    assert len(hook.requests) == 2 and archive.count("outbox") == 2
    assert (_outbox(archive)["created_at"] == T0).all()


def _worker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.alerts.outbox_worker", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_crash_between_enqueue_and_deliver(alerts, tmp_path) -> None:
    with webhook_server() as (hook, port):
        chfile = tmp_path / "channels.yaml"
        chfile.write_text(
            yaml.safe_dump(
                {
                    "channels": [
                        {"name": "bus", "kind": "cloudevents", "url": f"http://127.0.0.1:{port}/ce"}
                    ]
                }
            )
        )
        alerts.to_pickle(tmp_path / "alerts.pkl")
        db = str(tmp_path / "a.duckdb")
        proc = _worker("enqueue", db, str(chfile), str(tmp_path / "alerts.pkl"), T0.isoformat())
        assert proc.returncode == -9, proc.stderr  # killed before delivering
        assert hook.requests == []
        with Archive(db) as archive:  # a new process (here: the test) picks up the outbox
            assert archive.count("alerts") == 2
            assert set(archive.table("outbox")["status"]) == {"pending"}
            assert deliver(archive, load_channels(chfile), now=T0, http=HTTP)["sent"] == 2
    assert sorted(json.loads(r.body)["subject"] for r in hook.requests) == [
        "cov:VNM",
        "dyad:CHN>VNM",
    ]


def test_crash_between_send_and_mark_resends_same_id(alerts, tmp_path) -> None:
    hook = Webhook()
    with webhook_server(hook=hook) as (_, port):
        chfile = tmp_path / "channels.yaml"
        chfile.write_text(
            yaml.safe_dump(
                {
                    "channels": [
                        {
                            "name": "bus",
                            "kind": "cloudevents",
                            "url": f"http://127.0.0.1:{port}/ce",
                            "min_severity": "high",
                        }
                    ]
                }
            )
        )
        db = tmp_path / "a.duckdb"
        with Archive(db) as archive:
            _commit_alerts(archive, alerts, load_channels(chfile))
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.alerts.outbox_worker",
                "deliver",
                str(db),
                str(chfile),
                T0.isoformat(),
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        hook.kill_pid = proc.pid  # the receiver gets the event, then the sender dies
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == -9, err
        assert len(hook.requests) == 1
        with Archive(db) as archive:
            row = _outbox(archive).iloc[0]
            # claimed but not marked: still pending, with its retry time; nothing lost
            assert row.status == "pending" and row.attempts == 1 and "no outcome" in row.last_error
            assert deliver(archive, load_channels(chfile), now=T0, http=HTTP)["attempted"] == 0
            later = T0 + pd.Timedelta(seconds=backoff_seconds(1))
            assert deliver(archive, load_channels(chfile), now=later, http=HTTP)["sent"] == 1
            assert _outbox(archive).iloc[0].status == "sent"
    ids = [json.loads(r.body)["id"] for r in hook.requests]
    assert len(ids) == 2 and ids[0] == ids[1]  # at least once, and the receiver can dedup
