"""``earlywarn search`` as a user runs it: a subprocess on a real archive."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from earlywarn.search import index_path


def _run(archive: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "earlywarn.cli", "--archive", str(archive), "search", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("total", "locale", "line"),
    [
        (1, "en", "1 article matches; page 1 of 1"),
        (3, "en", "3 articles match; page 1 of 1"),
        (0, "en", "0 articles match; page 1 of 1"),
        (1, "vi", "1 bài viết phù hợp; trang 1/1"),
    ],
)
def test_the_count_line_agrees_in_number_and_follows_the_locale(
    total: int, locale: str, line: str
) -> None:
    """The count line read 'N article(s) match' whatever N and the configured locale."""
    import io

    import pandas as pd
    from rich.console import Console

    from earlywarn.search._cli import print_results

    hits = pd.DataFrame(columns=["rank", "title_html", "published", "outlet", "language"])
    hits.attrs.update(total=total, page=1, pages=1)
    buf = io.StringIO()
    print_results(hits, Console(file=buf, width=200), locale=locale)
    assert buf.getvalue().splitlines()[0] == line


def test_search_cli(archive_copy: Path) -> None:
    shutil.rmtree(index_path(archive_copy), ignore_errors=True)
    missing = _run(archive_copy, "Biển Đông")
    # missing input (66), not "a stage failed" (70)
    assert missing.returncode == 66 and "earlywarn search --rebuild" in missing.stderr
    built = _run(archive_copy, "--rebuild")
    assert built.returncode == 0, built.stderr
    assert "indexed 156 articles" in built.stderr
    text = _run(archive_copy, "Biển Đông", "--per-page", "3")
    assert text.returncode == 0, text.stderr
    assert re.search(r"\d+ articles match; page 1 of", text.stdout) and "Biển Đông" in text.stdout
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
    assert bad.returncode == 64 and "sort must be one of" in bad.stderr


def test_search_cli_usage_errors_and_filters_as_typed(
    search_archive: Path, archive_copy: Path, tmp_path: Path
) -> None:
    """Bad input is a usage error (64) with what to type, never an internal error (70); a
    country filter takes a name as the analyst types it, a language filter any case."""
    shutil.copytree(index_path(search_archive), index_path(archive_copy))
    no_query = _run(archive_copy)
    assert no_query.returncode == 64 and "give a query" in no_query.stderr
    assert "Traceback" not in no_query.stderr
    bad_date = _run(archive_copy, "x", "--since", "2019-13-01")
    assert bad_date.returncode == 64 and "YYYY-MM-DD" in bad_date.stderr
    unknown = _run(archive_copy, "x", "--country", "Narnia")
    assert unknown.returncode == 64 and "ISO3" in unknown.stderr
    gone = _run(tmp_path / "none.duckdb", "x")
    assert gone.returncode == 66 and "does not exist" in gone.stderr

    def total(*args: str) -> int:
        r = _run(archive_copy, "Trung Quốc", "--json", *args)
        assert r.returncode == 0, r.stderr
        return int(json.loads(r.stdout)["total"])

    by_code = total("--country", "VNM")
    assert by_code > 0
    assert total("--country", "Vietnam") == total("--country", "Việt Nam") == by_code
    assert total("--mentions", "Vietnam") == total("--mentions", "VNM") > 0
    assert total("--lang", "VI") == total("--lang", "vi") > 0


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_a_page_far_past_the_last_is_empty_not_an_abort(
    search_archive: Path, archive_copy: Path, sort: str
) -> None:
    """tantivy allocated (offset + limit) slots up front: --page 400000000 asked for 64 GB
    and the process aborted (signal 6, a Rust panic; the same call would take down the
    review page's server); pages past the matches now print no row and the real count."""
    shutil.copytree(index_path(search_archive), index_path(archive_copy))

    def page(n: int) -> dict[str, object]:
        r = _run(archive_copy, "Trung Quốc", "--json", "--sort", sort, "--page", str(n))
        assert r.returncode == 0, (n, r.returncode, r.stderr[-400:])
        out: dict[str, object] = json.loads(r.stdout)
        return out

    first, second = page(1), page(2)
    assert first["results"] and second["results"] != first["results"]
    for n in (400_000_000, 99_999_999_999):
        far = page(n)
        assert far["results"] == [] and far["total"] == first["total"] and far["page"] == n


def test_an_export_path_that_is_a_folder_or_has_no_format_is_a_usage_error(
    search_archive: Path, archive_copy: Path, tmp_path: Path
) -> None:
    """``--out`` on a folder or a name without .csv/.xlsx ended in an internal error (70)
    saying only "export format '' is not one of csv, xlsx"."""
    shutil.copytree(index_path(search_archive), index_path(archive_copy))
    folder = tmp_path / "results.csv"
    folder.mkdir()
    for out, phrase in [
        (tmp_path, "is a folder; give a file name such as"),
        (folder, "is a folder; give a file name such as"),
        (tmp_path / "results", "give a file name ending in .csv or .xlsx"),
    ]:
        r = _run(archive_copy, "Trung Quốc", "--out", str(out))
        assert r.returncode == 64, (out, r.returncode, r.stderr[-400:])
        assert phrase in r.stderr
    assert list(folder.iterdir()) == []


def test_rebuild_takes_the_archive_lock(archive_copy: Path) -> None:
    """A nightly run holds the archive's lock while its search stage adds the night's
    articles to the index; --rebuild took no lock, so it could swap in an index without
    them. It now refuses (75, 'wait ... --wait') and leaves the index as it was."""
    from filelock import FileLock

    from earlywarn.errors import LockedError
    from earlywarn.search import rebuild

    before = _run(archive_copy, "--rebuild")
    assert before.returncode == 0, before.stderr
    files = {p: p.stat().st_mtime_ns for p in index_path(archive_copy).rglob("*")}
    with FileLock(f"{archive_copy}.lock"):  # what a running nightly job holds
        held = _run(archive_copy, "--rebuild")
        assert held.returncode == 75, held.stderr
        assert "another earlywarn job holds" in held.stderr and "--wait" in held.stderr
        with pytest.raises(LockedError):
            rebuild(archive_copy)
        assert {p: p.stat().st_mtime_ns for p in index_path(archive_copy).rglob("*")} == files
        searched = _run(archive_copy, "Biển Đông", "--per-page", "1")  # reading needs no lock
        assert searched.returncode == 0, searched.stderr
    after = _run(archive_copy, "--rebuild", "--wait", "5")
    assert after.returncode == 0 and "indexed 156 articles" in after.stderr, after.stderr
