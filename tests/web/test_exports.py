"""Downloads: inbox, evidence and focal view as CSV and Excel, from the page and the CLI."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from starlette.testclient import TestClient

from earlywarn.export import table_bytes, write_table
from earlywarn.web import create_app
from tests.web.accounts import login


@pytest.fixture
def viewer(archive: Path) -> TestClient:
    c = TestClient(create_app(archive), follow_redirects=False)
    assert login(c, "minh") == 303  # reading is enough to download
    return c


def _book(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(book: Any, sheet: str) -> list[dict[str, Any]]:
    values = list(book[sheet].values)
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_inbox_downloads_follow_the_filters(viewer: TestClient, facts: dict[str, Any]) -> None:
    page = viewer.get("/?severity=medium")
    assert 'href="/export/inbox.xlsx?status=open&amp;severity=medium' in page.text
    resp = viewer.get("/export/inbox.xlsx?severity=medium")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="earlywarn-inbox.xlsx"' in resp.headers["content-disposition"]
    rows = _rows(_book(resp.content), "alerts")
    assert len(rows) == facts["severities"]["medium"] >= 1
    assert {r["severity"] for r in rows} == {"medium"}
    vn = next(r for r in rows if r["alert_id"] == facts["vn_alert"])
    assert vn["series"].startswith("Events involving Vietnam") and vn["rule"] == "vn-events"
    assert "where" in vn["reason"] and vn["period"].year == 2018
    every = viewer.get("/export/inbox.csv?status=all")
    text = every.content.decode("utf-8-sig")
    assert every.content.startswith(b"\xef\xbb\xbf")  # Excel reads the UTF-8 as UTF-8
    assert len(list(csv.DictReader(io.StringIO(text)))) == facts["n_alerts"]
    assert viewer.get("/export/inbox.pdf").status_code == 404


def test_evidence_and_focal_downloads(viewer: TestClient, facts: dict[str, Any]) -> None:
    aid = facts["vn_alert"]
    assert f'href="/alerts/{aid}/evidence.xlsx"' in viewer.get(f"/alerts/{aid}").text
    book = _book(viewer.get(f"/alerts/{aid}/evidence.xlsx").content)
    assert book.sheetnames == ["alert", "events", "articles"]
    events = _rows(book, "events")
    assert len(events) == 10 and any(e["source_country"] == "VNM" for e in events)
    assert all(e["cameo_name"] for e in events if e["cameo_code"])
    articles = _rows(book, "articles")
    assert articles and all(a["url"].startswith("http://www.baomoi.com/") for a in articles)
    assert {a["language_name"] for a in articles} == {"Vietnamese"}
    flat = viewer.get(f"/alerts/{aid}/evidence.csv").content.decode("utf-8-sig")
    kinds = [r["table"] for r in csv.DictReader(io.StringIO(flat))]
    assert kinds.count("events") == 10 and kinds[0] == "alert"
    assert viewer.get("/alerts/ffff/evidence.xlsx").status_code == 404
    focal = _book(viewer.get("/export/focal.xlsx?country=VNM").content)
    rows = _rows(focal, "VNM")
    assert len(rows) == 13  # as the focal page counts
    hostile = next(r for r in rows if r["article_id"] == "hostile0000000001")
    assert hostile["url"] == "javascript:alert(1)"  # data, kept as text: a cell never runs it
    assert viewer.get("/export/focal.csv?country=x1").status_code == 400


def test_downloads_need_a_login(archive: Path) -> None:
    c = TestClient(create_app(archive), follow_redirects=False)
    assert c.get("/export/inbox.xlsx").status_code == 303


def test_cells_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "title": ["=cmd|' /C calc'!A0", "+1", "Hà Nội\x07", None],
            "when": pd.to_datetime(["2024-01-01 07:00"] * 4).tz_localize("Asia/Ho_Chi_Minh"),
            "codes": [["a", "b"], [], ["c"], ["d"]],
        }
    )
    path = write_table({"x": frame}, tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["x"]
    assert sheet["A2"].value == "=cmd|' /C calc'!A0" and sheet["A2"].data_type == "s"
    assert sheet["A4"].value == "Hà Nội" and sheet["A5"].value is None
    assert sheet["B2"].value == pd.Timestamp("2024-01-01 00:00")  # UTC
    assert sheet["C2"].value == '["a", "b"]'
    text = table_bytes(frame, "csv").decode("utf-8-sig")
    assert "'=cmd" in text and "'+1" in text
    with pytest.raises(Exception, match="not one of csv, xlsx"):
        write_table(frame, tmp_path / "t.pdf")


def _cli(archive: Path, *args: str) -> Any:
    from typer.testing import CliRunner

    from earlywarn.cli import app

    logger = logging.getLogger("earlywarn")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    try:
        return CliRunner().invoke(app, ["--archive", str(archive), "export", *args])
    finally:
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
        logger.propagate = saved[2]


def test_export_command(archive: Path, facts: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "inbox.xlsx"
    r = _cli(archive, "inbox", "--format", "xlsx", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert len(_rows(_book(out.read_bytes()), "alerts")) == facts["n_alerts"]
    ev = tmp_path / "ev.csv"
    assert _cli(archive, "evidence", facts["vn_alert"], "--out", str(ev)).exit_code == 0
    assert ev.read_text("utf-8-sig").count("\nevents,") == 10
    focal = tmp_path / "focal.csv"
    assert _cli(archive, "focal", "--format", "csv", "--out", str(focal)).exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(focal.read_text("utf-8-sig"))))) == 13
    assert _cli(archive, "evidence", "--out", str(ev)).exit_code == 64
    assert _cli(archive, "evidence", "ffff", "--out", str(ev)).exit_code == 66
    assert _cli(archive, "inbox", "--out", str(tmp_path / "x.pdf")).exit_code == 64
    assert _cli(archive, "everything", "--out", str(out)).exit_code == 64
    missing = _cli(tmp_path / "nope.duckdb", "inbox", "--out", str(out))
    assert missing.exit_code == 66 and not (tmp_path / "nope.duckdb").exists()
    # a country as the analyst types it is the same export; an unknown one or a misspelt
    # status is refused (they wrote an empty file and exit 0)
    named = tmp_path / "named.csv"
    assert _cli(archive, "focal", "--country", "Việt Nam", "--out", str(named)).exit_code == 0
    assert named.read_bytes() == focal.read_bytes()
    unknown = _cli(archive, "focal", "--country", "Narnia", "--out", str(named))
    assert unknown.exit_code == 64 and "ISO3" in unknown.output
    typo = _cli(archive, "inbox", "--status", "opne", "--out", str(out))
    assert typo.exit_code == 64 and "acknowledged" in typo.output


def test_export_default_file_follows_the_format(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--format csv` without --out wrote CSV text into earlywarn-export.xlsx, which Excel
    # then refuses to open; a --format that contradicts the --out suffix did the same
    monkeypatch.chdir(tmp_path)
    r = _cli(archive, "focal", "--format", "csv")
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "earlywarn-export.xlsx").exists()
    text = (tmp_path / "earlywarn-export.csv").read_text("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 13
    assert _cli(archive, "focal").exit_code == 0  # no --format: Excel, as before
    assert _book((tmp_path / "earlywarn-export.xlsx").read_bytes())
    clash = _cli(archive, "focal", "--format", "csv", "--out", str(tmp_path / "f.xlsx"))
    assert clash.exit_code == 64 and "f.xlsx" in clash.output
    assert not (tmp_path / "f.xlsx").exists()
