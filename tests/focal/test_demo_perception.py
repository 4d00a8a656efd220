"""`earlywarn perception` on the demo archive, as a user runs it (the session's demo)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from earlywarn.store import Archive

pytestmark = pytest.mark.timeout(1500)


@pytest.mark.slow
def test_perception_on_the_demo_archive(demo_out: Path) -> None:
    with Archive(demo_out / "demo.duckdb", read_only=True) as a:
        tagged = a.query("SELECT count(*) n FROM perception WHERE role = 'focal'")["n"][0]
        kinds = set(a.query("SELECT DISTINCT split_part(unique_id, ':', 1) k FROM series")["k"])
    assert tagged > 100 and {"per", "pshare", "ptone", "pneg", "pnew"} <= kinds
    html = demo_out / "perception-VNM.html"
    r = subprocess.run(
        [sys.executable, "-m", "earlywarn.cli", "--archive", str(demo_out / "demo.duckdb"),
         "perception", "--country", "Việt Nam", "--as-of", "2013-11-01", "--html", str(html)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout
    assert "Perception of Vietnam (VNM)" in out and "China (CHN)" in out
    assert "Có người Việt tử nạn" in out  # Vietnamese victims of the Lao crash: about Vietnam
    assert "Nổ tại trại huấn luyện Nga" not in out  # "22 giờ (giờ Việt Nam)": a time zone
    page = html.read_text(encoding="utf-8")
    assert 'id="perception-peers"' in page and "Vietnamese" in page
    report = (demo_out / "report-2019-11-20.html").read_text(encoding="utf-8")
    assert 'id="perception"' in report
