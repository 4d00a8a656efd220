"""The nightly search stage: incremental, idempotent, and equal to a rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

from earlywarn.config import load_settings
from earlywarn.pipeline import StageContext, run_stage
from earlywarn.search import SearchIndex, index_path, rebuild, search
from earlywarn.store import Archive

QUERIES = ["Biển Đông", "trump", "Trung Quốc", '"thỏa thuận"', "Campuchia OR Syria -Hun"]


def _results(path: Path) -> dict[str, list[tuple[str, float]]]:
    idx = SearchIndex.open(index_path(path))
    out = {}
    for q in QUERIES:
        hits = search(q, index=idx, per_page=500)
        out[q] = sorted(zip(hits["article_id"], hits["score"].round(3), strict=True))
    return out


def test_nightly_stage_matches_rebuild(archive_copy: Path) -> None:
    shutil.rmtree(index_path(archive_copy), ignore_errors=True)
    settings = load_settings(None, archive=archive_copy)
    with Archive(archive_copy) as archive:
        archive.con.execute("UPDATE articles SET as_of = CAST(published AS DATE)")
        nights = sorted(archive.query("SELECT DISTINCT as_of FROM articles")["as_of"])
        total = archive.count("articles")
        seen = []
        for night in nights:
            ctx = StageContext(archive, settings, night.date(), "test")
            run_stage(ctx, "search")
            seen.append(ctx.rows["search"]["index_docs"])
        assert seen == sorted(seen) and seen[-1] == total  # grows night by night
        assert archive.stage_done(nights[-1].date(), "search")
    incremental = _results(archive_copy)
    assert all(incremental.values())

    with Archive(archive_copy) as archive:  # a rerun of the last night changes nothing
        ctx = StageContext(archive, settings, nights[-1].date(), "test-again")
        run_stage(ctx, "search")
        assert ctx.rows["search"]["index_docs"] == total
    assert _results(archive_copy) == incremental

    info = rebuild(archive_copy)
    assert info["articles"] == total and info["bytes"] > 0
    assert len(SearchIndex.open(index_path(archive_copy))) == total
    assert _results(archive_copy) == incremental
    assert not list(archive_copy.parent.glob("*.search.*"))  # no temporary folders left
