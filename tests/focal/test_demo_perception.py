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
    prominent = out.split("most prominent articles:")[1]
    assert "Có người Việt tử nạn" in prominent  # Vietnamese victims of the Lao crash: about Vietnam
    assert "Nổ tại trại huấn luyện Nga" not in prominent  # "22 giờ (giờ Việt Nam)": a time zone
    # the official outlets' statements (catalog kind official) and the articles that carried
    # them: VNA's report of the blast at the Russian camp was carried by two other outlets
    pickups = out.split("official statements and their pickup")[1].split("most prominent")[0]
    blast = next(line for line in pickups.splitlines() if "Nổ tại trại huấn luyện Nga" in line)
    assert "baotintuc.vn" in blast and blast.split()[-5:-3] == ["2", "0"]
    page = html.read_text(encoding="utf-8")
    assert 'id="perception-peers"' in page and "Vietnamese" in page
    assert 'id="perception-pickups"' in page
    # the English night: the series the detectors watch (cov:VNM from the focal tagger, as
    # per:VNM; every peer, named or not) and the night's narrative with its own series
    r = subprocess.run(
        [sys.executable, "-m", "earlywarn.cli", "--archive", str(demo_out / "demo.duckdb"),
         "perception", "--as-of", "2019-11-20", "--html", str(html)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    series = r.stdout.split("series stored on 2019-11-20")[1].split("narratives:")[0]
    rows = {line.split()[0]: line.split()[1:] for line in series.splitlines()[1:] if line.strip()}
    assert rows["cov:VNM"][2] == rows["per:VNM"][2] == "1"
    assert any(u.startswith("per:VNM:nar=") for u in rows) and "plang:VNM" in " ".join(rows)
    assert "Esper accuses China" in r.stdout.split("narratives:")[1]
    page = html.read_text(encoding="utf-8")
    assert 'id="perception-series"' in page and 'id="focal-network"' in page
    with Archive(demo_out / "demo.duckdb", read_only=True) as a:
        peers = a.query(
            "SELECT unique_id, sum(y) y FROM series WHERE as_of = DATE '2019-11-20' "
            "AND unique_id IN ('per:LAO', 'cov:LAO', 'per:CHN', 'cov:CHN') GROUP BY ALL"
        ).set_index("unique_id")["y"]
    assert peers["per:LAO"] == peers["cov:LAO"] == 0 and peers["per:CHN"] == peers["cov:CHN"] > 0
    report = (demo_out / "report-2019-11-20.html").read_text(encoding="utf-8")
    assert 'id="perception"' in report
    # the night the Vietnamese articles were first collected measured their statements' pickup
    first = (demo_out / "report-2016-02-29.html").read_text(encoding="utf-8")
    table = first.split('id="perception-pickups"')[1].split("</table>")[0]
    assert "Nổ tại trại huấn luyện Nga" in table and table.count("<tr>") > 10
