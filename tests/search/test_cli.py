"""``earlywarn search`` as a user runs it: a subprocess on a real archive."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from earlywarn.search import index_path


def _run(archive: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "earlywarn.cli", "--archive", str(archive), "search", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_search_cli(archive_copy: Path) -> None:
    shutil.rmtree(index_path(archive_copy), ignore_errors=True)
    missing = _run(archive_copy, "Biển Đông")
    assert missing.returncode == 70 and "earlywarn search --rebuild" in missing.stderr
    built = _run(archive_copy, "--rebuild")
    assert built.returncode == 0, built.stderr
    assert "indexed 156 articles" in built.stderr
    text = _run(archive_copy, "Biển Đông", "--per-page", "3")
    assert text.returncode == 0, text.stderr
    assert "article(s) match; page 1 of" in text.stdout and "Biển Đông" in text.stdout
    js = _run(archive_copy, "bien dong", "--json", "--lang", "vi", "--page", "2", "--per-page", "2")
    data = json.loads(js.stdout)
    assert data["page"] == 2 and len(data["results"]) == 2 and data["total"] > 4
    assert {r["language"] for r in data["results"]} == {"vi"}
    assert data["results"][0]["rank"] == 3 and "<mark>" in json.dumps(data["results"])
    xlsx = archive_copy.parent / "results.xlsx"
    exported = _run(archive_copy, "bien dong", "--lang", "vi", "--out", str(xlsx))
    assert exported.returncode == 0, exported.stderr
    from openpyxl import load_workbook

    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("rank", "score", "published", "title")
    assert len(rows) - 1 == data["total"] and "<mark>" not in str(rows)
    csv = archive_copy.parent / "results.csv"
    assert _run(archive_copy, "Biển Đông", "--out", str(csv)).returncode == 0
    assert csv.read_bytes().startswith(b"\xef\xbb\xbfrank,")
    bad = _run(archive_copy, "x", "--sort", "random")
    assert bad.returncode == 70 and "sort must be one of" in bad.stderr
