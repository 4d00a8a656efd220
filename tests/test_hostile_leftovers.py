"""Leftovers of the seventh hostile round (tests/HOSTILE.md): an alert first raised on a
forced rerun of a past night, shown as raised then (not on the night) in the inbox, the
review page's alert page and the report, in English and Vietnamese; an MLflow call given
up at its deadline that reached the server after all, replayed without a second run."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from starlette.testclient import TestClient


@pytest.mark.slow  # three nightly runs (~15 s)
def test_an_alert_raised_on_a_rerun_is_shown_as_raised_then(tmp_path: Path) -> None:
    """The ledger marked a rerun-born alert (`alert_ledger.rerun`), but the inbox, the
    alert's page and the report read the `alerts` table alone: they showed it as raised on
    the past night it is dated, nothing telling it apart from the night's own alerts. Now
    each says 'raised on a rerun <when it was first seen>, not on the night it is dated'."""
    from earlywarn.config import WebSettings
    from earlywarn.i18n import format_when
    from earlywarn.pipeline import run_nightly
    from earlywarn.report._text import fmt_time
    from earlywarn.stage import report_path
    from earlywarn.store import Archive
    from earlywarn.web import create_app
    from tests.alert_nights import NIGHT, STAGES, yemen_night

    mild = "  - {name: mild, series: ['YEM:root1*'], threshold: 3, window: 3MS}\n"
    loud = "  - {name: loud, series: ['YEM:root1*'], threshold: 2.5, window: 3MS}\n"
    s, rules = yemen_night(tmp_path, mild)
    rules.write_text("rules:\n" + mild + loud)  # a rule added, then the night forced again
    run_nightly(s, NIGHT, stages=[*STAGES, "report"], force=True)
    with Archive(s.archive, read_only=True) as a:
        ledger = a.table("alert_ledger")
    late = ledger[ledger["rerun"].astype(bool)]
    live = ledger[~ledger["rerun"].astype(bool)]
    assert len(late) and set(late["rule"]) == {"loud"} and len(live), ledger
    first_seen = fmt_time(late["recorded_at"].iloc[0])  # today, not 2015-03-31
    when = format_when(first_seen, "en")
    said = "raised on a rerun"

    app = create_app(s.archive, web=WebSettings(anonymous_read=True))
    with TestClient(app, follow_redirects=False) as c:
        inbox = c.get("/").text
        rows = {m[1]: m[2] for m in re.finditer(r'data-alert-id="([^"]+)">(.*?)</tr>', inbox, re.S)}
        assert set(rows) == set(ledger["alert_id"]), inbox
        for aid in late["alert_id"]:
            assert f"{said} {when}" in rows[aid] and first_seen in rows[aid], rows[aid]
        for aid in live["alert_id"]:
            assert said not in rows[aid]  # the night's own alerts: as before
        page = c.get(f"/alerts/{late['alert_id'].iloc[0]}").text
        assert f"{said} {when}" in page and 'id="rerun-at"' in page
        assert 'id="rerun-at"' not in c.get(f"/alerts/{live['alert_id'].iloc[0]}").text
        got = c.get("/export/inbox.csv").text  # the inbox download says it too
        table = {r["alert_id"]: r for r in csv.DictReader(io.StringIO(got.lstrip("\ufeff")))}
        for aid in ledger["alert_id"]:
            rerun_at = table[aid]["rerun_at"]
            assert rerun_at.startswith(first_seen[:16]) == (aid in set(late["alert_id"])), rerun_at
            assert rerun_at == "" or aid in set(late["alert_id"])
        c.get("/lang/vi")
        assert "phát sinh khi chạy lại" in c.get("/").text.lower()

    report = report_path(s, pd.Timestamp("2015-03-31").date()).read_text()
    for aid in late["alert_id"]:  # the alert's card in the report
        card = report.split(f'data-alert-id="{aid}"')[1].split("</article>")[0]
        assert f"{said} {when}" in card, card
    for aid in live["alert_id"]:
        assert said not in report.split(f'data-alert-id="{aid}"')[1].split("</article>")[0]


# -- an MLflow call given up at the deadline that reaches the server after all ---------------


class _SlowAnswers:
    """A loopback TCP proxy in front of a real server: while ``slow`` is set, the answer on a
    connection that carried a request whose line holds ``marker`` is held ``delay`` seconds
    (the request itself goes through at once, so the server acts on it); with
    ``hold_request`` the request is held instead (the server acts on it ``delay`` late)."""

    def __init__(self, port: int, marker: bytes, delay: float, hold_request: bool = False) -> None:
        import socket
        import threading

        self.target, self.marker, self.delay = port, marker, delay
        self.hold_request = hold_request
        self.slow = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            held = threading.Event()
            threading.Thread(
                target=self._pipe, args=(client, upstream, held, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pipe, args=(upstream, client, held, False), daemon=True
            ).start()

    def _pipe(self, src: Any, dst: Any, held: Any, request: bool) -> None:
        import time

        try:
            while data := src.recv(65536):
                if request and self.slow.is_set() and self.marker in data:
                    if self.hold_request:
                        time.sleep(self.delay)
                    else:
                        held.set()
                if not request and held.is_set():
                    time.sleep(self.delay)
                    held.clear()
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.close()

    def close(self) -> None:
        self.sock.close()


@pytest.mark.slow  # a real `mlflow server` (~5-35 s to start)
def test_a_call_given_up_at_the_deadline_makes_no_second_run_on_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tracking call abandoned at EARLYWARN_MLFLOW_CALL_DEADLINE is buffered, but its
    request had reached the server, which made the run (and, the answer arriving later,
    the abandoned thread finished it). Replaying the buffer made the same run a second time:
    two 'nightly' runs for one night. Now each run carries its call's id (tag
    earlywarn.call_id) and the replay takes a run that already has it."""
    import mlflow

    from earlywarn.tracking import CALL_TAG, Tracker
    from tests.mlflow_server import free_port, start_server, stop

    monkeypatch.setenv("EARLYWARN_MLFLOW_CALL_DEADLINE", "2")
    port = free_port()
    server = start_server(tmp_path, port)
    proxy = _SlowAnswers(port, b"/runs/create", delay=4.0)
    try:
        t = Tracker(f"http://127.0.0.1:{proxy.port}", "ew", buffer_dir=tmp_path / "buf")
        t.connect()  # the experiment, answered in time
        proxy.slow.set()
        t.log_run("nightly 2025-01-01", params={"p": "1"}, metrics={"m": 1.5})
        assert t.offline and t.pending() == 1  # given up after 2 s, buffered
        direct = mlflow.MlflowClient(f"http://127.0.0.1:{port}")
        exp = direct.get_experiment_by_name("ew").experiment_id
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the abandoned call ends on its own
            runs = direct.search_runs([exp])
            if runs and runs[0].info.status == "FINISHED":
                break
            time.sleep(0.3)
        assert [r.info.status for r in runs] == ["FINISHED"]  # it did reach the server
        proxy.slow.clear()
        assert t.sync() == 1 and t.pending() == 0
        runs = direct.search_runs([exp])
        assert [r.info.run_name for r in runs] == ["nightly 2025-01-01"], runs  # was: two
        run = runs[0]
        assert run.data.metrics == {"m": 1.5} and run.data.params == {"p": "1"}
        assert run.data.tags[CALL_TAG].startswith("local-")
        assert len(direct.get_metric_history(run.info.run_id, "m")) == 1
        t.log_run("nightly 2025-01-02", metrics={"m": 2.0})  # online again: a run of its own
        assert sorted(r.info.run_name for r in direct.search_runs([exp])) == [
            "nightly 2025-01-01", "nightly 2025-01-02"
        ]  # fmt: skip
    finally:
        proxy.close()
        stop(server)


