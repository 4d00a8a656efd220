"""Leftovers of the seventh hostile round (tests/HOSTILE.md): an alert first raised on a
forced rerun of a past night, shown as raised then (not on the night) in the inbox, the
review page's alert page and the report, in English and Vietnamese."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from starlette.testclient import TestClient


@pytest.mark.slow  # three nightly runs (~15 s)
def test_an_alert_raised_on_a_rerun_is_shown_as_raised_then(tmp_path: Path) -> None:
    """The ledger marked a rerun-born alert (`alert_ledger.rerun`), but the inbox, the
    alert's page and the report read the `alerts` table alone: they showed it as raised on
    the past night it is dated, nothing telling it apart from the night's own alerts. Now
    each says 'raised on a rerun <when it was first seen>, not on the night it is dated'."""
    from earlywarn.config import Settings, WebSettings
    from earlywarn.demo import CORPUS
    from earlywarn.i18n import format_when
    from earlywarn.io.history import import_history
    from earlywarn.pipeline import run_nightly
    from earlywarn.report._text import fmt_time
    from earlywarn.stage import report_path
    from earlywarn.store import Archive
    from earlywarn.web import create_app

    rules = tmp_path / "rules.yaml"
    mild = "  - {name: mild, series: ['YEM:root1*'], threshold: 3, window: 3MS}\n"
    loud = "  - {name: loud, series: ['YEM:root1*'], threshold: 2.5, window: 3MS}\n"
    rules.write_text("rules:\n" + mild)
    s = Settings(
        archive=tmp_path / "a.duckdb",
        output_dir=tmp_path / "out",
        scheduler="synchronous",
        rules=rules,
    )
    import_history(s, "counts", CORPUS / "YEM_gdelt_monthly_long.csv")
    stages = ["series", "detect", "alerts"]
    run_nightly(s, "2015-03-31", stages=stages)
    rules.write_text("rules:\n" + mild + loud)  # a rule added, then the night forced again
    run_nightly(s, "2015-03-31", stages=[*stages, "report"], force=True)
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
        c.get("/lang/vi")
        assert "phát sinh khi chạy lại" in c.get("/").text.lower()

    report = report_path(s, pd.Timestamp("2015-03-31").date()).read_text()
    for aid in late["alert_id"]:  # the alert's card in the report
        card = report.split(f'data-alert-id="{aid}"')[1].split("</article>")[0]
        assert f"{said} {when}" in card, card
    for aid in live["alert_id"]:
        assert said not in report.split(f'data-alert-id="{aid}"')[1].split("</article>")[0]