@pytest.mark.slow  # a real `mlflow server` (~5-35 s to start)
def test_a_replay_racing_a_call_given_up_at_the_deadline_makes_no_second_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The replay took the run a given-up call had made, but only once the store held it:
    synced while the abandoned call was still in flight (its request not yet acted on),
    the replay found no run and made one, and the request then made another: two runs for
    one night. Now a replay waits for a run-making call given up in this process (at most
    the call deadline), then finds its run; if it still runs, the call stays buffered."""
    import logging

    import mlflow

    from earlywarn.tracking import Tracker
    from tests.mlflow_server import free_port, start_server, stop

    monkeypatch.setenv("EARLYWARN_MLFLOW_CALL_DEADLINE", "2")
    port = free_port()
    server = start_server(tmp_path, port)
    proxy = _SlowAnswers(port, b"/runs/create", delay=3.0, hold_request=True)
    try:
        t = Tracker(f"http://127.0.0.1:{proxy.port}", "ew", buffer_dir=tmp_path / "buf")
        t.connect()
        direct = mlflow.MlflowClient(f"http://127.0.0.1:{port}")
        exp = direct.get_experiment_by_name("ew").experiment_id
        proxy.slow.set()
        t.log_run("nightly 2025-01-01", params={"p": "1"}, metrics={"m": 1.5})
        proxy.slow.clear()
        assert t.offline and t.pending() == 1 and direct.search_runs([exp]) == []
        assert t.sync() == 1 and t.pending() == 0  # while the given-up call is in flight
        time.sleep(3.0)  # whatever was in flight has landed by now
        runs = direct.search_runs([exp])
        assert [r.info.run_name for r in runs] == ["nightly 2025-01-01"], runs  # was: two
        assert runs[0].data.metrics == {"m": 1.5} and runs[0].info.status == "FINISHED"

        # a call still in flight past the wait: kept buffered, replayed once it has ended
        # (a proxy of its own: no kept-alive connection the server may have closed since)
        later = _SlowAnswers(port, b"/runs/create", delay=5.0, hold_request=True)
        t = Tracker(f"http://127.0.0.1:{later.port}", "ew", buffer_dir=tmp_path / "buf2")
        t.connect()
        later.slow.set()
        t.log_run("nightly 2025-01-02", metrics={"m": 2.0})
        later.slow.clear()
        assert t.offline and t.pending() == 1
        with caplog.at_level(logging.WARNING, logger="earlywarn"):
            assert t.sync() == 0 and t.pending() == 1
        assert "still waits for the store's answer" in caplog.text
        time.sleep(2.0)
        with caplog.at_level(logging.WARNING, logger="earlywarn"):
            caplog.clear()
            synced = t.sync()
        if synced == 0:
            # on a loaded machine the pooled connection the held call used can be one the
            # server has closed by now: that sync stops on it (nothing replayed, nothing
            # made twice) and the next one goes on, as the next night's would
            assert "Connection aborted" in caplog.text and t.pending() == 1, caplog.text
            synced = t.sync()
        assert synced == 1 and t.pending() == 0
        names = sorted(r.info.run_name for r in direct.search_runs([exp]))
        assert names == ["nightly 2025-01-01", "nightly 2025-01-02"], names
        later.close()
    finally:
        proxy.close()
        stop(server)
